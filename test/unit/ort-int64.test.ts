// The forward's int32 <-> int64 conversion (main/engine/ort-session.ts) writes and reads the 32-bit halves of each
// int64 instead of making a BigInt per element: it must give what BigInt(v) and Number(v) would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { int64Tensor, narrowInt64 } from '../../main/engine/ort-session.js';

const VALUES = [0, 1, -1, 2, 151_643, 2 ** 31 - 1, -(2 ** 31), -7];

test('int32 inputs widen to the int64 values BigInt gives', () => {
  const tensor = int64Tensor(Int32Array.from(VALUES), [2, 4]);
  assert.equal(tensor.type, 'int64');
  assert.deepEqual(tensor.dims, [2, 4]);
  assert.deepEqual(
    Array.from(tensor.data as BigInt64Array),
    VALUES.map((v) => BigInt(v)),
  );
});

test('int64 outputs narrow to int32 as Number() stored in an Int32Array does, at any offset', () => {
  const wide = [0n, 5n, 151_643n, -3n, 2n ** 31n - 1n, 2n ** 40n + 9n];
  const buffer = new BigInt64Array([99n, ...wide]);
  const view = new BigInt64Array(buffer.buffer, 8, wide.length);
  assert.deepEqual(Array.from(narrowInt64(view)), Array.from(Int32Array.from(wide, (v) => Number(v))));
});
