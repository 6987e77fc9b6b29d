// The one rule for a label name, checked where labels come in (import) and where they are saved (the contract), so
// nothing can be imported that the editor could then not save. Names are any Unicode text with inner single spaces
// ("triệu chứng bệnh"); formats whose syntax a space would break write them escaped (`escapeLabel`).

/** The longest label, in code points. */
export const MAX_LABEL_LENGTH = 64;

// Control characters (C0, DEL, C1) and lone surrogates: invisible in the editor, broken in JSON and file names.
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;
// Whitespace other than the plain space (tabs, line breaks, no-break and other Unicode spaces): looks like a space,
// is not one, and splits columns in some formats but not others.
const OTHER_WHITESPACE = /[^\S ]/u;

/** A name as a person typed it, made canonical: NFC, without leading or trailing whitespace. */
export function normalizeLabel(label: string): string {
  return label.normalize('NFC').trim();
}

/**
 * What is wrong with `label` as a label name (empty, over 64 code points, control characters, whitespace other than
 * single inner spaces), or undefined.
 */
export function labelProblem(label: string): string | undefined {
  if (label === '') return 'is empty';
  let length = 0;
  for (const _ of label) if (++length > MAX_LABEL_LENGTH) return `is longer than ${MAX_LABEL_LENGTH} characters`;
  if (UNPRINTABLE.test(label)) return 'contains a control character or a lone surrogate';
  if (OTHER_WHITESPACE.test(label)) return 'contains whitespace other than a plain space';
  if (label.startsWith(' ') || label.endsWith(' ')) return 'starts or ends with a space';
  if (label.includes('  ')) return 'contains two spaces in a row';
  return undefined;
}

/**
 * A label as written where a space would end it (CoNLL tag columns, brat's `T1<TAB>LABEL START END`, inline tags):
 * `%` as `%25`, then each space as `%20`. Reversible (`unescapeLabel`), and a name without space or `%` is unchanged.
 */
export function escapeLabel(label: string): string {
  return label.replace(/%/gu, '%25').replace(/ /gu, '%20');
}

/** Undoes escapeLabel: `%20` is a space, `%25` a `%`; any other `%` is left as written. */
export function unescapeLabel(written: string): string {
  return written.includes('%') ? written.replace(/%2[05]/gu, (m) => (m === '%20' ? ' ' : '%')) : written;
}
