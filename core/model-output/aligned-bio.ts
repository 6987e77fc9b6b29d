// The aligned-BIO output format: the canvas holds exactly one label token per text token of the prompt, `O`,
// `B-LABEL`, `I-LABEL`, or a stack for nesting, outer level first (`I-ORGANIZATION|B-LOCATION`). Spans come
// straight from the text tokens' offsets, so nothing has to be aligned; reading never throws.

import { decodeBio } from '../bio.js';
import { compareEntities, entityKey, type Entity, type Range } from '../document.js';

const TAG = /^(?:O|[BI]-\S+)$/u;

/** An entity with the text tokens [first, end) it covers (for scores). */
export interface AlignedEntity extends Entity {
  tokens: Range;
}

/**
 * Reads label tokens (one per text token, as decoded from the canvas) into entities over `textTokens` (code-point
 * ranges of the text). Missing labels (the canvas ended early), tokens that are not tags and unknown labels are
 * read as O and reported; an I- that continues nothing starts an entity (BIO repair) and is reported.
 */
export function parseAlignedBio(
  labelTokens: readonly string[],
  textTokens: readonly Range[],
  options: { labels?: readonly string[] } = {},
): { entities: AlignedEntity[]; problems: string[] } {
  const problems: string[] = [];
  const known = options.labels ? new Set(options.labels) : undefined;
  if (labelTokens.length < textTokens.length) problems.push(`${textTokens.length - labelTokens.length} text tokens have no label (output ended early); read as O`);
  if (labelTokens.length > textTokens.length) problems.push(`${labelTokens.length - textTokens.length} labels beyond the text's tokens; ignored`);
  const stacks = textTokens.map((_, t) => {
    // Label tokens may be written bracketed (`[B-LOCATION]`, `⟨B-LOCATION⟩`) so they never collide with text tokens.
    const raw = (labelTokens[t] ?? 'O').trim().replace(/^\[(.*)\]$|^\u27e8(.*)\u27e9$/s, '$1$2');
    const levels = raw.split('|');
    if (!levels.every((tag) => TAG.test(tag))) {
      problems.push(`token ${t + 1}: ${JSON.stringify(raw)} is not a tag; read as O`);
      return ['O'];
    }
    return levels.map((tag) => {
      const label = tag.slice(2);
      if (tag === 'O' || !known || known.has(label)) return tag;
      problems.push(`token ${t + 1}: unknown label "${label}"; read as O`);
      return 'O';
    });
  });
  const depth = Math.max(0, ...stacks.map((s) => s.length));
  const found = new Map<string, AlignedEntity>();
  for (let level = 0; level < depth; level++) {
    const tags = stacks.map((s) => s[level] ?? 'O');
    const spans = decodeBio(tags, 'repair', (i, tag) => problems.push(`token ${i + 1}: ${tag} continues nothing; read as B-${tag.slice(2)}`));
    for (const span of spans) {
      const entity = { label: span.label, start: textTokens[span.start].start, end: textTokens[span.end - 1].end, tokens: { start: span.start, end: span.end } };
      found.set(entityKey(entity), entity);
    }
  }
  return { entities: [...found.values()].sort(compareEntities), problems };
}
