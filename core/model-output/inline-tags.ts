// The canonical nested model-output format: the source text with <LABEL>…</LABEL> around each entity, nested as the
// entities nest, and <, >, & of the text escaped as &lt; &gt; &amp; so text can never be read as a tag.
// Rendering is deterministic (training data and prompts must not vary); parsing never throws, because it reads what
// a model wrote: it recovers what it can and says what it could not.

import { compareEntities, entityKey, type Entity } from '../document.js';
import { normalizeNfc } from '../normalize.js';
import { CodePointIndex, codePointLength } from '../offsets.js';
import { alignText, type TextAlignment } from './align.js';

/**
 * Labels a tag can carry: a letter or _ first, then letters, digits, _ . : - % (no space, <, >, / or &). `%` lets a
 * codec write a spaced label escaped (core/labels.ts escapeLabel: `<triệu%20chứng>`).
 */
export const TAG_LABEL = /^[\p{L}_][\p{L}\p{N}_.:%-]*$/u;
const TAG = /<(\/?)([\p{L}_][\p{L}\p{N}_.:%-]*)\s*>/gu;

/** Escapes the characters that would read as markup: & < >. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Undoes escapeText; any other &name; is left as written. */
export function unescapeText(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, name: string) => (name === 'lt' ? '<' : name === 'gt' ? '>' : '&'));
}

/** Why an entity cannot be written as inline tags, or undefined when it can (crossing depends on the others). */
export function unrenderableReason(entity: Entity, length: number): string | undefined {
  if (entity.fragments && entity.fragments.length > 1) return 'discontinuous';
  if (
    !Number.isInteger(entity.start) ||
    !Number.isInteger(entity.end) ||
    entity.start < 0 ||
    entity.end > length ||
    entity.start >= entity.end
  ) {
    return 'empty or outside the text';
  }
  if (!TAG_LABEL.test(entity.label)) return 'label cannot be a tag name';
  return undefined;
}

/**
 * Renders `text` with its entities as inline tags: outer-first for equal starts (compareEntities), closing tags
 * innermost-first. Discontinuous entities, entities crossing one already placed, empty or out-of-range entities and
 * labels that cannot be tag names are returned in `skipped`; exact duplicates (same entityKey) are written once.
 */
export function renderInlineTags(text: string, entities: readonly Entity[]): { output: string; skipped: Entity[] } {
  const index = new CodePointIndex(text);
  const skipped: Entity[] = [];
  const seen = new Set<string>();
  const open: Entity[] = []; // entities whose closing tag is still to come, innermost last
  let output = '';
  let at = 0; // code point up to which text has been written
  const writeTo = (cp: number) => {
    output += escapeText(index.slice(at, cp));
    at = cp;
  };
  const closeUpTo = (cp: number) => {
    while (open.length > 0 && open[open.length - 1].end <= cp) {
      const inner = open.pop()!;
      writeTo(inner.end);
      output += `</${inner.label}>`;
    }
  };
  for (const entity of [...entities].sort(compareEntities)) {
    const key = entityKey(entity);
    if (seen.has(key)) continue;
    if (unrenderableReason(entity, index.length)) {
      skipped.push(entity);
      continue;
    }
    closeUpTo(entity.start);
    // Sorted by start, the only entity this one can cross is the innermost still open.
    if (open.length > 0 && entity.end > open[open.length - 1].end) {
      skipped.push(entity);
      continue;
    }
    seen.add(key);
    writeTo(entity.start);
    output += `<${entity.label}>`;
    open.push(entity);
  }
  closeUpTo(Infinity);
  writeTo(index.length);
  return { output, skipped };
}

/** An entity read from model output, with the code-point offset of its opening tag there (for messages). */
export type InlineTagsEntity = Entity & { at: number };

/**
 * Reads the tag structure of model output without looking at the source: the plain text (tags removed, unescaped),
 * the entities over it (code points), the text as written with tags removed (`rawText`, still escaped) and the
 * problems found. Unbalanced tags are recovered: a close that skips open tags closes them too (closing order
 * mismatched or a close tag missing; a later close for one of them at the same place is then accepted quietly);
 * a close with nothing to close is ignored; a tag never closed is dropped.
 */
