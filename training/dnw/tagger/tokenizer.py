"""The BPE tokenizer, trained on the training text, and the per-token features baked into the model.

Components are chosen so that @huggingface/tokenizers 0.2.0 (the engine's JS tokenizer) gives the same ids:
NFC normalizer, BertPreTokenizer (whitespace split, each punctuation character alone; JS and Rust agree),
BPE with `end_of_word_suffix` "</w>" (JS supports the suffix, not `continuing_subword_prefix`) and no
byte fallback, so an unknown character is one [UNK]; decoder: drop the label brackets, then BPEDecoder.
No post-processor: no BOS/EOS is added.

Ids: special tokens first ([PAD] [UNK] [MASK] [EOS] <ner> </ner>), then one token per stacked BIO label
(`⟨O⟩`, `⟨B-LOCATION⟩`, `⟨I-ORGANIZATION|B-LOCATION⟩`, ...; decoded: the bare tag), then the inline tags,
then the BPE vocabulary. Every non-[UNK] BPE token, with "</w>" removed, is a literal substring of the NFC text and
[UNK] is one code point, so token character offsets can be recovered by walking the text (`align_tokens`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers
from tokenizers.models import BPE
from tokenizers.trainers import BpeTrainer

PAD, UNK, MASK, EOS = "[PAD]", "[UNK]", "[MASK]", "[EOS]"
NER_OPEN, NER_CLOSE = "<ner>", "</ner>"
BASE_SPECIALS = [PAD, UNK, MASK, EOS, NER_OPEN, NER_CLOSE]
EOW = "</w>"


# Label tokens are added tokens whose content is the tag between two angle brackets that no text contains as such
# ("⟨O⟩", "⟨I-ORGANIZATION|B-LOCATION⟩"): an added token is split out of any text holding its content (the JS
# tokenizer has no single_word), so a bare "O" would break "COVID". The decoder drops the brackets, so
# decode([id]) is the bare tag, which is how the engine reads an aligned-bio canvas.
LABEL_OPEN, LABEL_CLOSE = "\u27e8", "\u27e9"


def label_token(tag: str) -> str:
    return f"{LABEL_OPEN}{tag}{LABEL_CLOSE}"


def tag_tokens(entity_labels: Iterable[str]) -> list[str]:
    out = []
    for lab in entity_labels:
        out += [f"<{lab}>", f"</{lab}>"]
    return out


def train_tokenizer(
    texts: Iterable[str],
    stacked_labels: Sequence[str],
    entity_labels: Sequence[str],
    vocab_size: int = 6000,
    min_frequency: int = 1,
) -> Tokenizer:
    tok = Tokenizer(BPE(unk_token=UNK, end_of_word_suffix=EOW))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.Sequence(
        [decoders.Replace(LABEL_OPEN, ""), decoders.Replace(LABEL_CLOSE, ""), decoders.BPEDecoder(suffix=EOW)]
    )
    specials = BASE_SPECIALS + [label_token(t) for t in stacked_labels] + tag_tokens(entity_labels)
    trainer = BpeTrainer(
        vocab_size=vocab_size + len(specials),
        min_frequency=min_frequency,
        special_tokens=specials,
        end_of_word_suffix=EOW,
        show_progress=False,
    )
    tok.train_from_iterator(list(texts), trainer=trainer)
    return tok


def align_tokens(text: str, tokens: Sequence[str], unk: str = UNK) -> list[tuple[int, int]]:
    """Code-point offsets of each token in `text` (the way a JS engine without offsets recovers them)."""
    offsets, pos = [], 0
    for t in tokens:
        surface = t[: -len(EOW)] if t.endswith(EOW) else t
        if t == unk:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            offsets.append((pos, pos + 1))
            pos += 1
            continue
        found = text.find(surface, pos)
        if found < 0:
            raise ValueError(f"token {t!r} not found in text after {pos}")
        offsets.append((found, found + len(surface)))
        pos = found + len(surface)
    return offsets


class BpeDropout:
    """Seeded BPE-dropout (Provilkov et al. 2020) over the tokenizer's merges, for training variants: each word is
    re-merged from its characters, skipping every applicable merge with probability p at each step. Every piece is
    a vocabulary token (the merges' results), so ids, features and alignment work unchanged."""

    def __init__(self, tokenizer: Tokenizer, p: float, seed: int):
        import random

        model = json.loads(tokenizer.to_str())["model"]
        merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ", 1)) for m in model["merges"]]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.vocab = model["vocab"]
        self.p = p
        self.rng = random.Random(seed)

    def split_word(self, word: str) -> list[str] | None:
        """Pieces of one pre-token (without the suffix); None when a character is not in the vocabulary."""
        pieces = list(word)
        pieces[-1] += EOW
        if any(pc not in self.vocab for pc in pieces):
            return None
        while len(pieces) > 1:
            best, best_rank = -1, None
            for i in range(len(pieces) - 1):
                rank = self.ranks.get((pieces[i], pieces[i + 1]))
                if rank is not None and (best_rank is None or rank < best_rank) and self.rng.random() >= self.p:
                    best, best_rank = i, rank
            if best < 0:
                break
            pieces[best : best + 2] = [pieces[best] + pieces[best + 1]]
        return pieces

    def retokenize(self, tokens: list[str]) -> list[str]:
        """The same text in (possibly) smaller pieces: words are runs of tokens ending in the suffix."""
        out: list[str] = []
        word: list[str] = []
        for t in tokens:
            word.append(t)
            if t.endswith(EOW):
                surface = "".join(w[: -len(EOW)] if w.endswith(EOW) else w for w in word)
                pieces = None if UNK in word else self.split_word(surface)
                out += pieces if pieces is not None else word
                word = []
        return out + word


# ---- per-token features (lookup tables the model bakes in) --------------------------------------------------------


def _char_class(c: str) -> str:
    if c.isdigit():
        return "d"
    if c.isalpha():
        return "X" if c.isupper() else "x"
    cat = unicodedata.category(c)
    if cat.startswith("P"):
        return c if c in ".,-/:()\"'%;" else "p"
    return "o"


def shape_of(token: str) -> str:
    """Collapsed character-class pattern plus word-final flag: 'Xx$', 'ddd$', 'X.X.$', 'x' (inside a word)."""
    final = token.endswith(EOW)
    s = token[: -len(EOW)] if final else token
    out: list[str] = []
    run = 0
    for c in s:
        k = _char_class(c)
        if out and out[-1][0] == k[0] and k in "xX":
            continue
        if k == "d" and out and out[-1].startswith("d"):
            run += 1
            if run <= 4:  # digit runs of 1, 2, 3 and 4+
                out[-1] += "d"
            continue
        run = 1 if k == "d" else 0
        out.append(k)
    shape = "".join(out)[:8]
    return shape + ("$" if final else "")


@dataclass
class TokenFeatures:
    lower_ids: list[int]  # id of the lower-cased token where it exists, else the token's own id
    shape_ids: list[int]
    shapes: list[str]


def token_features(tok: Tokenizer) -> TokenFeatures:
    vocab = tok.get_vocab()
    size = tok.get_vocab_size()
    inv = {i: t for t, i in vocab.items()}
    specials = {t.content for t in tok.get_added_tokens_decoder().values()}
    shapes = ["<special>"]
    shape_index = {"<special>": 0}
    lower_ids, shape_ids = [], []
    for i in range(size):
        t = inv[i]
        if t in specials:
            lower_ids.append(i)
            shape_ids.append(0)
            continue
        lower_ids.append(vocab.get(t.lower(), i))
        sh = shape_of(t)
        if sh not in shape_index:
            shape_index[sh] = len(shapes)
            shapes.append(sh)
        shape_ids.append(shape_index[sh])
    return TokenFeatures(lower_ids, shape_ids, shapes)


@dataclass
class Vocab:
    """What training and export need to know about the tokenizer's ids."""

    tokenizer: Tokenizer
    labels: list[str]  # stacked BIO tags, index = label index
    label_ids: list[int]  # token id of each label
    entity_labels: list[str]

    @property
    def pad_id(self) -> int:
        return self.tokenizer.token_to_id(PAD)

    @property
    def mask_id(self) -> int:
        return self.tokenizer.token_to_id(MASK)

    @property
    def eos_id(self) -> int:
        return self.tokenizer.token_to_id(EOS)

    @property
    def unk_id(self) -> int:
        return self.tokenizer.token_to_id(UNK)

    @property
    def open_id(self) -> int:
        return self.tokenizer.token_to_id(NER_OPEN)

    @property
    def close_id(self) -> int:
        return self.tokenizer.token_to_id(NER_CLOSE)

    @property
    def size(self) -> int:
        return self.tokenizer.get_vocab_size()

    def tag_id(self, label: str, closing: bool) -> int:
        return self.tokenizer.token_to_id(f"</{label}>" if closing else f"<{label}>")

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(str(folder / "tokenizer.json"))
        (folder / "labels.json").write_text(
            json.dumps({"labels": self.labels, "entity_labels": self.entity_labels}, ensure_ascii=False, indent=1)
        )

    @classmethod
    def load(cls, folder: str | Path) -> Vocab:
        folder = Path(folder)
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        meta = json.loads((folder / "labels.json").read_text())
        ids = [tok.token_to_id(label_token(t)) for t in meta["labels"]]
        if None in ids:  # runs made before the bracket change named labels "[TAG]"
            ids = [tok.token_to_id(f"[{t}]") for t in meta["labels"]]
        return cls(tok, meta["labels"], ids, meta["entity_labels"])

    @classmethod
    def build(
        cls, texts: Iterable[str], stacked_labels: Sequence[str], entity_labels: Sequence[str], vocab_size: int = 6000
    ) -> Vocab:
        labels = ["O"] + sorted(set(stacked_labels) - {"O"}, key=lambda t: (t.count("|"), t[2:], t))
        tok = train_tokenizer(texts, labels, sorted(entity_labels), vocab_size)
        ids = [tok.token_to_id(label_token(t)) for t in labels]
        assert ids == list(range(ids[0], ids[0] + len(ids))), "label ids must be contiguous"
        return cls(tok, labels, ids, sorted(entity_labels))
