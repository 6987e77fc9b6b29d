import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../core/issues.js';
import { readAll } from '../../../core/source.js';
import { fileInput, fileSource } from '../../../main/io/read-source.js';
import { findUtf8Fault } from '../../../main/io/utf8-validate.js';

const folder = mkdtempSync(join(tmpdir(), 'wb-read-'));
let n = 0;
function file(bytes: Uint8Array | string): string {
  const path = join(folder, `f${n++}.txt`);
  writeFileSync(path, bytes);
  return path;
}

const TEXT = 'Bệnh nhân 91 ở Hà Nội 😷\r\nngày 25/7.\n';

function utf16(text: string, bigEndian: boolean): Buffer {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  return bigEndian ? Buffer.from(le).swap16() : le;
}

test('UTF-8 is decoded; a UTF-8 BOM is dropped', async () => {
  assert.equal(await readAll(fileSource(file(TEXT))), TEXT);
  assert.equal(
    await readAll(fileSource(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])))),
    TEXT,
  );
});

test('UTF-16 LE and BE are decoded when a BOM says so', async () => {
  assert.equal(await readAll(fileSource(file(utf16(TEXT, false)))), TEXT);
  assert.equal(await readAll(fileSource(file(utf16(TEXT, true)))), TEXT);
  assert.equal(await readAll(fileSource(file(utf16(TEXT, true)), { chunkSize: 1 })), TEXT);
});

test('empty files and files shorter than a BOM are fine', async () => {
  assert.equal(await readAll(fileSource(file(''))), '');
  assert.equal(await readAll(fileSource(file('a'))), 'a');
  assert.equal(await readAll(fileSource(file(Buffer.from([0xef, 0xbb, 0xbf])))), '');
  assert.equal(await readAll(fileSource(file(Buffer.from([0xff, 0xfe])))), '');
});

test('chunk boundaries inside multi-byte characters decode the same, at every chunk size', async () => {
  const path = file(TEXT);
  for (let chunkSize = 1; chunkSize <= 8; chunkSize++)
    assert.equal(await readAll(fileSource(path, { chunkSize })), TEXT);
});

test('property: any text, any chunk size, with or without BOM, comes back as written', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.integer({ min: 1, max: 17 }),
      fc.constantFrom('utf8', 'bom', 'le', 'be'),
      async (text, chunkSize, encoding) => {
        const bytes =
          encoding === 'utf8'
            ? Buffer.from(text)
            : encoding === 'bom'
              ? Buffer.from(`\ufeff${text}`)
              : utf16(text, encoding === 'be');
        assert.equal(await readAll(fileSource(file(bytes), { chunkSize })), text);
      },
    ),
    { numRuns: 60 },
  );
});

async function refusal(bytes: Buffer, chunkSize?: number): Promise<InputError> {
  const path = file(bytes);
  try {
    await readAll(fileSource(path, { chunkSize, name: 'data/train.jsonl' }));
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('invalid UTF-8 was accepted');
}

test('invalid UTF-8 is refused with the file and the line of the first bad byte', async () => {
  const bytes = Buffer.concat([
    Buffer.from('dòng một\ndòng hai\r\ndòng '),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(' ba\n\xff\n'),
  ]);
  for (const chunkSize of [undefined, 1, 2, 3, 5]) {
    const error = await refusal(bytes, chunkSize);
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0].file, 'data/train.jsonl');
    assert.equal(error.issues[0].line, 3);
    assert.match(error.message, /^data\/train\.jsonl:3: error: invalid UTF-8 at byte 29/);
  }
});

test('Latin-1 text, overlongs, surrogates and a sequence cut off at the end are all refused', async () => {
  assert.equal((await refusal(Buffer.from('a\nb\nPh\xf4 m\xe1t', 'latin1'))).issues[0].line, 3);
  assert.equal((await refusal(Buffer.from([0x61, 0x0a, 0xc0, 0xaf]))).issues[0].line, 2); // overlong "/"
  assert.equal((await refusal(Buffer.from([0x0a, 0x0a, 0xed, 0xa0, 0x80]))).issues[0].line, 3); // U+D800
  assert.equal((await refusal(Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0xe1, 0xbb]))).issues[0].line, 3); // truncated at EOF
});

test('the validator agrees with TextDecoder on random bytes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), async (bytes) => {
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      async function* one() {
        yield bytes;
      }
      assert.equal((await findUtf8Fault(one())) === undefined, valid);
    }),
    { numRuns: 500 },
  );
});

test("fileInput opens siblings from the file's folder and says when there is none", async () => {
  const txt = join(folder, 'doc1.txt');
  writeFileSync(txt, 'Hà Nội');
  writeFileSync(join(folder, 'doc1.ann'), 'T1\tLOCATION 0 6\tHà Nội\n');
  const input = fileInput(txt);
  assert.equal(await readAll(input.sibling('doc1.ann')!), 'T1\tLOCATION 0 6\tHà Nội\n');
  assert.equal(input.sibling('missing.ann'), undefined);
});
