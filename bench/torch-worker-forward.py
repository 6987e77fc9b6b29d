"""Forward timings of the PyTorch worker (dnw.dream.torch_worker) through its pipe, with no Node: what a GPU machine that
has only Python can measure. Builds a Dream-7B-shaped config (or --toy for a CPU dry run), starts the worker with
--random-init on it, and times forwards at the given (batch, seq) shapes, with the head's filters off and on.

    python bench/torch-worker-forward.py [--toy] [--device cuda] [--shapes 1x600,32x128,32x600] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
from dnw.dream.torch_worker import encode_frame, read_frame  # noqa: E402

DREAM_7B = {
    "model_type": "Dream",
    "vocab_size": 152064,
    "hidden_size": 3584,
    "intermediate_size": 18944,
    "num_hidden_layers": 28,
    "num_attention_heads": 28,
    "num_key_value_heads": 4,
    "max_position_embeddings": 131072,
    "rope_theta": 1000000.0,
    "rms_norm_eps": 1e-6,
    "tie_word_embeddings": False,
    "hidden_act": "silu",
    "mask_token_id": 151666,
    "eos_token_id": 151643,
    "pad_token_id": 151643,
}
TOY = {
    **DREAM_7B,
    "vocab_size": 512,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "mask_token_id": 1,
    "eos_token_id": 0,
    "pad_token_id": 0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--toy", action="store_true")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--shapes", default="1x600,32x128,64x128,32x600")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    config = TOY if args.toy else DREAM_7B
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "config.json").write_text(json.dumps(config))
        env = {**os.environ, "PYTHONPATH": str(ROOT / "training")}
        started = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dnw.dream.torch_worker",
                "--checkpoint",
                tmp,
                "--random-init",
                "--device",
                args.device,
                "--dtype",
                args.dtype,
                "--top-k",
                "8",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        hello, _ = read_frame(proc.stdout)
        print("hello", json.dumps(hello), f"(started in {time.perf_counter() - started:.1f} s)", flush=True)
        if hello["type"] != "hello":
            sys.exit(1)
        rid = 0
        for shape in args.shapes.split(","):
            batch, seq = (int(x) for x in shape.split("x"))
            ids = torch.randint(2, config["vocab_size"], (batch, seq), dtype=torch.int32)
            mask = torch.ones_like(ids)
            mask[0, : seq // 10] = 0  # one left-padded row: the masked path, as the engine sends it
            pos = ((mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)).to(torch.int32)
            arrays = [
                (n, "int32", [batch, seq], a.numpy().tobytes())
                for n, a in (("input_ids", ids), ("attention_mask", mask), ("position_ids", pos))
            ]
            for label, scalars in (("plain", (0.0, 1.0, 0)), ("top-p 0.95", (0.2, 0.95, 0))):
                times = []
                for _ in range(args.repeats + 1):
                    rid += 1
                    t = time.perf_counter()
                    proc.stdin.write(
                        encode_frame(
                            {
                                "type": "forward",
                                "id": rid,
                                "batch": batch,
                                "seq": seq,
                                "temperature": scalars[0],
                                "top_p": scalars[1],
                                "top_k": scalars[2],
                            },
                            arrays,
                        )
                    )
                    proc.stdin.flush()
                    header, _ = read_frame(proc.stdout)
                    times.append(time.perf_counter() - t)
                    if header["type"] != "result":
                        print(shape, label, header, flush=True)
                        break
                if len(times) > 1:
                    times = sorted(times[1:])  # the first pays for kernel selection
                    print(
                        f"({batch}, {seq}) {label}: median {1000 * times[len(times) // 2]:.1f} ms, min {1000 * times[0]:.1f} ms per forward (pipe included)",
                        flush=True,
                    )
        proc.stdin.write(encode_frame({"type": "stats", "id": 0}))
        proc.stdin.flush()
        print("stats", json.dumps(read_frame(proc.stdout)[0]), flush=True)
        proc.stdin.write(encode_frame({"type": "close"}))
        proc.stdin.flush()
        proc.wait(timeout=120)


if __name__ == "__main__":
    main()
