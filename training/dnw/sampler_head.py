"""The sampler head: what every exported graph returns instead of full-vocabulary logits.

The engine's JavaScript sampler must never walk a 150k-entry logits row, so the graph itself applies Dream's
token filtering (temperature, then nucleus top-p keeping the best token, then top-k keeping ties with the k-th)
and hands back, per position, the K most probable tokens of the filtered distribution, their probabilities and
the distribution's negative entropy. That is everything `alg` = maskgit_plus / topk_margin / entropy / origin
needs (see docs/model-package.md, "Graph contract").

Everything is computed in float32 whatever the model's dtype (Dream itself filters in bf16 on GPU); the logits
are left unshifted, the engine applies the shift when the manifest says so.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

LogitsFn = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]

# Dream fills removed logits with finfo.min rather than -inf; softmax gives them exactly 0 either way.
_REMOVED = torch.finfo(torch.float32).min


def filter_logits(
    logits: torch.Tensor, temperature: torch.Tensor, top_p: torch.Tensor, top_k: torch.Tensor
) -> torch.Tensor:
    """Dream's `sample_tokens` filtering of float32 logits [..., V]; scalars arrive as 1-element tensors.

    temperature <= 0 leaves the logits untempered (Dream divides only when temperature > 0); top_p >= 1 and
    top_k <= 0 switch those filters off. One descending sort serves both filters, so the graph sorts once.
    """
    vocab = logits.shape[-1]
    if top_k.device != logits.device:  # sampler_scalars() are CPU tensors; gather needs its index on the logits' device
        temperature, top_p, top_k = (x.to(logits.device) for x in (temperature, top_p, top_k))
    t = temperature.reshape(())
    logits = logits / torch.where(t > 0, t, torch.ones_like(t))

    sorted_logits, sorted_ids = torch.sort(logits, dim=-1, descending=True)
    # Nucleus: drop a token once the mass before it already exceeds top_p (shift right: the first is always kept).
    cumulative = torch.cumsum(torch.softmax(sorted_logits, dim=-1), dim=-1)
    above = cumulative > top_p.reshape(())
    remove_sorted = torch.cat([torch.zeros_like(above[..., :1]), above[..., :-1]], dim=-1)
    remove_sorted = remove_sorted & (top_p.reshape(()) < 1)

    # top-k after top-p, as Dream: remove what is strictly below the k-th largest surviving logit (ties stay).
    filtered_sorted = sorted_logits.masked_fill(remove_sorted, _REMOVED)
    k = top_k.reshape(()).clamp(min=0, max=vocab)
    kth_index = torch.where(k > 0, k - 1, torch.full_like(k, vocab - 1))
    kth = torch.gather(filtered_sorted, -1, kth_index.expand(filtered_sorted.shape[:-1]).unsqueeze(-1))
    kth = torch.where(k > 0, kth, torch.full_like(kth, _REMOVED))
    remove_sorted = remove_sorted | (sorted_logits < kth)

    remove = torch.zeros_like(remove_sorted).scatter(-1, sorted_ids, remove_sorted)
    return logits.masked_fill(remove, _REMOVED)


def head_outputs(
    logits: torch.Tensor, temperature: torch.Tensor, top_p: torch.Tensor, top_k: torch.Tensor, top_k_out: int
):
    """(topk_ids int64, topk_probs float32, neg_entropy float32) of the filtered distribution of `logits`."""
    probs = torch.softmax(filter_logits(logits.float(), temperature, top_p, top_k), dim=-1)
    topk_probs, topk_ids = torch.topk(probs, top_k_out, dim=-1)
    neg_entropy = torch.sum(probs * torch.log(probs + 1e-10), dim=-1)
    return topk_ids, topk_probs, neg_entropy


class SamplerHead(nn.Module):
    """Wraps any `model_fn(input_ids, attention_mask, position_ids) -> logits [B, L, V]` into the graph contract."""

    def __init__(self, model_fn: LogitsFn, top_k_out: int):
        super().__init__()
        if top_k_out < 2:
            raise ValueError("top_k_out must be at least 2 (topk_margin needs the second probability)")
        self.model_fn = model_fn  # an nn.Module assigned here is registered, so its weights export with the head
        self.top_k_out = top_k_out

    def forward(self, input_ids, attention_mask, position_ids, temperature, top_p, top_k):
        logits = self.model_fn(input_ids, attention_mask, position_ids)
        return head_outputs(logits, temperature, top_p, top_k, self.top_k_out)


INPUT_NAMES = ["input_ids", "attention_mask", "position_ids", "temperature", "top_p", "top_k"]
OUTPUT_NAMES = ["topk_ids", "topk_probs", "neg_entropy"]


def dream_position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """Dream's tok_idx: cumsum(mask) - 1, and 1 at left padding."""
    return (attention_mask.long().cumsum(-1) - 1).masked_fill(attention_mask == 0, 1)


def sampler_scalars(temperature: float, top_p: float | None, top_k: int | None):
    """The three scalar inputs, with None mapped to 'off' as the contract defines it."""
    return (
        torch.tensor([temperature], dtype=torch.float32),
        torch.tensor([1.0 if top_p is None else top_p], dtype=torch.float32),
        torch.tensor([0 if top_k is None else top_k], dtype=torch.int64),
    )
