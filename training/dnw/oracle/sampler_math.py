"""The arithmetic the engine's sampler (core/sampler) and the PyTorch reference must do bit for bit alike.

- `Xoshiro128`: the documented seeded PRNG (xoshiro128** seeded through splitmix32, 53-bit uniforms); one stream
  per prompt, so a prompt's result does not depend on which batch it lands in.
- `linspace_f32`: torch.linspace(1, eps, steps + 1) as torch computes it on CPU in float32 (step rounded to
  float32, each value one fused multiply-add from the nearer end) - test_reference_sampler checks it against torch.
- `transfer_count`: Dream's floor(masked * (1 - s / t)) in float32.
- `pick_index`: inverse-CDF choice over weights, used for token sampling and for alg_temp's multinomial.
"""

from __future__ import annotations

import math

import numpy as np

_M32 = 0xFFFFFFFF
f32 = np.float32


def _splitmix32(x: int) -> tuple[int, int]:
    x = (x + 0x9E3779B9) & _M32
    z = x
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & _M32
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & _M32
    return x, (z ^ (z >> 16)) & _M32


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _M32


class Xoshiro128:
    """xoshiro128** over uint32; stream `stream` of seed `seed` (both uint32)."""

    def __init__(self, seed: int, stream: int = 0):
        x = (seed ^ ((stream * 0x9E3779B9) & _M32)) & _M32
        state = []
        for _ in range(4):
            x, z = _splitmix32(x)
            state.append(z)
        if not any(state):
            state[0] = 1
        self.s = state

    def next_u32(self) -> int:
        a, b, c, d = self.s
        result = (_rotl((b * 5) & _M32, 7) * 9) & _M32
        t = (b << 9) & _M32
        c ^= a
        d ^= b
        b ^= c
        a ^= d
        c ^= t
        d = _rotl(d, 11)
        self.s = [a, b, c, d]
        return result

    def uniform(self) -> float:
        """A double in [0, 1) from 53 random bits (27 of one draw, 26 of the next), as Python's random does."""
        a = self.next_u32() >> 5
        b = self.next_u32() >> 6
        return (a * 67108864 + b) / 9007199254740992


def linspace_f32(start: float, end: float, n: int) -> list[np.float32]:
    """torch.linspace(start, end, n) in float32, bit-exact with torch's CPU kernel."""
    s, e = f32(start), f32(end)
    if n == 1:
        return [s]
    step = f32(f32(e - s) / f32(n - 1))
    half = n // 2
    # float(step) * i is exact in a double; adding in double and rounding once is the fused multiply-add.
    return [
        f32(float(step) * i + float(s)) if i < half else f32(float(e) - float(step) * (n - 1 - i)) for i in range(n)
    ]


def transfer_count(masked_mean: np.float32, t: np.float32, s: np.float32, last: bool) -> int:
    """Dream: int(num_mask_token * (1 - s / t)), or int(num_mask_token) at the last step; all float32."""
    if last:
        return int(masked_mean)
    return int(f32(masked_mean * f32(f32(1) - f32(s / t))))


def masked_mean(total: int, rows: int) -> np.float32:
    """mask_index.sum() / batch as torch computes it (float32 true division)."""
    return f32(f32(total) / f32(rows))


def pick_index(weights: list[float], u: float) -> int:
    """First i with u * sum(weights) < cumsum(weights)[i] (sums in double, left to right); skips zero weights."""
    total = 0.0
    for w in weights:
        total += w
    target = u * total
    acc = 0.0
    last_positive = -1
    for i, w in enumerate(weights):
        if w <= 0:
            continue
        acc += w
        last_positive = i
        if target < acc:
            return i
    return last_positive  # rounding left the target at the very end


def commit_weights(confidences: list[float], alg_temp: float) -> list[float]:
    """softmax(confidence / alg_temp) in double, unnormalised (pick_index normalises)."""
    scaled = [c / alg_temp for c in confidences]
    top = max(scaled)
    return [math.exp(x - top) for x in scaled]
