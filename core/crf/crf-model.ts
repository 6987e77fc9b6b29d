// A package's word prior (crf.json, named by the manifest's `prior`): a linear-chain CRF over the text's words and
// its per-word tag marginals, as training/dnw/crf/model.py computes them.
import { wordFeatures } from './features.js';

export const CRF_FILE_FORMAT = 'dnw-crf/1';

export interface CrfModel {
  /** Flat tags as the package's label tokens write them: O, B-LABEL, I-LABEL. */
  labels: readonly string[];
  /** [from * L + to]: the score of tag `to` after tag `from`. */
  transitions: Float64Array;
  /** feature -> [tag, weight, tag, weight, ...]. */
  attributes: ReadonlyMap<string, readonly number[]>;
}

/** A CRF from a parsed crf.json; throws an error naming `source` and the field at fault. */
export function readCrfFile(json: unknown, source: string): CrfModel {
  const fail = (where: string, message: string): never => {
    throw new Error(`${source}: ${where}: ${message}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('', 'must hold a JSON object');
  const file = json as Record<string, unknown>;
  if (file.format !== CRF_FILE_FORMAT) fail('format', `must be "${CRF_FILE_FORMAT}"`);
  const labels = file.labels;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string'))
    return fail('labels', 'must be a non-empty array of tags');
  const n = labels.length;
  const rows = file.transitions;
  if (!Array.isArray(rows) || rows.length !== n) return fail('transitions', `must be ${n} rows of ${n} numbers`);
  const transitions = new Float64Array(n * n);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== n || !row.every(Number.isFinite))
      fail(`transitions[${i}]`, `must be ${n} finite numbers`);
    transitions.set(row as number[], i * n);
  });
  const attrs = file.attributes;
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs))
    return fail('attributes', 'must be an object');
  const attributes = new Map<string, readonly number[]>();
  for (const [name, flat] of Object.entries(attrs)) {
    const ok =
      Array.isArray(flat) &&
      flat.length % 2 === 0 &&
      flat.every((v, k) => (k % 2 === 0 ? Number.isInteger(v) && v >= 0 && v < n : Number.isFinite(v)));
    if (!ok) fail(`attributes["${name}"]`, `must pair tag indices below ${n} with finite weights`);
    attributes.set(name, flat as number[]);
  }
  return { labels: labels as string[], transitions, attributes };
}

const logSumExp = (xs: Float64Array): number => {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
};

/** Each word's probability of each tag under the CRF (forward-backward in log space): [words][tags]. */
export function crfMarginals(crf: CrfModel, words: readonly string[]): Float64Array[] {
  const n = crf.labels.length;
  const T = words.length;
  const emit = wordFeatures(words).map((feats) => {
    const e = new Float64Array(n);
    for (const f of feats) {
      const pairs = crf.attributes.get(f);
      if (pairs) for (let k = 0; k < pairs.length; k += 2) e[pairs[k]] += pairs[k + 1];
    }
    return e;
  });
  if (T === 0) return [];
  const tr = crf.transitions;
  const alpha = emit.map(() => new Float64Array(n));
  const beta = emit.map(() => new Float64Array(n));
  const terms = new Float64Array(n);
  alpha[0].set(emit[0]);
  for (let t = 1; t < T; t++)
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) terms[x] = alpha[t - 1][x] + tr[x * n + y];
      alpha[t][y] = logSumExp(terms) + emit[t][y];
    }
  for (let t = T - 2; t >= 0; t--)
    for (let x = 0; x < n; x++) {
      for (let y = 0; y < n; y++) terms[y] = tr[x * n + y] + emit[t + 1][y] + beta[t + 1][y];
      beta[t][x] = logSumExp(terms);
    }
  const z = logSumExp(alpha[T - 1]);
  return alpha.map((a, t) => a.map((v, y) => Math.exp(v + beta[t][y] - z)));
}
