// Myers' O((N+M)·D) minimal diff over integer sequences: near-linear when two sequences differ by a few edits,
// which is the common case for model output against its source.

// Beyond this many edits in one call the sequences are unrelated, and the trace (about D² integers) would only
// cost memory: the caller is told and leaves the middle unmatched.
const MAX_EDITS = 3000;

/**
 * Minimal diff of a[aFrom, aTo) and b[bFrom, bTo); calls onMatch(i, j) for every pair kept in common (in no
 * particular order). Returns false, having matched only the common prefix and suffix, when more than MAX_EDITS
 * edits would be needed.
 */
export function diffMatches(
  a: ArrayLike<number>,
  aFrom: number,
  aTo: number,
  b: ArrayLike<number>,
  bFrom: number,
  bTo: number,
  onMatch: (i: number, j: number) => void,
): boolean {
  while (aFrom < aTo && bFrom < bTo && a[aFrom] === b[bFrom]) onMatch(aFrom++, bFrom++);
  while (aTo > aFrom && bTo > bFrom && a[aTo - 1] === b[bTo - 1]) onMatch(--aTo, --bTo);
  const n = aTo - aFrom;
  const m = bTo - bFrom;
  if (n === 0 || m === 0) return true;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3); // v[offset + k]: furthest x reached on diagonal k
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2)); // diagonals -d-1..d+1 as they were before step d
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[aFrom + x] === b[bFrom + y]) (x++, y++);
      v[offset + k] = x;
      if (x >= n && y >= m) {
        backtrack(trace, n, m, (i, j) => onMatch(aFrom + i, bFrom + j));
        return true;
      }
    }
  }
  return false;
}

function backtrack(trace: Int32Array[], n: number, m: number, onMatch: (i: number, j: number) => void): void {
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const snap = trace[d];
    const at = (k: number) => snap[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) onMatch(--x, --y);
    x = prevX;
    y = prevY;
  }
}
