// Bounded input end to end: the CLI's --max-record-mb, a too-long label refused at import with file:line:field,
// and the browser import sending bytes, so invalid UTF-8 is refused with its line (the database untouched) and a
// bad file name is a named field error, never a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatcher } from '../../main/hosts/dispatch.js';
import { openDatabase } from '../../db/open-database.js';
import { tempService } from '../unit/hosts/helpers.js';
import { dataFolder, workbench } from './cli-run.js';
import { contentFingerprint } from './db-fingerprint.js';

const record = (words: string[], tags: string[]) => JSON.stringify({ words, tags });

test('CLI: --max-record-mb sets the record limit of validate and import; a longer record is an error at file:line', () => {
  const dir = dataFolder();
  try {
    const file = join(dir, 'train_syllable.jsonl');
    writeFileSync(
      file,
      [
        record(['Hà', 'Nội'], ['B-LOCATION', 'I-LOCATION']),
        record(['x'.repeat(2000)], ['O']),
        record(['Huế'], ['B-LOCATION']),
      ].join('\n') + '\n',
    );
    const small = workbench(['validate', file, '--format', 'phoner', '--max-record-mb', '0.001']);
    assert.equal(small.status, 1, small.stderr);
    assert.match(
      small.stdout + small.stderr,
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: error: record longer than 1048 characters \\(raise --max-record-mb to allow it\\)`,
      ),
    );
    assert.match(small.stdout, /2 documents/);
    assert.equal(workbench(['validate', file, '--format', 'phoner', '--max-record-mb', '0.01']).status, 0);
    const bad = workbench(['validate', file, '--format', 'phoner', '--max-record-mb', '0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-record-mb must be a number above 0/);

    const db = join(dir, 'w.db');
    assert.equal(workbench(['init', db]).status, 0);
    const refused = workbench(['import', db, file, '--format', 'phoner', '--max-record-mb', '0.001']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stdout + refused.stderr, /train_syllable\.jsonl:2: error: record longer than 1048 characters/);
    const skipped = workbench(['import', db, file, '--format', 'phoner', '--max-record-mb', '0.001', '--skip-invalid']);
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(skipped.stdout, /imported 2 documents/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI import: a label of 100 characters is refused with file:line:field and the database is unchanged', () => {
  const dir = dataFolder();
  try {
    const db = join(dir, 'w.db');
    assert.equal(workbench(['init', db]).status, 0);
    const file = join(dir, 'doccano.jsonl');
    writeFileSync(file, `${JSON.stringify({ text: 'Hà Nội', label: [[0, 2, 'L'.repeat(100)]] })}\n`);
    const before = fingerprint(db);
    const result = workbench(['import', db, file, '--format', 'doccano']);
    assert.notEqual(result.status, 0);
    assert.match(
      result.stdout + result.stderr,
      /doccano\.jsonl:1: error: entities\[0\]: label "L{64}.*" is longer than 64 characters/,
    );
    assert.equal(fingerprint(db), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function fingerprint(path: string): string {
  const db = openDatabase(path);
  try {
    return contentFingerprint(db);
  } finally {
    db.close();
  }
}

test('browser import: bytes travel; invalid UTF-8 is refused with its line and nothing is stored', async () => {
  const env = await tempService();
  try {
    const dispatch = createDispatcher(env.service, () => {});
    const call = (params: Record<string, unknown>) =>
      dispatch.call(undefined, 'documents.import', { projectId: 1, format: 'text', ...params });
    const before = contentFingerprint(env.store.db);
    const first = Buffer.from('Bệnh nhân ở Hà Nội.\n');
    const bytes = Buffer.concat([first, Buffer.from([0x42, 0xe0, 0x80, 0x0a])]);
    const refused = await call({ name: 'a.txt', contentBase64: bytes.toString('base64') });
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.equal(refused.error.code, 'invalid');
    assert.match(refused.error.message, new RegExp(`a\\.txt:2: error: invalid UTF-8 at byte ${first.length + 1}\\b`));
    assert.equal(contentFingerprint(env.store.db), before);

    // Valid bytes arrive exactly: NFD becomes the NFC text, emoji and CRLF lines stay lines.
    const text = `${'Việt Nam'.normalize('NFD')} 😷\r\nHuế\r\n`;
    const ok = await call({ name: 'b.txt', contentBase64: Buffer.from(text).toString('base64') });
    assert.ok(ok.ok, JSON.stringify(ok));
    const docs = await env.service['documents.list']({ projectId: 1 });
    assert.deepEqual(docs.items.map((d) => d.name).sort(), ['1', '2']);
  } finally {
    await env.close();
  }
});

test('browser import: a bad file name or payload is a named field error, not a 500', async () => {
  const env = await tempService();
  try {
    const dispatch = createDispatcher(env.service, () => {});
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '..', contentBase64: '' }, 'name'],
      [{ name: '.', contentBase64: '' }, 'name'],
      [{ name: 'a\u0000.txt', contentBase64: '' }, 'name'],
      [{ name: 'a\n.txt', contentBase64: '' }, 'name'],
      [{ name: '../a.txt', contentBase64: '' }, 'name'],
      [{ name: 'a.txt', contentBase64: 'not base64!' }, 'contentBase64'],
      [{ name: 'a.txt', content: 'text is no longer taken' }, ''],
    ];
    for (const [params, field] of cases) {
      const outcome = await dispatch.call(undefined, 'documents.import', { projectId: 1, format: 'text', ...params });
      assert.equal(outcome.ok, false, JSON.stringify(params));
      if (outcome.ok) continue;
      assert.equal(outcome.error.code, 'invalid', JSON.stringify(outcome.error));
      if (field) assert.equal(outcome.error.field, field, JSON.stringify(outcome.error));
    }
  } finally {
    await env.close();
  }
});
