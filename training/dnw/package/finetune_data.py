"""Training data for dnw.package.finetune_package: the workbench's instruction export, read strictly, checked against a
package's label set, split into pieces the model takes, and encoded (with BPE-dropout variants).

The reader takes both variants `workbench export --format instruction` writes (docs/formats/instruction.md):
plain `{"instruction": "<ner>\\n{text}\\n</ner>", "output": …}` and chat `{"messages": [system?, user, assistant]}`;
other keys (id, meta) are ignored. Every problem is an error naming the file and the line: the training data is
the user's corrected annotation, so nothing is repaired or guessed.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..tagger.data import Record, parse_inline, prompt_text
from ..tagger.encode import Encoded, encode_record
from ..tagger.tokenizer import BpeDropout, Vocab

# The engine splits longer documents (prompt n + 2 and canvas n within maxLength 1022): never train on more.
MAX_TEXT_TOKENS = 510


class DataError(ValueError):
    """Bad training data; the message starts with FILE:LINE."""


def _prompt_and_answer(row: dict) -> tuple[str, str, str]:
    """(prompt, answer, the answer's field name) of a plain or chat record."""
    if "messages" in row:
        msgs = row["messages"]
        if not isinstance(msgs, list) or not all(isinstance(m, dict) for m in msgs):
            raise ValueError("messages must be a list of objects")
        roles = [m.get("role") for m in msgs]
        if roles and roles[0] == "system":
            msgs, roles = msgs[1:], roles[1:]
        if roles != ["user", "assistant"] or not all(isinstance(m.get("content"), str) for m in msgs):
            raise ValueError("messages must be [system?, user, assistant] with string contents")
        return msgs[0]["content"], msgs[1]["content"], "messages[-1].content"
    for key in ("instruction", "output"):
        if not isinstance(row.get(key), str):
            raise ValueError(f"missing or non-string field {key!r} (expected instruction + output, or messages)")
    return row["instruction"], row["output"], "output"


def read_training_jsonl(path: str | Path) -> tuple[list[Record], list[int]]:
    """Records and their line numbers; DataError 'FILE:LINE: …' on the first bad line. Blank lines are skipped."""
    path = Path(path)
    records, lines = [], []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise DataError(f"{path}: cannot be read ({e.strerror})") from e
    with f:
        line_no = 0
        try:
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("the line is not a JSON object")
                    prompt, answer, field = _prompt_and_answer(row)
                    text = prompt_text(prompt)
                    try:
                        out_text, spans = parse_inline(answer)
                    except ValueError as e:
                        raise ValueError(f"{field}: {e}") from None
                    if out_text != text:
                        at = next(
                            (i for i, (a, b) in enumerate(zip(out_text, text)) if a != b), min(len(out_text), len(text))
                        )
                        raise ValueError(
                            f"{field}: the answer without its tags differs from the prompt's text at character {at}"
                        )
                    if not unicodedata.is_normalized("NFC", text):
                        raise ValueError("the text is not NFC-normalised (the workbench exports NFC text)")
                except json.JSONDecodeError as e:
                    raise DataError(f"{path}:{line_no}: not valid JSON ({e.msg} at column {e.colno})") from None
                except ValueError as e:
                    raise DataError(f"{path}:{line_no}: {e}") from None
                records.append(Record(text, spans))
                lines.append(line_no)
        except UnicodeDecodeError as e:
            raise DataError(f"{path}:{line_no + 1}: not UTF-8 ({e.reason})") from None
    return records, lines


def check_labels(records: list[Record], lines: list[int], path: str | Path, known: list[str], package: str) -> None:
    """DataError naming each label the package cannot output and the first line that uses it."""
    first: dict[str, int] = {}
    for r, ln in zip(records, lines):
        for s in r.spans:
            if s[2] not in known:
                first.setdefault(s[2], ln)
    if first:
        listed = ", ".join(f"{lab} (first at {path}:{ln})" for lab, ln in sorted(first.items(), key=lambda x: x[1]))
        raise DataError(
            f"{path}: label{'s' if len(first) > 1 else ''} {listed} not in the label set of package "
            f"{package} ({', '.join(known)}); a new label needs a model trained with it"
        )


def split_long(record: Record, vocab: Vocab, limit: int = MAX_TEXT_TOKENS) -> list[Record]:
    """Pieces of at most `limit` text tokens, cut at whitespace that no entity crosses (after sentence-final
    punctuation where there is some), the way the engine splits a long document."""
    enc = vocab.tokenizer.encode(record.text, add_special_tokens=False)
    n = len(enc.ids)
    if n <= limit:
        return [record]
    from ..tagger.tokenizer import align_tokens

    offsets = align_tokens(record.text, enc.tokens)
    text = record.text
    crossed = set()
    for s, e, _ in record.spans:
        crossed.update(range(s + 1, e))  # a cut at character c (between c-1 and c) inside a span
    pieces, start_tok = [], 0
    while n - start_tok > limit:
        best = None
        for k in range(start_tok + limit, start_tok, -1):  # cut before token k
            gap_start, gap_end = offsets[k - 1][1], offsets[k][0]
            if gap_end == gap_start or gap_end in crossed or not text[gap_start:gap_end].isspace():
                continue
            if best is None:
                best = k
            if text[offsets[k - 1][0] : offsets[k - 1][1]] in (".", "!", "?", ";"):
                best = k
                break
        if best is None:
            best = start_tok + limit  # no clean cut: a span is cut (rare; only for > 510-token entities)
        pieces.append((offsets[start_tok][0], offsets[best - 1][1]))
        start_tok = best
    pieces.append((offsets[start_tok][0], offsets[-1][1]))
    out = []
    for a, b in pieces:
        spans = [(max(s, a) - a, min(e, b) - a, lab) for s, e, lab in record.spans if s < b and e > a]
        out.append(Record(text[a:b], [s for s in spans if s[1] > s[0]]))
    return out


@dataclass
class Prepared:
    variants: list[list[Encoded]]  # per example: the deterministic tokenization, then BPE-dropout variants
    dropped_levels: int  # tokens whose nesting stack the label set lacks (kept to its outer levels)


def encode_training(records: list[Record], vocab: Vocab, bpe_dropout: float, bpe_variants: int, seed: int) -> Prepared:
    pieces = [p for r in records for p in split_long(r, vocab) if p.text.strip()]
    known = set(vocab.labels)
    dropout = BpeDropout(vocab.tokenizer, bpe_dropout, seed) if bpe_variants > 1 and bpe_dropout > 0 else None
    variants, dropped = [], 0
    from ..tagger.data import char_spans_to_token_spans, stacked_tags

    for r in pieces:
        base = encode_record(r, vocab, "aligned")
        dropped += sum(
            t not in known for t in stacked_tags(char_spans_to_token_spans(r.spans, base.offsets), base.n_text)
        )
        v = [base]
        if dropout is not None:
            v += [encode_record(r, vocab, "aligned", dropout) for _ in range(bpe_variants - 1)]
        variants.append(v)
    return Prepared(variants, dropped)
