"""The denoising loop of the reference sampler (see reference_sampler.py for what is Dream's and what is ours).

Per step, for each row: the eligible positions are the masked ones of its current block; their full-vocabulary
logits are filtered as Dream's `sample_tokens` does; a token and a confidence are chosen per position; then the
schedule decides which positions commit:
- dream: rows whose canvases have the same length share k = int(mean masked * (1 - s/t)) (Dream's batch mean),
  clamped to the row's own masked count; the last step of a block commits all that is left in it;
- threshold: every position with confidence >= threshold, at least the best one.
A step where every row's k is 0 costs no forward pass and draws no random numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from ..sampler_head import dream_position_ids
from .sampler_math import Xoshiro128, commit_weights, f32, linspace_f32, masked_mean, pick_index, transfer_count

_REMOVED = torch.finfo(torch.float32).min


@dataclass
class Run:
    settings: Any
    tokens: dict
    shifted: bool
    top_k_out: int


def dream_filter(logits: torch.Tensor, temperature: float, top_p: float | None, top_k: int | None) -> torch.Tensor:
    """Dream's filtering of logits [n, V]: temperature (only if > 0), nucleus keeping the first, then top-k with ties."""
    if temperature > 0:
        logits = logits / temperature
    if top_p is not None and top_p < 1:
        sorted_logits, order = torch.sort(logits, descending=True, stable=True)
        remove = torch.cumsum(torch.softmax(sorted_logits, dim=-1), dim=-1) > top_p
        remove[..., 1:] = remove[..., :-1].clone()
        remove[..., 0] = False
        logits = logits.masked_fill(torch.zeros_like(remove).scatter(-1, order, remove), _REMOVED)
    if top_k is not None and top_k > 0:
        kth = torch.topk(logits, min(top_k, logits.shape[-1]))[0][..., -1, None]
        logits = logits.masked_fill(logits < kth, _REMOVED)
    return logits


