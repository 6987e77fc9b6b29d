// Precision / recall / F1 from per-label counts, computed the way seqeval's classification_report does
// (zero division gives 0; macro = plain mean over labels; weighted = mean weighted by support), so entity-level
// and BIO evaluation report numbers that can be compared with published seqeval results.

/** True positives, false positives and false negatives of one label. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** Precision, recall and F1 of one row of a report. */
export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  /** Gold entities the row covers (seqeval's `support`). */
  support: number;
}

/** One label's scores with the counts they came from. */
export interface LabelScores extends Scores, Counts {}

/** A classification report: per label (sorted by label), and the micro, macro and support-weighted averages. */
export interface Report {
  perLabel: Record<string, LabelScores>;
  micro: Scores & Counts;
  macro: Scores;
  weighted: Scores;
}

function divide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Scores of one set of counts (zero division gives 0, as seqeval with zero_division='warn'). */
export function scoresOf(counts: Counts): Scores {
  const precision = divide(counts.tp, counts.tp + counts.fp);
  const recall = divide(counts.tp, counts.tp + counts.fn);
  return { precision, recall, f1: divide(2 * precision * recall, precision + recall), support: counts.tp + counts.fn };
}

/** Builds a report from per-label counts; the macro label set is every label given (gold ∪ pred). */
export function reportFromCounts(byLabel: ReadonlyMap<string, Counts>): Report {
  // Python's sorted() on str compares code points; for the BMP labels NER uses this equals JS code-unit order.
  const labels = [...byLabel.keys()].sort();
  const perLabel: Record<string, LabelScores> = {};
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const macro = { precision: 0, recall: 0, f1: 0, support: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0, support: 0 };
  for (const label of labels) {
    const counts = byLabel.get(label)!;
    const scores = scoresOf(counts);
    perLabel[label] = { ...scores, ...counts };
    total.tp += counts.tp;
    total.fp += counts.fp;
    total.fn += counts.fn;
    for (const key of ['precision', 'recall', 'f1'] as const) {
      macro[key] += scores[key];
      weighted[key] += scores[key] * scores.support;
    }
  }
  const support = total.tp + total.fn;
  for (const key of ['precision', 'recall', 'f1'] as const) {
    macro[key] = divide(macro[key], labels.length);
    weighted[key] = divide(weighted[key], support);
  }
  macro.support = weighted.support = support;
  return { perLabel, micro: { ...scoresOf(total), ...total }, macro, weighted };
}

/** Adds counts into a per-label map (creating the label's entry). */
export function addCounts(byLabel: Map<string, Counts>, label: string, delta: Partial<Counts>): void {
  const counts = byLabel.get(label) ?? { tp: 0, fp: 0, fn: 0 };
  counts.tp += delta.tp ?? 0;
  counts.fp += delta.fp ?? 0;
  counts.fn += delta.fn ?? 0;
  byLabel.set(label, counts);
}
