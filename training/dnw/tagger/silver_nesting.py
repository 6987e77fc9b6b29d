"""A silver nested signal for the flat PhoNER_COVID19 annotation.

PhoNER marks only the outermost entity: "Bệnh viện Đà Nẵng" is one LOCATION (or ORGANIZATION), and the city
inside it is not marked. We add the inner LOCATIONs a nested annotation would have:

1. Gazetteer: every LOCATION surface string of the *training split only* whose first character is an upper-case
   letter (proper names such as "Đà Nẵng", "TP. HCM", "Bệnh viện Bạch Mai"; generic heads such as "quận 2" or
   "nhà" are left out because they are not names on their own).
2. Inside each ORGANIZATION or LOCATION span (any split) we look for gazetteer strings on whitespace-token
   boundaries, strictly shorter than the outer span, longest match first, left to right, non-overlapping, and mark
   them LOCATION. One level deep: a match is not searched again for matches inside it.

The result is a silver nested corpus: outer spans are PhoNER's (unchanged), inner spans are gazetteer matches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .data import Record, Span

OUTER_LABELS = ("ORGANIZATION", "LOCATION")
INNER_LABEL = "LOCATION"


def _words(text: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    return out


@dataclass
class Gazetteer:
    entries: dict[tuple[str, ...], int]  # word tuple -> training frequency
    max_len: int

    @classmethod
    def from_records(cls, records: Iterable[Record], min_count: int = 1) -> Gazetteer:
        counts: Counter[tuple[str, ...]] = Counter()
        for r in records:
            for start, end, label in r.spans:
                if label != INNER_LABEL:
                    continue
                surface = r.text[start:end]
                if surface[:1].isalpha() and surface[:1].isupper():
                    counts[tuple(surface.split())] += 1
        entries = {k: v for k, v in counts.items() if v >= min_count}
        return cls(entries, max((len(k) for k in entries), default=0))


def add_inner_locations(record: Record, gazetteer: Gazetteer) -> Record:
    """The record with gazetteer LOCATIONs added inside its ORGANIZATION/LOCATION spans."""
    words = _words(record.text)
    starts = {a: i for i, (a, _) in enumerate(words)}
    ends = {b: i for i, (_, b) in enumerate(words)}
    added: set[Span] = set()
    existing = set(record.spans)
    for start, end, label in record.spans:
        if label not in OUTER_LABELS or start not in starts or end not in ends:
            continue
        i, j = starts[start], ends[end] + 1  # word range [i, j)
        k = i
        while k < j:
            hit = 0
            for n in range(min(gazetteer.max_len, j - k), 0, -1):
                if n == j - i:  # the whole outer span is not nested in itself
                    continue
                if tuple(record.text[a:b] for a, b in words[k : k + n]) in gazetteer.entries:
                    hit = n
                    break
            if hit:
                span = (words[k][0], words[k + hit - 1][1], INNER_LABEL)
                if span not in existing:
                    added.add(span)
                k += hit
            else:
                k += 1
    spans = sorted(existing | added, key=lambda s: (s[0], -s[1], s[2]))
    return Record(record.text, spans)


def nest_corpus(train: list[Record], splits: dict[str, list[Record]]) -> tuple[Gazetteer, dict[str, list[Record]]]:
    gaz = Gazetteer.from_records(train)
    return gaz, {name: [add_inner_locations(r, gaz) for r in recs] for name, recs in splits.items()}
