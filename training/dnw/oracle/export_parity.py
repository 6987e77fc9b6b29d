"""Does an exported Dream/Qwen2 graph compute what its checkpoint computes? PyTorch (on any device, in the
checkpoint's dtype or float32) against onnxruntime (CPU) on the same random batch, through the same sampler head:

    python -m dnw.oracle.export_parity --checkpoint DIR --package PKG [--device cuda] [--dtype bfloat16] [--batch 2 --seq 128]

Prints one JSON line: positions compared, top-1 equal, the largest top-k probability difference over positions
whose top-1 agree, and each side's time. Exits 1 when top-1 agrees at fewer than --min-agree of the positions
(reduced precision legitimately flips near-ties, so this is a rate, not an equality).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from ..dream.export_dream import BidirectionalQwen2, load_checkpoint
from ..sampler_head import dream_position_ids, head_outputs, sampler_scalars


def compare(
    checkpoint: Path, package: Path, device: str, dtype: str, batch: int, seq: int, seed: int, threads: int
) -> dict:
    import onnxruntime as ort

    manifest = json.loads((package / "manifest.json").read_text())
    top_k = manifest["head"]["topK"]
    generator = torch.Generator().manual_seed(seed)
    config = json.loads((checkpoint / "config.json").read_text())
    ids = torch.randint(0, config["vocab_size"], (batch, seq), generator=generator)
    mask = torch.ones_like(ids)
    mask[0, : seq // 8] = 0  # one left-padded row: the padding path is part of the contract
    positions = dream_position_ids(mask)
    scalars = sampler_scalars(0.0, None, None)

    model, _ = load_checkpoint(checkpoint, getattr(torch, dtype), attn="sdpa", device=device)
    wrapped = BidirectionalQwen2(model)
    started = time.perf_counter()
    with torch.no_grad():
        logits = wrapped(ids.to(device), mask.to(device), positions.to(device))
        t_ids, t_probs, _ = head_outputs(logits, *(s.to(device) for s in scalars), top_k)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    torch_ms = (time.perf_counter() - started) * 1000
    t_ids, t_probs = t_ids.cpu().numpy(), t_probs.cpu().numpy()
    del model, wrapped, logits
    if device.startswith("cuda"):
        torch.cuda.empty_cache()

    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(
        str(package / manifest["graph"]["file"]), options, providers=["CPUExecutionProvider"]
    )
    feeds = {
        "input_ids": ids.numpy(),
        "attention_mask": mask.numpy(),
        "position_ids": positions.numpy(),
        "temperature": scalars[0].numpy(),
        "top_p": scalars[1].numpy(),
        "top_k": scalars[2].numpy(),
    }
    started = time.perf_counter()
    o_ids, o_probs, _ = session.run(["topk_ids", "topk_probs", "neg_entropy"], feeds)
    ort_ms = (time.perf_counter() - started) * 1000

    real = mask.numpy().astype(bool)  # padded positions are never read
    agree = (t_ids[..., 0] == o_ids[..., 0]) & real
    diff = np.abs(t_probs - o_probs).max(axis=-1)[agree]
    return {
        "positions": int(real.sum()),
        "top1_equal": int(agree.sum()),
        "top1_rate": float(agree.sum() / real.sum()),
        "max_topk_prob_diff": float(diff.max()) if diff.size else None,
        "torch": {"device": device, "dtype": dtype, "ms": round(torch_ms, 1)},
        "onnxruntime": {"device": "cpu", "ms": round(ort_ms, 1)},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--package", type=Path, required=True)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", default="float32", choices=["bfloat16", "float16", "float32"])
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--min-agree", type=float, default=0.98)
    args = parser.parse_args(argv)
    result = compare(
        args.checkpoint, args.package, args.device, args.dtype, args.batch, args.seq, args.seed, args.threads
    )
    print(json.dumps(result))
    sys.exit(0 if result["top1_rate"] >= args.min_agree else 1)


if __name__ == "__main__":
    main()
