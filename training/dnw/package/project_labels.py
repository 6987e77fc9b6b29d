"""A model for a project's own labels (issue 12): the output vocabulary of a trainable package rebuilt for another
label set, with the weights carried over (transfer) or fresh (scratch).

Label names may be anything a project allows (Unicode, spaces, up to 50 labels). On the canvas a tag is one added
token `⟨B-NAME⟩` and levels are joined by `|` (docs/training.md), and the engine reads a tag as `[BI]-\\S+`; so inside
tags a label's whitespace, `|`, `%`, brackets and angle brackets are percent-escaped (UTF-8, `%20`), and the manifest
lists the plain names (core/model-output/aligned-bio.ts unescapes).

The tokenizer keeps the base's normalizer, pre-tokenizer, BPE merges and every text token; its ids are renumbered so
that the new label tokens follow the six specials contiguously (the head covers ids [0, n_out) with the labels
last), then the inline tags, then the text tokens in the base's order. Transfer copies every weight by meaning:
text-token and lower-case embeddings by token string, shape embeddings by shape class, the blocks as they are; a
new label row (label-slot embedding and head row) comes from the base tag it maps to through the project's label
mapping (or the same name), else from the mean of the base's rows of the same B/I pattern (else of all entity rows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

import torch

from ..tagger.data import Record, char_spans_to_token_spans, stacked_tags
from ..tagger.tokenizer import BASE_SPECIALS, Vocab, label_token, tag_tokens, token_features

ESCAPED = re.compile(r"[\s|%\u27e8\u27e9<>\[\]]")


def escape_label(name: str) -> str:
    """The label as written inside a tag token: whitespace, `|`, `%` and brackets percent-escaped (UTF-8)."""
    return ESCAPED.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), name)


def unescape_label(written: str) -> str:
    return re.sub(
        r"(?:%[0-9A-F]{2})+", lambda m: bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8", "replace"), written
    )


def index_tag(i: int) -> str:
    """How a training file names the project's i-th label: the instruction format's tags cannot hold every name
    (spaces, `|`), so the workbench writes `_0`, `_1`, … and says so in the label file (`"indexed": true`)."""
    return f"_{i}"


def escape_records(records: Iterable[Record], indexed: Sequence[str] | None = None) -> list[Record]:
    """Records with escaped labels; with `indexed` (the project's labels) `_i` names the i-th (others are kept, so
    the label check names them)."""

    def name(lab: str) -> str:
        if indexed is not None and re.fullmatch(r"_\d+", lab) and int(lab[1:]) < len(indexed):
            return escape_label(indexed[int(lab[1:])])
        return escape_label(lab)

    return [Record(r.text, [(s, e, name(lab)) for s, e, lab in r.spans]) for r in records]


def project_tags(labels: Sequence[str], records: Iterable[Record], vocab_for_offsets: Vocab) -> list[str]:
    """O, B-/I- of every (escaped) label, then every nesting stack the data holds, ordered as Vocab.build orders."""
    tags = {"O"} | {f"{p}-{lab}" for lab in labels for p in "BI"}
    for r in records:
        enc = vocab_for_offsets.tokenizer.encode(r.text, add_special_tokens=False)
        from ..tagger.tokenizer import align_tokens

        offsets = align_tokens(r.text, enc.tokens)
        tags.update(stacked_tags(char_spans_to_token_spans(r.spans, offsets), len(offsets)))
    return ["O"] + sorted(tags - {"O"}, key=lambda t: (t.count("|"), t[2:], t))


def rebuild_tokenizer(base: Vocab, tags: Sequence[str], labels: Sequence[str]):
    """The base tokenizer with its label and inline-tag tokens replaced by `tags` / `labels` (ids renumbered)."""
    from tokenizers import Tokenizer

    data = json.loads(base.tokenizer.to_str())
    old_added = {t["content"] for t in data["added_tokens"]}
    template = dict(data["added_tokens"][0])
    specials = BASE_SPECIALS + [label_token(t) for t in tags] + tag_tokens(labels)
    added = [{**template, "id": i, "content": c} for i, c in enumerate(specials)]
    text_tokens = [t for t, _ in sorted(data["model"]["vocab"].items(), key=lambda kv: kv[1]) if t not in old_added]
    vocab = {c: i for i, c in enumerate(specials)}
    for t in text_tokens:
        if t not in vocab:
            vocab[t] = len(vocab)
    data["added_tokens"] = added
    data["model"]["vocab"] = vocab
    return Tokenizer.from_str(json.dumps(data, ensure_ascii=False))


def _pattern(tag: str) -> str:
    return "|".join(level[0] for level in tag.split("|"))


def tag_sources(tags: Sequence[str], base: Vocab, label_map: dict[str, str]) -> dict[str, list[str]]:
    """For each new tag, the base tags whose rows initialise it (one when it maps, else several to average)."""
    to_base: dict[str, str] = {}
    for model_label, project_label in label_map.items():
        if model_label in base.entity_labels:
            to_base.setdefault(escape_label(project_label), model_label)
    for lab in base.entity_labels:
        to_base.setdefault(lab, lab)  # the same name (a previous version of the project's model)
    known = set(base.labels)
    entity_rows = [t for t in base.labels if t != "O"]
    out: dict[str, list[str]] = {}
    for tag in tags:
        if tag == "O":
            out[tag] = ["O"]
            continue
        levels = tag.split("|")
        mapped = "|".join(f"{lv[:2]}{to_base.get(lv[2:], '')}" if lv != "O" else "O" for lv in levels)
        if mapped in known:
            out[tag] = [mapped]
            continue
        same = [t for t in entity_rows if _pattern(t) == _pattern(tag)]
        out[tag] = same or entity_rows or ["O"]
    return out


WORD_END = "</w>"  # the BPE's end-of-word suffix (dnw.tagger.tokenizer)
EXTEND_MIN_COUNT = 2  # a word the project's text holds at least this often is made one token


def extend_tokenizer(base: Vocab, texts: Sequence[str], min_count: int = EXTEND_MIN_COUNT) -> tuple[Vocab, int]:
    """(the base's vocabulary whose BPE makes one token of each word of `texts` it splits and that occurs at least
    `min_count` times, how many such words): each word's pieces are joined by merges appended after the base's, so
    they apply only where the base's merges left those pieces side by side (in another word too, which then keeps
    fewer pieces). A medical project's words are what a general-domain BPE splits (ViMedNER under embedded v1: 13 %
    of the syllables inside entities, 6 % of all), and a whole token gives the model the word's identity; its rows
    start as the mean of its pieces' (transfer). The JS tokenizer reads the merges as the Python one does."""
    from collections import Counter

    from tokenizers import Tokenizer

    tok = base.tokenizer
    data = json.loads(tok.to_str())
    model = data["model"]
    if model.get("type") != "BPE" or model.get("end_of_word_suffix") != WORD_END:
        return base, 0
    counts: Counter = Counter()
    for text in texts:
        for word, _ in tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(text)):
            counts[word] += 1
    vocab, merges = model["vocab"], model["merges"]
    as_text = bool(merges) and isinstance(merges[0], str)
    known = {tuple(m.split(" ")) if as_text else tuple(m) for m in merges}
    next_id = max([*vocab.values(), *(t["id"] for t in data["added_tokens"])]) + 1
    words = 0
    for word, n in counts.most_common():
        if n < min_count:
            break
        pieces = [p.value for p in tok.model.tokenize(word)]
        if len(pieces) < 2 or "[UNK]" in pieces:
            continue
        words += 1
        joined = pieces[0]
        for piece in pieces[1:]:
            if (joined, piece) not in known:
                known.add((joined, piece))
                merges.append(f"{joined} {piece}" if as_text else [joined, piece])
            joined += piece
            if joined not in vocab:
                vocab[joined] = next_id
                next_id += 1
    if not words:
        return base, 0
    extended = Tokenizer.from_str(json.dumps(data, ensure_ascii=False))
    return Vocab(extended, base.labels, base.label_ids, base.entity_labels), words  # added tokens keep their ids


