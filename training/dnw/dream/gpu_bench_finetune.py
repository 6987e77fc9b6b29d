"""Times dnw.dream.finetune's own training loop on a Dream-7B-shaped model with random weights (issue 13's fine-tune figures).

    python -m dnw.dream.gpu_bench_finetune                   # H100/H200: 1,000 examples x 2 epochs, measured
    python -m dnw.dream.gpu_bench_finetune --steps 20        # 20 steps; the 1,000 x 2 time is extrapolated (and says so)
    python -m dnw.dream.gpu_bench_finetune --tiny --steps 3  # toy size on the CPU: a dry run of the same code path

The model is built directly on the device (hidden 3584, 28 layers, 28 heads, 4 KV heads, intermediate 18944,
vocab 152064, bf16 on CUDA; random normal weights, no checkpoint file), the data is synthetic token ids (prompt
and answer of about --tokens together, lengths varying by +-10%), and the loop is dnw.dream.finetune.train: LoRA rank 16,
SDPA, --batch-size x --grad-accum = 16 examples per optimiser step by default. The last stdout line is one JSON
object: median s/step after the first (warm-up) step, peak GPU memory, first and last loss, and the time for
--examples x --epochs, either "measured" (every step run) or "extrapolated" (median s/step x the steps it needs).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time

import torch

from ..devices import device_label
from .finetune import Dist, add_training_args, model_dtype, train

DREAM_7B = {
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
}
# Dream-v0's special ids: <|endoftext|> (eos = pad) and <|mask|>.
DREAM_TOKENS = {"eos": 151643, "pad": 151643, "mask": 151666}
TINY = {
    "vocab_size": 512,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 1024,
    "rope_theta": 10000.0,
    "rms_norm_eps": 1e-6,
    "tie_word_embeddings": False,
}
TINY_TOKENS = {"eos": 1, "pad": 1, "mask": 2}


def build_random_model(shape: dict, dtype: torch.dtype, device: torch.device, attn: str, seed: int):
    """A Qwen2ForCausalLM of `shape` allocated on `device` in `dtype` (never a float32 or host copy)."""
    from transformers import Qwen2ForCausalLM

    from .export_dream import qwen2_config_from

    with torch.device("meta"):
        model = Qwen2ForCausalLM(qwen2_config_from(shape, attn))
    model = model.to(dtype).to_empty(device=device)
    gen = torch.Generator(device=device).manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
            elif name.endswith("bias"):
                p.zero_()
            else:
                p.normal_(0.0, 0.02, generator=gen)
    model.model.rotary_emb = type(model.model.rotary_emb)(config=model.config).to(device)  # float32 inv_freq
    return model


def synthetic_examples(n: int, tokens: int, vocab: int, special: dict, seed: int) -> list[tuple[list[int], int]]:
    """(ids, prompt length) pairs shaped as dnw.dream.finetune.build_examples makes them: prompt, answer, EOS padding
    to a multiple of 8; about half prompt, half answer (an NER answer is the text plus its tags)."""
    rng = random.Random(seed)
    avoid = set(special.values())
    out = []

    def draw(k: int) -> list[int]:
        return [t if t not in avoid else 3 for t in (rng.randrange(3, vocab) for _ in range(k))]

    for _ in range(n):
        total = int(tokens * rng.uniform(0.9, 1.1))
        n_prompt = total // 2
        n_answer = total - n_prompt - 4
        canvas = -(-(n_answer + 4) // 8) * 8
        ids = draw(n_prompt) + draw(n_answer) + [special["eos"]] * (canvas - n_answer)
        out.append((ids, n_prompt))
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiny", action="store_true", help="toy model and sequences (a CPU dry run)")
    ap.add_argument("--steps", type=int, default=0, help="run this many steps and extrapolate (0: run them all)")
    ap.add_argument("--examples", type=int, default=1000)
    ap.add_argument("--tokens", type=int, default=400, help="mean tokens per example (prompt + answer)")
    add_training_args(ap)
    ap.set_defaults(batch_size=16, grad_accum=1, lr=1e-4, checkpoint_every=0, quiet=False)
    args = ap.parse_args(argv)
    if args.tiny and args.tokens == 400:
        args.tokens = 48
    shape, special = (TINY, TINY_TOKENS) if args.tiny else (DREAM_7B, DREAM_TOKENS)

    env = Dist(args.device)
    torch.manual_seed(args.seed)
    dtype = model_dtype(args.dtype, env.device)
    t0 = time.time()
    model = build_random_model(shape, dtype, env.device, args.attn, args.seed)
    build_s = time.time() - t0
    examples = synthetic_examples(args.examples, args.tokens, shape["vocab_size"], special, args.seed)
    per_step = args.batch_size * args.grad_accum * env.world
    needed = max(1, math.ceil(args.epochs * len(examples) / per_step))
    args.max_steps = min(args.steps, needed) if args.steps else needed
    t1 = time.time()
    stats = train(model, examples, special["pad"], special["mask"], args, None, env)
    loop_s = time.time() - t1
    measured = stats["steps_run"] >= needed
    median = stats["median_s_per_step"]
    result = {
        "bench": "dnw.dream.gpu_bench_finetune",
        "shape": "tiny" if args.tiny else "dream-7b",
        "params": sum(p.numel() for p in model.parameters()),
        "device": device_label(env.device),
        "dtype": str(dtype).replace("torch.", ""),
        "attn": args.attn,
        "mode": "full" if stats["full"] else f"lora-r{args.lora_rank}",
        "gradient_checkpointing": bool(args.gradient_checkpointing),
        "world": env.world,
        "examples_per_step": per_step,
        "batch_size": args.batch_size,
        "grad_accum": args.grad_accum,
        "mean_tokens": round(sum(len(e[0]) for e in examples) / len(examples), 1),
        "steps_run": stats["steps_run"],
        "median_s_per_step": median,
        "peak_gpu_mem_gib": stats["peak_gpu_mem_gib"],
        "first_loss": stats["losses"][0],
        "last_loss": stats["losses"][-1],
        "model_build_s": round(build_s, 1),
        "loop_s": round(loop_s, 1),
        "epochs_total": {
            "examples": len(examples),
            "epochs": args.epochs,
            "steps": needed,
            "seconds": round(loop_s if measured else median * needed, 1),
            "how": "measured (every step run, first step included)"
            if measured
            else f"EXTRAPOLATED: median s/step ({median}) x {needed} steps; only {stats['steps_run']} steps were run",
        },
        "targets": {"s_per_step_max": 1.5, "epochs_total_seconds_max": 600},
        "torch": torch.__version__,
    }
    print(json.dumps(result), flush=True)
    env.close()
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
