"""The CRF's words and their features, defined on Unicode categories so that core/crf/features.ts computes the same
strings in JavaScript (a parity test reads a fixture both sides produce)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..tagger.data import continues_word


def words_of(text: str, offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first token, end token) per word: a text token and the tokens that continue it (continues_word), so the CRF's
    words are the words the engine reads a canvas by."""
    cont = continues_word(text, offsets)
    out: list[list[int]] = []
    for t in range(len(offsets)):
        if out and cont[t]:
            out[-1][1] = t + 1
        else:
            out.append([t, t + 1])
    return [(a, b) for a, b in out]


def word_strings(text: str, offsets: Sequence[tuple[int, int]]) -> tuple[list[int], list[str]]:
    """(each word's first token, each word's text)."""
    spans = words_of(text, offsets)
    return [a for a, _ in spans], [text[offsets[a][0] : offsets[b - 1][1]] for a, b in spans]


def shape(word: str) -> str:
    """X for an upper-case letter, x another letter, d a decimal digit, any other character itself; runs collapsed."""
    out: list[str] = []
    for c in word:
        cat = unicodedata.category(c)
        kind = "X" if cat == "Lu" else "x" if cat[0] == "L" else "d" if cat == "Nd" else c
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def _flags(word: str) -> list[str]:
    cats = [unicodedata.category(c) for c in word]
    return [
        f"init={int(bool(cats) and cats[0] == 'Lu')}",
        f"upper={int('Lu' in cats and 'Ll' not in cats)}",
        f"digit={int('Nd' in cats)}",
    ]


def fold(word: str) -> str:
    """The word lower-cased without its diacritics (đ as d): a misspelt or unaccented form meets the accented one."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


def features(words: Sequence[str]) -> list[list[str]]:
    """Per word: itself, its unaccented form, its shape, case and digit flags, its first and last one to three
    characters, the three words on each side (the nearest two with their shapes), and the word pairs and the triple
    around it (what a CRF for NER uses)."""
    lower = [w.lower() for w in words]
    shapes = [shape(w) for w in words]
    n = len(words)
    out = []
    for i, w in enumerate(words):
        low = lower[i]
        f = ["bias", f"w={low}", f"fold={fold(w)}", f"shape={shapes[i]}", *_flags(w)]
        f += [f"p{k}={low[:k]}" for k in (1, 2, 3)] + [f"s{k}={low[-k:]}" for k in (1, 2, 3)]
        for off in (-3, -2, -1, 1, 2, 3):
            j = i + off
            if 0 <= j < n:
                f.append(f"{off}:w={lower[j]}")
                if abs(off) < 3:
                    f.append(f"{off}:shape={shapes[j]}")
            elif abs(off) < 3:
                f.append(f"{off}:edge")
        if i > 1:
            f.append(f"-2+-1={lower[i - 2]}|{lower[i - 1]}")
        if i > 0:
            f.append(f"-1+0={lower[i - 1]}|{low}")
        if 0 < i < n - 1:
            f.append(f"-1+0+1={lower[i - 1]}|{low}|{lower[i + 1]}")
        if i + 1 < n:
            f.append(f"0+1={low}|{lower[i + 1]}")
        if i + 2 < n:
            f.append(f"1+2={lower[i + 1]}|{lower[i + 2]}")
        out.append(f)
    return out
