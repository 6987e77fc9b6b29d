#!/usr/bin/env python
"""PhoNER_COVID19 {split}_syllable.jsonl -> the workbench's instruction JSONL, flat and silver-nested.

Stand-in for `node bin/workbench.js export --format instruction` until that CLI exists; it writes exactly the
format the CLI exports. The text is the syllables, NFC-normalised as the workbench stores text,
joined by single spaces. Output goes to training/data/
(gitignored: the PhoNER licence forbids redistributing the data or files carrying its text).

    python training/scripts/phoner_to_instruction.py [--src ../shared/data/phoner_covid19] [--out training/data]

Writes phoner_{train,dev,test}.flat.jsonl, phoner_{train,dev,test}.nested.jsonl and nesting_stats.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dnw.data import Record, write_instruction_jsonl  # noqa: E402
from dnw.silver_nesting import nest_corpus  # noqa: E402


def bio_record(words: list[str], tags: list[str]) -> Record:
    # The workbench stores text NFC-normalised; PhoNER has a few decomposed syllables.
    words = [unicodedata.normalize("NFC", w) for w in words]
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w) + 1
    spans, cur = [], None
    for (a, b), tag in zip(offsets, tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            cur = [a, b, tag[2:]]
            spans.append(cur)
        elif tag.startswith("I-"):
            cur[1] = b
        else:
            cur = None
    return Record(" ".join(words), [tuple(s) for s in spans])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=str(ROOT.parent.parent / "shared/data/phoner_covid19"))
    ap.add_argument("--out", default=str(ROOT / "data"))
    ap.add_argument("--unit", default="syllable", choices=["syllable", "word"])
    args = ap.parse_args()
    src, out = Path(args.src), Path(args.out)
    flat: dict[str, list[Record]] = {}
    for split in ("train", "dev", "test"):
        with open(src / f"{split}_{args.unit}.jsonl", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        flat[split] = [bio_record(r["words"], r["tags"]) for r in rows]
        write_instruction_jsonl(out / f"phoner_{split}.flat.jsonl", flat[split])
    gaz, nested = nest_corpus(flat["train"], flat)
    stats = {"gazetteer_entries": len(gaz.entries)}
    for split, recs in nested.items():
        write_instruction_jsonl(out / f"phoner_{split}.nested.jsonl", recs)
        n_flat = sum(len(r.spans) for r in flat[split])
        n_nested = sum(len(r.spans) for r in recs)
        stats[split] = {"sentences": len(recs), "entities": n_flat, "inner_added": n_nested - n_flat,
                        "sentences_with_nesting": sum(len(a.spans) != len(b.spans) for a, b in zip(flat[split], recs))}
    (out / "nesting_stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
