"""Reference decoding in PyTorch (for dev evaluation during training): confidence-threshold parallel unmasking.

Each step runs the model on the rows that still have masked slots, commits every masked slot whose top
probability is >= threshold (the most confident one when none is; everything at step max_steps), and stops a row
when its canvas is full. This is the engine's 'threshold' schedule at temperature 0 with alg maskgit_plus
(core/sampler/denoiser.ts); the engine's own sampler is authoritative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from ..crf.prior import apply_prior, canvas_prior, tag_index
from .data import Span, continues_word, stacked_to_token_spans, tags_by_word, token_spans_to_char_spans
from .encode import Encoded, collate, length_batches
from .tokenizer import EOS, Vocab


@dataclass
class DecodeStats:
    forward_rows: int = 0  # sum over steps of rows run
    forward_calls: int = 0
    steps_per_row: float = 0.0


def torch_step(model, allowed: torch.Tensor | None = None):
    """step(ids, att, pos, prior) -> (top-1 probability, top-1 id) per position, from a PyTorch logits model."""

    def step(ids, att, pos, prior=None):
        if prior is not None:
            raise ValueError("a word prior is applied to the exported graph's candidates (decode with session=)")
        logits = model(ids, att, pos).float()
        if allowed is not None:
            logits = logits + allowed
        return torch.softmax(logits, dim=-1).max(-1)

    return step


def onnx_step(session, allowed: torch.Tensor | None = None, fallback: int = 0, prior_index=None, weight: float = 0.0):
    """The same from an exported graph (graph contract: greedy, no filtering). With `allowed` (a bool per token id),
    the engine's label restriction (core/sampler/restrict-candidates.ts): the allowed candidates of the graph's top K,
    renormalised as p / (1 - removed mass); `fallback` with probability 1 where none is. With a prior (rows of
    dnw.crf.prior.canvas_prior, `prior_index` and `weight`), the candidates are then reweighted by it
    (dnw.crf.prior.apply_prior, core/sampler/prior.ts)."""
    import numpy as np

    scalars = {"temperature": np.zeros(1, np.float32), "top_p": np.ones(1, np.float32), "top_k": np.zeros(1, np.int64)}

    def step(ids, att, pos, prior=None):
        ids_out, probs_out, _ = session.run(
            None, {"input_ids": ids.numpy(), "attention_mask": att.numpy(), "position_ids": pos.numpy(), **scalars}
        )
        top_ids, top_probs = torch.from_numpy(ids_out).long(), torch.from_numpy(probs_out).float()
        if allowed is not None:
            ok = allowed[top_ids]
            removed = (top_probs * ~ok).sum(-1, keepdim=True)
            kept = torch.where(ok, top_probs, torch.zeros_like(top_probs)) / (1 - removed).clamp_min(1e-6)
            # the allowed candidates first, in the graph's order
            order = torch.sort((~ok).to(torch.int8), dim=-1, stable=True).indices
            top_ids, top_probs = top_ids.gather(-1, order), kept.gather(-1, order)
            none = ~ok.any(-1)
            top_ids[..., 0] = torch.where(none, torch.full_like(top_ids[..., 0], fallback), top_ids[..., 0])
            top_probs[..., 0] = torch.where(none, torch.ones_like(top_probs[..., 0]), top_probs[..., 0])
        if prior is not None and weight > 0:
            top_ids, top_probs = apply_prior(top_ids, top_probs, prior, prior_index, weight)
        return top_probs[..., 0], top_ids[..., 0]

    return step


def allowed_tags(vocab: Vocab, wanted: set[str]) -> torch.Tensor | None:
    """A bool per token id: False for the tags of a label outside `wanted` (labels as the vocabulary writes them);
    None when every label is wanted (nothing to restrict)."""
    if all(lab in wanted for lab in vocab.entity_labels):
        return None
    allowed = torch.ones(vocab.tokenizer.get_vocab_size(), dtype=torch.bool)
    for tag, i in zip(vocab.labels, vocab.label_ids):
        allowed[i] = all(level == "O" or level[2:] in wanted for level in tag.split("|"))
    return allowed


@torch.no_grad()
def denoise(
    step_fn,
    batch,
    threshold: float,
    max_steps: int | None = None,
    prior: torch.Tensor | None = None,
    recheck: float = 0.0,
    mask_id: int | None = None,
) -> tuple[torch.Tensor, int, int]:
    """Fills the canvas of `batch` (canvas slots must hold [MASK]). Returns ids, forward rows, forward calls. `prior`:
    [rows, seq, tags] for step_fn (NaN where there is none). With `recheck` > 0, the slots committed below that
    probability are then masked again (`mask_id`) and filled once more (the engine's settings.recheck)."""
    ids = batch.input_ids.clone()
    att = batch.attention_mask
    pos = batch.position_ids
    committed_at = torch.full(ids.shape, 2.0)  # the probability each slot was committed with (2: not a canvas slot)
    ids, fwd_rows, calls = _fill(
        step_fn, ids, att, pos, batch.canvas_mask.clone(), threshold, max_steps, prior, committed_at
    )
    if recheck > 0:
        unsure = batch.canvas_mask & (committed_at < recheck)
        if unsure.any():
            ids = torch.where(unsure, torch.full_like(ids, mask_id), ids)
            ids, more_rows, more_calls = _fill(
                step_fn, ids, att, pos, unsure, threshold, max_steps, prior, committed_at
            )
            fwd_rows, calls = fwd_rows + more_rows, calls + more_calls
    return ids, fwd_rows, calls


def _fill(step_fn, ids, att, pos, remaining, threshold, max_steps, prior, committed_at):
    """The threshold schedule over the `remaining` slots of `ids` (in place), each commit's probability into
    `committed_at`."""
    rows = torch.arange(ids.shape[0])
    fwd_rows = calls = 0
    step = 0
    while True:
        active = rows[remaining.any(-1)]
        if len(active) == 0:
            break
        step += 1
        conf, pred = step_fn(ids[active], att[active], pos[active], None if prior is None else prior[active])
        rem = remaining[active]
        conf = torch.where(rem, conf, torch.full_like(conf, -1.0))
        # The engine's 'threshold' schedule (core/sampler/denoiser.ts): commit every slot at or above the
        # threshold, the single most confident one when none is, and everything left at the last step.
        if max_steps is not None and step >= max_steps:
            commit = rem
        else:
            best = torch.zeros_like(rem)
            best[torch.arange(len(active)), conf.argmax(-1)] = True
            above = rem & (conf >= threshold)
            commit = rem & (above | (best & ~above.any(-1, keepdim=True)))
        sub = ids[active]
        ids[active] = torch.where(commit, pred, sub)
        committed_at[active] = torch.where(commit, conf, committed_at[active])
        remaining[active] = rem & ~commit
        fwd_rows += len(active)
        calls += 1
    return ids, fwd_rows, calls


def inline_spans(canvas: Sequence[int], vocab: Vocab, n_text: int) -> list[tuple[int, int, str]]:
    """Token spans from a generated inline canvas: tags open/close around text tokens; [EOS] ends it."""
    tag_of = {}
    for lab in vocab.entity_labels:
        tag_of[vocab.tag_id(lab, False)] = (lab, False)
        tag_of[vocab.tag_id(lab, True)] = (lab, True)
    eos = vocab.tokenizer.token_to_id(EOS)
    k = 0
    stack: list[tuple[str, int]] = []
    spans = set()
    for t in canvas:
        if t == eos:
            break
        if t in tag_of:
            lab, closing = tag_of[t]
            if not closing:
                stack.append((lab, k))
            else:
                idx = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == lab), None)
                if idx is not None:
                    _, start = stack.pop(idx)
                    end = min(k, n_text)
                    if end > start:
                        spans.add((start, end, lab))
        else:
            k += 1
    return sorted(spans)


