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
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "vimedner"
LABELS = ["ten_benh", "trieu_chung_benh", "nguyen_nhan_benh", "bien_phap_chan_doan", "bien_phap_dieu_tri"]


def read_conll(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, spans) per sentence, read exactly as bench/crf_baseline.py reads (a token line without a tag, train.txt
    line 14217, is dropped), so that the same seeded shuffle gives both the same sentences at every size."""
    sys.path.insert(0, str(REPO / "bench"))
    from crf_baseline import read

    out = []
    for words, tags in read(path):
        text, spans, cur = "", [], None
        for w, t in zip(words, tags):
            w = unicodedata.normalize("NFC", w)  # per word, so the spans' offsets hold in the NFC text
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
    ap.add_argument("--test", type=int, default=300, help="the first T test sentences are scored (0: all)")
    ap.add_argument("--minutes", type=float, default=3.0, help="training wall budget per run (0: none)")
    ap.add_argument("--variants", default="transfer,scratch")
    ap.add_argument(
        "--results",
        type=Path,
        default=None,
        help="also append each run's line to this file, and skip the runs it already holds (resumable)",
    )
    ap.add_argument("--extra", action="append", default=[], help="NAME=ARGS: a variant with these trainer arguments")
    ap.add_argument("--threads", type=int, default=1, help="the trainer's threads (the workbench: min(4, CPUs))")
    ap.add_argument("--seed", type=int, default=0, help="the order of train sentences (bench/crf_baseline.py's)")
    ap.add_argument("--train-seed", type=int, default=1, help="the trainer's seed")
    ap.add_argument(
        "--steps", type=int, default=0, help="the same number of steps for every variant (0: trainer defaults)"
    )
    args = ap.parse_args()
    train, test = read_conll(DATA / "train.txt"), read_conll(DATA / "test.txt")
    random.Random(args.seed).shuffle(train)  # bench/crf_baseline.py's order: each size holds the smaller ones
    tmp = Path(tempfile.mkdtemp(prefix="dnw-transfer-"))
    write_jsonl(tmp / "test.jsonl", test[: args.test] if args.test else test)
    # The project's text: every train sentence, annotated or not (in the workbench, every imported document).
    (tmp / "texts.txt").write_text("\n".join(unicodedata.normalize("NFC", t) for t, _ in train) + "\n")
    (tmp / "labels.json").write_text(
        json.dumps({"labels": LABELS, "indexed": True, "map": {"SYMPTOM_AND_DISEASE": "ten_benh"}})
    )
    try:
        run_all(args, train, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the corpus's text is not kept


def run_all(args, train, tmp: Path) -> None:
    done = set()
    if args.results is not None and args.results.exists():
        for line in args.results.read_text().splitlines():
            r = json.loads(line)
            if r.get("f1") is not None:
                done.add((r["variant"], r["train_sentences"], r["test_sentences"], r.get("train_seed", 1)))
    variants = {
        "transfer": [],
        "scratch": ["--from-scratch"],
        # What `workbench train` runs for a new project: from scratch, tokenizer and vectors from the project's text.
        "default": ["--from-scratch", "--texts", str(tmp / "texts.txt")],
        "transfer-lr1e-3": ["--lr", "1e-3"],
        "transfer-lr5e-4": ["--lr", "5e-4"],
        "transfer-300steps": ["--min-steps", "300"],
        "scratch-ptok": ["--from-scratch", "--tokenizer", "project", "--texts", str(tmp / "texts.txt")],
        "scratch-ptok-cooc": [
            "--from-scratch",
            "--tokenizer",
            "project",
            "--init-embeddings",
            "cooc",
            "--texts",
            str(tmp / "texts.txt"),
        ],
        "scratch-btok-cooc": ["--from-scratch", "--init-embeddings", "cooc", "--texts", str(tmp / "texts.txt")],
    }
    for extra in args.extra:  # NAME=ARGS: another variant ("{texts}" is the project's text file)
        name, _, rest = extra.partition("=")
        variants[name] = rest.replace("{texts}", str(tmp / "texts.txt")).split()
    for n in [int(x) for x in args.train_sizes.split(",")]:
        write_jsonl(tmp / f"train{n}.jsonl", train[:n])
        for name in args.variants.split(","):
            key = (name, n, args.test, args.train_seed)
            if key in done:
                continue
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
                str(args.threads),
                "--seed",
                str(args.train_seed),
                "--max-minutes",
                str(args.minutes),
                *(["--max-steps", str(args.steps)] if args.steps else []),
                *variants[name],
            ]
            t0 = time.time()
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO / "training")
            events = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
            m = events[-1].get("metrics", {}) if events else {}
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)  # the whole run: train, export, scoring
            row = json.dumps(
                {
                    "variant": name,
                    # The temporary folder's path is this machine's: the results name it {tmp}.
                    "args": [a.replace(str(tmp), "{tmp}") for a in variants[name]],
                    "train_seed": args.train_seed,
                    "train_sentences": n,
                    "test_sentences": args.test,
                    "f1": m.get("f1"),
                    "precision": m.get("precision"),
                    "recall": m.get("recall"),
                    "steps": m.get("steps"),
                    "train_seconds": m.get("train_seconds"),
                    "wall_seconds": round(time.time() - t0, 1),
                    "cpu_seconds": round(cpu, 1),
                    "pretrain": next((e for e in events if e.get("event") == "pretrain" and "seconds" in e), None),
                    "error": events[-1].get("message") if events else p.stderr[-300:],
                    # held-out F1 by decoding threshold and by word-prior weight (each the best over the other)
                    "thresholds": m.get("thresholds"),
                    "prior_weights": m.get("prior_weights"),
                    "per_label": {k: v.get("f1") for k, v in m.get("per_label", {}).items()},
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "load_average": round(os.getloadavg()[0], 1),
                }
            )
            print(row, flush=True)
            if args.results is not None:
                with open(args.results, "a", encoding="utf-8") as f:
                    f.write(row + "\n")


if __name__ == "__main__":
    main()
