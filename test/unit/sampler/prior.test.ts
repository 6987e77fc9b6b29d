// The sampler's prior: candidates reweighted as p^(1-w) · m^w and sorted again, and a decode that follows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denoise } from '../../../core/sampler/denoiser.js';
import type { HeadOutputs } from '../../../core/sampler/head-outputs.js';
import { applyPriors, type CanvasPrior } from '../../../core/sampler/prior.js';
import { DREAM_DEFAULTS, resolveSettings } from '../../../core/sampler/settings.js';
import { EOS, fakeModel, MASK, PAD, startFromCanvas } from './fake-model.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

function outputs(): HeadOutputs {
  return {
    batch: 2,
    seq: 2,
    k: 3,
    topkIds: Int32Array.from([5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7]),
    topkProbs: Float32Array.from([0.6, 0.3, 0.1, 0.6, 0.3, 0.1, 0.6, 0.3, 0.1, 0.6, 0.3, 0.1]),
    negEntropy: new Float32Array(4),
  };
}

// Tags: 5 -> 0, 6 -> 1; 7 is none the prior knows.
const tagOf = (id: number) => (id === 5 ? 0 : id === 6 ? 1 : -1);

test('a candidate becomes p^(1-w) · m^w over the K, sorted again; a tag the prior does not know keeps p', () => {
  const prior: CanvasPrior = { weight: 0.5, at: [undefined, [0.1, 0.9]], tagOf };
  const out = applyPriors(outputs(), [
    { prior, offset: 0 },
    { prior: undefined, offset: 0 },
  ]);
  // Row 0, position 0: no prior there, unchanged.
  assert.deepEqual(Array.from(out.topkIds.subarray(0, 3)), [5, 6, 7]);
  // Row 0, position 1: 5: sqrt(0.6 * 0.1), 6: sqrt(0.3 * 0.9), 7: 0.1 (its own p).
  const q = [Math.sqrt(0.06), Math.sqrt(0.27), 0.1];
  const z = q[0] + q[1] + q[2];
  assert.deepEqual(Array.from(out.topkIds.subarray(3, 6)), [6, 5, 7]);
  [q[1], q[0], q[2]].forEach((v, i) => assert.ok(close(out.topkProbs[3 + i], v / z)));
  const negEntropy = [q[1], q[0], q[2]].reduce((s, v) => s + (v / z) * Math.log(v / z + 1e-10), 0);
  assert.ok(close(out.negEntropy[1], negEntropy));
  // Row 1 has no prior: unchanged.
  assert.deepEqual(Array.from(out.topkProbs.subarray(6)), Array.from(outputs().topkProbs.subarray(6)));
});

test('weight 0, or no priors at all, leaves the outputs as they are', () => {
  const base = outputs();
  assert.equal(applyPriors(base, [{ prior: undefined, offset: 0 }]), base);
  assert.equal(applyPriors(base, [{ prior: { weight: 0, at: [[1, 0]], tagOf }, offset: 0 }]), base);
});

test('a decode follows the prior where it is sure and the model is not', async () => {
  // Canvas position 2: the model proposes 12 at 0.3, and 101-103 at 0.233 each; the prior backs 102.
  const targets = [10, 11, 12, 13];
  const confidences = [0.9, 0.9, 0.3, 0.9];
  const model = fakeModel(targets, confidences, { promptLength: startFromCanvas(4) });
  const prior: CanvasPrior = {
    weight: 0.5,
    at: [undefined, undefined, [0.01, 0.01, 0.97, 0.01]],
    tagOf: (id) => [12, 101, 102, 103].indexOf(id),
  };
  const settings = resolveSettings(DREAM_DEFAULTS, {
    temperature: 0,
    topP: 1,
    alg: 'maskgit_plus',
    steps: 4,
    maxNewTokens: 4,
    schedule: 'threshold',
    threshold: 0.8,
  });
  const run = (priors?: (CanvasPrior | undefined)[]) =>
    denoise(
      {
        prompts: [
          [20, 21],
          [20, 21],
        ],
        canvasLengths: [4, 4],
        streams: [0, 1],
        priors,
      },
      { settings, tokens: { mask: MASK, eos: EOS, pad: PAD }, shiftedLogits: false, forward: model.forward },
    );
  const plain = await run();
  assert.deepEqual(plain.rows[0].tokens, targets);
  const guided = await run([prior, undefined]);
  assert.deepEqual(guided.rows[0].tokens, [10, 11, 102, 13]);
  assert.deepEqual(guided.rows[1].tokens, targets); // the row without a prior decodes as before
});
