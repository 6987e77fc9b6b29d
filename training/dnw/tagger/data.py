"""Instruction JSONL <-> (text, spans), stacked BIO tags over tokens, and batches for the two output formats.

The workbench exports `{"instruction": "<ner>\\n{text}\\n</ner>", "output": "<text with <LABEL>…</LABEL> tags>"}`
(docs/formats/instruction.md). Both escape `& < >` in the text. Spans are code-point offsets into the (unescaped,
NFC) text, as everywhere in the project. The small model itself is fed the unescaped text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROMPT_OPEN = "<ner>"
PROMPT_CLOSE = "</ner>"
TEMPLATE = PROMPT_OPEN + "\n{text}\n" + PROMPT_CLOSE

Span = tuple[int, int, str]  # [start, end) code points, label

# Any tag the workbench can write: labels are letters, digits, _ . : - (core/model-package/manifest.ts); & < > in
# the text are escaped, so every <…> in an answer is a tag.
_TAG = re.compile(r"<(/?)([^<>/\s][^<>\s]*)>")
_ENTITY = re.compile(r"&(lt|gt|amp);")
_UNESCAPE = {"lt": "<", "gt": ">", "amp": "&"}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return _ENTITY.sub(lambda m: _UNESCAPE[m.group(1)], text)


def render_prompt(text: str) -> str:
    return TEMPLATE.format(text=text)


def prompt_text(instruction: str) -> str:
    """The (unescaped) text inside `<ner>\\n…\\n</ner>`; the export escapes & < > in the prompt as in the answer."""
    head, tail = PROMPT_OPEN + "\n", "\n" + PROMPT_CLOSE
    if not (instruction.startswith(head) and instruction.endswith(tail)):
        raise ValueError(f"instruction is not {TEMPLATE!r}: {instruction[:40]!r}")
    return unescape(instruction[len(head) : -len(tail)])


def render_inline(text: str, spans: Iterable[Span]) -> str:
    """Text with `<LABEL>…</LABEL>` around each span, outer spans first; crossing spans raise ValueError."""
    ordered = sorted(set(spans), key=lambda s: (s[0], -s[1], s[2]))
    out: list[str] = []
    stack: list[Span] = []
    pos = 0

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1][1] <= limit:
            s = stack.pop()
            out.append(escape(text[pos : s[1]]))
            pos = s[1]
            out.append(f"</{s[2]}>")

    for span in ordered:
        close_until(span[0])
        if stack and span[1] > stack[-1][1]:
            raise ValueError(f"crossing spans {stack[-1]} and {span}")
        out.append(escape(text[pos : span[0]]))
        pos = span[0]
        out.append(f"<{span[2]}>")
        stack.append(span)
    close_until(len(text) + 1)
    out.append(escape(text[pos:]))
    return "".join(out)


def parse_inline(output: str, strict: bool = True) -> tuple[str, list[Span]]:
    """(text, spans) from an inline-tagged output. strict=False drops unmatched tags instead of raising."""
    text: list[str] = []
    length = 0
    stack: list[tuple[str, int]] = []
    spans: list[Span] = []
    pos = 0
    for m in _TAG.finditer(output):
        chunk = unescape(output[pos : m.start()])
        text.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, label = m.group(1) == "/", m.group(2)
        if not closing:
            stack.append((label, length))
            continue
        idx = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == label), None)
        if idx is None or (strict and idx != len(stack) - 1):
            if strict:
                raise ValueError(
                    f"</{label}> at character {m.start()} does not close the innermost open tag"
                    + (f" <{stack[-1][0]}>" if stack else " (none is open)")
                )
            continue
        _, start = stack.pop(idx)
        if length > start:
            spans.append((start, length, label))
    if stack and strict:
        raise ValueError(f"<{stack[-1][0]}> is never closed")
    text.append(unescape(output[pos:]))
    return "".join(text), sorted(set(spans), key=lambda s: (s[0], -s[1], s[2]))


@dataclass
class Record:
    text: str
    spans: list[Span]


def read_instruction_jsonl(path: str | Path, limit: int | None = None) -> list[Record]:
    records: list[Record] = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            text = prompt_text(row["instruction"])
            out_text, spans = parse_inline(row["output"])
            if out_text != text:
                raise ValueError(f"{path}:{line_no}: output text differs from the instruction text")
            records.append(Record(text, spans))
            if limit is not None and len(records) >= limit:
                break
    return records


def write_instruction_jsonl(path: str | Path, records: Iterable[Record]) -> int:
    n = 0
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            row = {"instruction": render_prompt(escape(r.text)), "output": render_inline(r.text, r.spans)}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


# ---- stacked BIO over tokens -------------------------------------------------------------------------------------


def nesting_levels(spans: Sequence[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Outermost spans on level 0, each further level the spans overlapping one already placed (core/bio.ts)."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1], s[2]))
    levels: list[list[tuple[int, int, str]]] = []
    ends: list[int] = []
    for s in ordered:
        level = next((i for i, e in enumerate(ends) if e <= s[0]), -1)
        if level < 0:
            level = len(levels)
            levels.append([])
            ends.append(0)
        levels[level].append(s)
        ends[level] = s[1]
    return levels


def char_spans_to_token_spans(spans: Iterable[Span], offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Token index spans [i, j) covering each char span; a span whose edge falls inside a token widens to it."""
    out = []
    for start, end, label in spans:
        idx = [k for k, (a, b) in enumerate(offsets) if a < end and b > start]
        if idx:
            out.append((idx[0], idx[-1] + 1, label))
    return sorted(set(out), key=lambda s: (s[0], -s[1], s[2]))


