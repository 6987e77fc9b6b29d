// Which syllable a pointer is over, from token boxes: on a token that token; in a gap the next one for a drag's
// start and the previous one for its end; only boxes on the pointer's visual line count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenAtPoint } from '../../../renderer/src/editor/hit-test.js';

// Two visual lines: tokens 0-2 on the first (y 0..20), token 3 wrapped onto the second (y 30..50).
const boxes = [
  { index: 0, rects: [{ left: 0, right: 40, top: 0, bottom: 20 }] },
  { index: 1, rects: [{ left: 44.8, right: 48.8, top: 0, bottom: 20 }] },
  { index: 2, rects: [{ left: 53.6, right: 90.4, top: 0, bottom: 20 }] },
  { index: 3, rects: [{ left: 0, right: 30, top: 30, bottom: 50 }] },
];

test('on a token: that token, to fractions of a pixel at its edges', () => {
  assert.equal(tokenAtPoint(44.8, 10, boxes, 'start'), 1);
  assert.equal(tokenAtPoint(48.79, 10, boxes, 'end'), 1);
  assert.equal(
    tokenAtPoint(48.8, 10, boxes, 'end'),
    1,
    'just past its right edge, an end is still the token before the gap',
  );
  assert.equal(tokenAtPoint(53.6, 10, boxes, 'end'), 2);
  assert.equal(tokenAtPoint(10, 40, boxes, 'start'), 3);
});

test('in a gap: a start takes the next token, an end the previous one; past the line, the nearest', () => {
  assert.equal(tokenAtPoint(42, 10, boxes, 'start'), 1);
  assert.equal(tokenAtPoint(42, 10, boxes, 'end'), 0);
  assert.equal(tokenAtPoint(200, 10, boxes, 'start'), 2);
  assert.equal(tokenAtPoint(-5, 10, boxes, 'end'), 0);
  assert.equal(
    tokenAtPoint(10, 25, boxes, 'start'),
    undefined,
    'between visual lines: no token (the browser selection decides)',
  );
});
