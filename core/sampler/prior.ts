// A prior the sampler multiplies into the model's candidates (a product of experts): where it has a distribution
// over a canvas position's tags, each of the graph's top-K candidates p becomes q ∝ p^(1-w) · m^w, m the prior's
// probability of the candidate's tag, renormalised over the K and sorted again. A project model's word prior is a
// CRF over the text's words (core/crf/); training/dnw/crf/prior.py is the reference.

import type { HeadOutputs } from './head-outputs.js';

export interface CanvasPrior {
  /** w: how much the prior counts against the model (0: not at all). */
  weight: number;
  /** Per canvas position: the prior's distribution over its tags, or undefined where it has none. */
  at: readonly (ArrayLike<number> | undefined)[];
  /** A candidate token's tag index in those distributions, or -1 where the prior has no opinion on it. */
  tagOf: (id: number) => number;
}

/** Where each output row's prior lies: row j's canvas position c is output position `offset + c`. */
export interface PlacedPrior {
  prior: CanvasPrior | undefined;
  offset: number;
}

/** `out` with each row's prior applied at the positions it covers; rows without one are unchanged. */
export function applyPriors(out: HeadOutputs, rows: readonly PlacedPrior[]): HeadOutputs {
  if (rows.every((r) => !r.prior || r.prior.weight <= 0)) return out;
  const { k, seq } = out;
  const topkIds = out.topkIds.slice();
  const topkProbs = out.topkProbs.slice();
  const negEntropy = out.negEntropy.slice();
  const q = new Float64Array(k);
  const order = new Array<number>(k);
  const ids = new Int32Array(k);
  rows.forEach(({ prior, offset }, j) => {
    if (!prior || prior.weight <= 0) return;
    const w = prior.weight;
    prior.at.forEach((m, c) => {
      if (!m) return;
      const a = j * seq + offset + c;
      const base = a * k;
      let z = 0;
      for (let i = 0; i < k; i++) {
        const p = out.topkProbs[base + i];
        const tag = prior.tagOf(out.topkIds[base + i]);
        const pm = tag < 0 ? p : Math.max(m[tag], 1e-6);
        q[i] = p > 0 ? p ** (1 - w) * pm ** w : 0;
        z += q[i];
      }
      if (z <= 0) return;
      for (let i = 0; i < k; i++) order[i] = i;
      order.sort((x, y) => q[y] - q[x] || x - y);
      let ent = 0;
      for (let i = 0; i < k; i++) ids[i] = out.topkIds[base + order[i]];
      for (let i = 0; i < k; i++) {
        const v = q[order[i]] / z;
        topkIds[base + i] = ids[i];
        topkProbs[base + i] = v;
        ent += v * Math.log(v + 1e-10);
      }
      negEntropy[a] = ent;
    });
  });
  return { ...out, topkIds, topkProbs, negEntropy };
}
