// Shared by the tokenised formats (PhoNER, CoNLL): turn a doc's code-point entities into spans over token indices,
// reporting every entity that cannot be written exactly as it is.
import { BioTagError, decodeBio, type TokenSpan } from '../bio.js';
import type { Doc, Entity, Range } from '../document.js';
import type { Issue } from '../issues.js';
import { CodePointIndex, codePointLength } from '../offsets.js';
import { snapToTokens, tokenize } from '../tokenize.js';

/** A token span together with the index (in doc.entities) of the entity it came from. */
export interface EntityTokenSpan extends TokenSpan {
  entity: number;
}

/** A doc seen through its tokens: the token texts and its entities as token spans. */
export interface TokenView {
  tokens: Range[];
  tokenTexts: string[];
  spans: EntityTokenSpan[];
  /** Describes entity `i` for messages: `LABEL "text"`. */
  describe(i: number): string;
}

const MAX_QUOTED = 40;
// A label that would make a malformed BIO tag. A plain space is fine: PhoNER's JSON holds it as it is and CoNLL
// writes it escaped (core/labels.ts escapeLabel); other whitespace could break a column (labels cannot have it now).
const UNUSABLE_LABEL = /^$|[^\S ]/u;

/** The doc's tokens (its own, or `tokenize`'s), each split at whitespace inside it when `splitAtSpaces`. */
export function tokensOf(doc: Doc, splitAtSpaces: boolean): Range[] {
  const tokens = doc.tokens ?? tokenize(doc.text);
  if (!splitAtSpaces) return tokens;
  const index = new CodePointIndex(doc.text);
  return tokens.flatMap((token) => {
    const text = index.slice(token.start, token.end);
    if (!/\s/u.test(text)) return [token];
    // Word-level tokens ("bệnh viện") become their syllables, on the same offsets.
    const syllables: Range[] = [];
    let offset = token.start;
    for (const part of text.split(/(\s+)/u)) {
      const length = codePointLength(part);
      if (part !== '' && !/\s/u.test(part)) syllables.push({ start: offset, end: offset + length });
      offset += length;
    }
    return syllables;
  });
}

/** Maps each entity onto `tokens`; fragments, off-token boundaries and unusable labels are reported to `report`. */
export function viewOnTokens(doc: Doc, tokens: Range[], report: (issue: Issue) => void, format: string): TokenView {
  const index = new CodePointIndex(doc.text);
  const tokenTexts = tokens.map((t) => index.slice(t.start, t.end));
  const quote = (start: number, end: number): string => {
    const text = index.slice(start, end);
    return JSON.stringify(
      Array.from(text).length > MAX_QUOTED ? `${Array.from(text).slice(0, MAX_QUOTED).join('')}…` : text,
    );
  };
  const describeEntity = (e: Entity): string => `${e.label} ${quote(e.start, e.end)}`;
  const warn = (i: number, message: string): void =>
    report({ severity: 'warning', file: doc.name, field: `entities[${i}]`, message });

  const spans: EntityTokenSpan[] = [];
  doc.entities.forEach((entity, i) => {
    if (UNUSABLE_LABEL.test(entity.label)) {
      warn(
        i,
        `label ${JSON.stringify(entity.label)} cannot be written as a ${format} tag (empty or has whitespace other than spaces); entity dropped`,
      );
      return;
    }
    if (entity.fragments)
      warn(
        i,
        `discontinuous entity ${describeEntity(entity)} is written as its whole extent (${format} has no fragments)`,
      );
    const snapped = snapToTokens(entity, tokens);
    if (!snapped) {
      warn(i, `entity ${describeEntity(entity)} covers no token; dropped`);
      return;
    }
    if (!snapped.exact) {
      const start = tokens[snapped.first].start;
      const end = tokens[snapped.end - 1].end;
      warn(i, `entity ${describeEntity(entity)} does not fall on token boundaries; written as ${quote(start, end)}`);
    }
    spans.push({ label: entity.label, start: snapped.first, end: snapped.end, entity: i });
  });
  return { tokens, tokenTexts, spans, describe: (i) => describeEntity(doc.entities[i]) };
}

/** Every malformed tag in `tags` (decodeBio stops at the first), so the user can fix them all at once. */
export function malformedTags(tags: readonly string[]): BioTagError[] {
  const found: BioTagError[] = [];
  tags.forEach((tag, i) => {
    try {
      decodeBio([tag]);
    } catch (e) {
      if (!(e instanceof BioTagError)) throw e;
      found.push(new BioTagError(i, tag));
    }
  });
  return found;
}
