import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeProjectTexts } from '../../../main/training/project-texts.js';

test("the project's texts: one line per text line, blank lines dropped, CRLF and U+2028 split, emoji kept", async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'texts-')), 'texts.txt');
  const n = await writeProjectTexts(path, ['Bệnh nhân sốt 🦠\r\nho khan', '', '  \n\nĐà Nẵng\u2028Huế']);
  assert.equal(readFileSync(path, 'utf8'), 'Bệnh nhân sốt 🦠\nho khan\nĐà Nẵng\nHuế\n');
  assert.equal(n, 'Bệnh nhân sốt 🦠'.length + 'ho khan'.length + 'Đà Nẵng'.length + 'Huế'.length);
});

test('a big project stops at the limit, after the line that reaches it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'texts-')), 'texts.txt');
  const n = await writeProjectTexts(path, ['aaaa\nbbbb\ncccc', 'dddd'], 6);
  assert.equal(readFileSync(path, 'utf8'), 'aaaa\nbbbb\n');
  assert.equal(n, 8);
});
