// The sampler's seeded PRNG, defined here and mirrored bit for bit by training/dnw/oracle/sampler_math.py so the engine and
// the PyTorch reference draw the same numbers: xoshiro128** on uint32, its state filled by splitmix32 from
// (seed XOR stream * 0x9E3779B9), and 53-bit uniforms built as Python's random does (27 bits, then 26 bits).
// Each prompt has its own stream (its index in the request), so its result does not depend on its batch.

function splitmix32(x: number): [next: number, out: number] {
  x = (x + 0x9e3779b9) >>> 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [x, (z ^ (z >>> 16)) >>> 0];
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** xoshiro128** stream `stream` of `seed` (both taken as uint32). */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    let x = ((seed >>> 0) ^ Math.imul(stream >>> 0, 0x9e3779b9)) >>> 0;
    const state: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(x);
      x = next;
      state.push(out);
    }
    // xoshiro's one forbidden state; splitmix32 practically never yields it.
    this.a = state.every((v) => v === 0) ? 1 : state[0];
    [, this.b, this.c, this.d] = state;
  }

  /** The next uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A double in [0, 1) from 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}
