"""Issue 12 point 2: does a project model trained from the embedded model's weights (transfer, the project's labels
added to the output vocabulary) beat one trained from scratch, on a small slice of ViMedNER?

    .venv/bin/python bench/train-project/transfer_vs_scratch.py [--train-sizes 50,100] [--test 300] [--minutes 3] [--steps N] [--variants transfer,scratch]

ViMedNER (../shared/data/vimedner, CoNLL IOB, syllables) -> instruction JSONL in a temporary folder (never kept in the
repo); the first N train sentences train, the first --test test sentences are the held-out set; one thread.
Each run is `python -m dnw.package.finetune_package --base assets/model --labels L.json ...` exactly as the workbench runs
it for `workbench train` (labels indexed, the embedded SYMPTOM_AND_DISEASE mapped onto ten_benh), with the
trainer's defaults for each start unless the variant says otherwise. Prints one JSON line per run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "vimedner"
LABELS = ["ten_benh", "trieu_chung_benh", "nguyen_nhan_benh", "bien_phap_chan_doan", "bien_phap_dieu_tri"]


def read_conll(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    out, words, tags = [], [], []
    for line in list(path.read_text(encoding="utf-8").splitlines()) + [""]:
        if not line.strip():
            if words:
                text, spans, cur = "", [], None
                for w, t in zip(words, tags):
                    if text:
                        text += " "
                    start = len(text)
                    text += w
                    if t.startswith("B-") or (t.startswith("I-") and (cur is None or cur[2] != t[2:])):
                        cur = [start, len(text), t[2:]]
                        spans.append(cur)
                    elif t.startswith("I-"):
                        cur[1] = len(text)
                    else:
                        cur = None
                out.append((text, [tuple(s) for s in spans]))
            words, tags = [], []
            continue
        parts = line.rsplit(" ", 1)
        if len(parts) != 2 or not parts[0].strip():
            words, tags = [], []  # the sentence with an empty token (train.txt line 14217): skipped, as the import does
            continue
        words.append(parts[0])
        tags.append(parts[1])
    return out


def write_jsonl(path: Path, rows) -> None:
    sys.path.insert(0, str(REPO / "training"))
    import unicodedata

    from dnw.tagger.data import Record, write_instruction_jsonl

    recs = [
        Record(unicodedata.normalize("NFC", t), [(s, e, f"_{LABELS.index(label)}") for s, e, label in sp])
        for t, sp in rows
    ]
    write_instruction_jsonl(path, recs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-sizes", default="50,100")
    ap.add_argument("--test", type=int, default=300)
    ap.add_argument("--minutes", type=float, default=3.0, help="training wall budget per run (0: none)")
    ap.add_argument("--variants", default="transfer,scratch")
    ap.add_argument(
        "--steps", type=int, default=0, help="the same number of steps for every variant (0: trainer defaults)"
    )
    args = ap.parse_args()
    train, test = read_conll(DATA / "train.txt"), read_conll(DATA / "test.txt")
    tmp = Path(tempfile.mkdtemp(prefix="dnw-transfer-"))
    write_jsonl(tmp / "test.jsonl", test[: args.test])
    (tmp / "labels.json").write_text(
        json.dumps({"labels": LABELS, "indexed": True, "map": {"SYMPTOM_AND_DISEASE": "ten_benh"}})
    )
    try:
        run_all(args, train, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the corpus's text is not kept


def run_all(args, train, tmp: Path) -> None:
    variants = {
        "transfer": [],
        "scratch": ["--from-scratch"],
        "transfer-lr1e-3": ["--lr", "1e-3"],
        "transfer-lr5e-4": ["--lr", "5e-4"],
        "transfer-300steps": ["--min-steps", "300"],
    }
    for n in [int(x) for x in args.train_sizes.split(",")]:
        write_jsonl(tmp / f"train{n}.jsonl", train[:n])
        for name in args.variants.split(","):
            out = tmp / f"{name}-{n}"
            cmd = [
                sys.executable,
                "-m",
                "dnw.package.finetune_package",
                "--base",
                str(REPO / "assets/model"),
                "--train",
                str(tmp / f"train{n}.jsonl"),
                "--heldout",
                str(tmp / "test.jsonl"),
                "--labels",
                str(tmp / "labels.json"),
                "--out",
                str(out),
                "--threads",
                "1",
                "--max-minutes",
                str(args.minutes),
                *(["--max-steps", str(args.steps)] if args.steps else []),
                *variants[name],
            ]
            t0 = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO / "training")
            events = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
            m = events[-1].get("metrics", {}) if events else {}
            print(
                json.dumps(
                    {
                        "variant": name,
                        "train_sentences": n,
                        "test_sentences": args.test,
                        "f1": m.get("f1"),
                        "precision": m.get("precision"),
                        "recall": m.get("recall"),
                        "steps": m.get("steps"),
                        "train_seconds": m.get("train_seconds"),
                        "wall_seconds": round(time.time() - t0, 1),
                        "error": events[-1].get("message") if events else p.stderr[-300:],
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
