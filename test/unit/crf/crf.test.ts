// The word prior's CRF in the engine: the same features and marginals as training/dnw/crf (the fixture is what
// scripts/gen-crf-fixture.py wrote with it), a crf.json at fault named by field, and the prior placed at words' first
// pieces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { crfTagIndex, wordPrior } from '../../../core/crf/canvas-prior.js';
import { crfMarginals, readCrfFile } from '../../../core/crf/crf-model.js';
import { wordFeatures, wordShape } from '../../../core/crf/features.js';

const fixture = JSON.parse(readFileSync('test/fixtures/crf/parity.json', 'utf8')) as {
  crf: unknown;
  cases: { words: string[]; features: string[][]; marginals: number[][] }[];
};
const crf = readCrfFile(fixture.crf, 'parity.json');

test('features are the trainer’s, character for character (Vietnamese, emoji, digits, a dotted capital I)', () => {
  for (const c of fixture.cases) assert.deepEqual(wordFeatures(c.words), c.features);
});

test('shapes collapse runs of upper case, other letters, digits; anything else stands as itself', () => {
  assert.equal(wordShape('Bệnh'), 'Xx');
  assert.equal(wordShape('37,5'), 'd,d');
  assert.equal(wordShape('COVID-19'), 'X-d');
  assert.equal(wordShape('😷'), '😷');
});

test('marginals are the trainer’s forward-backward, and each word’s sum to one', () => {
  for (const c of fixture.cases) {
    const m = crfMarginals(crf, c.words);
    assert.equal(m.length, c.words.length);
    m.forEach((row, t) => {
      row.forEach((p, y) => assert.ok(Math.abs(p - c.marginals[t][y]) < 1e-9, `word ${t} tag ${y}: ${p}`));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    });
  }
  assert.deepEqual(crfMarginals(crf, []), []);
});

test('a crf.json at fault is refused with the field named', () => {
  const body = fixture.crf as Record<string, unknown>;
  const bad = (patch: Record<string, unknown>) => () => readCrfFile({ ...body, ...patch }, 'crf.json');
  assert.throws(bad({ format: 'other' }), /crf\.json: format: must be "dnw-crf\/1"/);
  assert.throws(bad({ labels: [] }), /crf\.json: labels:/);
  assert.throws(bad({ transitions: [[0]] }), /crf\.json: transitions: must be 5 rows of 5 numbers/);
  assert.throws(
    bad({ attributes: { bias: [7, 0.5] } }),
    /crf\.json: attributes\["bias"\]: must pair tag indices below 5/,
  );
  assert.throws(bad({ attributes: { bias: [0] } }), /attributes\["bias"\]/);
});

test('the prior sits at each word’s first piece; label tokens map to the CRF tag of their outer level', () => {
  const names = new Map([
    [40, '[B-noi%20chon|B-benh]'],
    [41, 'I-benh'],
    [42, 'O'],
    [43, 'B-khac'],
    [44, 'xin'],
  ]);
  const tagOf = crfTagIndex(crf, (id) => names.get(id) ?? '');
  const labels = readCrfFile(fixture.crf, 'x').labels;
  assert.equal(tagOf(40), labels.indexOf('B-noi%20chon'));
  assert.equal(tagOf(41), labels.indexOf('I-benh'));
  assert.equal(tagOf(42), labels.indexOf('O'));
  assert.equal(tagOf(43), -1); // a label the CRF never saw
  assert.equal(tagOf(44), -1); // no tag
  // "Bạch Mai." as three tokens, the second split in two pieces: Ma + i, then "."
  const text = 'Bạch Mai.';
  const tokens = [
    { start: 0, end: 4 },
    { start: 5, end: 7 },
    { start: 7, end: 8 },
    { start: 8, end: 9 },
  ];
  const prior = wordPrior(crf, 0.5, tagOf, text, tokens);
  const words = crfMarginals(crf, ['Bạch', 'Mai', '.']);
  assert.deepEqual(Array.from(prior.at[0]!), Array.from(words[0]));
  assert.deepEqual(Array.from(prior.at[1]!), Array.from(words[1]));
  assert.equal(prior.at[2], undefined);
  assert.deepEqual(Array.from(prior.at[3]!), Array.from(words[2]));
  assert.equal(prior.weight, 0.5);
});
