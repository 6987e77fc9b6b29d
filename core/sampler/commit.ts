// Which of a row's eligible positions commit at a step. Ties are broken toward the lower position so that the
// engine and the reference (and two runs of either) agree where torch.topk's order would be unspecified.

import type { Xoshiro128 } from './rng.js';
import { commitWeights, pickIndex } from './schedule.js';

/** Indices (into `confidences`) of the `k` best, best first, ties to the lower index. */
export function selectBest(confidences: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: confidences.length }, (_, i) => i);
  if (k >= order.length) return order;
  order.sort((a, b) => confidences[b] - confidences[a] || a - b);
  return order.slice(0, k);
}

/**
 * `k` indices drawn without replacement with probability softmax(confidence / algTemp): Dream's
 * torch.multinomial(..., replacement=False) as sequential draws, one uniform each. No draw when k covers all.
 */
export function selectSampled(confidences: ArrayLike<number>, k: number, algTemp: number, rng: Xoshiro128): number[] {
  if (k >= confidences.length) return Array.from({ length: confidences.length }, (_, i) => i);
  const weights = commitWeights(confidences, algTemp);
  const chosen: number[] = [];
  for (let n = 0; n < k; n++) {
    const i = pickIndex(weights, rng.uniform());
    chosen.push(i);
    weights[i] = 0;
  }
  return chosen;
}

/** Every index whose confidence is >= threshold; the best one when none is (a step always commits something). */
export function selectAboveThreshold(confidences: ArrayLike<number>, threshold: number): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < confidences.length; i++) if (confidences[i] >= threshold) chosen.push(i);
  return chosen.length > 0 ? chosen : selectBest(confidences, 1);
}
