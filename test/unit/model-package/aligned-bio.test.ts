// The aligned-BIO decoder (core/model-output/aligned-bio.ts): one label per text token, stacked for nesting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { continuesWord, parseAlignedBio } from '../../../core/model-output/aligned-bio.js';

// "Bệnh viện Bạch Mai Hà Nội" as five word tokens.
const TOKENS = [
  { start: 0, end: 4 },
  { start: 5, end: 9 },
  { start: 10, end: 14 },
  { start: 15, end: 18 },
  { start: 19, end: 21 },
];

test('flat and stacked labels become entities over token offsets, outer first', () => {
  const { entities, problems } = parseAlignedBio(['B-ORG', 'I-ORG', 'I-ORG|B-LOC', 'I-ORG|I-LOC', 'O'], TOKENS, {
    labels: ['ORG', 'LOC'],
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    entities.map(({ label, start, end, tokens }) => [label, start, end, tokens.start, tokens.end]),
    [
      ['ORG', 0, 18, 0, 4],
      ['LOC', 10, 18, 2, 4],
    ],
  );
});

test('what is not a tag, an unknown label, a stray I- and a short canvas are reported, not thrown', () => {
  const { entities, problems } = parseAlignedBio(['hello', 'I-LOC', 'B-DRUG', ' O '], TOKENS, { labels: ['LOC'] });
  assert.deepEqual(
    entities.map((e) => [e.label, e.start, e.end]),
    [['LOC', 5, 9]],
  );
  assert.deepEqual(problems, [
    '1 text tokens have no label (output ended early); read as O',
    'token 1: "hello" is not a tag; read as O',
    'token 3: unknown label "DRUG"; read as O',
    'token 2: I-LOC continues nothing; read as B-LOC',
  ]);
});

test('extra labels beyond the text are ignored with a problem', () => {
  const { entities, problems } = parseAlignedBio(['O', 'O', 'O', 'O', 'O', 'B-LOC'], TOKENS);
  assert.deepEqual(entities, []);
  assert.deepEqual(problems, ["1 labels beyond the text's tokens; ignored"]);
});

test('bracketed label tokens read as their tags', () => {
  assert.deepEqual(
    parseAlignedBio(['⟨B-ORG⟩', '⟨I-ORG⟩', 'O', 'O', 'O'], TOKENS).entities.map((e) => [e.label, e.start, e.end]),
    [['ORG', 0, 9]],
  );
  const { entities, problems } = parseAlignedBio(
    ['[B-ORG]', '[I-ORG]', '[I-ORG|B-LOC]', '[I-ORG|I-LOC]', '[O]'],
    TOKENS,
    { labels: ['ORG', 'LOC'] },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    entities.map(({ label, start, end }) => [label, start, end]),
    [
      ['ORG', 0, 18],
      ['LOC', 10, 18],
    ],
  );
});

test("a project model's escaped labels read as the project's names (training/dnw/package/project_labels.py)", () => {
  const labels = ['Nơi|chốn', 'Triệu_chứng', '50%'];
  const { entities, problems } = parseAlignedBio(
    ['⟨B-Nơi%7Cchốn⟩', '⟨I-Nơi%7Cchốn⟩', '⟨I-Nơi%7Cchốn|B-Triệu_chứng⟩', '⟨B-50%25⟩', 'O'],
    TOKENS,
    { labels },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    entities.map(({ label, start, end }) => [label, start, end]),
    [
      ['Nơi|chốn', 0, 14],
      ['Triệu_chứng', 10, 14],
      ['50%', 15, 18],
    ],
  );
});

test('tags are read word by word: no entity starts or ends inside a word', () => {
  // "đục thủy tinh thể." as the tokenizer's pieces: đ|ục thủ|y tinh thể .
  const text = 'đục thủy tinh thể.';
  const pieces = [
    { start: 0, end: 1 },
    { start: 1, end: 3 },
    { start: 4, end: 7 },
    { start: 7, end: 8 },
    { start: 9, end: 13 },
    { start: 14, end: 17 },
    { start: 17, end: 18 },
  ];
  const continues = continuesWord(text, pieces);
  assert.deepEqual(continues, [false, true, false, true, false, false, false]);
  const tags = ['B-SYM', 'B-DIS', 'I-DIS', 'B-SYM', 'I-SYM', 'I-SYM', 'O'];
  const span = (e: { label: string; start: number; end: number }) => [e.label, text.slice(e.start, e.end)];
  // Read as the model wrote it: entities cut through "đục" and "thủy".
  assert.deepEqual(parseAlignedBio(tags, pieces).entities.map(span), [
    ['SYM', 'đ'],
    ['DIS', 'ục thủ'],
    ['SYM', 'y tinh thể'],
  ]);
  // Each word as its first piece says: "đục" a SYM, "thủy" (first piece I-DIS, after a SYM: repaired to B-DIS) a DIS,
  // and "tinh thể" (I-SYM after a DIS) a SYM again; every entity covers whole words.
  const read = parseAlignedBio(tags, pieces, { continuesWord: continues });
  assert.deepEqual(read.entities.map(span), [
    ['SYM', 'đục'],
    ['DIS', 'thủy'],
    ['SYM', 'tinh thể'],
  ]);
  // A word the model tagged from its second piece on counts whole ("N|133": O, B-ID).
  const id = parseAlignedBio(
    ['O', 'B-ID', 'O'],
    [
      { start: 0, end: 1 },
      { start: 1, end: 4 },
      { start: 5, end: 8 },
    ],
    { continuesWord: [false, true, false] },
  );
  assert.deepEqual(
    id.entities.map((e) => [e.label, e.start, e.end]),
    [['ID', 0, 4]],
  );
  // Nested stacks follow level by level, and O stays O.
  const nested = parseAlignedBio(['B-ORG|B-LOC', 'O', 'O', 'O', 'O', 'O', 'O'], pieces, { continuesWord: continues });
  assert.deepEqual(nested.entities.map(span), [
    ['LOC', 'đục'],
    ['ORG', 'đục'],
  ]);
});

test('pieces apart, or meeting at punctuation, are separate words', () => {
  const text = 'COVID-19 ở Hà Nội';
  const pieces = [
    { start: 0, end: 5 },
    { start: 5, end: 6 },
    { start: 6, end: 8 },
    { start: 9, end: 10 },
    { start: 11, end: 12 },
    { start: 12, end: 13 },
  ];
  assert.deepEqual(continuesWord(text, pieces), [false, false, false, false, false, true]);
  // Emoji and NFD marks are word characters of whatever they touch only when neither side is a symbol.
  assert.deepEqual(
    continuesWord('a😀b', [
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 3 },
    ]),
    [false, false, false],
  );
  assert.deepEqual(
    continuesWord('ho\u0301a', [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]),
    [false, true],
  );
});
