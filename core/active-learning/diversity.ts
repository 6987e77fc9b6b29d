// Batch diversity for the ranking: uncertainty alone picks the same unknown term ten times over (ten sentences from one
// article on a rare disease), and the model learns it from the first. A document's score is discounted by the share
// of its word pairs that documents ranked above it already cover, each pair weighted by its rarity (idf over the
// candidates), so common pairs ("của bệnh") cost nothing and a rare term counts once per batch.

import { shingles } from './near-duplicates.js';

export interface DiverseItem {
  id: number;
  /** Non-negative usefulness before any discount. */
  score: number;
  text: string;
}

export interface DiverseOrder {
  id: number;
  /** The score after the discount. */
  score: number;
  /** Weighted share (0–1) of the document's word pairs covered by the documents placed above it. */
  coverage: number;
}

/** Greedy order: each place goes to the document whose score × (1 − coverage) is highest; ties by input order. */
export function diverseOrder(items: readonly DiverseItem[]): DiverseOrder[] {
  const grams = items.map((item) => [...shingles(item.text, 2)]);
  const docsWith = new Map<string, number[]>();
  grams.forEach((set, k) => {
    for (const g of set) {
      const list = docsWith.get(g);
      if (list) list.push(k);
      else docsWith.set(g, [k]);
    }
  });
  // log(N / df): a pair in every candidate weighs 0, one in a single candidate the most.
  const weight = (g: string) => Math.log(items.length / docsWith.get(g)!.length);
  const total = grams.map((set) => set.reduce((s, g) => s + weight(g), 0));
  const covered = new Float64Array(items.length);
  const placed = new Uint8Array(items.length);
  const coveredGrams = new Set<string>();
  const share = (k: number) => (total[k] > 0 ? Math.min(1, covered[k] / total[k]) : 0);
  const out: DiverseOrder[] = [];
  for (let n = 0; n < items.length; n++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let k = 0; k < items.length; k++) {
      if (placed[k]) continue;
      const s = items[k].score * (1 - share(k));
      if (s > bestScore) [best, bestScore] = [k, s];
    }
    placed[best] = 1;
    out.push({ id: items[best].id, score: bestScore, coverage: share(best) });
    for (const g of grams[best]) {
      if (coveredGrams.has(g)) continue;
      coveredGrams.add(g);
      const w = weight(g);
      for (const k of docsWith.get(g)!) covered[k] += w;
    }
  }
  return out;
}
