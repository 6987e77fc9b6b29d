"""Evaluate a run's checkpoint on an instruction JSONL: nested micro-F1 (all spans) and flat micro-F1 (outermost).

    python -m dnw.tagger.evaluate --run training/runs/NAME [--data training/data/phoner_dev.nested.jsonl]
                           [--flat-data FILE] [--threshold 0.9] [--checkpoint best|last] [--limit N] [--threads 2]

Flat F1 compares the outermost predicted spans with the gold of --flat-data (the original flat annotation) when it
is given, else with the outermost gold spans of --data (identical for the silver-nested files). Use dev for every
choice; run on test only to report.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from .data import Counts, outermost, read_instruction_jsonl
from .decode import decode_items
from .encode import encode_record
from .runs import load_run


def evaluate_items(
    model,
    vocab,
    items,
    fmt: str,
    threshold: float,
    flat_gold=None,
    max_steps=None,
    session=None,
    max_tokens: int = 8192,
    crf=None,
    prior_weight: float = 0.0,
    recheck: float = 0.0,
) -> dict:
    t0 = time.time()
    preds, stats = decode_items(
        model,
        vocab,
        items,
        fmt,
        threshold,
        max_steps,
        max_tokens,
        session,
        crf=crf,
        prior_weight=prior_weight,
        recheck=recheck,
    )
    nested, flat = Counts(), Counts()
    for k, (it, pred) in enumerate(zip(items, preds)):
        nested.add(it.record.spans, pred)
        gold_flat = flat_gold[k].spans if flat_gold is not None else outermost(it.record.spans)
        flat.add(outermost(gold_flat), outermost(pred))
    n, f = nested.report(), flat.report()
    return {
        "nested_f1": n["f1"],
        "flat_f1": f["f1"],
        "nested": n,
        "flat": f,
        "sentences": len(items),
        "forward_rows_per_sentence": stats.steps_per_row,
        "forward_calls": stats.forward_calls,
        "seconds": time.time() - t0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--data", default="training/data/phoner_dev.nested.jsonl")
    ap.add_argument("--flat-data", default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--checkpoint", default="best", choices=["best", "last"])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=None, help="write the report JSON here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, vocab, cfg = load_run(Path(args.run), args.checkpoint)
    recs = read_instruction_jsonl(args.data, args.limit)
    flat = read_instruction_jsonl(args.flat_data, args.limit) if args.flat_data else None
    fmt = cfg["model"]["format"]
    items = [encode_record(r, vocab, fmt) for r in recs]
    threshold = args.threshold if args.threshold is not None else cfg.get("decode", {}).get("threshold", 0.9)
    max_steps = args.max_steps if args.max_steps is not None else cfg.get("decode", {}).get("max_steps")
    rep = evaluate_items(model, vocab, items, fmt, threshold, flat, max_steps)
    rep.update({"data": args.data, "threshold": threshold, "checkpoint": args.checkpoint})
    text = json.dumps(rep, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(json.dumps({k: rep[k] for k in ("nested_f1", "flat_f1", "forward_rows_per_sentence", "seconds")}))


if __name__ == "__main__":
    main()
