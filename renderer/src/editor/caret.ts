// Keyboard selection over syllable tokens: a caret token, and with Shift an anchor it extends from.
import type { Range } from '../../../core/document.js';
import { tokenAt } from './snap.js';

export interface Caret {
  anchor: number;
  focus: number;
}

/** Moves (or with `extend`, extends) the caret by `delta` tokens. */
export function moveCaret(caret: Caret | null, delta: number, extend: boolean, count: number): Caret | null {
  if (count === 0) return null;
  if (!caret) return { anchor: delta < 0 ? count - 1 : 0, focus: delta < 0 ? count - 1 : 0 };
  const focus = Math.min(Math.max(caret.focus + delta, 0), count - 1);
  return extend ? { anchor: caret.anchor, focus } : { anchor: focus, focus };
}

/** Moves the caret to the first token of the line `delta` lines away. */
export function moveCaretByLine(
  caret: Caret | null,
  delta: number,
  extend: boolean,
  tokens: readonly Range[],
  lineStarts: readonly number[],
  lineOfOffset: (cp: number) => number,
): Caret | null {
  if (tokens.length === 0) return null;
  const current = caret ? lineOfOffset(tokens[caret.focus].start) : delta > 0 ? -1 : lineStarts.length;
  const target = Math.min(Math.max(current + delta, 0), lineStarts.length - 1);
  const focus = Math.min(tokenAt(tokens, lineStarts[target]), tokens.length - 1);
  return extend && caret ? { anchor: caret.anchor, focus } : { anchor: focus, focus };
}

/** The code-point range the caret covers. */
export function caretRange(caret: Caret, tokens: readonly Range[]): Range {
  const first = Math.min(caret.anchor, caret.focus);
  const last = Math.max(caret.anchor, caret.focus);
  return { start: tokens[first].start, end: tokens[last].end };
}

/** A caret over the tokens of a range. */
export function caretOver(range: Range, tokens: readonly Range[]): Caret | null {
  if (tokens.length === 0) return null;
  const first = Math.min(tokenAt(tokens, range.start), tokens.length - 1);
  const last = Math.max(first, Math.min(tokenAt(tokens, range.end - 1), tokens.length - 1));
  return { anchor: first, focus: last };
}

/** Moves the caret to the first (or last) token of its line. */
export function moveCaretToLineEdge(
  caret: Caret | null,
  end: boolean,
  extend: boolean,
  tokens: readonly Range[],
  lineStarts: readonly number[],
  lineOfOffset: (cp: number) => number,
): Caret | null {
  if (tokens.length === 0) return null;
  const line = caret ? lineOfOffset(tokens[caret.focus].start) : 0;
  const first = Math.min(tokenAt(tokens, lineStarts[line]), tokens.length - 1);
  const next =
    line + 1 < lineStarts.length ? Math.min(tokenAt(tokens, lineStarts[line + 1]), tokens.length) : tokens.length;
  const focus = end ? Math.max(first, next - 1) : first;
  return extend && caret ? { anchor: caret.anchor, focus } : { anchor: focus, focus };
}
