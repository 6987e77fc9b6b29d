#!/usr/bin/env python
"""Decoding schedule sweep on dev (never test): F1 and forward passes per sentence for each threshold / step cap.

    python training/scripts/sweep_decode.py --run training/runs/NAME [--limit 1000] [--thresholds 0.5,0.7,0.9,0.95,0.99]
                                            [--max-steps 1,2,4,8] [--onnx PACKAGE/model.onnx]

max_steps 1 is the pure tagger (every slot committed after one pass). Writes RUN/decode_sweep.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dnw.tagger.data import read_instruction_jsonl  # noqa: E402
from dnw.tagger.encode import encode_record  # noqa: E402
from dnw.tagger.evaluate import evaluate_items  # noqa: E402
from dnw.tagger.runs import load_run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--data", default="training/data/phoner_dev.nested.jsonl")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--checkpoint", default="best")
    ap.add_argument("--thresholds", default="0.5,0.7,0.8,0.9,0.95,0.99")
    ap.add_argument("--max-steps", default="1,2,4,8")
    ap.add_argument("--onnx", default=None, help="decode with this exported graph (onnxruntime) instead of PyTorch")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, vocab, cfg = load_run(args.run, args.checkpoint)
    fmt = cfg["model"].get("format", "aligned")
    items = [encode_record(r, vocab, fmt) for r in read_instruction_jsonl(args.data, args.limit)]
    session = None
    if args.onnx:
        from dnw.graph_export import session_for

        session = session_for(Path(args.onnx), args.threads)
    rows = []
    for steps in [int(s) for s in args.max_steps.split(",")]:
        for th in [1.01] if steps == 1 else [float(t) for t in args.thresholds.split(",")]:
            rep = evaluate_items(model, vocab, items, fmt, th, None, steps, session=session)
            row = {
                "threshold": th if steps > 1 else None,
                "max_steps": steps,
                "nested_f1": round(rep["nested_f1"], 4),
                "flat_f1": round(rep["flat_f1"], 4),
                "forward_rows_per_sentence": round(rep["forward_rows_per_sentence"], 3),
                "seconds": round(rep["seconds"], 1),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    (args.run / "decode_sweep.json").write_text(
        json.dumps({"data": args.data, "sentences": len(items), "rows": rows}, indent=1)
    )


if __name__ == "__main__":
    main()
