// Nesting layout: every level visible, crossing spans cut into pieces, unchanged lines reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DocumentLayout,
  layoutLine,
  lineOf,
  lineStarts,
  type LayoutItem,
  type LayoutNode,
  type SpanNode,
} from '../../../renderer/src/editor/layout.js';

const item = (key: string, start: number, end: number, suggestion = false): LayoutItem => ({
  key,
  label: key.toUpperCase(),
  start,
  end,
  suggestion,
  score: suggestion ? 0.5 : null,
  source: '',
});

function shape(nodes: LayoutNode[]): string {
  return nodes
    .map((n) =>
      n.kind === 'text'
        ? `${n.start}-${n.end}`
        : `[${n.item.key}${n.continued ? '+' : ''}:${n.height} ${shape(n.children)}]`,
    )
    .join(' ');
}

test('nested spans become nested nodes with heights, text filled in between', () => {
  // "Bệnh viện Đà Nẵng" ORG [0,17) containing LOC [10,17)
  const layout = layoutLine(0, 0, 20, [item('loc', 10, 17), item('org', 0, 17)]);
  assert.equal(shape(layout.nodes), '[org:2 0-10 [loc:1 10-17]] 17-20');
  assert.equal(layout.depth, 2);
});

test('a crossing span is cut at the boundary; the rest is marked continued', () => {
  const layout = layoutLine(0, 0, 20, [item('a', 0, 10), item('b', 5, 15), item('c', 7, 8)]);
  assert.equal(shape(layout.nodes), '[a:3 0-5 [b:2 5-7 [c:1 7-8] 8-10]] [b+:1 10-15] 15-20');
});

test('identical ranges: the entity outside, the suggestion inside', () => {
  const layout = layoutLine(0, 0, 4, [item('s', 0, 4, true), item('e', 0, 4)]);
  assert.equal(shape(layout.nodes), '[e:2 [s:1 0-4]]');
});

test('pieces cover the line exactly once, for any spans', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 10 })), { maxLength: 12 }), (pairs) => {
      const items = pairs.map(([s, len], i) => item(`k${i}`, s, Math.min(40, s + len)));
      const layout = layoutLine(0, 0, 40, items);
      const covered: number[] = [];
      const pieces = new Map<string, number>();
      const walk = (nodes: LayoutNode[], parent?: SpanNode) => {
        let at = parent ? parent.start : 0;
        for (const n of nodes) {
          assert.equal(n.start, at, 'children are contiguous');
          at = n.end;
          if (n.kind === 'text') for (let i = n.start; i < n.end; i++) covered.push(i);
          else {
            pieces.set(n.item.key, (pieces.get(n.item.key) ?? 0) + (n.end - n.start));
            walk(n.children, n);
          }
        }
        assert.equal(at, parent ? parent.end : 40);
      };
      walk(layout.nodes);
      assert.deepEqual(
        covered,
        Array.from({ length: 40 }, (_, i) => i),
      );
      for (const it of items)
        assert.equal(pieces.get(it.key), it.end - it.start, `${it.key} is drawn over its whole range`);
    }),
  );
});

test('lines: starts, lookup, and reuse of unchanged line layouts', () => {
  const text = Array.from('ab\ncd\r\nef');
  const starts = lineStarts(text);
  assert.deepEqual(starts, [0, 3, 7]);
  assert.equal(lineOf(starts, 4), 1);
  assert.equal(lineOf(starts, 7), 2);
  const doc = new DocumentLayout(starts, text.length);
  const first = doc.update([item('x', 0, 2), item('y', 7, 9)]);
  const second = doc.update([item('x', 0, 2), item('y', 7, 8)]);
  assert.equal(second[0], first[0], 'line 0 unchanged: same object');
  assert.notEqual(second[2], first[2]);
  assert.equal(first[1].end, 6, 'a line ends before its line break (CR kept)');
});

test('an update lays out again only the lines whose items changed; chunks keep their objects', () => {
  // 70 one-character lines: chunks of 32 -> three chunks.
  const text = Array.from(Array.from({ length: 70 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('\n'));
  const starts = lineStarts(text);
  const doc = new DocumentLayout(starts, text.length, 32);
  const x = item('x', starts[1], starts[1] + 1);
  const y = item('y', starts[40], starts[40] + 1);
  const first = doc.update([x, y]);
  const chunks = doc.chunks;
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1].lines[8], first[40]);
  // Moving y to line 41 touches lines 40 and 41 only, in chunk 1.
  const moved = item('y2', starts[41], starts[41] + 1);
  const second = doc.change([y], [moved]);
  assert.deepEqual(
    second.map((l, i) => (l === first[i] ? null : i)).filter((i) => i !== null),
    [40, 41],
  );
  assert.equal(doc.chunks[0], chunks[0], 'chunk 0 untouched: same object');
  assert.equal(doc.chunks[2], chunks[2]);
  assert.notEqual(doc.chunks[1], chunks[1]);
  assert.equal(doc.chunks[1].lines[9], second[41]);
  // update() diffs by key: the same items again change nothing.
  assert.equal(doc.update([x, moved]), second);
  // A span over several lines is drawn on each and removed from each.
  const long = item('long', starts[2], starts[5] + 1);
  const third = doc.change([], [long]);
  assert.equal(
    [2, 3, 4, 5].every((l) => third[l].nodes.some((n) => n.kind === 'span')),
    true,
  );
  const fourth = doc.change([long], []);
  assert.equal(
    [2, 3, 4, 5].every((l) => fourth[l].nodes.every((n) => n.kind === 'text')),
    true,
  );
});
