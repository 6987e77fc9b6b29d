// Flat BIO evaluation with exactly seqeval's numbers: classification_report(y_true, y_pred, mode='strict',
// scheme=IOB2). Entities are read with decodeBio(..., 'strict'), which drops a stray I-X as seqeval does; the label
// set is the labels of the entities found in gold ∪ pred (a label seen only on stray I- tags is not in it).
// Checked against the real seqeval by test/fixtures/seqeval (scripts/gen-seqeval-fixture.py).

import { decodeBio } from '../bio.js';
import { addCounts, reportFromCounts, type Counts, type Report } from './scores.js';

function spanKeys(tags: readonly string[]): Map<string, string> {
  const keys = new Map<string, string>(); // "start-end-label" -> label
  for (const span of decodeBio(tags, 'strict')) keys.set(`${span.start}-${span.end}-${span.label}`, span.label);
  return keys;
}

/**
 * seqeval's strict IOB2 classification report over sentences of tags. Throws RangeError when gold and pred differ
 * in shape and BioTagError on a tag that is not O, B-X or I-X (seqeval raises on both too).
 */
export function seqevalStrictReport(
  gold: readonly (readonly string[])[],
  pred: readonly (readonly string[])[],
): Report {
  if (gold.length !== pred.length) throw new RangeError(`gold has ${gold.length} sequences, pred has ${pred.length}`);
  const counts = new Map<string, Counts>();
  gold.forEach((goldTags, i) => {
    if (goldTags.length !== pred[i].length) {
      throw new RangeError(`sequence ${i}: gold has ${goldTags.length} tags, pred has ${pred[i].length}`);
    }
    const goldSpans = spanKeys(goldTags);
    const predSpans = spanKeys(pred[i]);
    for (const [key, label] of goldSpans) addCounts(counts, label, predSpans.has(key) ? { tp: 1 } : { fn: 1 });
    for (const [key, label] of predSpans) if (!goldSpans.has(key)) addCounts(counts, label, { fp: 1 });
  });
  return reportFromCounts(counts);
}