export function readInlineTags(
  output: string,
  options: { labels?: readonly string[] } = {},
): {
  text: string;
  rawText: string;
  entities: InlineTagsEntity[];
  problems: string[];
} {
  const known = options.labels ? new Set(options.labels) : undefined;
  const problems: string[] = [];
  const entities: InlineTagsEntity[] = [];
  const open: { label: string; start: number; at: number }[] = [];
  let closedEarly: { label: string; at: number }[] = []; // closed implicitly at plain offset `plainLength`
  let text = '';
  let rawText = '';
  let plainLength = 0;
  let rawCp = 0;
  let last = 0;
  const finish = (entry: { label: string; start: number; at: number }) => {
    if (known && !known.has(entry.label)) return; // reported at the opening tag
    if (entry.start === plainLength)
      problems.push(`<${entry.label}> at output offset ${entry.at} marks no text; dropped`);
    else entities.push({ label: entry.label, start: entry.start, end: plainLength, at: entry.at });
  };
  for (const match of output.matchAll(TAG)) {
    const piece = output.slice(last, match.index);
    if (piece !== '') {
      const plain = unescapeText(piece);
      text += plain;
      rawText += piece;
      plainLength += codePointLength(plain);
      rawCp += codePointLength(piece);
      closedEarly = [];
    }
    last = match.index + match[0].length;
    const tagAt = rawCp;
    rawCp += codePointLength(match[0]);
    const label = match[2];
    if (match[1] === '') {
      if (known && !known.has(label)) problems.push(`unknown label "${label}" at output offset ${tagAt}; dropped`);
      open.push({ label, start: plainLength, at: tagAt });
      continue;
    }
    let depth = open.length - 1;
    while (depth >= 0 && open[depth].label !== label) depth--;
    if (depth < 0) {
      const early = closedEarly.findIndex((entry) => entry.label === label);
      if (early >= 0) closedEarly.splice(early, 1);
      else problems.push(`</${label}> at output offset ${tagAt} closes nothing; ignored`);
      continue;
    }
    while (open.length > depth + 1) {
      const inner = open.pop()!;
      problems.push(
        `<${inner.label}> at output offset ${inner.at} closed by </${label}> at ${tagAt} (closing tags out of order or </${inner.label}> missing)`,
      );
      finish(inner);
      closedEarly.push({ label: inner.label, at: inner.at });
    }
    finish(open.pop()!);
  }
  const tail = output.slice(last);
  text += unescapeText(tail);
  rawText += tail;
  for (const entry of open) problems.push(`<${entry.label}> at output offset ${entry.at} is never closed; dropped`);
  return { text, rawText, entities, problems };
}

/** Moves NFD-counted offsets onto the NFC text; an offset inside a composed character moves outward. */
function toNfc(text: string, entities: InlineTagsEntity[]): { text: string; entities: InlineTagsEntity[] } {
  const nfc = normalizeNfc(text);
  if (nfc.unchanged) return { text, entities };
  const length = codePointLength(text);
  const mapDown = (p: number): number => nfc.map(p) ?? (p > 0 ? mapDown(p - 1) : 0);
  const mapUp = (p: number): number => nfc.map(p) ?? (p < length ? mapUp(p + 1) : codePointLength(nfc.text));
  return { text: nfc.text, entities: entities.map((e) => ({ ...e, start: mapDown(e.start), end: mapUp(e.end) })) };
}

/** "3 source characters missing, 1 output character not in the source, 2 changed" (only the counts that are not 0). */
export function driftSummary(alignment: TextAlignment): string {
  const parts = [
    alignment.missing > 0 ? `${alignment.missing} source characters missing` : '',
    alignment.extra > 0 ? `${alignment.extra} output characters not in the source` : '',
    alignment.changed > 0 ? `${alignment.changed} changed` : '',
  ];
  return parts.filter((part) => part !== '').join(', ');
}

function snippet(index: CodePointIndex, at: number): string {
  return JSON.stringify(index.slice(at, Math.min(index.length, at + 24)));
}

/**
 * Reads entities from inline-tag model output onto `source` (NFC): never throws. Unknown labels (when `labels` is
 * given), unbalanced tags and text that drifted from the source are recovered where possible and reported;
 * drifted text is aligned back to the source so offsets are always code points into `source`.
 */
export function parseInlineTags(
  output: string,
  source: string,
  options: { labels?: readonly string[] } = {},
): { entities: Entity[]; problems: string[] } {
  try {
    const read = readInlineTags(output, options);
    const { text, entities } = toNfc(read.text, read.entities);
    const problems = read.problems;
    const placed: Entity[] = [];
    if (text === source) {
      for (const { label, start, end } of entities) placed.push({ label, start, end });
    } else {
      const alignment = alignText(text, source);
      const sourceIndex = new CodePointIndex(source);
      const textIndex = new CodePointIndex(text);
      const where = alignment.firstDifference;
      problems.push(
        `output text differs from the source (${driftSummary(alignment)}${
          where
            ? `; first at source offset ${where.source}: source ${snippet(sourceIndex, where.source)}, output ${snippet(textIndex, where.output)}`
            : ''
        }); entities aligned to the source${alignment.gaveUp ? ', though part of the output was too different to align' : ''}`,
      );
      for (const entity of entities) {
        const range = alignment.mapRange(entity.start, entity.end);
        const written = textIndex.slice(entity.start, entity.end);
        if (!range) {
          problems.push(
            `${entity.label} ${JSON.stringify(written)} (output offset ${entity.at}) is not in the source; dropped`,
          );
          continue;
        }
        const found = sourceIndex.slice(range.start, range.end);
        if (found !== written)
          problems.push(
            `${entity.label} ${JSON.stringify(written)} aligned to source ${JSON.stringify(found)} [${range.start}, ${range.end})`,
          );
        placed.push({ label: entity.label, ...range });
      }
    }
    const unique = new Map(placed.map((entity) => [entityKey(entity), entity]));
    return { entities: [...unique.values()].sort(compareEntities), problems };
  } catch (error) {
    // Defensive only: model output must never take the caller down; tests assert this path is not reached.
    return {
      entities: [],
      problems: [
        `internal error while reading model output: ${error instanceof Error ? error.message : String(error)}`,
      ],
    };
  }
}