def decode_items(
    model,
    vocab: Vocab,
    items: Sequence[Encoded],
    fmt: str,
    threshold: float = 0.9,
    max_steps: int | None = None,
    max_tokens: int = 8192,
    session=None,
    labels: set[str] | None = None,
    crf=None,
    prior_weight: float = 0.0,
    recheck: float = 0.0,
) -> tuple[list[list[Span]], DecodeStats]:
    """Predicted char spans (all nesting levels) for each item, and how many forward passes it took.
    With `session` (an onnxruntime InferenceSession of the exported graph) the graph is run instead of `model`;
    with `labels` too, the graph decodes with only those of its labels, as the engine does for a project; with `crf`
    (dnw.crf.model.CrfModel) and `prior_weight` > 0, its marginals are the steps' word prior (dnw.crf.prior); `recheck`:
    see denoise."""
    preds: list[list[Span]] = [[] for _ in items]
    stats = DecodeStats()
    label_of = {i: t for t, i in zip(vocab.labels, vocab.label_ids)}
    if session is not None:
        allowed = allowed_tags(vocab, labels) if labels is not None and fmt == "aligned" else None
        use_prior = crf is not None and prior_weight > 0 and fmt == "aligned"
        step_fn = onnx_step(
            session,
            allowed,
            vocab.label_ids[vocab.labels.index("O")] if allowed is not None else 0,
            tag_index(vocab, crf) if use_prior else None,
            prior_weight,
        )
    else:
        model.eval()
        allowed = None
        if fmt == "inline":
            # The inline canvas may hold anything but the prompt markers, [MASK] and [PAD].
            allowed = torch.zeros(model.cfg.n_out)
            allowed[[vocab.pad_id, vocab.mask_id, vocab.open_id, vocab.close_id, *vocab.label_ids]] = -1e4
        step_fn = torch_step(model, allowed)
        use_prior = False
    for b in length_batches(items, max_tokens, None):
        batch = collate([items[i] for i in b], vocab.pad_id, canvas_fill=vocab.mask_id)
        prior = None
        if use_prior:
            seq = batch.input_ids.shape[1]
            prior = torch.full((len(b), seq, len(crf.labels)), float("nan"))
            for row, i in enumerate(b):
                it = items[i]
                prior[row, seq - it.n_text :] = torch.from_numpy(canvas_prior(crf, it.record.text, it.offsets))
        ids, rows, calls = denoise(step_fn, batch, threshold, max_steps, prior, recheck, vocab.mask_id)
        stats.forward_rows += rows
        stats.forward_calls += calls
        for row, i in enumerate(b):
            it = items[i]
            canvas = ids[row, ids.shape[1] - len(it.canvas) :].tolist()
            if fmt == "aligned":
                tags = [label_of.get(t, "O") for t in canvas]
                tags = tags_by_word(tags, continues_word(it.record.text, it.offsets))
                tspans = stacked_to_token_spans(tags)
            else:
                tspans = inline_spans(canvas, vocab, it.n_text)
            preds[i] = token_spans_to_char_spans(tspans, it.offsets)
    stats.steps_per_row = stats.forward_rows / max(1, len(items))
    return preds, stats