class _Row:
    def __init__(self, start: int, canvas: int, settings, stream: int):
        self.start, self.canvas = start, canvas
        self.block = settings.block_length or canvas
        self.n_blocks = max(1, math.ceil(canvas / self.block))
        self.steps_per_block = max(1, settings.steps // self.n_blocks)
        self.times = linspace_f32(1.0, settings.eps, self.steps_per_block + 1)
        self.block_index, self.step = 0, 0
        self.rng = Xoshiro128(settings.seed, stream)
        self.finished = False

    def block_range(self) -> range:
        lo = self.start + self.block_index * self.block
        return range(lo, min(lo + self.block, self.start + self.canvas))

    def last_step(self) -> bool:
        return self.step == self.steps_per_block - 1

    def advance(self) -> None:
        self.step += 1
        if self.step == self.steps_per_block:
            self.step, self.block_index = 0, self.block_index + 1

    def scheduled(self) -> bool:
        return self.block_index < self.n_blocks


def _pick(weights: list[float], u: float, margins: list[float]) -> int:
    """pick_index, noting how far u*total fell from a boundary (a flip there would need float noise that large)."""
    total, acc, gaps = sum(weights), 0.0, []
    for w in weights[:-1]:
        acc += w
        gaps.append(abs(u * total - acc) / total)
    margins.append(min(gaps, default=1.0))
    return pick_index(weights, u)


class _Candidates:
    """What Dream's sample_tokens computes for the eligible positions of a row, read out once as Python numbers."""

    def __init__(self, probs: torch.Tensor, top_k_out: int):
        values, ids = torch.topk(probs, max(2, top_k_out), dim=-1)
        self.values, self.ids = values.tolist(), ids.tolist()
        self.argmax = torch.argmax(probs, dim=-1).tolist()  # first maximal index, as torch documents
        self.neg_entropy = torch.sum(probs * torch.log(probs + 1e-10), dim=-1).tolist()
        self.top_k_out = top_k_out


def _choose(c: _Candidates, i: int, alg: str, temperature: float, rng: Xoshiro128, margins: list[float]):
    """(token, confidence, argmax margin) for eligible position i."""
    values = c.values[i]
    argmax_margin = values[0] - values[1]
    if temperature > 0:
        j = _pick(values[: c.top_k_out], rng.uniform(), margins)
        token, chosen, argmax_margin = c.ids[i][j], f32(values[j]), float("inf")
    else:
        token, chosen = c.argmax[i], f32(values[0])
    if alg == "topk_margin":
        return token, f32(f32(values[0]) - f32(values[1])), argmax_margin
    if alg == "entropy":
        return token, f32(c.neg_entropy[i]), argmax_margin
    return token, chosen, argmax_margin


def _select(conf: list[float], k: int, alg_temp: float, rng: Xoshiro128, margins: list[float]) -> list[int]:
    """Indices of the k positions to commit: best first (ties to the lower position), or sampled by softmax/alg_temp."""
    if k >= len(conf):
        return list(range(len(conf)))
    if alg_temp and alg_temp > 0:
        weights, chosen = commit_weights(conf, alg_temp), []
        for _ in range(k):
            i = _pick(weights, rng.uniform(), margins)
            chosen.append(i)
            weights[i] = 0.0
        return chosen
    order = sorted(range(len(conf)), key=lambda i: (-conf[i], i))
    if conf[order[k - 1]] != conf[order[k]]:  # an exact tie (two singleton supports at 1.0) is exact on both sides
        margins.append(float(conf[order[k - 1]] - conf[order[k]]))
    return order[:k]


def generate_batch(
    forward: Callable, prompts: list[list[int]], canvases: list[int], streams: list[int], run: Run
) -> dict:
    s, mask_id, eos_id = run.settings, run.tokens["mask"], run.tokens["eos"]
    length = max(len(p) + c for p, c in zip(prompts, canvases))
    ids = torch.full((len(prompts), length), run.tokens["pad"], dtype=torch.long)
    attention = torch.zeros_like(ids)
    rows = []
    for r, (prompt, canvas) in enumerate(zip(prompts, canvases)):
        pad = length - len(prompt) - canvas
        ids[r, pad:] = torch.tensor(prompt + [mask_id] * canvas)
        attention[r, pad:] = 1
        rows.append(_Row(pad + len(prompt), canvas, s, streams[r]))
    positions = dream_position_ids(attention)
    margins: list[float] = [float("inf")]
    forwards = 0

    def masked_in_block(r: int) -> list[int]:
        return [p for p in rows[r].block_range() if ids[r, p] == mask_id]

    def has_mask(r: int) -> bool:
        return bool((ids[r, rows[r].start :] == mask_id).any())  # masks inside the prompt are left alone

    while any(row.scheduled() and not row.finished and has_mask(r) for r, row in enumerate(rows)):
        live = [r for r, row in enumerate(rows) if row.scheduled()]
        plan: dict[int, int | None] = {}
        if s.schedule == "dream" and s.alg != "origin":
            for canvas in sorted({rows[r].canvas for r in live}):
                group = [r for r in live if rows[r].canvas == canvas]
                head = rows[group[0]]
                mean = masked_mean(sum(len(masked_in_block(r)) for r in group), len(group))
                k = transfer_count(mean, head.times[head.step], head.times[head.step + 1], head.last_step())
                for r in group:
                    plan[r] = len(masked_in_block(r)) if rows[r].last_step() else min(k, len(masked_in_block(r)))
        need = [r for r in live if not rows[r].finished and masked_in_block(r) and plan.get(r, None) != 0]
        logits = None
        if need:
            logits = forward(ids[need], attention[need], positions[need]).float()
            forwards += 1
        for r in live:
            row, eligible = rows[r], masked_in_block(r)
            if row.finished or r not in need:
                for p in eligible[: plan.get(r) or 0]:  # a finished row keeps its share of the batch count
                    ids[r, p] = eos_id
                row.advance()
                continue
            at = [max(p - 1, 0) if run.shifted else p for p in eligible]
            probs = torch.softmax(dream_filter(logits[need.index(r), at], s.temperature, s.top_p, s.top_k), dim=-1)
            candidates = _Candidates(probs, run.top_k_out)
            t, t_next = row.times[row.step], row.times[row.step + 1]
            if s.alg == "origin":
                p_transfer = 1.0 if row.last_step() else float(f32(1) - f32(t_next / t))
                draws = [row.rng.uniform() for _ in eligible]
                margins.extend(abs(u - p_transfer) for u in draws if p_transfer < 1)
                for i in [i for i, u in enumerate(draws) if u < p_transfer]:
                    token, _, argmax_margin = _choose(candidates, i, s.alg, s.temperature, row.rng, margins)
                    ids[r, eligible[i]] = token
                    margins.append(argmax_margin)
            else:
                chosen = [_choose(candidates, i, s.alg, s.temperature, row.rng, margins) for i in range(len(eligible))]
                conf = [float(c) for _, c, _ in chosen]
                if s.schedule == "threshold":
                    picked = (
                        list(range(len(eligible)))
                        if row.last_step()
                        else [i for i, c in enumerate(conf) if c >= s.threshold]
                    )
                    margins.extend(abs(c - s.threshold) for c in conf)
                    picked = picked or _select(conf, 1, 0.0, row.rng, margins)
                else:
                    picked = _select(conf, plan[r], s.alg_temp, row.rng, margins)
                for i in picked:
                    ids[r, eligible[i]] = chosen[i][0]
                    margins.append(chosen[i][2])  # an argmax near-tie matters only where the token is committed
            row.advance()
            if s.early_stop:
                row.finished = _finished(ids[r, row.start : row.start + row.canvas].tolist(), mask_id, eos_id)
    tokens = []
    for r, row in enumerate(rows):
        canvas = ids[r, row.start : row.start + row.canvas].tolist()
        tokens.append(canvas[: canvas.index(eos_id)] if eos_id in canvas else canvas)
    return {"tokens": tokens, "forwards": forwards, "min_margin": min(margins)}


def _finished(canvas: list[int], mask_id: int, eos_id: int) -> bool:
    """Early stop: an EOS is committed and nothing before it is still masked (or nothing is masked at all)."""
    for token in canvas:
        if token == mask_id:
            return False
        if token == eos_id:
            return True
    return True
