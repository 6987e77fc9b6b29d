// The aligned-BIO decoder (core/model-output/aligned-bio.ts): one label per text token, stacked for nesting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAlignedBio } from '../../../core/model-output/aligned-bio.js';

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
