import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBio, encodeBio, nestingLevels, BioTagError } from '../../core/bio.js';

test('repair mode starts an entity at a stray I- and says so', () => {
  const repaired: number[] = [];
  const spans = decodeBio(['O', 'I-LOC', 'I-LOC', 'B-ORG', 'I-LOC'], 'repair', (i) => repaired.push(i));
  assert.deepEqual(spans, [
    { label: 'LOC', start: 1, end: 3 },
    { label: 'ORG', start: 3, end: 4 },
    { label: 'LOC', start: 4, end: 5 },
  ]);
  assert.deepEqual(repaired, [1, 4]);
});

test('strict mode drops stray I- tags as seqeval strict IOB2 does', () => {
  assert.deepEqual(decodeBio(['I-LOC', 'B-LOC', 'I-LOC', 'I-ORG', 'B-ORG'], 'strict'), [
    { label: 'LOC', start: 1, end: 3 },
    { label: 'ORG', start: 4, end: 5 },
  ]);
});

test('a malformed tag is refused with its index', () => {
  assert.throws(
    () => decodeBio(['O', 'X-LOC']),
    (e: unknown) => e instanceof BioTagError && e.index === 1,
  );
  assert.throws(() => decodeBio(['LOC']), BioTagError);
});

test('BIOES and BILOU read as the same spans: S-/U- a one-token entity, E-/L- the last token of one', () => {
  const want = [
    { label: 'LOC', start: 0, end: 1 },
    { label: 'LOC', start: 1, end: 4 },
    { label: 'ORG', start: 5, end: 7 },
    { label: 'ORG', start: 7, end: 8 },
  ];
  assert.deepEqual(decodeBio(['S-LOC', 'B-LOC', 'I-LOC', 'E-LOC', 'O', 'B-ORG', 'E-ORG', 'S-ORG']), want);
  assert.deepEqual(decodeBio(['U-LOC', 'B-LOC', 'I-LOC', 'L-LOC', 'O', 'B-ORG', 'L-ORG', 'U-ORG']), want);
  // An entity closed by E- does not continue into a following I-: that one is stray.
  const repaired: number[] = [];
  assert.deepEqual(
    decodeBio(['B-LOC', 'E-LOC', 'I-LOC', 'E-ORG'], 'repair', (i) => repaired.push(i)),
    [
      { label: 'LOC', start: 0, end: 2 },
      { label: 'LOC', start: 2, end: 3 },
      { label: 'ORG', start: 3, end: 4 },
    ],
  );
  assert.deepEqual(repaired, [2, 3]);
  assert.deepEqual(decodeBio(['B-LOC', 'E-LOC', 'I-LOC', 'E-ORG'], 'strict'), [{ label: 'LOC', start: 0, end: 2 }]);
});

test('encode inverts decode and refuses overlaps', () => {
  const tags = ['B-A', 'I-A', 'O', 'B-B', 'B-B'];
  assert.deepEqual(encodeBio(decodeBio(tags), tags.length), tags);
  assert.throws(
    () =>
      encodeBio(
        [
          { label: 'A', start: 0, end: 2 },
          { label: 'B', start: 1, end: 3 },
        ],
        3,
      ),
    /overlap/,
  );
});

test('nesting levels put outer spans first and keep crossing spans', () => {
  const levels = nestingLevels([
    { label: 'LOC', start: 2, end: 4 },
    { label: 'ORG', start: 0, end: 4 },
    { label: 'X', start: 3, end: 6 },
  ]);
  assert.deepEqual(levels, [
    [{ label: 'ORG', start: 0, end: 4 }],
    [{ label: 'LOC', start: 2, end: 4 }],
    [{ label: 'X', start: 3, end: 6 }],
  ]);
});
