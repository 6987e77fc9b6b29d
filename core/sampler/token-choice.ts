// Token and confidence for one masked position, from the graph's top-K (Dream's `sample_tokens` without the vocab).

import type { HeadOutputs } from './head-outputs.js';
import type { Xoshiro128 } from './rng.js';
import { pickIndex } from './schedule.js';
import type { SamplerAlg } from './settings.js';

export interface TokenChoice {
  token: number;
  /** Dream's confidence for the alg: chosen prob, top1 - top2, or negative entropy. */
  confidence: number;
  /** Probability of the chosen token (kept for suggestion scores whatever the alg). */
  probability: number;
}

/**
 * Chooses the token at output position `at` (row-major index into [batch, seq]) of `out`. Argmax at temperature 0
 * (the graph's first candidate: ties go to the lower token id); otherwise one uniform from `rng` picks among the K
 * candidates in proportion to their probabilities - Dream's categorical draw, exact when the filtered
 * distribution has at most K tokens.
 */
export function chooseToken(
  out: HeadOutputs,
  at: number,
  alg: SamplerAlg,
  temperature: number,
  rng: Xoshiro128,
): TokenChoice {
  const base = at * out.k;
  let pick = 0;
  if (temperature > 0) pick = pickIndex(out.topkProbs.subarray(base, base + out.k), rng.uniform());
  const token = out.topkIds[base + pick];
  const probability = out.topkProbs[base + pick];
  let confidence = probability;
  if (alg === 'topk_margin') confidence = Math.fround(out.topkProbs[base] - out.topkProbs[base + 1]);
  else if (alg === 'entropy') confidence = out.negEntropy[at];
  return { token, confidence, probability };
}
