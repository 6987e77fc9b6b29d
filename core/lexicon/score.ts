// How much a lexicon suggestion is worth. The question a suggestion asks is "is this occurrence of the surface form
// an entity of this label?", so its precision so far is, over the finished documents, the share of the form's
// occurrences (on syllable boundaries) that the annotators annotated with that label. Every suggestion the annotators
// kept, edited away or rejected is in that count once its document is finished, and so are occurrences nobody was
// ever shown. Few observations are smoothed with a Beta(alpha, beta) prior (the posterior mean): with the default
// Beta(1, 1) (Laplace's rule of succession) a form annotated at its only occurrence scores 2/3, at 5 of 5 6/7, at
// 1 of 10 2/12.

/** Pseudo-counts of annotated (alpha) and not annotated (beta) occurrences added to every entry. */
export interface Prior {
  alpha: number;
  beta: number;
}

export const DEFAULT_PRIOR: Prior = { alpha: 1, beta: 1 };

/** The posterior-mean precision of an entry annotated at `hits` of its `occurrences`. */
export function precisionOf(hits: number, occurrences: number, prior: Prior = DEFAULT_PRIOR): number {
  return (hits + prior.alpha) / (occurrences + prior.alpha + prior.beta);
}
