// The sampler loop on a scripted model: schedule, shift, padding, threshold, recheck, blocks, early stop,
// cancellation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, denoise, type DenoiseConfig, type StepEvent } from '../../../core/sampler/denoiser.js';
import type { BatchInputs } from '../../../core/sampler/head-outputs.js';
import { linspaceF32, maskedMean, transferCount } from '../../../core/sampler/schedule.js';
import { DREAM_DEFAULTS, resolveSettings, type SamplerSettings } from '../../../core/sampler/settings.js';
import { EOS, fakeModel, MASK, PAD, startFromCanvas } from './fake-model.js';

const TOKENS = { mask: MASK, eos: EOS, pad: PAD };
const TARGETS = [10, 11, 12, 13, 14, 15, 16, 17];
const CONF = [0.5, 0.9, 0.3, 0.8, 0.6, 0.95, 0.4, 0.7];

function config(
  settings: Partial<SamplerSettings>,
  forward: DenoiseConfig['forward'],
  extra: Partial<DenoiseConfig> = {},
): DenoiseConfig {
  return {
    settings: resolveSettings(DREAM_DEFAULTS, { temperature: 0, topP: 1, alg: 'maskgit_plus', ...settings }),
    tokens: TOKENS,
    shiftedLogits: false,
    forward,
    keepHistory: true,
    ...extra,
  };
}

const one = (canvas = 8) => ({ prompts: [[20, 21, 22]], canvasLengths: [canvas], streams: [0] });
const committedAt = (history: Int32Array[], step: number) =>
  Array.from(history[step]).flatMap((t, i) => (t !== MASK && (step === 0 || history[step - 1][i] === MASK) ? [i] : []));

test("commits Dream's count per step, most confident first", async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const result = await denoise(one(), config({ steps: 4, maxNewTokens: 8 }, model.forward));
  const times = linspaceF32(1, 1e-3, 5);
  let masked = 8;
  const expected = [0, 1, 2, 3].map((i) => {
    const k = transferCount(maskedMean(masked, 1), times[i], times[i + 1], i === 3);
    masked -= k;
    return k;
  });
  const history = result.rows[0].history!;
  assert.deepEqual(
    history.map((_, i) => committedAt(history, i).length),
    expected.filter((k) => k > 0),
  );
  const byConfidence = [5, 1, 3, 7, 4, 0, 6, 2];
  assert.deepEqual(committedAt(history, 0).sort(), byConfidence.slice(0, expected[0]).sort());
  assert.deepEqual(committedAt(history, 1).sort(), byConfidence.slice(expected[0], expected[0] + expected[1]).sort());
  assert.deepEqual(result.rows[0].tokens, TARGETS);
  assert.equal(result.forwards, expected.filter((k) => k > 0).length);
});

test('shifted logits read the prediction for position i at i - 1', async () => {
  const shifted = fakeModel(TARGETS, CONF, { shifted: true, promptLength: startFromCanvas(8) });
  const right = await denoise(one(), config({ steps: 8, maxNewTokens: 8 }, shifted.forward, { shiftedLogits: true }));
  assert.deepEqual(right.rows[0].tokens, TARGETS);
  const wrong = await denoise(one(), config({ steps: 8, maxNewTokens: 8 }, shifted.forward, { shiftedLogits: false }));
  assert.notDeepEqual(wrong.rows[0].tokens, TARGETS);
});

test('a batch is left-padded with Dream position ids, and each row gets its own canvas', async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const request = { prompts: [[20, 21, 22, 23, 24], [30]], canvasLengths: [8, 8], streams: [0, 1] };
  const result = await denoise(request, config({ steps: 8, maxNewTokens: 8 }, model.forward));
  const first = model.calls[0];
  assert.equal(first.seq, 13);
  assert.deepEqual(Array.from(first.attentionMask.subarray(13, 26)), [0, 0, 0, 0, ...Array(9).fill(1)]);
  assert.deepEqual(Array.from(first.positionIds.subarray(13, 26)), [1, 1, 1, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(Array.from(first.inputIds.subarray(13, 18)), [PAD, PAD, PAD, PAD, 30]);
  assert.deepEqual(
    result.rows.map((r) => r.tokens),
    [TARGETS, TARGETS],
  );
});

test('output is cut at the first EOS, and early stop saves forwards without changing it', async () => {
  const targets = [10, 11, EOS, 13, 14, 15, 16, 17];
  const conf = [0.9, 0.8, 0.99, 0.1, 0.1, 0.1, 0.1, 0.1];
  const model = fakeModel(targets, conf, { promptLength: startFromCanvas(8) });
  const full = await denoise(one(), config({ steps: 8, maxNewTokens: 8 }, model.forward));
  const stopped = await denoise(one(), config({ steps: 8, maxNewTokens: 8, earlyStop: true }, model.forward));
  assert.deepEqual(full.rows[0].tokens, [10, 11]);
  assert.deepEqual(stopped.rows[0].tokens, [10, 11]);
  assert.ok(stopped.forwards < full.forwards, `${stopped.forwards} < ${full.forwards}`);
});

test('threshold commits everything at or above it, and at least one position', async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const result = await denoise(
    one(),
    config({ steps: 8, maxNewTokens: 8, schedule: 'threshold', threshold: 0.75 }, model.forward),
  );
  const history = result.rows[0].history!;
  assert.deepEqual(committedAt(history, 0), [1, 3, 5]);
  assert.deepEqual(committedAt(history, 1), [7]); // 0.7 alone: below the threshold but the best left
  assert.deepEqual(result.rows[0].tokens, TARGETS);
});

