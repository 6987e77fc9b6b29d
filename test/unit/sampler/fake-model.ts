// A scripted "model" for sampler tests: at canvas position c (counted from the canvas start) it proposes
// `targets[c]` with probability `confidences[c]` (the rest spread over other tokens), whatever the context.

import type { BatchInputs, ForwardFn, HeadOutputs } from '../../../core/sampler/head-outputs.js';

export const MASK = 1;
export const EOS = 2;
export const PAD = 0;
export const K = 4;

export interface FakeModel {
  forward: ForwardFn;
  calls: BatchInputs[];
}

/**
 * `canvasStart(row, inputs)` says where the canvas starts in a row of the batch; with `shifted`, the proposal for
 * position i is written at i - 1, as Dream's graph does.
 */
export function fakeModel(
  targets: readonly number[],
  confidences: readonly number[],
  options: { shifted?: boolean; promptLength: (inputs: BatchInputs, row: number) => number },
): FakeModel {
  const calls: BatchInputs[] = [];
  const forward: ForwardFn = async (inputs) => {
    calls.push(inputs);
    const { batch, seq } = inputs;
    const out: HeadOutputs = {
      batch,
      seq,
      k: K,
      topkIds: new Int32Array(batch * seq * K),
      topkProbs: new Float32Array(batch * seq * K),
      negEntropy: new Float32Array(batch * seq),
    };
    for (let r = 0; r < batch; r++) {
      const start = options.promptLength(inputs, r);
      for (let j = 0; j < seq; j++) {
        const c = (options.shifted ? j + 1 : j) - start;
        const target = c >= 0 && c < targets.length ? targets[c] : 3;
        const p = c >= 0 && c < confidences.length ? confidences[c] : 0.5;
        const at = (r * seq + j) * K;
        const rest = (1 - p) / (K - 1);
        for (let k = 0; k < K; k++) {
          out.topkIds[at + k] = k === 0 ? target : 100 + k;
          out.topkProbs[at + k] = k === 0 ? p : rest;
        }
        out.negEntropy[r * seq + j] = Math.fround(p * Math.log(p) + (1 - p) * Math.log(rest));
      }
    }
    return out;
  };
  return { forward, calls };
}

/** Canvas start of a row: everything after its last prompt token, given a fixed canvas length. */
export const startFromCanvas = (canvas: number) => (inputs: BatchInputs, _row: number) => inputs.seq - canvas;
