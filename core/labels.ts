// The one rule for a label name, checked where labels come in (import) and where they are saved (the contract), so
// nothing can be imported that the editor could then not save.

/** The longest label, in code points. */
export const MAX_LABEL_LENGTH = 64;

const WHITESPACE = /\s/u;
// Control characters (C0, DEL, C1) and lone surrogates: invisible in the editor, broken in JSON and file names.
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;

/** What is wrong with `label` as a label name (empty, over 64 code points, whitespace, control characters), or undefined. */
export function labelProblem(label: string): string | undefined {
  if (label === '') return 'is empty';
  let length = 0;
  for (const _ of label) if (++length > MAX_LABEL_LENGTH) return `is longer than ${MAX_LABEL_LENGTH} characters`;
  if (WHITESPACE.test(label)) return 'contains whitespace';
  if (UNPRINTABLE.test(label)) return 'contains a control character or a lone surrogate';
  return undefined;
}