def build_vocab(base: Vocab, labels: Sequence[str], records: Sequence[Record]) -> Vocab:
    """The project's vocabulary: `labels` and `records` already escaped."""
    tags = project_tags(labels, records, base)
    tok = rebuild_tokenizer(base, tags, labels)
    ids = [tok.token_to_id(label_token(t)) for t in tags]
    assert ids == list(range(len(BASE_SPECIALS), len(BASE_SPECIALS) + len(tags))), "label ids must be contiguous"
    return Vocab(tok, list(tags), ids, list(labels))


def transfer(base_model, base: Vocab, vocab: Vocab, label_map: dict[str, str], scratch: bool = False):
    """A DiffusionTagger of the base's architecture over `vocab`; with the base's weights carried over unless
    `scratch`. Returns (model, sources): which base tags initialised each new tag (empty from scratch)."""
    from ..tagger.ensemble import TaggerEnsemble
    from ..tagger.model import DiffusionTagger, ModelConfig

    if isinstance(base_model, TaggerEnsemble):  # each member carried over on its own
        parts = [transfer(m, base, vocab, label_map, scratch) for m in base_model.members]
        return TaggerEnsemble([m for m, _ in parts]), parts[0][1]
    feats = token_features(vocab.tokenizer)
    cfg = ModelConfig(
        **{
            **base_model.cfg.to_dict(),
            "vocab_size": vocab.size,
            "n_out": vocab.label_ids[-1] + 1,
            "label_start": vocab.label_ids[0],
            "n_shapes": len(feats.shapes),
        }
    )
    model = DiffusionTagger(cfg, feats.lower_ids, feats.shape_ids)
    if scratch:
        return model, {}
    old_state = base_model.state_dict()
    new_state = model.state_dict()
    skip = {
        "tok.weight",
        "lower.weight",
        "shape.weight",
        "label.weight",
        "head.weight",
        "head.bias",
        "lower_ids",
        "shape_ids",
        "out_bias",
    }
    for k, v in old_state.items():
        if k not in skip and k in new_state and new_state[k].shape == v.shape:
            new_state[k] = v.clone()
    old_ids = base.tokenizer.get_vocab()
    with torch.no_grad():
        for name in ("tok.weight", "lower.weight"):
            if name not in new_state:
                continue
            for t, i in vocab.tokenizer.get_vocab().items():
                j = old_ids.get(t)
                if j is not None:
                    new_state[name][i] = old_state[name][j]
                elif t.endswith(WORD_END):  # a word the base split (extend_tokenizer): the mean of its pieces
                    pieces = [old_ids.get(p.value) for p in base.tokenizer.model.tokenize(t[: -len(WORD_END)])]
                    if pieces and None not in pieces:
                        new_state[name][i] = old_state[name][pieces].mean(0)
        if "shape.weight" in new_state:
            old_shapes = {s: i for i, s in enumerate(token_features(base.tokenizer).shapes)}
            for i, s in enumerate(feats.shapes):
                if s in old_shapes:
                    new_state["shape.weight"][i] = old_state["shape.weight"][old_shapes[s]]
        n_special = vocab.label_ids[0]
        for name in ("label.weight", "head.weight", "head.bias"):
            new_state[name][:n_special] = old_state[name][:n_special]
        sources = tag_sources(vocab.labels, base, label_map)
        old_row = {t: i for t, i in zip(base.labels, base.label_ids)}
        for tag, i in zip(vocab.labels, vocab.label_ids):
            rows = [old_row[t] for t in sources[tag]]
            for name in ("label.weight", "head.weight", "head.bias"):
                new_state[name][i] = old_state[name][rows].mean(0)
    model.load_state_dict(new_state)
    model.eval()
    return model, sources
