// Why the queue puts a document where it is, as one sentence in the UI language (the ranking's reason from
// core/active-learning/ranking.ts, carried by queue.next). Plain TS: unit-tested in test/unit/renderer/.
import type { Strategy } from '../../../core/active-learning/ranking.js';
import type { QueueItem } from '../../../core/contract/types.js';
import { fillIn, type Locale } from './fill-in.js';
import { activeLearningEn, activeLearningVi, type ActiveLearningKey } from './messages-active-learning.js';

export type { Locale };

/** The sentence each strategy's signal is explained with. */
const REASON_KEYS: Record<Strategy, ActiveLearningKey> = {
  'entropy-mean': 'reasonEntropyMean',
  'entropy-max': 'reasonEntropyMax',
  'entropy-total': 'reasonEntropyTotal',
  margin: 'reasonMargin',
  disagreement: 'reasonDisagreement',
  random: 'reasonRandom',
};

const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');
const score4 = (v: number): string =>
  Number.isFinite(v) ? (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(1) : v.toFixed(3)) : '—';

/** A template from the active-learning table with `{name}` placeholders filled in. */
export function fill(locale: Locale, key: ActiveLearningKey, params: Record<string, string | number> = {}): string {
  return fillIn((locale === 'vi' ? activeLearningVi : activeLearningEn)[key], params, locale);
}

/**
 * The reason a queue item has its place: the strategy's signal (and how it was divided for cost-aware ranking),
 * why it has none, and whether it was moved down as a near-duplicate. `nameOf` names the document it duplicates.
 */
export function describeReason(
  item: Pick<QueueItem, 'reason' | 'score' | 'status'>,
  locale: Locale,
  nameOf: (documentId: number) => string | undefined = () => undefined,
): string {
  const { reason } = item;
  let text: string;
  if (reason.unscored || item.score === null) {
    if (item.status === 'new' && reason.tokens === 0) text = fill(locale, 'reasonNotPreannotated');
    else if (reason.strategy === 'disagreement' && reason.tokens > 0) text = fill(locale, 'reasonNoDisagreement');
    else text = fill(locale, 'reasonNoSignals');
  } else {
    const params = { value: num(reason.value), tokens: reason.tokens, margin: num(1 - reason.value) };
    text = fill(locale, REASON_KEYS[reason.strategy as Strategy] ?? 'reasonRandom', params);
    // The ranking does not divide random draws by length, so saying so would be wrong.
    if (reason.costAware && reason.strategy !== 'random')
      text += fill(locale, 'reasonCostAware', { tokens: reason.tokens, score: score4(item.score) });
  }
  if (reason.nearDuplicateOf !== undefined) {
    const name = nameOf(reason.nearDuplicateOf);
    text += fill(locale, 'reasonNearDuplicate', {
      name: name === undefined ? `#${reason.nearDuplicateOf}` : `${name} (#${reason.nearDuplicateOf})`,
    });
  }
  return text;
}

/** The score as the queue shows it: the ranking key, or a dash when the strategy has no signal for the document. */
export function formatScore(score: number | null): string {
  return score === null ? '—' : score4(score);
}