test('recheck masks the unsure slots of a full canvas again and decides them with their neighbours known', async () => {
  // Slot 0 proposes 10 (0.7) while slot 1 is masked and 20 (0.99) once it is not; slot 1 proposes 11, sure (0.95)
  // only once slot 0 is decided. At threshold 0.65 slot 0 commits first, unsure, and slot 1 after it.
  const forward: DenoiseConfig['forward'] = async (inputs) => {
    const { batch, seq } = inputs;
    const out = {
      batch,
      seq,
      k: 2,
      topkIds: new Int32Array(batch * seq * 2),
      topkProbs: new Float32Array(batch * seq * 2),
      negEntropy: new Float32Array(batch * seq),
    };
    for (let r = 0; r < batch; r++) {
      const at = (c: number) => r * seq + seq - 2 + c;
      const known = (c: number) => inputs.inputIds[at(c)] !== MASK;
      const propose = (c: number, token: number, p: number) => {
        out.topkIds.set([token, 99], at(c) * 2);
        out.topkProbs.set([p, 1 - p], at(c) * 2);
      };
      propose(0, known(1) ? 20 : 10, known(1) ? 0.99 : 0.7);
      propose(1, 11, known(0) ? 0.95 : 0.6);
    }
    return out;
  };
  const run = (recheck: number) =>
    denoise(one(2), config({ steps: 4, maxNewTokens: 2, schedule: 'threshold', threshold: 0.65, recheck }, forward));
  const once = await run(0);
  assert.deepEqual(once.rows[0].tokens, [10, 11]);
  assert.equal(once.forwards, 2);
  const twice = await run(0.9);
  assert.deepEqual(twice.rows[0].tokens, [20, 11], 'slot 0 decided again, knowing slot 1');
  assert.ok(Math.abs(twice.rows[0].probabilities[0] - 0.99) < 1e-6);
  assert.ok(Math.abs(twice.rows[0].probabilities[1] - 0.95) < 1e-6, 'the sure slot kept');
  assert.equal(twice.forwards, 3);
  assert.equal(twice.rows[0].history!.length, 3);
  assert.throws(() => resolveSettings(DREAM_DEFAULTS, { recheck: 0.9 }), /recheck: needs schedule 'threshold'/);
  assert.throws(() => resolveSettings(DREAM_DEFAULTS, { schedule: 'threshold', recheck: 1.5 }), /recheck: must be/);
});

test('blocks are denoised left to right', async () => {
  const model = fakeModel(TARGETS, [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9], { promptLength: startFromCanvas(8) });
  const result = await denoise(one(), config({ steps: 4, maxNewTokens: 8, blockLength: 4 }, model.forward));
  const history = result.rows[0].history!;
  const firstLate = history.findIndex((h) => h.subarray(4).some((t) => t !== MASK));
  assert.ok(
    history[firstLate - 1].subarray(0, 4).every((t) => t !== MASK),
    'block 1 done before block 2 starts',
  );
  assert.deepEqual(result.rows[0].tokens, TARGETS);
});

test('steps whose count is 0 cost no forward pass', async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const result = await denoise(one(), config({ steps: 8, maxNewTokens: 8 }, model.forward));
  assert.equal(result.steps, 8);
  assert.equal(result.forwards, 7); // 8 * (1 - s/t) = 0.999 at the first step
});

test("forwardEveryStep runs Dream's forward at every step and changes no decision", async () => {
  const skip = await denoise(
    one(),
    config({ steps: 8, maxNewTokens: 8 }, fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) }).forward),
  );
  const literal = await denoise(
    one(),
    config(
      { steps: 8, maxNewTokens: 8, forwardEveryStep: true },
      fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) }).forward,
    ),
  );
  assert.equal(skip.forwards, 7);
  assert.equal(literal.forwards, 8);
  assert.deepEqual(literal.rows, skip.rows);
});

