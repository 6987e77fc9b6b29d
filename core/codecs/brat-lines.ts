// The line grammar of brat's .ann files: text-bound `T` lines are parsed into spans; every other line (R, E, A,
// M, N, #, *) is kept as it is, and only read for the ids it points at.
import type { Range } from '../document.js';
import { unescapeLabel } from '../labels.js';

/** A parsed `T` line: `T1<TAB>LABEL 0 5;7 12<TAB>text`, offsets as written (not yet checked against the text). */
export interface TextBoundLine {
  id: string;
  label: string;
  fragments: Range[];
  text: string;
}

const TEXT_BOUND_ID = /^T\d+$/;

/** The id a line starts with (up to the first tab or space), or '' for an empty line. */
export function lineId(line: string): string {
  const m = /^[^\t ]*/.exec(line);
  return m ? m[0] : '';
}

/** True when the line is (or tries to be) a text-bound annotation. */
export function isTextBoundLine(line: string): boolean {
  return TEXT_BOUND_ID.test(lineId(line));
}

/** True for a layout entry that stands for a `T` line (a bare id) rather than a kept line. */
export function isTextBoundSlot(entry: string): boolean {
  return TEXT_BOUND_ID.test(entry);
}

/** Parses a `T` line; returns a message saying what is wrong when it does not follow the grammar. */
export function parseTextBound(line: string): TextBoundLine | string {
  const fields = line.split('\t');
  if (fields.length < 3) return 'expected "ID<TAB>LABEL START END<TAB>TEXT" (tab-separated)';
  const [id, typeAndOffsets] = fields;
  // The span text may itself contain tabs: everything after the second tab is text.
  const text = fields.slice(2).join('\t');
  const space = typeAndOffsets.indexOf(' ');
  if (space <= 0) return `expected "LABEL START END", found "${typeAndOffsets}"`;
  const label = unescapeLabel(typeAndOffsets.slice(0, space)); // a spaced label comes escaped (brat-encode.ts)
  const fragments: Range[] = [];
  for (const part of typeAndOffsets.slice(space + 1).split(';')) {
    const m = /^(\d+) (\d+)$/.exec(part);
    if (!m) return `fragment "${part}" is not "START END" with whole numbers`;
    fragments.push({ start: Number(m[1]), end: Number(m[2]) });
  }
  return { id, label, fragments, text };
}

/** Formats a `T` line; `text` is the span text as brat writes it (see spanTextForAnn). */
export function formatTextBound(id: string, label: string, fragments: readonly Range[], text: string): string {
  return `${id}\t${label} ${fragments.map((f) => `${f.start} ${f.end}`).join(';')}\t${text}`;
}

/**
 * The span text as it stands in an .ann line: fragment texts joined by a space (as brat joins them), with line
 * breaks turned into spaces because a line break would end the .ann line. When the offsets count CRLF as one
 * character, a CRLF is one line break and so one space.
 */
export function spanTextForAnn(fragmentTexts: readonly string[], crlfCountsAsOne = false): string {
  const joined = fragmentTexts.join(' ');
  return (crlfCountsAsOne ? joined.replace(/\r\n/g, '\n') : joined).replace(/[\r\n]/g, ' ');
}

/**
 * Compares an .ann span text with the text at its offsets, as brat would have written it; compared after NFC. With
 * CRLF counted as one, a CRLF inside the span may stand as one space or two (tools differ).
 */
export function sameSpanText(annText: string, fragmentTexts: readonly string[], crlfCountsAsOne = false): boolean {
  const written = annText.replace(/[\r\n]/g, ' ').normalize('NFC');
  if (written === spanTextForAnn(fragmentTexts).normalize('NFC')) return true;
  return crlfCountsAsOne && written === spanTextForAnn(fragmentTexts, true).normalize('NFC');
}

/**
 * True when a line with a `T` id that does not parse is an annotation of another kind written with a `T` id: its
 * type is followed by an annotation id where offsets belong (`T24<TAB>AnnotatorNotes T21<TAB>(?)`, `Located_in
 * Arg1:T2 ...`). Such a line names no span, so no entity is lost by keeping it as it is.
 */
export function pointsInsteadOfSpan(line: string): boolean {
  const fields = line.split('\t');
  if (fields.length < 2) return false;
  const tokens = fields[1].split(' ');
  if (tokens.length < 2 || tokens[0] === '') return false;
  return /^(?:[^\s:]+:)?(?:[TREAMN]\d+|#\d*)$/.test(tokens[1]);
}

// brat's annotation kinds: text-bound, relation, event, attribute (A, or M as older files write it),
// normalisation, note (`#` with or without a number) and equivalence (`*`).
const BRAT_LINE = /^(?:[TREAMN]\d+|#\d*|\*)\t/;

/** True when a line that is not a `T` line still has the shape of a brat annotation (`ID<TAB>...`). */
export function looksLikeBratLine(line: string): boolean {
  return BRAT_LINE.test(line);
}

/**
 * The ids a kept line points at, among `known`: argument tokens after the line's id, with a role prefix
 * (`Arg1:T3`, `Cause:E2`) stripped. Only the second tab field holds references (the third is free text).
 */
export function referencedIds(line: string, known: ReadonlySet<string>): string[] {
  const fields = line.split('\t');
  if (fields.length < 2) return [];
  const refs: string[] = [];
  for (const token of fields[1].split(' ')) {
    const id = token.slice(token.lastIndexOf(':') + 1);
    if (known.has(id) && id !== fields[0]) refs.push(id);
  }
  return refs;
}

/** Tokens in a kept line that look like an annotation id (`T7`, `Arg1:E2`) but are not in `known`. */
export function unknownReferences(line: string, known: ReadonlySet<string>): string[] {
  const fields = line.split('\t');
  if (fields.length < 2) return [];
  return fields[1]
    .split(' ')
    .map((token) => token.slice(token.lastIndexOf(':') + 1))
    .filter((id) => /^[TERAMN]\d+$/.test(id) && !known.has(id) && id !== fields[0]);
}

/** Splits .ann text into lines (LF, CRLF or CR) and says whether the file ended with a line break. */
export function splitAnnLines(ann: string): { lines: string[]; finalNewline: boolean } {
  if (ann === '') return { lines: [], finalNewline: true };
  const lines = ann.split(/\r\n|\n|\r/);
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}
