#!/usr/bin/env python
"""PhoNER_COVID19 -> the workbench's instruction JSONL (flat), then the silver-nested variant.

By default the flat files come from the workbench itself, one database per split:

    node bin/workbench.js init   training/data/workbench/{split}.sqlite --labels ...
    node bin/workbench.js import training/data/workbench/{split}.sqlite {src}/{split}_syllable.jsonl --format phoner
    node bin/workbench.js export training/data/workbench/{split}.sqlite phoner_{split}.flat.jsonl --format instruction --scope all

With --no-cli (or when node / the CLI is unavailable) the same format is written by dnw.tagger.data (byte-identical on
PhoNER: checked against the CLI's export). The text is the syllables, NFC-normalised as the workbench stores text,
joined by single spaces. Then dnw.tagger.silver_nesting adds inner LOCATIONs (gazetteer from the train split only).
Everything goes to training/data/ (gitignored: the PhoNER licence forbids redistributing the data or its text).

    python training/scripts/phoner_to_instruction.py [--src ../shared/data/phoner_covid19] [--out training/data] [--no-cli]

Writes phoner_{train,dev,test}.flat.jsonl, phoner_{train,dev,test}.nested.jsonl and nesting_stats.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO = ROOT.parent
sys.path.insert(0, str(ROOT))

from dnw.tagger.data import Record, read_instruction_jsonl, write_instruction_jsonl  # noqa: E402
from dnw.tagger.silver_nesting import nest_corpus  # noqa: E402

LABELS = "LOCATION,PATIENT_ID,DATE,SYMPTOM_AND_DISEASE,ORGANIZATION,AGE,GENDER,NAME,JOB,TRANSPORTATION"
SPLITS = ("train", "dev", "test")


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


def cli_available() -> bool:
    if shutil.which("node") is None or not (REPO / "bin" / "workbench.js").exists():
        return False
    out = subprocess.run(["node", "bin/workbench.js", "--help"], cwd=REPO, capture_output=True, text=True)
    return out.returncode == 0 and "export" in out.stdout


def export_with_cli(src: Path, out: Path, split: str, unit: str) -> Path:
    db = out / "workbench" / f"{split}.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    for f in db.parent.glob(f"{split}.sqlite*"):
        f.unlink()
    dest = out / f"phoner_{split}.flat.jsonl"
    wb = ["node", "bin/workbench.js"]
    for cmd in (
        [*wb, "init", str(db), "--name", f"phoner-{split}", "--labels", LABELS],
        [
            *wb,
            "import",
            str(db),
            str(src / f"{split}_{unit}.jsonl"),
            "--format",
            "phoner",
            "--variant",
            unit,
            "--split",
            split,
        ],
        [*wb, "export", str(db), str(dest), "--format", "instruction", "--scope", "all"],
    ):
        subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True)
    return dest


def export_with_python(src: Path, out: Path, split: str, unit: str) -> Path:
    with open(src / f"{split}_{unit}.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    dest = out / f"phoner_{split}.flat.jsonl"
    write_instruction_jsonl(dest, [bio_record(r["words"], r["tags"]) for r in rows])
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=str(REPO.parent / "shared/data/phoner_covid19"))
    ap.add_argument("--out", default=str(ROOT / "data"))
    ap.add_argument("--unit", default="syllable", choices=["syllable", "word"])
    ap.add_argument(
        "--no-cli", action="store_true", help="write the flat files with dnw.tagger.data instead of the CLI"
    )
    args = ap.parse_args()
    src, out = Path(args.src).resolve(), Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    use_cli = not args.no_cli and cli_available()
    export = export_with_cli if use_cli else export_with_python
    flat = {split: read_instruction_jsonl(export(src, out, split, args.unit)) for split in SPLITS}
    gaz, nested = nest_corpus(flat["train"], flat)
    stats: dict = {
        "flat_files_from": "workbench CLI" if use_cli else "dnw.tagger.data",
        "gazetteer_entries": len(gaz.entries),
    }
    for split, recs in nested.items():
        write_instruction_jsonl(out / f"phoner_{split}.nested.jsonl", recs)
        n_flat = sum(len(r.spans) for r in flat[split])
        n_nested = sum(len(r.spans) for r in recs)
        stats[split] = {
            "sentences": len(recs),
            "entities": n_flat,
            "inner_added": n_nested - n_flat,
            "sentences_with_nesting": sum(len(a.spans) != len(b.spans) for a, b in zip(flat[split], recs)),
        }
    (out / "nesting_stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
