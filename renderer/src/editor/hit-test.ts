// Which syllable a pointer is over, from the text's own layout: the client rects of the line's tokens, measured when
// asked. The browser's caret-from-point hit test rounds at fractional display scales (125 %, 150 %) and can land a
// drag's end on the neighbouring syllable; comparing the pointer with each token's box does not.
// Plain TS (no DOM): the boxes are measured by text-dom.ts's lineTokenBoxes.

export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The token for a pointer at (x, y) among `boxes` (each token's boxes, one per visual line it spans). On a token:
 * that token. In a gap (a space, the margin): for a drag's start the next token on that visual line, for its end the
 * previous one. Undefined when no token sits on the pointer's visual line.
 */
export function tokenAtPoint(
  x: number,
  y: number,
  boxes: readonly { index: number; rects: readonly Box[] }[],
  edge: 'start' | 'end',
): number | undefined {
  let before: { index: number; right: number } | undefined;
  let after: { index: number; left: number } | undefined;
  for (const { index, rects } of boxes) {
    for (const r of rects) {
      if (y < r.top || y >= r.bottom) continue;
      if (x >= r.left && x < r.right) return index;
      if (r.right <= x && (!before || r.right >= before.right)) before = { index, right: r.right };
      if (r.left > x && (!after || r.left < after.left)) after = { index, left: r.left };
    }
  }
  return edge === 'start' ? (after ?? before)?.index : (before ?? after)?.index;
}