test('with forwardEveryStep, rows whose count is 0 run in a pass of their own', async () => {
  // Canvases of 8 and 2 over 4 steps: the long row commits 1, 2, 2, 3 and the short one 0, 0, 0, 2. The short row's
  // idle steps must not join the long row's pass (an int8 graph quantises a batch as a whole).
  const request = {
    prompts: [
      [20, 21],
      [30, 31, 32, 33, 34, 35],
    ],
    canvasLengths: [8, 2],
    streams: [0, 1],
  };
  const rowsOf = (inputs: BatchInputs) =>
    Array.from({ length: inputs.batch }, (_, r) =>
      inputs.inputIds.subarray(r * inputs.seq, (r + 1) * inputs.seq).find((t) => t !== PAD)!,
    );
  const promptLength = (inputs: BatchInputs, r: number) => inputs.seq - (rowsOf(inputs)[r] === 20 ? 8 : 2);
  const skipModel = fakeModel(TARGETS, CONF, { promptLength });
  const literalModel = fakeModel(TARGETS, CONF, { promptLength });
  const events: StepEvent[] = [];
  const skip = await denoise(request, config({ steps: 4, maxNewTokens: 8 }, skipModel.forward));
  const literal = await denoise(
    request,
    config({ steps: 4, maxNewTokens: 8, forwardEveryStep: true }, literalModel.forward, {
      onStep: (e) => events.push(e),
    }),
  );
  assert.deepEqual(literal.rows, skip.rows);
  assert.deepEqual(
    events.map((e) => e.forwardRows),
    [2, 2, 2, 2],
  );
  const passes = (calls: BatchInputs[]) => calls.map((c) => rowsOf(c).join(','));
  assert.deepEqual(passes(skipModel.calls), ['20', '20', '20', '20,30']);
  assert.deepEqual(passes(literalModel.calls), ['20', '30', '20', '30', '20', '30', '20,30']);
  assert.equal(literal.forwards, 7);
});

test('cancellation stops before the next forward and returns nothing', async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  let steps = 0;
  const run = denoise(
    one(),
    config({ steps: 8, maxNewTokens: 8 }, model.forward, { onStep: () => steps++, isCancelled: () => steps >= 2 }),
  );
  await assert.rejects(run, CancelledError);
  assert.equal(model.calls.length, 1); // step 1 had no forward (count 0), step 2 had one
});

test('origin reveals every position by the last step; its randomness is the seeded stream', async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const a = await denoise(one(), config({ steps: 4, maxNewTokens: 8, alg: 'origin', seed: 1 }, model.forward));
  const b = await denoise(one(), config({ steps: 4, maxNewTokens: 8, alg: 'origin', seed: 1 }, model.forward));
  assert.deepEqual(a.rows[0].tokens, TARGETS);
  assert.deepEqual(a.rows[0].history, b.rows[0].history);
});

test('temperature > 0 samples the top-K in proportion to their probabilities', async () => {
  const model = fakeModel([10], [0.6], { promptLength: startFromCanvas(1) });
  const counts = new Map<number, number>();
  const n = 3000;
  const request = {
    prompts: Array.from({ length: n }, () => [20]),
    canvasLengths: Array(n).fill(1),
    streams: Array.from({ length: n }, (_, i) => i),
  };
  const result = await denoise(request, config({ steps: 1, maxNewTokens: 1, temperature: 1, seed: 9 }, model.forward));
  for (const row of result.rows) counts.set(row.canvas[0], (counts.get(row.canvas[0]) ?? 0) + 1);
  // p = 0.6 for token 10, 0.4 / 3 for each of 101..103: within 4 standard deviations.
  const check = (token: number, p: number) =>
    assert.ok(Math.abs((counts.get(token) ?? 0) / n - p) < 4 * Math.sqrt((p * (1 - p)) / n), `token ${token}`);
  check(10, 0.6);
  for (const t of [101, 102, 103]) check(t, 0.4 / 3);
});

test('alg_temp > 0 samples commit positions reproducibly for a seed', async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const run = (seed: number) =>
    denoise(one(), config({ steps: 3, maxNewTokens: 8, algTemp: 0.5, seed }, model.forward));
  const [a, b] = [await run(4), await run(4)];
  assert.deepEqual(a.rows[0].history, b.rows[0].history);
  const orders = new Set<string>();
  for (let seed = 0; seed < 20; seed++) orders.add(JSON.stringify((await run(seed)).rows[0].history![0]));
  assert.ok(orders.size > 1, 'different seeds commit different positions');
});

test("a row's result does not depend on its batch (own stream, own count)", async () => {
  const model = fakeModel(TARGETS, CONF, { promptLength: (inputs, r) => inputs.seq - (r === 0 ? 8 : 5) });
  const settings = { steps: 4, maxNewTokens: 8 as const, temperature: 0.9, algTemp: 0.3, seed: 2 };
  const together = await denoise(
    {
      prompts: [
        [20, 21],
        [30, 31, 32, 33],
      ],
      canvasLengths: [8, 5],
      streams: [0, 1],
    },
    config(settings, model.forward),
  );
  const aloneModel = fakeModel(TARGETS, CONF, { promptLength: startFromCanvas(8) });
  const alone = await denoise(
    { prompts: [[20, 21]], canvasLengths: [8], streams: [0] },
    config(settings, aloneModel.forward),
  );
  assert.deepEqual(together.rows[0].tokens, alone.rows[0].tokens);
});
