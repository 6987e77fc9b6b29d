"""Records -> token ids and canvases, and padded batches in the layout the engine feeds the graph.

Row layout (both formats): left padding, then the tokenized prompt `<ner>\\n{text}\\n</ner>` (= [<ner>] + text
tokens + [</ner>]: the newlines are whitespace and produce no token), then the canvas.
  aligned: one slot per text token holding that token's stacked BIO label id.
  inline:  the text tokens with tag tokens around entities, then [EOS] up to canvas_len(n).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from .data import Record, char_spans_to_token_spans, nesting_levels, render_prompt, stacked_tags
from .tokenizer import BpeDropout, Vocab, align_tokens


@dataclass
class Encoded:
    record: Record
    prompt_ids: list[int]  # [<ner>] + text ids + [</ner>]
    offsets: list[tuple[int, int]]  # code-point offsets of the text tokens
    canvas: list[int]  # gold canvas token ids

    @property
    def n_text(self) -> int:
        return len(self.offsets)

    def __len__(self) -> int:
        return len(self.prompt_ids) + len(self.canvas)


def inline_canvas_len(n_text: int) -> int:
    """Canvas length for the inline format: the text plus room for tags, the rest [EOS]."""
    return n_text + 4 + n_text // 2


def tags_for(record: Record, offsets, vocab: Vocab) -> list[int]:
    known = {t: i for t, i in zip(vocab.labels, vocab.label_ids)}
    tags = stacked_tags(char_spans_to_token_spans(record.spans, offsets), len(offsets))
    out = []
    for t in tags:
        while t not in known and "|" in t:  # an unseen stack keeps its outer levels
            t = t.rsplit("|", 1)[0]
        out.append(known.get(t, known["O"]))
    return out


def inline_answer(record: Record, text_ids: Sequence[int], offsets, vocab: Vocab) -> list[int]:
    spans = char_spans_to_token_spans(record.spans, offsets)
    opens: dict[int, list[tuple[int, int, str]]] = {}
    closes: dict[int, list[tuple[int, int, str]]] = {}
    for s in spans:
        opens.setdefault(s[0], []).append(s)
        closes.setdefault(s[1] - 1, []).append(s)
    out: list[int] = []
    for k, tid in enumerate(text_ids):
        for s in sorted(opens.get(k, []), key=lambda s: -s[1]):  # outer first
            out.append(vocab.tag_id(s[2], False))
        out.append(tid)
        for s in sorted(closes.get(k, []), key=lambda s: -s[0]):  # inner first
            out.append(vocab.tag_id(s[2], True))
    return out


def encode_record(record: Record, vocab: Vocab, fmt: str, dropout: BpeDropout | None = None) -> Encoded:
    """With `dropout` the text is split into BPE-dropout pieces (a training variant; same ids and features)."""
    if not unicodedata.is_normalized("NFC", record.text):
        raise ValueError("text is not NFC-normalised (the workbench exports NFC text)")
    enc = vocab.tokenizer.encode(render_prompt(record.text), add_special_tokens=False)
    ids = enc.ids
    if not ids or ids[0] != vocab.open_id or ids[-1] != vocab.close_id:
        raise ValueError("prompt does not start with <ner> and end with </ner>")
    text_tokens = enc.tokens[1:-1]
    if dropout is not None:
        text_tokens = dropout.retokenize(text_tokens)
        ids = [vocab.open_id] + [vocab.tokenizer.token_to_id(t) for t in text_tokens] + [vocab.close_id]
    offsets = align_tokens(record.text, text_tokens)
    if fmt == "aligned":
        canvas = tags_for(record, offsets, vocab)
    else:
        answer = inline_answer(record, ids[1:-1], offsets, vocab)
        n = inline_canvas_len(len(offsets))
        canvas = (answer + [vocab.eos_id] * n)[:n]
    return Encoded(record, ids, offsets, canvas)


@dataclass
class Batch:
    input_ids: torch.Tensor  # [B, S] gold canvas filled in
    attention_mask: torch.Tensor  # [B, S]
    position_ids: torch.Tensor  # [B, S]
    canvas_mask: torch.Tensor  # [B, S] bool: canvas slots
    items: list[Encoded]


def collate(items: Sequence[Encoded], pad_id: int, canvas_fill: int | None = None) -> Batch:
    S = max(len(e) for e in items)
    ids = torch.full((len(items), S), pad_id, dtype=torch.long)
    att = torch.zeros((len(items), S), dtype=torch.long)
    can = torch.zeros((len(items), S), dtype=torch.bool)
    for i, e in enumerate(items):
        canvas = e.canvas if canvas_fill is None else [canvas_fill] * len(e.canvas)
        row = e.prompt_ids + canvas
        ids[i, S - len(row) :] = torch.tensor(row)
        att[i, S - len(row) :] = 1
        can[i, S - len(canvas) :] = True
    pos = (att.cumsum(-1) - 1).clamp(min=0)
    return Batch(ids, att, pos, can, list(items))


def length_batches(
    items: Sequence[Encoded], max_tokens: int, rng: random.Random | None, max_batch: int = 256
) -> list[list[int]]:
    """Index batches of similar length whose padded size stays under max_tokens; shuffled when rng is given."""
    order = sorted(range(len(items)), key=lambda i: len(items[i]))
    if rng is not None:
        # Shuffle within small length windows so batches differ between epochs yet stay length-homogeneous.
        window = 64
        chunks = [order[i : i + window] for i in range(0, len(order), window)]
        for c in chunks:
            rng.shuffle(c)
        order = [i for c in chunks for i in c]
        order.sort(key=lambda i: len(items[i]) // 8)
    batches, cur, longest = [], [], 0
    for i in order:
        L = len(items[i])
        if cur and (max(longest, L) * (len(cur) + 1) > max_tokens or len(cur) >= max_batch):
            batches.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, L)
    if cur:
        batches.append(cur)
    if rng is not None:
        rng.shuffle(batches)
    return batches


def iterate(items: Sequence[Encoded], batches: list[list[int]], pad_id: int) -> Iterator[Batch]:
    for b in batches:
        yield collate([items[i] for i in b], pad_id)


def label_stats(items: Sequence[Encoded]) -> dict:
    depth = max((len(nesting_levels(e.record.spans)) for e in items), default=0)
    return {"examples": len(items), "max_nesting": depth, "tokens": sum(len(e) for e in items)}