def stacked_tags(token_spans: Sequence[tuple[int, int, str]], n: int) -> list[str]:
    """One tag per token: the BIO tag of each nesting level, outermost first, joined by '|'; 'O' when none."""
    levels = nesting_levels(token_spans)
    per_level = []
    for level in levels:
        tags = ["O"] * n
        for start, end, label in level:
            for i in range(start, end):
                tags[i] = ("B-" if i == start else "I-") + label
        per_level.append(tags)
    out = []
    for i in range(n):
        parts = [tags[i] for tags in per_level]
        while parts and parts[-1] == "O":
            parts.pop()
        out.append("|".join(parts) if parts else "O")
    return out


def decode_bio(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans [i, j) from one level of BIO tags, repairing a stray I-X into a new entity (core/bio.ts 'repair')."""
    spans: list[list] = []
    open_: list | None = None
    for i, tag in enumerate(tags):
        if tag == "O" or len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
            open_ = None
            continue
        prefix, label = tag[0], tag[2:]
        if prefix == "I" and open_ is not None and open_[2] == label:
            open_[1] = i + 1
            continue
        open_ = [i, i + 1, label]
        spans.append(open_)
    return [tuple(s) for s in spans]


def _word_char(c: str) -> bool:
    return not c.isspace() and unicodedata.category(c)[0] not in "PS"


def continues_word(text: str, offsets: Sequence[tuple[int, int]]) -> list[bool]:
    """Per text token: it touches the token before it and both are letters or digits where they meet (a syllable
    split into pieces). The engine's continuesWord (core/model-output/aligned-bio.ts) says the same."""
    return [
        t > 0 and offsets[t - 1][1] == start and start > 0 and _word_char(text[start - 1]) and _word_char(text[start])
        for t, (start, _) in enumerate(offsets)
    ]


def tags_by_word(tags: Sequence[str], continues: Sequence[bool]) -> list[str]:
    """Stacked tags read word by word, as the engine reads them (core/model-output/aligned-bio.ts byWord): a word (a
    first piece and the pieces that continue it) takes the tags of its first piece in an entity, or O when none is,
    and its later pieces continue it, so no decoded span starts or ends inside a word."""
    out = list(tags)
    start = 0
    while start < len(tags):
        end = start + 1
        while end < len(tags) and continues[end]:
            end += 1
        first = next((t for t in tags[start:end] if any(tag != "O" for tag in t.split("|"))), tags[start])
        out[start] = first
        for t in range(start + 1, end):
            out[t] = "|".join("O" if tag == "O" else "I-" + tag[2:] for tag in first.split("|"))
        start = end
    return out


def stacked_to_token_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    depth = max((t.count("|") + 1 for t in tags), default=1)
    out: set[tuple[int, int, str]] = set()
    for level in range(depth):
        level_tags = [(t.split("|") + ["O"] * depth)[level] for t in tags]
        out.update(decode_bio(level_tags))
    return sorted(out, key=lambda s: (s[0], -s[1], s[2]))


def token_spans_to_char_spans(spans: Iterable[tuple[int, int, str]], offsets: Sequence[tuple[int, int]]) -> list[Span]:
    return sorted(
        {(offsets[s][0], offsets[e - 1][1], label) for s, e, label in spans}, key=lambda s: (s[0], -s[1], s[2])
    )


def outermost(spans: Iterable[Span]) -> list[Span]:
    """Level-0 spans: what a flat evaluation compares."""
    levels = nesting_levels(list(spans))
    return levels[0] if levels else []


# ---- metrics -----------------------------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    per_label: dict = field(default_factory=dict)

    def add(self, gold: Iterable[Span], pred: Iterable[Span]) -> None:
        g, p = set(gold), set(pred)
        for s in g:
            c = self.per_label.setdefault(s[2], [0, 0, 0])
            if s in p:
                self.tp += 1
                c[0] += 1
            else:
                self.fn += 1
                c[2] += 1
        for s in p - g:
            self.fp += 1
            self.per_label.setdefault(s[2], [0, 0, 0])[1] += 1

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> dict:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}

    def report(self) -> dict:
        out = self._prf(self.tp, self.fp, self.fn)
        out["per_label"] = {k: self._prf(*v) for k, v in sorted(self.per_label.items())}
        return out
