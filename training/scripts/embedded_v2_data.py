#!/usr/bin/env python
"""The embedded model v2's data: PhoNER_COVID19 (silver nested, from phoner_to_instruction.py) and ViMedNER, one
instruction file over the union of their labels, plain label names (docs/training.md, "Embedded model v2").

    python training/scripts/phoner_to_instruction.py              # first: training/data/phoner_*.nested.jsonl
    python training/scripts/embedded_v2_data.py [--vimedner ../shared/data/vimedner] [--out training/data/v2]

Train = both train splits + each dev split beyond its first 500 sentences (shuffled, seed 0); held-out = the first 500
dev sentences of each (they choose the decoding threshold). Test splits are written for scoring only. Writes
train.jsonl, heldout.jsonl (and its two parts, heldout_phoner.jsonl and heldout_vimedner.jsonl), vimedner_test.jsonl
and labels.json (the trainer's --labels) to --out (gitignored: the corpora's licences forbid redistribution).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO = ROOT.parent
sys.path.insert(0, str(ROOT))

from dnw.tagger.data import Record, decode_bio, token_spans_to_char_spans, write_instruction_jsonl  # noqa: E402

PHONER_LABELS = [
    "AGE",
    "DATE",
    "GENDER",
    "JOB",
    "LOCATION",
    "NAME",
    "ORGANIZATION",
    "PATIENT_ID",
    "SYMPTOM_AND_DISEASE",
    "TRANSPORTATION",
]
VIMEDNER_LABELS = ["ten_benh", "trieu_chung_benh", "nguyen_nhan_benh", "bien_phap_chan_doan", "bien_phap_dieu_tri"]
HELDOUT = 500


def read_conll(path: Path) -> list[Record]:
    """IOB CoNLL (token ... tag) -> records over the tokens joined by spaces, NFC per token so offsets hold. A token
    line without a tag (ViMedNER train has one empty token) is skipped, as bench/crf_baseline.py does."""
    records: list[Record] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        parts = line.split()
        if len(parts) >= 2:
            words.append(unicodedata.normalize("NFC", parts[0]))
            tags.append(parts[-1])
        elif not parts and words:
            offsets, at = [], 0
            for w in words:
                offsets.append((at, at + len(w)))
                at += len(w) + 1
            records.append(Record(" ".join(words), token_spans_to_char_spans(decode_bio(tags), offsets)))
            words, tags = [], []
    return records


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phoner", type=Path, default=ROOT / "data", help="phoner_to_instruction.py's output folder")
    ap.add_argument("--vimedner", type=Path, default=REPO.parent / "shared" / "data" / "vimedner")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "v2")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        write_instruction_jsonl(args.out / f"vimedner_{split}.jsonl", read_conll(args.vimedner / f"{split}.txt"))
    ph_train, ph_dev = lines(args.phoner / "phoner_train.nested.jsonl"), lines(args.phoner / "phoner_dev.nested.jsonl")
    vm_train, vm_dev = lines(args.out / "vimedner_train.jsonl"), lines(args.out / "vimedner_dev.jsonl")
    train = ph_train + ph_dev[HELDOUT:] + vm_train + vm_dev[HELDOUT:]
    random.Random(0).shuffle(train)
    (args.out / "train.jsonl").write_text("".join(train), encoding="utf-8")
    (args.out / "heldout.jsonl").write_text("".join(ph_dev[:HELDOUT] + vm_dev[:HELDOUT]), encoding="utf-8")
    # Each schema's part alone: tune_schemas.py chooses each one's decoding threshold on it.
    (args.out / "heldout_phoner.jsonl").write_text("".join(ph_dev[:HELDOUT]), encoding="utf-8")
    (args.out / "heldout_vimedner.jsonl").write_text("".join(vm_dev[:HELDOUT]), encoding="utf-8")
    labels = {"labels": PHONER_LABELS + VIMEDNER_LABELS, "map": {}, "indexed": False}
    (args.out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"train": len(train), "heldout": 2 * HELDOUT, "out": str(args.out)}))


if __name__ == "__main__":
    main()
