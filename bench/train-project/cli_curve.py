"""Issue 12's learning curve through the CLI contract, as a check from outside the project runs it: for each size N,
a fresh database (`workbench init --labels`: the corpus's labels) gets the first N training sentences as done documents (`workbench import --status done`),
`workbench train` trains the project's model, `workbench annotate --db` pre-annotates the test split with it, and
`workbench eval` scores that against the gold test split (strict micro-F1). The CRF of bench/crf_baseline.py on the
same N sentences is scored alongside, so each line holds both.

    .venv/bin/python bench/train-project/cli_curve.py --train TRAIN.conll --test TEST.conll [--sizes 20,50,100]
        [--minutes 15] [--unannotated] [--results FILE.jsonl]

--unannotated also imports the other training sentences without their labels (a project holding unannotated
documents, whose text the model's tokenizer and vectors come from). The sentences are taken in
bench/crf_baseline.py's seeded order, so a size holds the smaller ones. Files are CoNLL (or PhoNER JSON lines) read
where they lie; the temporary databases and copies are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from crf_baseline import features, read, write_conll  # noqa: E402

WORKBENCH = ["node", str(REPO / "bin" / "workbench.js")]


def workbench(*args: str) -> str:
    run = subprocess.run([*WORKBENCH, *args], capture_output=True, text=True, cwd=REPO)
    if run.returncode != 0:
        sys.exit(f"workbench {args[0]} failed ({run.returncode}): {run.stderr.strip()[-2000:]}")
    return run.stdout


def micro(gold: Path, pred: Path) -> dict:
    m = json.loads(workbench("eval", "--gold", str(gold), "--pred", str(pred), "--format", "conll", "--json"))["micro"]
    return {k: round(m[k], 4) for k in ("f1", "precision", "recall")}


def crf_f1(train, test, gold: Path, tmp: Path) -> dict:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for words, tags in train:
        trainer.append([features(words, i) for i in range(len(words))], tags)
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True})
    trainer.train(str(tmp / "crf.bin"))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(tmp / "crf.bin"))
    pred = tmp / "crf.conll"
    write_conll(pred, [(w, tagger.tag([features(w, i) for i in range(len(w))])) for w, _ in test])
    return micro(gold, pred)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--sizes", default="20,50,100,200,500,1000,all")
    ap.add_argument("--minutes", type=float, default=None, help="workbench train --minutes (default: its own)")
    ap.add_argument("--from", dest="start", default=None, help="workbench train --from (default: its own)")
    ap.add_argument("--unannotated", action="store_true", help="also import the other train sentences, unlabelled")
    ap.add_argument("--seed", type=int, default=0, help="the order of the train sentences (crf_baseline.py's)")
    ap.add_argument("--results", type=Path, default=None, help="also append each line to this file")
    args = ap.parse_args()
    train, test = read(args.train), read(args.test)
    random.Random(args.seed).shuffle(train)
    for size in args.sizes.split(","):
        n = len(train) if size == "all" else min(int(size), len(train))
        tmp = Path(tempfile.mkdtemp(prefix="dnw-cli-curve-"))
        try:
            gold = tmp / "test.conll"
            write_conll(gold, test)
            write_conll(tmp / "train.conll", train[:n])
            db = str(tmp / "project.db")
            labels = sorted({t[2:] for _, tags in train for t in tags if t != "O"})
            workbench("init", db, "--labels", ",".join(labels))
            workbench("import", db, str(tmp / "train.conll"), "--format", "conll", "--status", "done")
            if args.unannotated and n < len(train):
                write_conll(tmp / "more.conll", [(w, ["O"] * len(w)) for w, _ in train[n:]])
                workbench("import", db, str(tmp / "more.conll"), "--format", "conll", "--status", "new")
            t0 = time.time()
            trained = workbench(
                "train",
                db,
                *(["--minutes", str(args.minutes)] if args.minutes is not None else []),
                *(["--from", args.start] if args.start else []),
            )
            train_s = time.time() - t0
            t0 = time.time()
            workbench("annotate", str(gold), str(tmp / "pred.conll"), "--format", "conll", "--db", db)
            row = {
                "train_sentences": n,
                "unannotated": bool(args.unannotated),
                "from": args.start or "default",
                "workbench": micro(gold, tmp / "pred.conll"),
                "crf": crf_f1(train[:n], test, gold, tmp),
                "train_seconds": round(train_s, 1),
                "annotate_seconds": round(time.time() - t0, 1),
                "train_output": trained.strip().splitlines()[-3:],
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load_average": round(os.getloadavg()[0], 1),
            }
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # the corpus's text is not kept
        line = json.dumps(row, ensure_ascii=False)
        print(line, flush=True)
        if args.results is not None:
            with open(args.results, "a", encoding="utf-8") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
