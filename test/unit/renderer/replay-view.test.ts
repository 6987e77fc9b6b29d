import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenoisingTrace } from '../../../core/contract/types.js';
import { frameAt, stepCount } from '../../../renderer/src/lib/replay-view.js';

// "Bà 😷 ở Huế": tokens Bà [0,2), 😷 [3,4), ở [5,6), Huế [7,10) (code points: the emoji is one).
const TEXT = 'Bà 😷 ở Huế';
const trace: DenoisingTrace = {
  documentId: 1,
  model: { name: 'm', version: '1' },
  segments: [
    {
      start: 0,
      end: 10,
      aligned: true,
      tokens: [
        { start: 0, end: 2 },
        { start: 3, end: 4 },
        { start: 5, end: 6 },
        { start: 7, end: 10 },
      ],
      steps: [
        [null, 'O', 'O', null],
        ['B-NAME', 'O', 'O', 'B-LOCATION'],
      ],
    },
  ],
};

test('step 0 is all masked, each step marks what it wrote, labels lose their B-/I- prefix', () => {
  assert.equal(stepCount(trace), 2);
  const zero = frameAt(trace, TEXT, 0);
  assert.deepEqual([zero.masked, zero.positions], [4, 4]);
  assert.equal(zero.pieces.map((p) => p.text).join(''), TEXT, 'the pieces spell the text, emoji included');
  const one = frameAt(trace, TEXT, 1);
  assert.deepEqual(
    one.pieces.filter((p) => p.label !== undefined).map((p) => [p.text, p.label, p.fresh]),
    [
      ['Bà', null, false],
      ['😷', 'O', true],
      ['ở', 'O', true],
      ['Huế', null, false],
    ],
  );
  const two = frameAt(trace, TEXT, 2);
  assert.equal(two.masked, 0);
  assert.deepEqual(
    two.pieces.filter((p) => p.fresh).map((p) => [p.text, p.label, p.tag]),
    [
      ['Bà', 'NAME', 'B-NAME'],
      ['Huế', 'LOCATION', 'B-LOCATION'],
    ],
  );
  assert.equal(frameAt(trace, TEXT, 9).masked, 0, 'past the last step the canvas stays finished');
});

test('a free-text canvas is shown after its text with masks as blocks', () => {
  const free: DenoisingTrace = {
    ...trace,
    segments: [
      {
        start: 0,
        end: 10,
        aligned: false,
        tokens: [],
        steps: [
          ['<LOCATION>', null],
          ['<LOCATION>', 'Huế'],
        ],
      },
    ],
  };
  assert.equal(
    frameAt(free, TEXT, 1)
      .pieces.map((p) => p.text)
      .join(''),
    `${TEXT} → <LOCATION> ▒`,
  );
  assert.equal(frameAt(free, TEXT, 2).masked, 0);
});
