"""The CRF baseline of issue 12: a linear-chain CRF (CRFsuite through python-crfsuite, the engine sklearn-crfsuite
wraps) with word / shape / context features, trained on the first N sentences of a training split, scored on a test
split with `workbench eval` (the strict micro-F1 the workbench's own models are scored with).

    (python-crfsuite comes with npm run setup:python: the word prior of dnw.crf trains with it too)
    .venv/bin/python bench/crf_baseline.py --train ../shared/data/vimedner/train.txt --test ../shared/data/vimedner/test.txt \\
        [--sizes 20,50,100,200,500,1000,all] [--iterations 100] [--seed 0]

Files: CoNLL (token TAB-or-space tag, blank line between sentences) or PhoNER JSON lines ({"words", "tags"}).
Sentences are taken in file order after one seeded shuffle, so a size's set contains every smaller size's. Prints a
Markdown table (size, F1, P, R, train seconds). The corpora are read where they lie, never copied.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def read(path: Path) -> list[tuple[list[str], list[str]]]:
    """(words, tags) per sentence; a token line without a tag (ViMedNER has one empty token) is skipped."""
    if path.suffix == ".jsonl":
        return [
            (r["words"], r["tags"]) for r in map(json.loads, path.read_text(encoding="utf8").splitlines()) if r["words"]
        ]
    sentences, words, tags = [], [], []
    for line in path.read_text(encoding="utf8").splitlines() + [""]:
        parts = line.split()
        if not parts:
            if words:
                sentences.append((words, tags))
            words, tags = [], []
        elif len(parts) >= 2:
            words.append(parts[0])
            tags.append(parts[-1])
    return sentences


def shape(word: str) -> str:
    out = []
    for c in word:
        kind = "X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def features(words: list[str], i: int) -> list[str]:
    w = words[i]
    f = [
        "bias",
        f"w={w.lower()}",
        f"shape={shape(w)}",
        f"title={w.istitle()}",
        f"upper={w.isupper()}",
        f"digit={any(c.isdigit() for c in w)}",
        f"p3={w[:3].lower()}",
        f"s3={w[-3:].lower()}",
    ]
    for off in (-2, -1, 1, 2):
        j = i + off
        if 0 <= j < len(words):
            f += [f"{off}:w={words[j].lower()}", f"{off}:shape={shape(words[j])}"]
        else:
            f.append(f"{off}:edge")
    if i > 0:
        f.append(f"-1+0={words[i - 1].lower()}|{w.lower()}")
    if i + 1 < len(words):
        f.append(f"0+1={w.lower()}|{words[i + 1].lower()}")
    return f


def write_conll(path: Path, sentences: list[tuple[list[str], list[str]]]) -> None:
    with path.open("w", encoding="utf8") as out:
        for words, tags in sentences:
            out.writelines(f"{w}\t{t}\n" for w, t in zip(words, tags))
            out.write("\n")


def evaluate(gold: Path, pred: Path) -> dict:
    run = subprocess.run(
        [
            "node",
            str(REPO / "bin" / "workbench.js"),
            "eval",
            "--gold",
            str(gold),
            "--pred",
            str(pred),
            "--format",
            "conll",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if run.returncode != 0:
        sys.exit(f"workbench eval failed: {run.stderr.strip()}")
    return json.loads(run.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--sizes", default="20,50,100,200,500,1000,all")
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    try:
        import pycrfsuite
    except ImportError:
        sys.exit("python-crfsuite is missing: .venv/bin/pip install python-crfsuite")

    train, test = read(args.train), read(args.test)
    random.Random(args.seed).shuffle(train)
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.conll"
        write_conll(gold, test)
        print(
            f"CRF baseline: train {args.train} ({len(train)} sentences, seed {args.seed} order), test {args.test} "
            f"({len(test)}), {args.iterations} iterations, c1 {args.c1}, c2 {args.c2}"
        )
        print("| train sentences | F1 | P | R | train s |\n| ---: | ---: | ---: | ---: | ---: |")
        for size in args.sizes.split(","):
            n = len(train) if size == "all" else min(int(size), len(train))
            trainer = pycrfsuite.Trainer(verbose=False)
            for words, tags in train[:n]:
                trainer.append([features(words, i) for i in range(len(words))], tags)
            trainer.set_params(
                {"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations, "feature.possible_transitions": True}
            )
            model = Path(tmp) / f"crf-{n}.bin"
            started = time.perf_counter()
            trainer.train(str(model))
            seconds = time.perf_counter() - started
            tagger = pycrfsuite.Tagger()
            tagger.open(str(model))
            pred = Path(tmp) / f"pred-{n}.conll"
            write_conll(
                pred, [(words, tagger.tag([features(words, i) for i in range(len(words))])) for words, _ in test]
            )
            micro = evaluate(gold, pred)["micro"]
            print(
                f"| {n} | {micro['f1']:.4f} | {micro['precision']:.4f} | {micro['recall']:.4f} | {seconds:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
