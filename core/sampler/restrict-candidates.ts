// Decoding with part of a model's output vocabulary: a project that uses some of a model's labels (a model trained on
// two schemas, a project that maps a few of its labels) gets a decode in which the others were never possible, not
// one whose spans of other labels are dropped afterwards and leave holes.

import type { ForwardFn, HeadOutputs } from './head-outputs.js';

/**
 * The head's outputs with the candidates `allowed` rejects removed and the rest renormalised over what is left: each
 * kept probability p becomes p / (1 - removed mass), and the entropy is that distribution's. This is exact when the
 * tokens beyond the graph's top K are all allowed (their mass stays in the denominator); a position with nothing
 * removed is returned unchanged, bit for bit. A position whose K candidates are all rejected gets `fallback` with
 * probability 1 (for an aligned-BIO canvas, `O`: the labels it rejected are not wanted there).
 */
export function restrictCandidates(out: HeadOutputs, allowed: (id: number) => boolean, fallback: number): HeadOutputs {
  const { k } = out;
  const topkIds = out.topkIds.slice();
  const topkProbs = out.topkProbs.slice();
  const negEntropy = out.negEntropy.slice();
  for (let a = 0; a < out.batch * out.seq; a++) {
    const base = a * k;
    let removed = 0;
    let removedNegEntropy = 0;
    let kept = 0;
    for (let i = 0; i < k; i++) {
      const id = out.topkIds[base + i];
      const p = out.topkProbs[base + i];
      if (allowed(id)) {
        topkIds[base + kept] = id;
        topkProbs[base + kept] = p;
        kept++;
      } else {
        removed += p;
        removedNegEntropy += p * Math.log(p + 1e-10);
      }
    }
    if (kept === k) continue;
    if (kept === 0) {
      topkIds.fill(fallback, base, base + k);
      topkProbs.fill(0, base, base + k);
      topkProbs[base] = 1;
      negEntropy[a] = 0;
      continue;
    }
    const z = Math.max(1 - removed, 1e-6);
    for (let i = 0; i < kept; i++) topkProbs[base + i] /= z;
    // The removed candidates' places keep the last kept id at probability 0, so no sampler can draw them.
    topkIds.fill(topkIds[base + kept - 1], base + kept, base + k);
    topkProbs.fill(0, base + kept, base + k);
    // Σ q log q over the allowed tokens, q = p / z: (Σ p log p - removed part) / z - log z.
    negEntropy[a] = (out.negEntropy[a] - removedNegEntropy) / z - Math.log(z);
  }
  return { ...out, topkIds, topkProbs, negEntropy };
}

/** `forward` whose outputs go through restrictCandidates. */
export function restrictedForward(forward: ForwardFn, allowed: (id: number) => boolean, fallback: number): ForwardFn {
  return async (inputs, scalars) => restrictCandidates(await forward(inputs, scalars), allowed, fallback);
}
