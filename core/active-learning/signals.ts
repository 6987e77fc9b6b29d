// A document's uncertainty as the engine saw it while denoising: per-token entropy and top-2 margin at commit time,
// summarised over the tokens that matter. These are the signals the active-learning ranking reads.

import type { Entity } from '../document.js';
import { entityF1 } from '../metrics/entity-f1.js';

export interface UncertaintySignals {
  /** Output tokens the signals summarise (text tokens for an aligned-canvas model). */
  tokens: number;
  /** Tokens the model labelled as part of an entity. */
  entityTokens: number;
  /** Mean commit-time entropy (nats) of the entity tokens; of all tokens when the model found no entity. */
  meanEntropy: number;
  /** Highest commit-time entropy of any token: a missed entity shows up here, not in the entity tokens. */
  maxEntropy: number;
  /** Sum of the commit-time entropies of all tokens (total token entropy: grows with length and with doubt). */
  totalEntropy?: number;
  /** Lowest top-1 minus top-2 probability of any token (1 = certain everywhere). */
  minMargin: number;
  /** 1 − span F1 between two sampled denoising runs (0 = they agree), when they were run. */
  disagreement?: number;
}

/** Signals of one output from its per-token commit-time entropy and margin (NaN = not committed by the model). */
export function summariseTokens(
  entropy: ArrayLike<number>,
  margin: ArrayLike<number>,
  isEntity: readonly boolean[],
): UncertaintySignals {
  let tokens = 0;
  let entityTokens = 0;
  let allSum = 0;
  let entitySum = 0;
  let maxEntropy = 0;
  let minMargin = 1;
  for (let i = 0; i < isEntity.length; i++) {
    const h = entropy[i];
    if (Number.isNaN(h)) continue;
    tokens++;
    allSum += h;
    maxEntropy = Math.max(maxEntropy, h);
    minMargin = Math.min(minMargin, margin[i]);
    if (isEntity[i]) {
      entityTokens++;
      entitySum += h;
    }
  }
  const meanEntropy = entityTokens > 0 ? entitySum / entityTokens : tokens > 0 ? allSum / tokens : 0;
  return { tokens, entityTokens, meanEntropy, maxEntropy, totalEntropy: allSum, minMargin };
}

/** Signals of a document whose text was denoised in several segments (a long document split to the window). */
export function mergeSignals(parts: readonly UncertaintySignals[]): UncertaintySignals {
  if (parts.length === 1) return parts[0];
  const tokens = parts.reduce((n, p) => n + p.tokens, 0);
  const entityTokens = parts.reduce((n, p) => n + p.entityTokens, 0);
  const weight = (p: UncertaintySignals) => (entityTokens > 0 ? p.entityTokens : p.tokens);
  const total = parts.reduce((n, p) => n + weight(p), 0);
  const merged: UncertaintySignals = {
    tokens,
    entityTokens,
    meanEntropy: total > 0 ? parts.reduce((s, p) => s + p.meanEntropy * weight(p), 0) / total : 0,
    maxEntropy: Math.max(0, ...parts.map((p) => p.maxEntropy)),
    ...(parts.every((p) => p.totalEntropy !== undefined)
      ? { totalEntropy: parts.reduce((s, p) => s + p.totalEntropy!, 0) }
      : {}),
    minMargin: Math.min(1, ...parts.map((p) => p.minMargin)),
  };
  const sampled = parts.filter((p) => p.disagreement !== undefined);
  if (sampled.length === parts.length) merged.disagreement = Math.max(...sampled.map((p) => p.disagreement!));
  return merged;
}

/** Signals of a text decoded once per label schema: each decode read every token, so tokens are not added up. */
export function mergeDecodes(parts: readonly UncertaintySignals[]): UncertaintySignals {
  return { ...mergeSignals(parts), tokens: Math.max(0, ...parts.map((p) => p.tokens)) };
}

/** 1 − strict span F1 between two runs' entities of the same text (0 when both found nothing). */
export function disagreement(a: readonly Entity[], b: readonly Entity[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  return 1 - entityF1([{ gold: a, pred: b }]).micro.f1;
}
