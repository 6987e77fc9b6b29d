import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContractError } from '../../../core/contract/errors.js';
import {
  destinationGuard,
  exportBaseName,
  namesFolder,
  resolveDestination,
} from '../../../main/io/export-destination.js';

test('~ and ~/x are the home folder; other relative paths resolve against the stated base', () => {
  const home = '/home/lan';
  const base = '/srv/work';
  assert.equal(resolveDestination('~', base, home), '/home/lan');
  assert.equal(resolveDestination('~/', base, home), '/home/lan');
  assert.equal(resolveDestination('~/x.jsonl', base, home), '/home/lan/x.jsonl');
  assert.equal(resolveDestination('~/a/../b/x.jsonl', base, home), '/home/lan/b/x.jsonl');
  assert.equal(resolveDestination('out/x.jsonl', base, home), '/srv/work/out/x.jsonl');
  assert.equal(resolveDestination('../x.jsonl', base, home), '/srv/x.jsonl');
  assert.equal(resolveDestination('/tmp/x.jsonl', base, home), '/tmp/x.jsonl');
  // `~user` is not expanded: it is an ordinary (if odd) relative name.
  assert.equal(resolveDestination('~lan/x', base, home), '/srv/work/~lan/x');
});

test('a trailing separator names a folder', () => {
  assert.equal(namesFolder('~/exports/'), true);
  assert.equal(namesFolder('out\\'), true);
  assert.equal(namesFolder('~/exports'), false);
});

function refusal(fn: () => void): ContractError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ContractError);
    return error;
  }
}

test('the data folder, anything in it but exports/, and the database files are refused', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-guard-')));
  const dataDir = join(root, 'data');
  mkdirSync(join(dataDir, 'imports'), { recursive: true });
  const db = join(dataDir, 'workbench.sqlite');
  writeFileSync(db, '');
  const guard = destinationGuard({ dataDir, dbPath: db });

  for (const path of [
    dataDir,
    join(dataDir, 'x.jsonl'),
    join(dataDir, 'imports'),
    join(dataDir, 'models', 'new'),
    join(dataDir, 'exports', '..', 'x'),
  ]) {
    const error = refusal(() => guard(path));
    assert.ok(error, `${path} should be refused`);
    assert.equal(error.code, 'invalid');
    assert.equal(error.field, 'destination');
    assert.match(error.message, /the workbench's data folder/);
  }
  for (const path of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) {
    assert.match(refusal(() => guard(path))?.message ?? '', /it is the workbench's database/, path);
  }
  for (const path of [
    join(dataDir, 'exports'),
    join(dataDir, 'exports', 'x.jsonl'),
    join(dataDir, 'exports', 'brat', 'a.ann'),
    `${dataDir}-2`,
    join(root, 'x.jsonl'),
    root,
  ]) {
    assert.equal(
      refusal(() => guard(path)),
      undefined,
      `${path} should be allowed`,
    );
  }
});

test('links and dot segments do not get around the guard', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-guard-')));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const db = join(dataDir, 'workbench.sqlite');
  writeFileSync(db, '');
  symlinkSync(dataDir, join(root, 'link'));
  const guard = destinationGuard({ dataDir: join(root, 'link'), dbPath: db });
  assert.ok(refusal(() => guard(join(root, 'link', 'workbench.sqlite'))));
  assert.ok(refusal(() => guard(join(dataDir, 'new', 'x.jsonl'))));
  assert.ok(refusal(() => guard(join(root, 'elsewhere', '..', 'data', 'workbench.sqlite-wal'))));
});

test('a database outside any data folder is still refused (the CLI may give no data folder)', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-guard-')));
  const db = join(root, 'corpus.sqlite');
  writeFileSync(db, '');
  const guard = destinationGuard({ dbPath: db });
  assert.ok(refusal(() => guard(db)));
  assert.ok(refusal(() => guard(`${db}-wal`)));
  assert.equal(
    refusal(() => guard(join(root, 'corpus.jsonl'))),
    undefined,
  );
  assert.equal(
    refusal(() => destinationGuard({ dbPath: ':memory:' })(join(root, ':memory:'))),
    undefined,
  );
});

test('an export name is safe on any file system', () => {
  assert.equal(
    exportBaseName('Y tế / COVID', 'done', new Date('2025-01-02T03:04:05.678Z')),
    'Y_tế_COVID-done-2025-01-02T03-04-05-678Z',
  );
});
