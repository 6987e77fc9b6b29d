import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EncodedPart } from '../../../core/codecs/codec.js';
import { writeOutput } from '../../../main/io/write-output.js';

async function* parts(list: EncodedPart[], failAfter?: number): AsyncGenerator<EncodedPart> {
  let i = 0;
  for (const part of list) {
    if (i++ === failAfter) throw new Error('encoder failed');
    yield part;
  }
}

test('a single-file export is written whole and replaces an old file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-write-'));
  const dest = join(dir, 'out.jsonl');
  writeFileSync(dest, 'old');
  const result = await writeOutput(dest, parts([{ text: 'dòng 1\n' }, { text: 'dòng 2\n' }]), { multiFile: false });
  assert.equal(readFileSync(dest, 'utf8'), 'dòng 1\ndòng 2\n');
  assert.deepEqual(result, { files: 1, bytes: Buffer.byteLength('dòng 1\ndòng 2\n') });
  assert.deepEqual(readdirSync(dir), ['out.jsonl']);
});

test('a failed export leaves no half file and keeps the old one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-write-'));
  const dest = join(dir, 'out.jsonl');
  await assert.rejects(writeOutput(dest, parts([{ text: 'a\n' }, { text: 'b\n' }], 1), { multiFile: false }), /encoder failed/);
  assert.deepEqual(readdirSync(dir), []);
  writeFileSync(dest, 'old');
  await assert.rejects(writeOutput(dest, parts([{ text: 'a\n' }, { text: 'b\n' }], 1), { multiFile: false }), /encoder failed/);
  assert.deepEqual(readdirSync(dir), ['out.jsonl']);
  assert.equal(readFileSync(dest, 'utf8'), 'old');
});

test('a multi-file export fills a folder, continues a file named again, and replaces an old folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-write-'));
  const dest = join(dir, 'brat');
  mkdirSync(dest);
  writeFileSync(join(dest, 'stale.txt'), 'x');
  const list = [
    { path: 'a.txt', text: 'Hà ' }, { path: 'a.txt', text: 'Nội' }, { path: 'a.ann', text: 'T1\tLOC 0 6\tHà Nội\n' },
    { path: 'sub/b.txt', text: 'b' }, { path: 'a.ann', text: '#1\tnote\n' },
  ];
  const result = await writeOutput(dest, parts(list), { multiFile: true });
  assert.equal(result.files, 3);
  assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'Hà Nội');
  assert.equal(readFileSync(join(dest, 'a.ann'), 'utf8'), 'T1\tLOC 0 6\tHà Nội\n#1\tnote\n');
  assert.equal(readFileSync(join(dest, 'sub', 'b.txt'), 'utf8'), 'b');
  assert.ok(!existsSync(join(dest, 'stale.txt')));
  assert.deepEqual(readdirSync(dir), ['brat']);
});

test('a failed multi-file export leaves nothing, and parts may not escape the folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-write-'));
  const dest = join(dir, 'brat');
  await assert.rejects(writeOutput(dest, parts([{ path: 'a.txt', text: 'a' }, { path: 'b.txt', text: 'b' }], 1), { multiFile: true }), /encoder failed/);
  await assert.rejects(writeOutput(dest, parts([{ path: '../evil.txt', text: 'x' }]), { multiFile: true }), /inside the export folder/);
  assert.deepEqual(readdirSync(dir), []);
});
