import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JsonArraySplitter, sniffFirstChar, splitJsonArray, type JsonSplitEvent } from '../../core/json-stream.js';

function splitWhole(text: string, cuts: number[]): JsonSplitEvent[] {
  const splitter = new JsonArraySplitter();
  const events: JsonSplitEvent[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    events.push(...splitter.push(text.slice(from, cut)));
    from = cut;
  }
  events.push(...splitter.push(text.slice(from)), ...splitter.end());
  return events;
}

// Strings with escaped quotes and backslashes, brackets inside strings, \u escapes, surrogate pairs (raw and
// escaped), CRLF between elements, nesting, and bare scalars.
const TRICKY = [
  '[',
  '  {"text": "Bệnh viện \\"Đà Nẵng\\" 😷", "a": [1, {"b": "]}"}]},\r\n',
  '  "chuỗi \\\\ với \\u00e9 và \\ud83e\\udda0 [ {",',
  '\n  123, -4.5e3, true, null, [], {},',
  '\n  {"nested": [[["x"]]], "esc": "\\\\\\""}',
  '\n]\n',
].join('');

test('splits a JSON array into its elements, each parsing to what JSON.parse of the whole gives', () => {
  const events = splitWhole(TRICKY, []);
  const whole = JSON.parse(TRICKY) as unknown[];
  assert.deepEqual(
    events.map((e) => (e.kind === 'element' ? JSON.parse(e.text) : e)),
    whole,
  );
  assert.deepEqual(
    events.map((e) => (e.kind === 'element' ? [e.index, e.line] : e)),
    [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 3],
      [4, 3],
      [5, 3],
      [6, 3],
      [7, 3],
      [8, 4],
    ],
  );
});

test('every single chunk boundary (inside strings, escapes and surrogate pairs) gives the same elements', () => {
  const expected = splitWhole(TRICKY, []);
  for (let cut = 0; cut <= TRICKY.length; cut++) assert.deepEqual(splitWhole(TRICKY, [cut]), expected, `cut at ${cut}`);
  // A cut between the two halves of a surrogate pair is among them: check it is really there.
  const pair = TRICKY.indexOf('😷');
  assert.deepEqual(splitWhole(TRICKY, [pair + 1]), expected);
});

test('random chunkings of random JSON arrays give the elements JSON.parse gives', () => {
  const element = fc.oneof(
    fc.jsonValue(),
    fc.string({ unit: 'binary' }),
    fc.record({ text: fc.string({ unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}', ',', '\n', '😷', 'ệ') }) }),
  );
  fc.assert(
    fc.property(
      fc.array(element, { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.constantFrom(0, 2),
      (values, cuts, indent) => {
        const text = JSON.stringify(values, null, indent);
        const events = splitWhole(
          text,
          cuts.map((c) => c % (text.length + 1)),
        );
        assert.deepEqual(
          events.map((e) => (e.kind === 'element' ? JSON.parse(e.text) : e)),
          JSON.parse(text),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('line numbers count LF, CRLF (also split across chunks) and CR', () => {
  const text = '[\r\n{"a": 1},\r\n\r\n{"b": 2},\r{"c": 3}\n]';
  for (let cut = 0; cut <= text.length; cut++) {
    const lines = splitWhole(text, [cut]).map((e) => e.line);
    assert.deepEqual(lines, [2, 4, 5], `cut at ${cut}`);
  }
});

test('a broken element is handed out alone; the array structure around it still splits', () => {
  const events = splitWhole('[{"a": 1,}, {"b": 2}]', []);
  assert.equal(events.length, 2);
  assert.throws(() => JSON.parse((events[0] as { text: string }).text));
  assert.deepEqual(JSON.parse((events[1] as { text: string }).text), { b: 2 });
});

test('structure errors stop the split and say where', () => {
  const error = (text: string) => splitWhole(text, []).filter((e) => e.kind === 'error');
  assert.deepEqual(error(''), [{ kind: 'error', line: 1, message: 'the input is empty; expected a JSON array' }]);
  assert.match(error('{"a": 1}')[0].message, /expected a JSON array/);
  assert.match(error('[1, 2,]')[0].message, /trailing comma/);
  assert.match(error('[, 1]')[0].message, /missing before ","/);
  assert.deepEqual(
    error('[\n{"a": 1}\n{"b": 2}]').map((e) => [e.line, /expected "," or "\]" after element 0/.test(e.message)]),
    [[3, true]],
  );
  assert.deepEqual(
    error('[1]\n\nx').map((e) => e.line),
    [3],
  );
  assert.match(error('[{"a": "cut')[0].message, /element 0 \(from line 1\) is cut off/);
  assert.match(error('[1, 2')[0].message, /cut off|not closed/);
  assert.match(error('[1, 2,')[0].message, /not closed/);
  assert.deepEqual(error('[]\n'), []);
  assert.deepEqual(splitWhole('[]', []), []);
});

test('splitJsonArray streams chunks; sniffFirstChar peeks without losing any chunk', async () => {
  async function* chunks() {
    yield '  \n';
    yield ' [{"a"';
    yield ': 1}, 2]';
  }
  const { first, chunks: again } = await sniffFirstChar(chunks());
  assert.equal(first, '[');
  const out: JsonSplitEvent[] = [];
  for await (const event of splitJsonArray(again)) out.push(event);
  assert.deepEqual(out, [
    { kind: 'element', text: '{"a": 1}', index: 0, line: 2 },
    { kind: 'element', text: '2', index: 1, line: 2 },
  ]);
  assert.equal((await sniffFirstChar((async function* () {})())).first, undefined);
});

test('memory stays bounded: a 20 MB array is split without holding more than one element', () => {
  const element = JSON.stringify({ data: { text: 'Bệnh nhân 😷 '.repeat(100) }, annotations: [] });
  const splitter = new JsonArraySplitter();
  let count = 0;
  let longest = 0;
  splitter.push('[');
  const chunk = `${element},`.repeat(50);
  const rounds = Math.ceil(20e6 / chunk.length);
  for (let i = 0; i < rounds; i++) {
    for (const e of splitter.push(i === rounds - 1 ? `${chunk}${element}]` : chunk)) {
      count++;
      longest = Math.max(longest, e.kind === 'element' ? e.text.length : 0);
    }
  }
  assert.deepEqual(splitter.end(), []);
  assert.equal(count, rounds * 50 + 1);
  assert.equal(longest, element.length);
});
