// Token-exact parity of the engine (onnxruntime + core/sampler) with the PyTorch reference
// (training/dnw/oracle/reference_sampler.py) on the tiny fixture model: 24 prompts in 10 batches, several of them
// left-padded, for every alg with and without alg_temp, origin, temperature > 0 on the shared PRNG stream,
// threshold, blocks and early stop. expected.json is regenerated and checked by training/tests.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SamplerSettings } from '../../core/sampler/settings.js';
import { DiffusionEngine } from '../../main/engine/engine.js';

const FIXTURE = 'test/fixtures/tiny-model';

interface ReferenceRun {
  settings: Record<string, unknown>;
  batches: { texts: string[]; tokens: number[][]; forwards: number }[];
  minDecisionMargin: number;
}

const expected = JSON.parse(readFileSync(`${FIXTURE}/expected.json`, 'utf8')) as { runs: Record<string, ReferenceRun> };

/** The reference's snake_case settings as engine settings. */
export function engineSettings(s: Record<string, unknown>): Partial<SamplerSettings> {
  return {
    steps: s.steps as number,
    maxNewTokens: s.max_new_tokens as number | 'auto',
    temperature: s.temperature as number,
    topP: (s.top_p as number | null) ?? 1,
    topK: (s.top_k as number | null) ?? 0,
    alg: s.alg as SamplerSettings['alg'],
    algTemp: (s.alg_temp as number | null) ?? 0,
    eps: s.eps as number,
    schedule: s.schedule as SamplerSettings['schedule'],
    threshold: s.threshold as number,
    blockLength: (s.block_length as number | null) ?? 0,
    earlyStop: s.early_stop as boolean,
    seed: s.seed as number,
  };
}

describe('engine matches the PyTorch reference token for token', () => {
  let engine: DiffusionEngine;
  before(async () => {
    engine = await DiffusionEngine.open(`${FIXTURE}/package`, { device: 'cpu', intraOpThreads: 1, interOpThreads: 1 });
  });
  after(() => engine.release());

  for (const [name, run] of Object.entries(expected.runs)) {
    test(name, async () => {
      const batches = run.batches.map((b) => b.texts);
      assert.ok(batches.flat().length >= 20 && batches.some((b) => b.length > 1), 'at least 20 prompts, some batched');
      const got = await engine.generate(batches, engineSettings(run.settings));
      got.forEach((batch, b) => {
        batch.tokens.forEach((tokens, r) =>
          assert.deepEqual(tokens, run.batches[b].tokens[r], `batch ${b} row ${r}: ${JSON.stringify(batches[b][r])}`),
        );
        assert.equal(batch.forwards, run.batches[b].forwards, `batch ${b}: forward passes`);
      });
    });
  }

  test('early stop changes the cost, not the output', () => {
    const full = expected.runs.maskgit_plus.batches;
    const stopped = expected.runs.early_stop.batches;
    assert.deepEqual(
      stopped.map((b) => b.tokens),
      full.map((b) => b.tokens),
    );
    assert.ok(stopped.reduce((n, b) => n + b.forwards, 0) < full.reduce((n, b) => n + b.forwards, 0));
  });
});
