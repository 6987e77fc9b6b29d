"""Fine-tune a Dream-7B (or any Dream/Qwen2-style) checkpoint on the workbench's exported instruction JSONL.

    python -m dnw.dream.finetune --checkpoint DREAM_DIR --data export.jsonl --out OUT_DIR \\
        [--lora-rank 16 | --full] [--epochs 2] [--lr 1e-4] [--batch-size 8] [--grad-accum 2] \\
        [--gradient-checkpointing] [--dtype auto] [--device auto] [--checkpoint-every 50] [--resume]
    torchrun --nproc_per_node N -m dnw.dream.finetune ...                        # DDP, one process per GPU (gloo on CPU)
    python -m dnw.dream.export_dream --checkpoint OUT_DIR --out PACKAGE_DIR      # then a model package for the engine

Tested end to end on CPU with a tiny random Qwen2 checkpoint (dnw.dream.tiny_qwen2), on two CPU processes under torchrun
and, marked `gpu`, on CUDA; `python -m dnw.dream.gpu_bench_finetune` times this loop on a Dream-7B-shaped model. The
objective is the same masked diffusion SFT as dnw.tagger.train, in Dream's conventions:

* prompt: the chat template of the checkpoint's tokenizer_config.json applied to exactly the prompt the exported
  package's manifest declares (dnw.dream.export_dream.dream_manifest), so what the engine sends at inference is what the
  model saw in training; a raw `<ner>\\n{text}\\n</ner>` when there is no chat template.
* answer: the export's `output` (inline tags) tokenized, then [EOS] padding up to len + --canvas-extra, rounded up to
  a multiple of 8. Prompt tokens are never masked; answer and padding are masked with probability t ~ U(eps, 1)
  per sequence; loss = CE / t over masked positions, divided by the number of answer positions.
* Dream's logits are shifted: the token at position i is predicted from the output at i - 1. Only the masked
  positions go through lm_head (152k-wide on Dream): the full logits of a batch would be most of its memory.
* LoRA (rank --lora-rank) on the attention and MLP projections, trained in float32 and applied in the model's dtype;
  merged into the weights on save, so OUT_DIR is an ordinary checkpoint folder (config.json, model.safetensors,
  tokenizer files). --full (or --lora-rank 0) trains every weight instead, in the model's dtype (bf16 AdamW on a GPU:
  about 4 bytes a parameter plus activations, ~61 GB for 7B).

Speed: SDPA attention, bf16 on CUDA (--dtype auto), --batch-size examples per micro-batch (left-padded; each
optimiser step's examples are sorted by length before they are cut into micro-batches, so padding stays small),
--grad-accum micro-batches per optimiser step and per process: an optimiser step sees
batch-size x grad-accum x processes examples. --gradient-checkpointing trades ~30% time for activation memory.

Resumable: every --checkpoint-every steps OUT_DIR/resume.pt holds the trainable weights (LoRA factors, or all
weights with --full), the optimiser state and the step; `--resume` continues from it. The data order and every
random mask follow from (--seed, step, rank), so a resumed run takes the same batches a run never killed would have.
resume.pt is removed once the final checkpoint is written.

Log: one JSON object per line on stdout and in OUT_DIR/finetune_log.jsonl: {"event":"start", device, dtype, ...},
{"event":"step", step, loss, lr, s_per_step, examples_per_s, tokens, peak_gpu_mem_gib, wall_s} per step,
{"event":"checkpoint"}, {"event":"resume"}, {"event":"end", median_s_per_step, peak_gpu_mem_gib, ...}.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from ..devices import device_label, rand_on, resolve_device
from ..sampler_head import dream_position_ids
from ..tagger.data import escape, prompt_text
from .export_dream import BidirectionalQwen2, load_checkpoint
from .manifest import dream_manifest, has_chat_template

LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
RESUME_FILE = "resume.pt"
LOG_FILE = "finetune_log.jsonl"


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        device = base.weight.device
        self.a = nn.Parameter(
            torch.randn(rank, base.in_features, dtype=torch.float32, device=device) / math.sqrt(base.in_features)
        )
        self.b = nn.Parameter(torch.zeros(base.out_features, rank, dtype=torch.float32, device=device))

    def forward(self, x):
        # float32 factors (what the optimiser updates), applied in the activations' dtype: bf16 matmuls on a GPU.
        return self.base(x) + (x @ self.a.t().to(x.dtype)) @ (self.b.t() * self.scale).to(x.dtype)

    def merged(self) -> nn.Linear:
        with torch.no_grad():
            w = self.base.weight.float() + self.scale * (self.b @ self.a)
            self.base.weight.copy_(w.to(self.base.weight.dtype))
        return self.base


def add_lora(model: nn.Module, rank: int, alpha: float) -> list[nn.Parameter]:
    for p in model.parameters():
        p.requires_grad_(False)
    params = []
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Linear) and child_name in LORA_TARGETS:
                lora = LoRALinear(child, rank, alpha)
                setattr(module, child_name, lora)
                params += [lora.a, lora.b]
    return params


def merge_lora(model: nn.Module) -> None:
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, LoRALinear):
                setattr(module, child_name, child.merged())


class PromptRenderer:
    """The prompt exactly as the exported manifest will declare it, rendered with the checkpoint's chat template."""

    def __init__(self, checkpoint: Path, config: dict):
        chat = has_chat_template(checkpoint / "tokenizer_config.json")
        self.prompt = dream_manifest("x", config, 2, 0, chat, [])["prompt"]
        self.template = None
        if chat:
            import jinja2

            tc = json.loads((checkpoint / "tokenizer_config.json").read_text())
            self.template = jinja2.Environment().from_string(tc["chat_template"])

    def __call__(self, text: str) -> str:
        if self.prompt["kind"] == "raw":
            return self.prompt["template"].replace("{text}", text)
        messages = [
            {"role": "system", "content": self.prompt["system"]},
            {"role": "user", "content": self.prompt["user"].replace("{text}", text)},
        ]
        return self.template.render(messages=messages, add_generation_prompt=True)


