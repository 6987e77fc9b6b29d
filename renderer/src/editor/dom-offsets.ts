// DOM positions <-> code-point offsets. Text runs carry their code-point start in data-cp; the UTF-16 arithmetic
// inside a run goes through CodePointIndex, the one converter (core/offsets.ts).
import type { CodePointIndex } from '../../../core/offsets.js';

import type { Range } from '../../../core/document.js';
import type { Box } from './hit-test.js';
import { CHUNK_LINES } from './layout.js';
import { tokenAt } from './snap.js';

const RUN = '[data-cp]';

/** The element of line `index` in the text container (chunks of CHUNK_LINES lines): O(1), no selector scan. */
export function lineElementAt(container: Element, index: number): Element | null {
  return container.children[Math.floor(index / CHUNK_LINES)]?.children[index % CHUNK_LINES] ?? null;
}

function runOf(node: Node): HTMLElement | null {
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element);
  return element?.closest<HTMLElement>(RUN) ?? null;
}

/** The code-point offset of a DOM position inside the text container; undefined when it is not in any text run. */
export function offsetOf(node: Node, offset: number, cpi: CodePointIndex, container: HTMLElement): number | undefined {
  if (node.nodeType === Node.TEXT_NODE) {
    const run = runOf(node);
    if (!run || !container.contains(run)) return undefined;
    const base = Number(run.dataset.cp);
    const utf16 = cpi.toUtf16(base) + offset;
    // A position between the halves of a surrogate pair counts as after the character.
    try {
      return cpi.toCodePoint(utf16);
    } catch {
      return cpi.toCodePoint(utf16 + 1);
    }
  }
  // An element boundary: the run at or after child `offset`, else the end of the last run before it.
  const element = node as Element;
  const after = element.childNodes[offset];
  const next = after ? (after.nodeType === Node.TEXT_NODE ? runOf(after) : ((after as Element).matches?.(RUN) ? (after as HTMLElement) : (after as Element).querySelector?.<HTMLElement>(RUN))) : null;
  if (next && container.contains(next)) return Number(next.dataset.cp);
  const runs = element.querySelectorAll<HTMLElement>(RUN);
  const last = runs[runs.length - 1] ?? runOf(element);
  return last && container.contains(last) ? Number(last.dataset.end) : undefined;
}

/** The DOM position of code-point offset `cp` in a line element: the text node of its run and the UTF-16 offset. */
export function pointOf(cp: number, cpi: CodePointIndex, line: Element, preferEnd: boolean): { node: Node; offset: number } | undefined {
  const runs = line.querySelectorAll<HTMLElement>(RUN);
  // Runs are in document order and cover the text; binary search by start.
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const start = Number(runs[mid].dataset.cp);
    if (start < cp || (start === cp && !preferEnd)) lo = mid;
    else hi = mid - 1;
  }
  const run = runs[lo];
  if (!run?.firstChild) return undefined;
  const start = Number(run.dataset.cp);
  const end = Number(run.dataset.end);
  const clamped = Math.min(Math.max(cp, start), end);
  return { node: run.firstChild, offset: cpi.toUtf16(clamped) - cpi.toUtf16(start) };
}

/** Selects [start, end) in the document (keyboard selection shows as a normal text selection). */
export function selectRange(start: number, end: number, cpi: CodePointIndex, lineAt: (cp: number) => Element | null): void {
  const startLine = lineAt(start);
  const endLine = lineAt(Math.max(start, end - 1));
  const a = startLine && pointOf(start, cpi, startLine, false);
  const b = endLine && pointOf(end, cpi, endLine, true);
  const selection = window.getSelection();
  if (!a || !b || !selection) return;
  selection.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
}

/** Each token of the line [lineStart, lineEnd) with its client rects. */
export function lineTokenBoxes(line: Element, lineStart: number, lineEnd: number, tokens: readonly Range[], cpi: CodePointIndex): { index: number; rects: Box[] }[] {
  const out: { index: number; rects: Box[] }[] = [];
  const range = document.createRange();
  for (let i = tokenAt(tokens, lineStart); i < tokens.length && tokens[i].start < lineEnd; i++) {
    const a = pointOf(tokens[i].start, cpi, line, false);
    const b = pointOf(tokens[i].end, cpi, line, true);
    if (!a || !b) continue;
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    out.push({ index: i, rects: [...range.getClientRects()].filter((r) => r.width > 0) });
  }
  return out;
}
