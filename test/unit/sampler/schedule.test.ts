// Schedule arithmetic and the PRNG against values computed by torch and by training/dnw/oracle/sampler_math.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Xoshiro128 } from '../../../core/sampler/rng.js';
import {
  commitWeights,
  linspaceF32,
  maskedMean,
  pickIndex,
  revealProbability,
  transferCount,
} from '../../../core/sampler/schedule.js';

test('linspaceF32 reproduces torch.linspace(1, 1e-3, 9) bit for bit', () => {
  // print([float(x) for x in torch.linspace(1, 1e-3, 9)]) with torch 2.13 on CPU
  const torch = [
    1.0, 0.875124990940094, 0.750249981880188, 0.625374972820282, 0.5005000233650208, 0.37562501430511475,
    0.25075000524520874, 0.12587499618530273, 0.0010000000474974513,
  ];
  assert.deepEqual(Array.from(linspaceF32(1, 1e-3, 9)), torch);
  assert.deepEqual(Array.from(linspaceF32(1, 1e-3, 1)), [1]);
});

test("Dream's schedule for steps = max_new_tokens = 512 commits nothing at the first step", () => {
  const times = linspaceF32(1, 1e-3, 513);
  let masked = 512;
  const counts: number[] = [];
  for (let i = 0; i < 512; i++) {
    const k = transferCount(maskedMean(masked, 1), times[i], times[i + 1], i === 511);
    counts.push(k);
    masked -= k;
  }
  // Same loop in torch: int(torch.tensor(masked) / 1 * (1 - ts[i+1] / ts[i])), last step int(masked).
  assert.deepEqual(counts.slice(0, 12), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(counts.filter((c) => c === 0).length, 1);
  assert.deepEqual(counts.slice(-3), [1, 1, 2]);
  assert.equal(masked, 0);
});

test('batch mean and reveal probability are float32', () => {
  assert.equal(maskedMean(7, 3), Math.fround(7 / 3));
  assert.equal(revealProbability(1, 0.5, false), 0.5);
  assert.equal(revealProbability(1, 0.5, true), 1);
});

test('pickIndex is inverse-CDF over double sums and never picks a zero weight', () => {
  assert.equal(pickIndex([0.5, 0.3, 0.2], 0), 0);
  assert.equal(pickIndex([0.5, 0.3, 0.2], 0.5), 1);
  assert.equal(pickIndex([0.5, 0.3, 0.2], 0.999), 2);
  assert.equal(pickIndex([0.5, 0, 0.5], 0.5), 2);
  assert.equal(pickIndex([1, 0, 0], 0.9999999), 0);
});

test('commitWeights is softmax(confidence / algTemp) up to a constant', () => {
  const w = commitWeights([0, Math.log(2)], 1);
  assert.ok(Math.abs(w[0] / w[1] - 0.5) < 1e-12);
});

test('Xoshiro128 matches the Python implementation', () => {
  // Xoshiro128(42, 3): [next_u32() x4], uniform(); Xoshiro128(0, 0): [next_u32() x3]
  const r = new Xoshiro128(42, 3);
  assert.deepEqual(
    [r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()],
    [1594340059, 3646619537, 3155579203, 1743172146],
  );
  assert.equal(r.uniform(), 0.7394600385295321);
  const z = new Xoshiro128(0, 0);
  assert.deepEqual([z.nextU32(), z.nextU32(), z.nextU32()], [3809008728, 1133695204, 53579671]);
});

test('uniforms lie in [0, 1) and streams differ', () => {
  const a = new Xoshiro128(5, 0);
  const b = new Xoshiro128(5, 1);
  let same = 0;
  for (let i = 0; i < 1000; i++) {
    const u = a.uniform();
    assert.ok(u >= 0 && u < 1);
    if (u === b.uniform()) same++;
  }
  assert.equal(same, 0);
});
