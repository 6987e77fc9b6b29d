// The lexicon's held-out score, measured the way fine-tuning measures a model (main/services/fine-tune-service.ts):
// of the finished documents in order, every fifth is held out; the lexicon is built from the rest and its
// suggestions on the held-out ones are scored by strict micro-F1. This is what a trained model's held-out F1 is
// compared with to decide whose suggestions a document keeps.
import type { Entity } from '../document.js';
import { entityF1 } from '../metrics/entity-f1.js';
import { Lexicon, type MatchOptions } from './lexicon.js';
import type { Prior } from './score.js';

/** Micro P/R/F1 of a lexicon built from all but every `every`-th document, on those held out; undefined when none is held out. */
export function heldoutScores(
  docs: readonly { text: string; entities: readonly Entity[] }[],
  every = 5,
  options: MatchOptions & { prior?: Prior } = {},
): { precision: number; recall: number; f1: number; heldout: number } | undefined {
  const train = docs.filter((_, i) => i % every !== every - 1);
  const heldout = docs.filter((_, i) => i % every === every - 1);
  if (heldout.length === 0) return undefined;
  const lexicon = Lexicon.build(train, options.prior);
  const report = entityF1(heldout.map((d) => ({ gold: d.entities, pred: lexicon.match(d.text, options) })));
  return {
    precision: report.micro.precision,
    recall: report.micro.recall,
    f1: report.micro.f1,
    heldout: heldout.length,
  };
}
