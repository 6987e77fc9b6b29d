import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { linesOf, type Line } from '../../core/source.js';

async function collect(chunks: string[]): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of linesOf(
    (async function* () {
      yield* chunks;
    })(),
  ))
    lines.push(line);
  return lines;
}

test('LF, CRLF and CR all end a line; a last line without terminator counts', async () => {
  const lines = await collect(['a\nb\r\nc\rd']);
  assert.deepEqual(
    lines.map((l) => l.text),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(
    lines.map((l) => l.line),
    [1, 2, 3, 4],
  );
});

test('lines are the same wherever the chunks are cut', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom('x', 'ệ', '😷', '\n', '\r\n', '\r', ' '), { maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (pieces, cuts) => {
        const text = pieces.join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const p of points) {
          chunks.push(text.slice(from, p));
          from = p;
        }
        chunks.push(text.slice(from));
        assert.deepEqual(await collect(chunks), await collect([text]));
      },
    ),
  );
});