def build_examples(
    rows: list[dict], tokenizer, render: PromptRenderer, eos: int, extra: int
) -> list[tuple[list[int], int]]:
    out = []
    for row in rows:
        # The prompt body stays escaped (& < > as entities), as the export writes it and the answer has it.
        prompt = tokenizer.encode(render(escape(prompt_text(row["instruction"]))), add_special_tokens=False).ids
        answer = tokenizer.encode(row["output"], add_special_tokens=False).ids
        n = -(-(len(answer) + extra) // 8) * 8
        out.append((prompt + answer + [eos] * (n - len(answer)), len(prompt)))
    return out


class DiffusionObjective(nn.Module):
    """forward(noisy, attention_mask, rows, cols) -> float32 logits of the scored positions only.

    Dream's shift: the token at (row, col) is predicted from the output at (row, col - 1) (col 0 from itself).
    A module (rather than a function) so DistributedDataParallel can wrap it: DDP syncs gradients only for
    forwards that go through its own __call__."""

    def __init__(self, logits_module: BidirectionalQwen2):
        super().__init__()
        self.net = logits_module

    def forward(self, noisy, attention_mask, rows, cols):
        hidden = self.net.hidden(noisy, attention_mask, dream_position_ids(attention_mask))
        return self.net.model.lm_head(hidden[rows, (cols - 1).clamp(min=0)]).float()


def masked_diffusion_loss(objective, ids, att, answer_mask, mask_id: int, eps: float, gen: torch.Generator):
    """CE / t over masked answer positions, divided by the number of answer positions (dnw.tagger.train's objective).

    The noise is drawn from `gen` on its own device and moved to the data's (dnw.devices.rand_on): the same
    seed masks the same positions on the CPU and on CUDA. `objective` is a DiffusionObjective (or DDP around one);
    any other callable is taken as logits_fn(ids, mask, positions) -> full logits [B, L, V]."""
    t = eps + (1 - eps) * rand_on((ids.shape[0], 1), gen, ids.device)
    masked = (rand_on(ids.shape, gen, ids.device) < t) & answer_mask
    noisy = torch.where(masked, torch.full_like(ids, mask_id), ids)
    rows, cols = masked.nonzero(as_tuple=True)
    inner = getattr(objective, "module", objective)
    if isinstance(inner, DiffusionObjective):
        logits = objective(noisy, att, rows, cols)
    else:
        out = objective(noisy, att, dream_position_ids(att))
        logits = out[rows, (cols - 1).clamp(min=0)].float()
    ce = nn.functional.cross_entropy(logits, ids[rows, cols], reduction="none")
    return (ce / t[rows, 0]).sum() / answer_mask.sum().clamp(min=1)


def add_training_args(ap: argparse.ArgumentParser) -> None:
    """Options of the training loop (shared with dnw.dream.gpu_bench_finetune)."""
    ap.add_argument("--lora-rank", type=int, default=16, help="0 = full fine-tuning (as --full)")
    ap.add_argument("--lora-alpha", type=float, default=32)
    ap.add_argument("--full", action="store_true", help="train every weight instead of LoRA factors")
    ap.add_argument("--epochs", type=float, default=2)
    ap.add_argument("--max-steps", type=int, default=0, help="optimiser steps (overrides --epochs)")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=8, help="examples per micro-batch (padded together)")
    ap.add_argument("--grad-accum", type=int, default=2, help="micro-batches per optimiser step and process")
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument(
        "--dtype",
        default="auto",
        choices=["auto", "bfloat16", "float16", "float32"],
        help="weights' dtype (auto: bfloat16 on CUDA, float32 on CPU)",
    )
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"], help="attention implementation")
    ap.add_argument("--gradient-checkpointing", action="store_true", help="recompute activations in backward")
    ap.add_argument("--device", default="auto", help="auto (cuda when torch sees it), cpu, cuda, cuda:N")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoint-every", type=int, default=50, help="steps between resume checkpoints (0 = never)")
    ap.add_argument("--resume", action="store_true", help=f"continue from OUT_DIR/{RESUME_FILE}")
    ap.add_argument("--quiet", action="store_true", help="log to the file only, not stdout")


