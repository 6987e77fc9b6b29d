// Decoding with part of a model's labels: rejected candidates leave, the rest are renormalised exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HeadOutputs } from '../../../core/sampler/head-outputs.js';
import { restrictCandidates, restrictedForward } from '../../../core/sampler/restrict-candidates.js';
import { chooseToken } from '../../../core/sampler/token-choice.js';
import { Xoshiro128 } from '../../../core/sampler/rng.js';
import { labelsOfTag } from '../../../core/model-output/aligned-bio.js';

const negEntropyOf = (ps: number[]) => ps.reduce((s, p) => s + p * Math.log(p + 1e-10), 0);

/** Two positions whose four candidates are the whole distribution (so renormalising is exact). */
function outputs(): HeadOutputs {
  const probs = [
    [0.5, 0.3, 0.15, 0.05],
    [0.7, 0.2, 0.06, 0.04],
  ];
  return {
    batch: 1,
    seq: 2,
    k: 4,
    topkIds: Int32Array.from([10, 11, 12, 13, 11, 13, 10, 12]),
    topkProbs: Float32Array.from(probs.flat()),
    negEntropy: Float32Array.from(probs.map(negEntropyOf)),
  };
}

test('a position whose candidates are all allowed is returned unchanged', () => {
  const out = outputs();
  const restricted = restrictCandidates(out, (id) => id !== 99, 0);
  assert.deepEqual(restricted.topkIds, out.topkIds);
  assert.deepEqual(restricted.topkProbs, out.topkProbs);
  assert.deepEqual(restricted.negEntropy, out.negEntropy);
});

test('a rejected candidate leaves and the others are renormalised, entropy included', () => {
  const restricted = restrictCandidates(outputs(), (id) => id !== 11, 6);
  // Position 0: 11 (0.3) goes; 10, 12, 13 over 0.7, the freed places at probability 0.
  assert.deepEqual(Array.from(restricted.topkIds.subarray(0, 4)), [10, 12, 13, 13]);
  const q0 = [0.5, 0.15, 0.05].map((p) => p / 0.7);
  Array.from(restricted.topkProbs.subarray(0, 4)).forEach((p, i) => assert.ok(Math.abs(p - (q0[i] ?? 0)) < 1e-6));
  assert.ok(Math.abs(restricted.negEntropy[0] - negEntropyOf(q0)) < 1e-5);
  // Position 1: its best candidate (11) goes, so 13 becomes the choice at temperature 0.
  const q1 = [0.2, 0.06, 0.04].map((p) => p / 0.3);
  assert.deepEqual(Array.from(restricted.topkIds.subarray(4, 8)), [13, 10, 12, 12]);
  assert.ok(Math.abs(restricted.negEntropy[1] - negEntropyOf(q1)) < 1e-5);
  const choice = chooseToken(restricted, 1, 'maskgit_plus', 0, new Xoshiro128(1));
  assert.equal(choice.token, 13);
  assert.ok(Math.abs(choice.probability - 0.2 / 0.3) < 1e-6);
  // Sampling never draws a freed place.
  const rng = new Xoshiro128(7);
  for (let i = 0; i < 200; i++) assert.notEqual(chooseToken(restricted, 0, 'maskgit_plus', 1, rng).token, 11);
});

test('a position whose candidates are all rejected gets the fallback, certain', () => {
  const restricted = restrictCandidates(outputs(), (id) => id === 99, 6);
  assert.deepEqual(Array.from(restricted.topkIds.subarray(0, 4)), [6, 6, 6, 6]);
  assert.deepEqual(Array.from(restricted.topkProbs.subarray(0, 4)), [1, 0, 0, 0]);
  assert.equal(restricted.negEntropy[0], 0);
});

test('restrictedForward applies it to every forward pass', async () => {
  const forward = restrictedForward(
    async () => outputs(),
    (id) => id !== 10,
    6,
  );
  const out = await forward(
    { batch: 1, seq: 2, inputIds: new Int32Array(2), attentionMask: new Int32Array(2), positionIds: new Int32Array(2) },
    { temperature: 0, topP: 1, topK: 0 },
  );
  assert.equal(out.topkIds[0], 11);
});

test('labelsOfTag reads the labels of a tag stack, escaped or bracketed', () => {
  assert.deepEqual(labelsOfTag('⟨O⟩'), []);
  assert.deepEqual(labelsOfTag('B-LOCATION'), ['LOCATION']);
  assert.deepEqual(labelsOfTag('⟨I-ORGANIZATION|B-LOCATION⟩'), ['ORGANIZATION', 'LOCATION']);
  assert.deepEqual(labelsOfTag('B-triệu%20chứng'), ['triệu chứng']);
  assert.equal(labelsOfTag('[MASK]'), undefined);
  assert.equal(labelsOfTag(''), undefined);
});
