// Dream's schedule arithmetic, reproduced in float32 exactly as torch computes it on CPU, because Dream's commit
// counts are floors of float32 products that often land within an ulp of an integer (steps = max_new_tokens = 512
// commits 0 tokens at its first step: 512 * (1 - s/t) = 0.999).

const f32 = Math.fround;

/**
 * torch.linspace(start, end, n) in float32 as torch's CPU kernel computes it: the step rounded to float32, then
 * each value one fused multiply-add from the nearer end (a double sum of an exact product, rounded once).
 */
export function linspaceF32(start: number, end: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const s = f32(start);
  const e = f32(end);
  if (n === 1) {
    out[0] = s;
    return out;
  }
  const step = f32(f32(e - s) / (n - 1));
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) out[i] = i < half ? f32(step * i + s) : f32(e - step * (n - 1 - i));
  return out;
}

/** mask_index.sum() / batch in float32 (Dream's per-row mean of masked positions). */
export function maskedMean(total: number, rows: number): number {
  return f32(f32(total) / f32(rows));
}

/** Dream's int(num_mask_token * (1 - s / t)) in float32; int(num_mask_token) at the last step. */
export function transferCount(mean: number, t: number, s: number, last: boolean): number {
  if (last) return Math.trunc(mean);
  return Math.trunc(f32(mean * f32(1 - f32(s / t))));
}

/** Origin's reveal probability 1 - s/t in float32 (1 at the last step). */
export function revealProbability(t: number, s: number, last: boolean): number {
  return last ? 1 : f32(1 - f32(s / t));
}

/** The first i with u * sum(weights) < cumulative(weights)[i], summing in double left to right; zero weights never win. */
export function pickIndex(weights: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const target = u * total;
  let acc = 0;
  let lastPositive = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (w <= 0) continue;
    acc += w;
    lastPositive = i;
    if (target < acc) return i;
  }
  return lastPositive; // rounding left the target at the very end
}

/** softmax(confidence / algTemp), unnormalised, in double (pickIndex normalises). */
export function commitWeights(confidences: ArrayLike<number>, algTemp: number): Float64Array {
  const out = new Float64Array(confidences.length);
  let top = -Infinity;
  for (let i = 0; i < out.length; i++) top = Math.max(top, (out[i] = confidences[i] / algTemp));
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(out[i] - top);
  return out;
}
