// Every codec meets the same problem: offsets counted on the text as the file has it, a document stored as NFC.
// SourceText holds both and moves offsets from one to the other, with the checks every format needs.
import { fragmentsOf, type Entity } from '../document.js';
import { CodePointIndex } from '../offsets.js';
import { normalizeNfc, type Normalized } from '../normalize.js';

/** Why a span cannot be used, and which end of it is at fault. */
export interface SpanFault {
  end: 'start' | 'end';
  message: string;
}

/** A text as a file has it (`raw`), its NFC form (`text`), and offset checks and maps between them. */
export class SourceText {
  readonly raw: CodePointIndex;
  readonly text: string;
  private readonly normalized: Normalized;

  constructor(raw: string) {
    this.raw = new CodePointIndex(raw);
    this.normalized = normalizeNfc(raw);
    this.text = this.normalized.text;
  }

  /** True when NFC changed the text (offsets need mapping). */
  get changed(): boolean {
    return !this.normalized.unchanged;
  }

  /** Checks that [start, end) is a non-empty span of whole numbers inside the raw text; undefined when it is. */
  check(start: unknown, end: unknown, length = this.raw.length): SpanFault | undefined {
    if (typeof start !== 'number' || !Number.isInteger(start))
      return { end: 'start', message: `start ${JSON.stringify(start)} is not a whole number` };
    if (typeof end !== 'number' || !Number.isInteger(end))
      return { end: 'end', message: `end ${JSON.stringify(end)} is not a whole number` };
    if (start < 0 || start > length)
      return { end: 'start', message: `start ${start} is outside the text (0..${length})` };
    if (end < 0 || end > length) return { end: 'end', message: `end ${end} is outside the text (0..${length})` };
    if (end < start) return { end: 'end', message: `end ${end} is before start ${start}` };
    if (end === start) return { end: 'end', message: `the span ${start}..${end} is empty` };
    return undefined;
  }

  /** Maps a raw code-point offset onto the NFC text; undefined when it falls inside a character NFC composed. */
  toNfc(offset: number): number | undefined {
    return this.normalized.map(offset);
  }

  /** Maps a checked raw span onto the NFC text, or says which end falls inside a composed character. */
  mapSpan(start: number, end: number): { start: number; end: number } | SpanFault {
    const s = this.toNfc(start);
    if (s === undefined)
      return {
        end: 'start',
        message: `start ${start} falls inside a character that NFC composes (a base letter and its combining mark)`,
      };
    const e = this.toNfc(end);
    if (e === undefined)
      return {
        end: 'end',
        message: `end ${end} falls inside a character that NFC composes (a base letter and its combining mark)`,
      };
    return { start: s, end: e };
  }

  /** The raw text between two checked code-point offsets, NFC-normalised for comparing with a format's copy. */
  rawSliceNfc(start: number, end: number): string {
    return this.raw.slice(start, end).normalize('NFC');
  }
}

/** True when every fragment of the entity is a non-empty span of whole code points inside a text of `length`. */
export function entityFits(entity: Entity, length: number): boolean {
  return fragmentsOf(entity).every(
    (f) => Number.isInteger(f.start) && Number.isInteger(f.end) && f.start >= 0 && f.start < f.end && f.end <= length,
  );
}

/** Shortens a text for a message, keeping it on one line. */
export function quoteForMessage(text: string, max = 40): string {
  const flat = text.replace(/\r?\n|\r/g, '\u21b5');
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}\u2026` : flat);
}
