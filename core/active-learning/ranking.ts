// Ranking unfinished documents by how much annotating them should teach the model, from the engine's own signals
// (docs/active-learning.md). Deterministic: a fixed seed gives the same order whatever order the documents arrive in.

import { Xoshiro128 } from '../sampler/rng.js';
import { NearDuplicateIndex, shingles } from './near-duplicates.js';
import type { UncertaintySignals } from './signals.js';

export const STRATEGIES = ['entropy-mean', 'entropy-max', 'entropy-total', 'margin', 'disagreement', 'random'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface RankingOptions {
  strategy: Strategy;
  /** Divide each score by the document's token count: uncertainty per unit of annotation effort. */
  costAware?: boolean;
  /** Seed of the random strategy (and of nothing else: the other strategies break ties by id). */
  seed?: number;
  /** Jaccard of syllable 3-grams at or above which a document is a near-duplicate of one ranked above it (default 0.8; 1 or more turns it off). */
  duplicateThreshold?: number;
  /** Near-duplicates are looked for among the first this many documents (default 1000). */
  duplicateWindow?: number;
}

export interface RankCandidate {
  id: number;
  text: string;
  /** The latest model run's signals; undefined when the document was never pre-annotated. */
  signals?: UncertaintySignals;
}

export interface RankReason {
  strategy: Strategy;
  /** The signal the strategy reads (entropy in nats, 1 − margin, disagreement, or the random draw). */
  value: number;
  costAware: boolean;
  tokens: number;
  /** Set when the document was pushed back as a near-duplicate of a document ranked above it. */
  nearDuplicateOf?: number;
  /** True when the strategy's signal is missing (never pre-annotated, or no sampled runs for disagreement). */
  unscored?: boolean;
}

export interface Ranked {
  id: number;
  /** Higher = more useful to annotate next; null when unscored. */
  score: number | null;
  reason: RankReason;
}

/** The strategy's signal for a document, or undefined when the signals do not carry it. */
function signalOf(
  strategy: Strategy,
  signals: UncertaintySignals | undefined,
  id: number,
  seed: number,
): number | undefined {
  if (strategy === 'random') return new Xoshiro128(seed, id).uniform();
  if (!signals) return undefined;
  switch (strategy) {
    case 'entropy-mean':
      return signals.meanEntropy;
    case 'entropy-max':
      return signals.maxEntropy;
    case 'entropy-total':
      return signals.totalEntropy;
    case 'margin':
      return 1 - signals.minMargin;
    case 'disagreement':
      return signals.disagreement;
  }
}

/** Documents most useful first; unscored ones last (by id); near-duplicates after everything they duplicate. */
export function rankDocuments(candidates: readonly RankCandidate[], options: RankingOptions): Ranked[] {
  const { strategy, costAware = false, seed = 0, duplicateThreshold = 0.8, duplicateWindow = 1000 } = options;
  const ranked = candidates.map((c): Ranked & { text: string } => {
    const value = signalOf(strategy, c.signals, c.id, seed);
    const tokens = c.signals?.tokens ?? 0;
    // Random draws are already uniform per document; dividing them by length would just prefer short documents.
    const score = value === undefined ? null : costAware && strategy !== 'random' ? value / Math.max(tokens, 1) : value;
    const reason: RankReason = {
      strategy,
      value: value ?? 0,
      costAware,
      tokens,
      ...(value === undefined ? { unscored: true } : {}),
    };
    return { id: c.id, score, reason, text: c.text };
  });
  ranked.sort((a, b) =>
    a.score === null ? (b.score === null ? a.id - b.id : 1) : b.score === null ? -1 : b.score - a.score || a.id - b.id,
  );
  if (duplicateThreshold >= 1) return ranked.map(({ text: _, ...r }) => r);

  const index = new NearDuplicateIndex(duplicateThreshold);
  const kept: Ranked[] = [];
  const deferred: Ranked[] = [];
  ranked.forEach(({ text, ...r }, i) => {
    if (i >= duplicateWindow) return kept.push(r);
    const set = shingles(text);
    const twin = index.find(set);
    if (twin === undefined) {
      index.add(r.id, set);
      kept.push(r);
    } else {
      deferred.push({ ...r, reason: { ...r.reason, nearDuplicateOf: twin } });
    }
  });
  return [...kept, ...deferred];
}
