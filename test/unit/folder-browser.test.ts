// The export dialog's folder browser: only inside the home folder (links resolved first), names and sizes only,
// and a payload the contract's schema checks.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ContractError } from '../../core/contract/errors.js';
import { paramSchemas } from '../../core/contract/methods.js';
import { listFolders } from '../../main/services/folder-browser.js';

let root: string;
let home: string;
let outside: string;

before(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-folders-')));
  home = join(root, 'home');
  outside = join(root, 'elsewhere');
  mkdirSync(join(home, 'Documents', 'exports'), { recursive: true });
  mkdirSync(join(home, 'Desktop'));
  mkdirSync(join(home, '.ssh'));
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.jsonl'), 'x');
  writeFileSync(join(home, 'Documents', 'old.jsonl'), '{"text":"a"}\n');
  writeFileSync(join(home, 'Documents', 'notes.txt'), 'mine');
  symlinkSync(outside, join(home, 'Documents', 'escape'));
  symlinkSync(join(home, 'Desktop'), join(home, 'Documents', 'desk'));
  symlinkSync(join(outside, 'secret.jsonl'), join(home, 'Documents', 'leak.jsonl'));
});

after(() => rmSync(root, { recursive: true, force: true }));

async function refused(run: () => unknown, code: string): Promise<void> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(error instanceof ContractError, `expected a ContractError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
}

test('the home folder lists its visible sub-folders, has no parent, and no file unless an extension is asked', () => {
  const listing = listFolders(undefined, { home });
  assert.equal(listing.path, home);
  assert.equal(listing.home, home);
  assert.equal(listing.parent, null);
  assert.deepEqual(listing.folders, ['Desktop', 'Documents']);
  assert.deepEqual(listing.files, []);
});

test('a sub-folder lists folders, links that stay at home, and only files of the asked extensions with their sizes', () => {
  const listing = listFolders('~/Documents', { home, extensions: ['.jsonl'] });
  assert.equal(listing.path, join(home, 'Documents'));
  assert.equal(listing.parent, home);
  // `escape` points outside the home folder and `leak.jsonl` at a file there: neither is shown.
  assert.deepEqual(listing.folders, ['desk', 'exports']);
  assert.deepEqual(listing.files, [{ name: 'old.jsonl', bytes: 13 }]);
  assert.equal(listing.truncated, false);
  // A relative path is the home's too.
  assert.equal(listFolders('Documents/exports', { home }).path, join(home, 'Documents', 'exports'));
});

test('anything resolving outside the home folder is refused, links and dot-dots included', async () => {
  await refused(() => listFolders(outside, { home }), 'forbidden');
  await refused(() => listFolders('/', { home }), 'forbidden');
  await refused(() => listFolders('~/..', { home }), 'forbidden');
  await refused(() => listFolders(join(home, 'Documents', 'escape'), { home }), 'forbidden');
  await refused(() => listFolders(join(home, 'nope'), { home }), 'not-found');
  await refused(() => listFolders(join(home, 'Documents', 'old.jsonl'), { home }), 'invalid');
  // A link to a folder inside the home folder opens as that folder.
  assert.equal(listFolders(join(home, 'Documents', 'desk'), { home }).path, join(home, 'Desktop'));
});

test('the payload is checked by the contract: a path string and short dotted extensions only', () => {
  const schema = paramSchemas['files.listFolders'];
  assert.ok(schema.safeParse({}).success);
  assert.ok(schema.safeParse({ path: '~/Documents', extensions: ['.jsonl', '.conll'] }).success);
  assert.equal(schema.safeParse({ path: '' }).success, false);
  assert.equal(schema.safeParse({ path: 42 }).success, false);
  assert.equal(schema.safeParse({ extensions: ['jsonl'] }).success, false);
  assert.equal(schema.safeParse({ extensions: ['./../x'] }).success, false);
  assert.equal(schema.safeParse({ path: '~', recursive: true }).success, false);
});
