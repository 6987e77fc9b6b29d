// Nesting layout: turns a line's spans into a tree of nested pieces so every level shows at once (each level draws
// its underline below the levels inside it). A span that crosses another is cut at the other's boundary; the first
// piece carries its name, the rest are marked `continued` (hidden from assistive tech, same key for selection).
export interface LayoutItem {
  /** Stable identity: `e:<index>` for an entity, `s:<id>` for a suggestion. */
  key: string;
  label: string;
  start: number;
  end: number;
  suggestion: boolean;
  score: number | null;
  /** Who said so: the model for a suggestion, empty for an entity. */
  source: string;
}

export interface TextNode {
  kind: 'text';
  start: number;
  end: number;
}

export interface SpanNode {
  kind: 'span';
  item: LayoutItem;
  start: number;
  end: number;
  /** 1 for a span with no span inside it; the underline sits `height` levels down. */
  height: number;
  continued: boolean;
  children: LayoutNode[];
}

export type LayoutNode = TextNode | SpanNode;

export interface LineLayout {
  index: number;
  start: number;
  end: number;
  /** Deepest nesting on the line (0 when it has no span), for its line height. */
  depth: number;
  nodes: LayoutNode[];
}

/** Orders outer-first: by start, then longer first, then entities before suggestions, then key. */
export function compareItems(a: { start: number; end: number; suggestion: boolean; key: string }, b: typeof a): number {
  return a.start - b.start || b.end - a.end || Number(a.suggestion) - Number(b.suggestion) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

interface Piece {
  item: LayoutItem;
  start: number;
  end: number;
  continued: boolean;
}

function insertSorted(queue: Piece[], piece: Piece, from: number): void {
  let i = from;
  while (i < queue.length && compareItems({ ...queue[i].item, start: queue[i].start, end: queue[i].end }, { ...piece.item, start: piece.start, end: piece.end }) <= 0) i++;
  queue.splice(i, 0, piece);
}

/** Lays out the items of one line [start, end) (items already clipped to it) as nested nodes with text between. */
export function layoutLine(index: number, start: number, end: number, items: readonly LayoutItem[]): LineLayout {
  const queue: Piece[] = [...items]
    .sort(compareItems)
    .map((item) => ({ item, start: Math.max(item.start, start), end: Math.min(item.end, end), continued: item.start < start }))
    .filter((p) => p.end > p.start);
  const root: SpanNode = { kind: 'span', item: { key: '', label: '', start, end, suggestion: false, score: null, source: '' }, start, end, height: 0, continued: false, children: [] };
  const stack: SpanNode[] = [root];
  for (let q = 0; q < queue.length; q++) {
    const piece = queue[q];
    while (stack.length > 1 && stack[stack.length - 1].end <= piece.start) stack.pop();
    const parent = stack[stack.length - 1];
    const pieceEnd = Math.min(piece.end, parent.end);
    const node: SpanNode = { kind: 'span', item: piece.item, start: piece.start, end: pieceEnd, height: 1, continued: piece.continued, children: [] };
    parent.children.push(node);
    stack.push(node);
    // Crossing: the rest goes back into the queue at its place, to be nested wherever it lands.
    if (pieceEnd < piece.end) insertSorted(queue, { item: piece.item, start: pieceEnd, end: piece.end, continued: true }, q + 1);
  }
  const depth = finish(root) - 1; // the root is not drawn
  return { index, start, end, depth, nodes: root.children };
}

// Fills text between children and computes heights; returns the node's height.
function finish(node: SpanNode): number {
  const filled: LayoutNode[] = [];
  let at = node.start;
  let inner = 0;
  for (const child of node.children as SpanNode[]) {
    if (child.start > at) filled.push({ kind: 'text', start: at, end: child.start });
    inner = Math.max(inner, finish(child));
    filled.push(child);
    at = child.end;
  }
  if (at < node.end) filled.push({ kind: 'text', start: at, end: node.end });
  node.children = filled;
  node.height = inner + 1;
  return node.height;
}

/** Start offsets of the lines of `text` (code points): 0 and every offset after a "\n". */
export function lineStarts(codePoints: readonly string[]): number[] {
  const starts = [0];
  for (let i = 0; i < codePoints.length; i++) if (codePoints[i] === '\n') starts.push(i + 1);
  return starts;
}

/** Index of the line holding offset `at` (binary search over line starts). */
export function lineOf(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Lays out every line, reusing the previous layout object of each line whose items did not change, so the UI
 * repaints only the lines an edit touched.
 */
export class DocumentLayout {
  private signatures: string[] = [];
  private layouts: LineLayout[] = [];

  constructor(
    private readonly starts: readonly number[],
    private readonly length: number,
  ) {}

  lineEnd(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1] - 1 : this.length;
  }

  update(items: readonly LayoutItem[]): LineLayout[] {
    const perLine: LayoutItem[][] = this.starts.map(() => []);
    for (const item of items) {
      const first = lineOf(this.starts, item.start);
      const last = lineOf(this.starts, Math.max(item.start, item.end - 1));
      for (let l = first; l <= last; l++) perLine[l].push(item);
    }
    const next: LineLayout[] = new Array(this.starts.length);
    const signatures: string[] = new Array(this.starts.length);
    for (let l = 0; l < this.starts.length; l++) {
      const sig = perLine[l].map((i) => `${i.key}|${i.label}|${i.start}|${i.end}|${i.score}`).join(';');
      signatures[l] = sig;
      next[l] = this.signatures[l] === sig && this.layouts[l] ? this.layouts[l] : layoutLine(l, this.starts[l], this.lineEnd(l), perLine[l]);
    }
    this.signatures = signatures;
    this.layouts = next;
    return next;
  }
}
