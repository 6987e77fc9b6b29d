// The lexicon fills a model's gaps: a project model's suggestions, plus the exact matches of the lexicon of its
// training documents where the model suggested nothing (spaCy's entity ruler after its tagger, overwrite off).
//
// Why a precision floor of 0.5 makes this safe: adding one suggestion that is right with probability p moves
// micro-F1 = 2TP / (2TP + FP + FN) to (2TP + 2p) / (2TP + FP + FN + 1), which is higher exactly when p > F1 / 2.
// A model's F1 is below 1, so matches whose precision in the training documents is at least 0.5 raise it in
// expectation; the model's own suggestions are never changed or removed.
import { compareEntities, type Entity } from '../document.js';
import type { Lexicon } from './lexicon.js';

/** Matches scored below this never fill a gap (see above). */
export const FILL_MIN_SCORE = 0.5;

/** `entities` plus the lexicon's matches in `text` that overlap none of them (offsets in code points of NFC `text`,
 * as every stored text is; a text in another form is left as the model saw it). */
export function fillGaps(
  text: string,
  entities: readonly Entity[],
  lexicon: Lexicon,
  minScore = FILL_MIN_SCORE,
): Entity[] {
  if (text.normalize('NFC') !== text) return [...entities];
  const added = lexicon
    .match(text, { minScore })
    .filter((m) => !entities.some((e) => e.start < m.end && m.start < e.end));
  return added.length === 0 ? [...entities] : [...entities, ...added].sort(compareEntities);
}
