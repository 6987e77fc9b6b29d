// Token offsets for tokenizers whose decoder does not give the text back (spaces added around punctuation), checked
// against the offsets Python's tokenizers library gives for the same tokenizer.json (values below came from it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TextTokenizer } from '../../main/engine/text-tokenizer.js';

// Trained by training/dnw/tokenizer.py (BERT pre-tokenizer, BPE with `</w>`) on three made-up sentences.
const json = JSON.parse(readFileSync(new URL('../fixtures/bpe-tokenizer/tokenizer.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const tokenizer = new TextTokenizer(json);
const spans = (ranges: { start: number; end: number }[]) => ranges.map((r) => [r.start, r.end]);

test('offsets land on the text even where decoding would add spaces', () => {
  const { ranges } = tokenizer.encodeWithOffsets('Ngày 7/3 Hà Nội');
  assert.deepEqual(spans(ranges), [[0, 4], [5, 6], [6, 7], [7, 8], [9, 11], [12, 15]]);
});

test('unknown tokens cover their own characters, emoji included', () => {
  const { ranges } = tokenizer.encodeWithOffsets('Hà Nội xyz 😷');
  assert.deepEqual(spans(ranges), [[0, 2], [3, 6], [7, 8], [8, 9], [9, 10], [11, 12]]);
});

test('NFD input gets offsets on its own code points', () => {
  const text = 'Hà Nội'.normalize('NFD');
  const { ranges } = tokenizer.encodeWithOffsets(text);
  assert.deepEqual(ranges.map((r) => Array.from(text).slice(r.start, r.end).join('').normalize('NFC')), ['Hà', 'Nội']);
});

test('consecutive unknown tokens each cover one character', () => {
  const { ranges } = tokenizer.encodeWithOffsets('字字 Hà x字y');
  assert.deepEqual(spans(ranges), [[0, 1], [1, 2], [3, 5], [6, 7], [7, 8], [8, 9]]);
});
