// Every DOM read and write of the editor's text in one module: DOM positions <-> code-point offsets, the browser's
// text selection, which span or token is under a point, the elements drawing a span, and where the boundary handles
// and the hover card go. State and components call these and never query the DOM themselves. Text runs carry their
// code-point start in data-cp; the UTF-16 arithmetic inside a run goes through CodePointIndex, the one converter
// (core/offsets.ts).
import type { CodePointIndex } from '../../../core/offsets.js';

import type { Range } from '../../../core/document.js';
import { tokenAtPoint, type Box } from './hit-test.js';
import { CHUNK_LINES } from './layout.js';
import { tokenAt } from './snap.js';

const RUN = '[data-cp]';
const SPAN = '[data-key]';

/** What the DOM functions need to know of the text: line starts, syllable tokens, the offset converter, its length. */
export interface TextModel {
  readonly starts: readonly number[];
  readonly tokens: readonly Range[];
  readonly cpi: CodePointIndex;
  readonly length: number;
}

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
  // An element boundary: the first run at or after child `offset` (a label chip before it holds none), else the end
  // of the last run before it.
  const element = node as Element;
  if (!container.contains(element)) return undefined;
  if (element !== container && !element.matches(RUN) && !element.querySelector(RUN) && element.parentNode) {
    // Inside an element without text (a label chip): where the element itself stands.
    const parent = element.parentNode;
    return offsetOf(parent, Array.prototype.indexOf.call(parent.childNodes, element), cpi, container);
  }
  for (let i = offset; i < element.childNodes.length; i++) {
    const child = element.childNodes[i];
    // Text, or an element (a run, or one holding runs); anything else (Svelte's comment anchors) holds no text.
    const next =
      child.nodeType === Node.TEXT_NODE
        ? runOf(child)
        : child instanceof Element
          ? child.matches(RUN)
            ? (child as HTMLElement)
            : child.querySelector<HTMLElement>(RUN)
          : null;
    if (next) return container.contains(next) ? Number(next.dataset.cp) : undefined;
  }
  const runs = element.querySelectorAll<HTMLElement>(RUN);
  const last = runs[runs.length - 1] ?? runOf(element);
  return last && container.contains(last) ? Number(last.dataset.end) : undefined;
}

