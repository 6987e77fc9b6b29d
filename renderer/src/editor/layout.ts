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
  return (
    a.start - b.start ||
    b.end - a.end ||
    Number(a.suggestion) - Number(b.suggestion) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

interface Piece {
  item: LayoutItem;
  start: number;
  end: number;
  continued: boolean;
}

function insertSorted(queue: Piece[], piece: Piece, from: number): void {
  let i = from;
  while (
    i < queue.length &&
    compareItems(
      { ...queue[i].item, start: queue[i].start, end: queue[i].end },
      { ...piece.item, start: piece.start, end: piece.end },
    ) <= 0
  )
    i++;
  queue.splice(i, 0, piece);
}

/** Lays out the items of one line [start, end) (items already clipped to it) as nested nodes with text between. */
export function layoutLine(index: number, start: number, end: number, items: readonly LayoutItem[]): LineLayout {
  const queue: Piece[] = [...items]
    .sort(compareItems)
    .map((item) => ({
      item,
      start: Math.max(item.start, start),
      end: Math.min(item.end, end),
      continued: item.start < start,
    }))
    .filter((p) => p.end > p.start);
  const root: SpanNode = {
    kind: 'span',
    item: { key: '', label: '', start, end, suggestion: false, score: null, source: '' },
    start,
    end,
    height: 0,
    continued: false,
    children: [],
  };
  const stack: SpanNode[] = [root];
  for (let q = 0; q < queue.length; q++) {
    const piece = queue[q];
    while (stack.length > 1 && stack[stack.length - 1].end <= piece.start) stack.pop();
    const parent = stack[stack.length - 1];
    const pieceEnd = Math.min(piece.end, parent.end);
    const node: SpanNode = {
      kind: 'span',
      item: piece.item,
      start: piece.start,
      end: pieceEnd,
      height: 1,
      continued: piece.continued,
      children: [],
    };
    parent.children.push(node);
    stack.push(node);
    // Crossing: the rest goes back into the queue at its place, to be nested wherever it lands.
    if (pieceEnd < piece.end)
      insertSorted(queue, { item: piece.item, start: pieceEnd, end: piece.end, continued: true }, q + 1);
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

/** Lines per chunk: the unit the browser may skip (content-visibility) and Svelte diffs as one. */
export const CHUNK_LINES = 32;

/** A run of consecutive lines, drawn as one block; the same object while none of its lines changed. */
export interface LineChunk {
  index: number;
  lines: LineLayout[];
}

const sameItem = (a: LayoutItem, b: LayoutItem): boolean =>
  a === b ||
  (a.label === b.label &&
    a.start === b.start &&
    a.end === b.end &&
    a.score === b.score &&
    a.suggestion === b.suggestion &&
    a.source === b.source);

/**
 * Lays out every line and keeps the layouts between updates: an update finds which items came and went (by key)
 * and lays out again only the lines those touch, so a keystroke's edit costs its own lines, not the document's.
 * Unchanged lines and chunks keep their objects, which is what lets the UI skip them.
 */
export class DocumentLayout {
  private items = new Map<string, LayoutItem>();
  private perLine: LayoutItem[][];
  private layouts: LineLayout[];
  private chunkList: LineChunk[] = [];

  constructor(
    private readonly starts: readonly number[],
    private readonly length: number,
    private readonly chunkSize = CHUNK_LINES,
  ) {
    this.perLine = starts.map(() => []);
    this.layouts = starts.map((_, l) => layoutLine(l, starts[l], this.lineEnd(l), []));
    this.chunkList = this.buildChunks(new Set(this.layouts.map((_, l) => Math.floor(l / chunkSize))));
  }

  lineEnd(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1] - 1 : this.length;
  }

  get lines(): LineLayout[] {
    return this.layouts;
  }

  get chunks(): LineChunk[] {
    return this.chunkList;
  }

  /** Sets the items (diffed by key against the last ones); returns the line layouts. */
  update(items: readonly LayoutItem[]): LineLayout[] {
    const next = new Map<string, LayoutItem>();
    const removed: LayoutItem[] = [];
    const added: LayoutItem[] = [];
    for (const item of items) {
      next.set(item.key, item);
      const before = this.items.get(item.key);
      if (before && sameItem(before, item)) continue;
      if (before) removed.push(before);
      added.push(item);
    }
    for (const [key, before] of this.items) if (!next.has(key)) removed.push(before);
    return this.change(removed, added);
  }

  /** Removes and adds items (what an edit did): only the lines they cover are laid out again. */
  change(removed: readonly LayoutItem[], added: readonly LayoutItem[]): LineLayout[] {
    const touched = new Set<number>();
    for (const item of removed) {
      if (this.items.get(item.key) !== item) continue;
      this.items.delete(item.key);
      this.move(item, false, touched);
    }
    for (const item of added) {
      const before = this.items.get(item.key);
      if (before) this.move(before, false, touched);
      this.items.set(item.key, item);
      this.move(item, true, touched);
    }
    if (touched.size === 0) return this.layouts;
    const layouts = this.layouts.slice();
    const chunks = new Set<number>();
    for (const l of touched) {
      layouts[l] = layoutLine(l, this.starts[l], this.lineEnd(l), this.perLine[l]);
      chunks.add(Math.floor(l / this.chunkSize));
    }
    this.layouts = layouts;
    this.chunkList = this.buildChunks(chunks);
    return layouts;
  }

  // Adds an item to (or removes it from) the lines it covers, noting them as touched.
  private move(item: LayoutItem, add: boolean, touched: Set<number>): void {
    const first = lineOf(this.starts, item.start);
    const last = lineOf(this.starts, Math.max(item.start, item.end - 1));
    for (let l = first; l <= last; l++) {
      touched.add(l);
      this.perLine[l] = add ? [...this.perLine[l], item] : this.perLine[l].filter((i) => i.key !== item.key);
    }
  }

  private buildChunks(changed: Set<number>): LineChunk[] {
    const count = Math.ceil(this.layouts.length / this.chunkSize);
    const chunks = this.chunkList.length === count ? this.chunkList.slice() : new Array<LineChunk>(count);
    for (let c = 0; c < count; c++) {
      if (chunks[c] && !changed.has(c)) continue;
      chunks[c] = { index: c, lines: this.layouts.slice(c * this.chunkSize, (c + 1) * this.chunkSize) };
    }
    return chunks;
  }
}