def model_dtype(name: str, device: torch.device) -> torch.dtype:
    if name == "auto":
        return torch.bfloat16 if device.type == "cuda" else torch.float32
    return getattr(torch, name)


class Dist:
    """torchrun's environment: rank, world, the process's device; gloo on CPU, nccl on CUDA."""

    def __init__(self, device_arg: str):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        device = resolve_device(device_arg)
        if device.type == "cuda" and device.index is None:
            device = torch.device("cuda", local if self.world > 1 else torch.cuda.current_device())
        if device.type == "cuda":
            torch.cuda.set_device(device)
        self.device = device
        if self.world > 1 and not dist.is_initialized():
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    def close(self) -> None:
        if dist.is_initialized():
            dist.destroy_process_group()


class Logger:
    def __init__(self, path: Path | None, active: bool, echo: bool = True):
        self.active, self.echo = active, echo
        self.file = open(path, "a", encoding="utf-8") if active and path is not None else None

    def __call__(self, **row) -> None:
        if not self.active:
            return
        line = json.dumps(row)
        if self.file:
            self.file.write(line + "\n")
            self.file.flush()
        if self.echo:
            print(line, flush=True)

    def close(self) -> None:
        if self.file:
            self.file.close()


def step_examples(n_examples: int, step: int, per_step: int, seed: int) -> list[int]:
    """Indices of the examples of optimiser step `step` (all processes together): epochs are seeded
    permutations laid end to end, so the batches of a step depend on (seed, step) only, which is what resuming needs."""
    start, out = step * per_step, []
    while len(out) < per_step:
        epoch, offset = divmod(start + len(out), n_examples)
        out += _epoch_order(n_examples, seed, epoch)[offset : offset + per_step - len(out)]
    return out


@functools.lru_cache(maxsize=4)
def _epoch_order(n_examples: int, seed: int, epoch: int) -> tuple[int, ...]:
    perm = list(range(n_examples))
    random.Random(seed * 7777 + epoch).shuffle(perm)
    return tuple(perm)


def collate_left(batch: list[tuple[list[int], int]], pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ids, attention mask, answer mask) left-padded to the longest example (Dream's padding side)."""
    L = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), L), pad, dtype=torch.long)
    att = torch.zeros_like(ids)
    ans = torch.zeros_like(ids, dtype=torch.bool)
    for r, (seq, n_prompt) in enumerate(batch):
        ids[r, L - len(seq) :] = torch.tensor(seq)
        att[r, L - len(seq) :] = 1
        ans[r, L - len(seq) + n_prompt :] = True
    return ids, att, ans


