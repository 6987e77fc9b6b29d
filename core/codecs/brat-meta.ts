// What a brat document keeps in doc.meta.brat so its .ann comes back as it was: the line layout (T lines by id,
// every other line verbatim, order kept) and each entity's T id. Absent when the .ann is exactly what the encoder
// would write anyway (T1..Tn in entity order, nothing else) and its offsets count CRLF as two, so plain documents
// carry no meta.
import type { Doc } from '../document.js';
import { isJsonObject, type IdsByKey } from './remembered-ids.js';

/** doc.meta.brat. */
export interface BratMeta {
  /** The .ann lines in order: a bare `T` id stands for that entity's line; anything else is written verbatim. */
  lines: string[];
  /** Each entity's T id by entityKey. */
  ids: IdsByKey;
  /** False when the .ann did not end with a line break. */
  finalNewline?: false;
  /**
   * True when the .ann counted each CRLF of the text as one character (a Windows file read by Python in text mode);
   * the encoder then counts offsets the same way over the same CRLF text, so the .ann comes back as it was.
   */
  crlfCountsAsOne?: true;
}

/** Reads doc.meta.brat, or undefined when absent or not of the expected shape. */
export function bratMetaOf(doc: Doc): BratMeta | undefined {
  const meta = doc.meta?.brat;
  if (!isJsonObject(meta) || !Array.isArray(meta.lines) || !isJsonObject(meta.ids)) return undefined;
  if (!meta.lines.every((line) => typeof line === 'string')) return undefined;
  if (meta.crlfCountsAsOne !== undefined && meta.crlfCountsAsOne !== true) return undefined;
  return meta as unknown as BratMeta;
}

/** True when the layout is the one the encoder writes for a document without meta. */
export function isCanonicalLayout(lines: readonly string[], finalNewline: boolean): boolean {
  return finalNewline && lines.every((line, i) => line === `T${i + 1}`);
}