/** The DOM position of code-point offset `cp` in a line element: the text node of its run and the UTF-16 offset. */
export function pointOf(
  cp: number,
  cpi: CodePointIndex,
  line: Element,
  preferEnd: boolean,
): { node: Node; offset: number } | undefined {
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
export function selectRange(
  start: number,
  end: number,
  cpi: CodePointIndex,
  lineAt: (cp: number) => Element | null,
): void {
  const startLine = lineAt(start);
  const endLine = lineAt(Math.max(start, end - 1));
  const a = startLine && pointOf(start, cpi, startLine, false);
  const b = endLine && pointOf(end, cpi, endLine, true);
  const selection = window.getSelection();
  if (!a || !b || !selection) return;
  selection.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
}

/** Each token of the line [lineStart, lineEnd) with its client rects. */
export function lineTokenBoxes(
  line: Element,
  lineStart: number,
  lineEnd: number,
  tokens: readonly Range[],
  cpi: CodePointIndex,
): { index: number; rects: Box[] }[] {
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

/** Drops the browser's text selection. */
export function clearTextSelection(): void {
  window.getSelection()?.removeAllRanges();
}

/** True while the browser holds a non-empty text selection (a click that ends one is not a click on a span). */
export function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return !!selection && !selection.isCollapsed;
}

/** The code-point range the browser's text selection covers inside the container; undefined when there is none. */
export function selectedOffsets(container: HTMLElement, cpi: CodePointIndex): Range | undefined {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return undefined;
  const r = selection.getRangeAt(0);
  const start = offsetOf(r.startContainer, r.startOffset, cpi, container);
  const end = offsetOf(r.endContainer, r.endOffset, cpi, container);
  return start === undefined || end === undefined || end <= start ? undefined : { start, end };
}

/** The code-point offset where the browser put the (collapsed) caret after a click; undefined off the text. */
export function clickedOffset(container: HTMLElement, cpi: CodePointIndex): number | undefined {
  const selection = window.getSelection();
  return selection?.anchorNode ? offsetOf(selection.anchorNode, selection.anchorOffset, cpi, container) : undefined;
}

/** The token under a point, from the token boxes of the line there (see ./hit-test.ts). */
export function tokenUnder(
  x: number,
  y: number,
  edge: 'start' | 'end',
  container: HTMLElement,
  text: TextModel,
): number | undefined {
  const line = document.elementFromPoint(x, y)?.closest<HTMLElement>('.line');
  if (!line || !container.contains(line)) return undefined;
  const index = Number(line.dataset.line);
  const start = text.starts[index];
  const end = index + 1 < text.starts.length ? text.starts[index + 1] - 1 : text.length;
  return tokenAtPoint(x, y, lineTokenBoxes(line, start, end, text.tokens, text.cpi), edge);
}

/** The code-point offset at a point (where a dragged handle is dropped); undefined off the text. */
export function offsetAtPoint(x: number, y: number, container: HTMLElement, cpi: CodePointIndex): number | undefined {
  const doc = document as Document & {
    caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null;
  };
  const pos = doc.caretPositionFromPoint?.(x, y);
  if (pos) return offsetOf(pos.offsetNode, pos.offset, cpi, container);
  const range = document.caretRangeFromPoint?.(x, y);
  return range ? offsetOf(range.startContainer, range.startOffset, cpi, container) : undefined;
}

/** The innermost span element at an event target inside the container, or null. */
function spanElementAt(target: EventTarget | null, container: HTMLElement): HTMLElement | null {
  const element = (target as Element | null)?.closest?.<HTMLElement>(SPAN);
  return element && container.contains(element) ? element : null;
}

/** The key of the innermost span at an event target inside the container, or null. */
export function spanKeyAt(target: EventTarget | null, container: HTMLElement): string | null {
  return spanElementAt(target, container)?.dataset.key ?? null;
}

/**
 * The spans under a click: their keys innermost first, and the one meant. That is the span whose label chip was
 * clicked (the span's control, what assistive tools press), else the innermost. Null off every span.
 */
export function clickedSpans(
  target: EventTarget | null,
  container: HTMLElement,
): { key: string; chain: string[] } | null {
  const innermost = spanElementAt(target, container);
  if (!innermost) return null;
  const chain: string[] = [];
  for (let el: HTMLElement | null = innermost; el && el !== container; el = el.parentElement)
    if (el.dataset.key) chain.push(el.dataset.key);
  return { key: chain[0], chain };
}

/** Where the hover card of the span at `target` goes: above the span's line (its underlines stay visible). */
export function hoverCardAt(
  target: EventTarget | null,
  container: HTMLElement,
): { key: string; x: number; y: number } | null {
  const element = spanElementAt(target, container);
  if (!element) return null;
  const box = element.getClientRects()[0] ?? element.getBoundingClientRect();
  const origin = container.parentElement!.getBoundingClientRect();
  const line = element.closest('.line')?.getBoundingClientRect() ?? box;
  return { key: element.dataset.key!, x: box.left - origin.left, y: Math.min(box.top, line.top) - origin.top - 2 };
}

/** The elements drawing a span (several when a crossing span was cut), searched only in its lines [first, last]. */
export function spanPieces(container: Element, key: string, first: number, last: number): Element[] {
  const selector = `[data-key="${CSS.escape(key)}"]`;
  const found: Element[] = [];
  for (let l = first; l <= last; l++) {
    const line = lineElementAt(container, l);
    if (line) found.push(...line.querySelectorAll(selector));
  }
  return found;
}

/**
 * Moves the selection highlight from the elements it was on to `next`: one class toggle instead of every span
 * re-checking the selection, and only on the elements set last time (no search of the whole document).
 */
export function moveHighlight(previous: readonly Element[], next: readonly Element[]): void {
  for (const el of previous) {
    el.classList.remove('sel');
    chipOf(el)?.removeAttribute('aria-pressed');
  }
  for (const el of next) {
    el.classList.add('sel');
    chipOf(el)?.setAttribute('aria-pressed', 'true');
  }
}

/** The label chip of a span's first piece (the span's control: it carries the name and the pressed state). */
function chipOf(piece: Element): Element | null {
  const first = piece.firstElementChild;
  return first?.classList.contains('chip') ? first : null;
}

export interface HandlePoint {
  x: number;
  y: number;
  h: number;
}

/** Where a span's start and end handles go, in the container's scrolled coordinates; null when it is not drawn. */
export function handlePoints(
  pieces: readonly Element[],
  container: HTMLElement,
): { start: HandlePoint; end: HandlePoint } | null {
  if (pieces.length === 0) return null;
  const first = pieces[0].getClientRects()[0];
  const lastRects = pieces[pieces.length - 1].getClientRects();
  const last = lastRects[lastRects.length - 1];
  if (!first || !last) return null;
  const origin = container.getBoundingClientRect();
  const at = (x: number, r: DOMRect) => ({
    x: x - origin.left + container.scrollLeft,
    y: r.top - origin.top + container.scrollTop,
    h: r.height,
  });
  return { start: at(first.left, first), end: at(last.right, last) };
}