def cosine_lr(step: int, total: int, peak: float) -> float:
    return peak * min(1.0, (step + 1) / max(1, total // 20)) * 0.5 * (1 + math.cos(math.pi * step / total))


def _peak_gib(device: torch.device) -> float | None:
    return round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if device.type == "cuda" else None


def train(
    model: nn.Module,
    examples: list[tuple[list[int], int]],
    pad_id: int,
    mask_id: int,
    args,
    out: Path | None,
    env: Dist,
    on_step: Callable[[dict], None] | None = None,
) -> dict:
    """The fine-tune loop: LoRA (or full) masked diffusion SFT of a Qwen2ForCausalLM already on env.device.

    Returns {"steps", "examples_per_step", "s_per_step" (list), "median_s_per_step", "peak_gpu_mem_gib", ...}.
    Used by main() and by dnw.dream.gpu_bench_finetune (which passes out=None: no log file, no checkpoints)."""
    device, rank, world = env.device, env.rank, env.world
    full = args.full or args.lora_rank <= 0
    if full:
        params = list(model.parameters())
        for p in params:
            p.requires_grad_(True)
    else:
        params = add_lora(model, args.lora_rank, args.lora_alpha)
    if args.gradient_checkpointing:
        # Non-reentrant: with LoRA the checkpointed layers' inputs need no grad, which the reentrant variant requires.
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    objective = DiffusionObjective(BidirectionalQwen2(model)).train()
    wrapped = objective
    if world > 1:
        wrapped = torch.nn.parallel.DistributedDataParallel(
            objective, device_ids=[device.index] if device.type == "cuda" else None
        )
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]

    per_proc = args.batch_size * args.grad_accum
    per_step = per_proc * world
    total = args.max_steps or max(1, math.ceil(args.epochs * len(examples) / per_step))
    log = Logger(out / LOG_FILE if out is not None else None, rank == 0, echo=not getattr(args, "quiet", False))
    resume_path = out / RESUME_FILE if out is not None else None
    start = 0
    if resume_path is not None and resume_path.exists():
        if not args.resume:
            raise SystemExit(f"{resume_path} exists: pass --resume to continue that run, or choose another --out")
        ck = torch.load(resume_path, map_location=device, weights_only=True)
        if ck["total"] != total or ck["per_step"] != per_step or ck["full"] != full:
            raise SystemExit(
                f"{resume_path}: saved for {ck['total']} steps of {ck['per_step']} examples "
                f"({'full' if ck['full'] else 'LoRA'}); this run plans {total} of {per_step}"
            )
        with torch.no_grad():
            for n, p in named:
                p.copy_(ck["trainable"][n])
        opt.load_state_dict(ck["optim"])
        start = int(ck["step"])
        log(event="resume", step=start, steps=total)
    n_trainable = sum(p.numel() for p in params)
    log(
        event="start",
        device=device_label(device),
        dtype=str(next(model.parameters()).dtype).replace("torch.", ""),
        attn=model.config._attn_implementation,
        mode="full" if full else f"lora-r{args.lora_rank}",
        gradient_checkpointing=bool(args.gradient_checkpointing),
        world=world,
        examples=len(examples),
        steps=total,
        first_step=start,
        examples_per_step=per_step,
        batch_size=args.batch_size,
        grad_accum=args.grad_accum,
        trainable_params=n_trainable,
        torch=torch.__version__,
    )

    def save_resume(step: int) -> None:
        if rank != 0 or resume_path is None:
            return
        tmp = resume_path.with_suffix(".tmp")
        torch.save(
            {
                "step": step,
                "total": total,
                "per_step": per_step,
                "full": full,
                "trainable": {n: p.detach() for n, p in named},
                "optim": opt.state_dict(),
            },
            tmp,
        )
        os.replace(tmp, resume_path)
        log(event="checkpoint", step=step, path=str(resume_path))

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times: list[float] = []
    losses: list[float] = []
    t_run = time.time()
    for step in range(start, total):
        t0 = time.perf_counter()
        lr = cosine_lr(step, total, args.lr)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        mine = step_examples(len(examples), step, per_step, args.seed)[rank::world]
        mine.sort(key=lambda i: len(examples[i][0]))  # similar lengths share a micro-batch: less padding
        gen = torch.Generator().manual_seed(args.seed * 7919 + step * 31 + rank)
        acc = torch.zeros((), device=device)
        tokens = 0
        for m in range(args.grad_accum):
            batch = [examples[i] for i in mine[m * args.batch_size : (m + 1) * args.batch_size]]
            ids, att, ans = (t.to(device, non_blocking=True) for t in collate_left(batch, pad_id))
            tokens += ids.numel()
            sync = wrapped.no_sync() if world > 1 and m < args.grad_accum - 1 else nullcontext()
            with sync:
                loss = masked_diffusion_loss(wrapped, ids, att, ans, mask_id, args.eps, gen) / args.grad_accum
                loss.backward()
            acc += loss.detach()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if world > 1:
            dist.all_reduce(acc)
            acc /= world
        value = float(acc)  # waits for the step (CUDA is asynchronous), so the timing below is the step's
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        dt = time.perf_counter() - t0
        times.append(dt)
        losses.append(value)
        row = {
            "event": "step",
            "step": step + 1,
            "steps": total,
            "loss": round(value, 5),
            "lr": lr,
            "s_per_step": round(dt, 4),
            "examples_per_s": round(per_step / dt, 2),
            "tokens": tokens * world,
            "peak_gpu_mem_gib": _peak_gib(device),
            "wall_s": round(time.time() - t_run, 2),
        }
        log(**row)
        if on_step is not None:
            on_step(row)
        if args.checkpoint_every and (step + 1) % args.checkpoint_every == 0 and step + 1 < total:
            save_resume(step + 1)
    objective.eval()
    warm = times[1:] if len(times) > 2 else times
    stats = {
        "steps": total,
        "steps_run": len(times),
        "first_step": start,
        "examples_per_step": per_step,
        "s_per_step": times,
        "losses": losses,
        "median_s_per_step": round(statistics.median(warm), 4) if warm else None,
        "peak_gpu_mem_gib": _peak_gib(device),
        "device": device_label(device),
        "full": full,
        "trainable_params": n_trainable,
    }
    log(
        event="end",
        **{k: v for k, v in stats.items() if k not in ("s_per_step", "losses")},
        first_loss=losses[0] if losses else None,
        last_loss=losses[-1] if losses else None,
    )
    log.close()
    return stats


def save_checkpoint(model: nn.Module, source: Path, out: Path) -> None:
    """Merged weights + the source's config and tokenizer files: a checkpoint folder export_dream reads."""
    merge_lora(model)
    from safetensors.torch import save_file

    save_file({k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}, str(out / "model.safetensors"))
    shutil.copy(source / "config.json", out / "config.json")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if (source / name).exists():
            shutil.copy(source / name, out / name)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument(
        "--data", type=Path, required=True, help="instruction JSONL from `workbench export --format instruction`"
    )
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--canvas-extra", type=int, default=16)
    add_training_args(ap)
    args = ap.parse_args(argv)
    env = Dist(args.device)
    torch.manual_seed(args.seed)  # LoRA's A factors: the same on every process

    from tokenizers import Tokenizer

    model, config = load_checkpoint(
        args.checkpoint, model_dtype(args.dtype, env.device), attn=args.attn, device=env.device
    )
    tokenizer = Tokenizer.from_file(str(args.checkpoint / "tokenizer.json"))
    render = PromptRenderer(args.checkpoint, config)
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    examples = build_examples(rows, tokenizer, render, config["eos_token_id"], args.canvas_extra)
    pad = config.get("pad_token_id", config["eos_token_id"])
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        stats = train(model, examples, pad, config["mask_token_id"], args, args.out, env)
        if env.rank == 0:
            save_checkpoint(model, args.checkpoint, args.out)
            (args.out / RESUME_FILE).unlink(missing_ok=True)
            print(
                json.dumps(
                    {
                        "out": str(args.out),
                        "steps": stats["steps"],
                        "examples": len(examples),
                        "median_s_per_step": stats["median_s_per_step"],
                        "device": stats["device"],
                    }
                ),
                flush=True,
            )
        if env.world > 1:
            dist.barrier()
    finally:
        env.close()


if __name__ == "__main__":
    main()
