"""The CRF as a prior of the denoising steps: at the first piece of each word, the model's candidate tags are
reweighted by the CRF's marginal of their outer level, q ∝ p^(1-w) · m^w over the graph's top K (a product of
experts; core/sampler/prior.ts does the same in the engine). Tags the CRF never saw keep the model's own p."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..tagger.data import continues_word, tags_by_word
from .features import word_strings
from .model import CrfModel


def training_pairs(items: Sequence, vocab) -> list[tuple[list[str], list[str]]]:
    """(words, each word's outer-level tag) per encoded item, read from its gold canvas by word as the engine reads."""
    label_of = dict(zip(vocab.label_ids, vocab.labels))
    out = []
    for it in items:
        text, offsets = it.record.text, it.offsets
        tags = tags_by_word([label_of.get(c, "O") for c in it.canvas], continues_word(text, offsets))
        firsts, words = word_strings(text, offsets)
        out.append((words, [tags[a].split("|")[0] for a in firsts]))
    return out


def tag_index(vocab, crf: CrfModel) -> torch.Tensor:
    """Per token id: the CRF tag index of its outer level (a label token), or -1."""
    at = {lab: i for i, lab in enumerate(crf.labels)}
    index = torch.full((vocab.tokenizer.get_vocab_size(),), -1, dtype=torch.long)
    for tag, tid in zip(vocab.labels, vocab.label_ids):
        index[tid] = at.get(tag.split("|")[0], -1)
    return index


def canvas_prior(crf: CrfModel, text: str, offsets: Sequence[tuple[int, int]]) -> np.ndarray:
    """[text tokens, CRF tags]: the word's marginals at each word's first token, NaN elsewhere."""
    out = np.full((len(offsets), len(crf.labels)), np.nan)
    firsts, words = word_strings(text, offsets)
    if words:
        out[firsts] = crf.marginals(words)
    return out


def apply_prior(
    top_ids: torch.Tensor, top_probs: torch.Tensor, prior: torch.Tensor, index: torch.Tensor, weight: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """top_ids/top_probs [..., K] and prior [..., L] (NaN rows: none there) -> the reweighted candidates, sorted."""
    has = ~torch.isnan(prior[..., 0])
    li = index[top_ids]
    m = torch.nan_to_num(prior, nan=1.0).gather(-1, li.clamp_min(0)).clamp_min(1e-6)
    m = torch.where(li >= 0, m, top_probs)  # no opinion: the model's own probability
    q = top_probs.clamp_min(0) ** (1 - weight) * m**weight
    q = torch.where(top_probs > 0, q, torch.zeros_like(q))
    q = q / q.sum(-1, keepdim=True).clamp_min(1e-12)
    q = torch.where(has[..., None], q, top_probs)
    q, order = q.sort(-1, descending=True)
    return top_ids.gather(-1, order), q
