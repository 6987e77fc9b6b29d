"""Fine-tune a Dream-7B (or any Dream/Qwen2-style) checkpoint on the workbench's exported instruction JSONL.

    python -m dnw.finetune --checkpoint DREAM_DIR --data export.jsonl --out OUT_DIR \\
        [--lora-rank 16] [--epochs 2] [--lr 1e-4] [--grad-accum 16] [--dtype bfloat16] [--device cuda]
    python -m dnw.export_dream --checkpoint OUT_DIR --out PACKAGE_DIR      # then a model package for the engine

Not run in this project (it needs a GPU with ~40 GB for LoRA on 7B in bf16); tested end to end on CPU with a tiny
random Qwen2 checkpoint (dnw.tiny_qwen2). The objective is the same masked diffusion SFT as dnw.train, in Dream's
conventions:

* prompt: the chat template of the checkpoint's tokenizer_config.json applied to exactly the prompt the exported
  package's manifest declares (dnw.export_dream.dream_manifest), so what the engine sends at inference is what the
  model saw in training; a raw `<ner>\\n{text}\\n</ner>` when there is no chat template.
* answer: the export's `output` (inline tags) tokenized, then [EOS] padding up to len + --canvas-extra, rounded up to
  a multiple of 8. Prompt tokens are never masked; answer and padding are masked with probability t ~ U(eps, 1)
  per sequence; loss = CE / t over masked positions, divided by the number of answer positions.
* Dream's logits are shifted: the token at position i is predicted from the output at i - 1.
* LoRA (rank --lora-rank, 0 = full fine-tuning) on the attention and MLP projections; merged into the weights on
  save, so OUT_DIR is an ordinary checkpoint folder (config.json, model.safetensors, tokenizer files).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import time
from pathlib import Path

import torch
from torch import nn

from .data import escape, prompt_text
from .export_dream import BidirectionalQwen2, dream_manifest, has_chat_template, load_checkpoint
from .sampler_head import dream_position_ids

LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        self.a = nn.Parameter(torch.randn(rank, base.in_features, dtype=torch.float32) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank, dtype=torch.float32))

    def forward(self, x):
        return self.base(x) + ((x.float() @ self.a.t()) @ self.b.t() * self.scale).to(x.dtype)

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
                lora = LoRALinear(child, rank, alpha).to(child.weight.device)
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
        messages = [{"role": "system", "content": self.prompt["system"]},
                    {"role": "user", "content": self.prompt["user"].replace("{text}", text)}]
        return self.template.render(messages=messages, add_generation_prompt=True)


def build_examples(rows: list[dict], tokenizer, render: PromptRenderer, eos: int, extra: int) -> list[tuple[list[int], int]]:
    out = []
    for row in rows:
        # The prompt body stays escaped (& < > as entities), as the export writes it and the answer has it.
        prompt = tokenizer.encode(render(escape(prompt_text(row["instruction"]))), add_special_tokens=False).ids
        answer = tokenizer.encode(row["output"], add_special_tokens=False).ids
        n = -(-(len(answer) + extra) // 8) * 8
        out.append((prompt + answer + [eos] * (n - len(answer)), len(prompt)))
    return out


def masked_diffusion_loss(logits_fn, ids, att, answer_mask, mask_id: int, eps: float, gen: torch.Generator):
    t = eps + (1 - eps) * torch.rand(ids.shape[0], 1, generator=gen)
    masked = (torch.rand(ids.shape, generator=gen) < t) & answer_mask
    noisy = torch.where(masked, torch.full_like(ids, mask_id), ids)
    out = logits_fn(noisy, att, dream_position_ids(att))
    logits = torch.cat([out[:, :1], out[:, :-1]], dim=1)  # Dream: position i is predicted from i - 1
    ce = nn.functional.cross_entropy(logits[masked].float(), ids[masked], reduction="none")
    return (ce / t.expand_as(ids)[masked]).sum() / answer_mask.sum().clamp(min=1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--data", type=Path, required=True, help="instruction JSONL from `workbench export --format instruction`")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--lora-rank", type=int, default=16)
    ap.add_argument("--lora-alpha", type=float, default=32)
    ap.add_argument("--epochs", type=float, default=2)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=1)
    ap.add_argument("--grad-accum", type=int, default=16)
    ap.add_argument("--canvas-extra", type=int, default=16)
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)

    from tokenizers import Tokenizer
    model, config = load_checkpoint(args.checkpoint, getattr(torch, args.dtype))
    model.to(args.device)
    tokenizer = Tokenizer.from_file(str(args.checkpoint / "tokenizer.json"))
    render = PromptRenderer(args.checkpoint, config)
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    examples = build_examples(rows, tokenizer, render, config["eos_token_id"], args.canvas_extra)
    pad = config.get("pad_token_id", config["eos_token_id"])

    if args.lora_rank > 0:
        params = add_lora(model, args.lora_rank, args.lora_alpha)
        model.to(args.device)
    else:
        params = [p for p in model.parameters()]
    for p in params:
        p.requires_grad_(True)
    logits_fn = BidirectionalQwen2(model).train()
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    per_epoch = math.ceil(len(examples) / args.batch_size)
    total = args.max_steps or math.ceil(args.epochs * per_epoch / args.grad_accum)
    gen = torch.Generator().manual_seed(args.seed)
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    log = open(args.out / "finetune_log.jsonl", "a", encoding="utf-8")
    order: list[int] = []
    t0 = time.time()
    for step in range(total):
        lr = args.lr * min(1.0, (step + 1) / max(1, total // 20)) * 0.5 * (1 + math.cos(math.pi * step / total))
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        acc = 0.0
        for _ in range(args.grad_accum):
            if len(order) < args.batch_size:
                order += rng.sample(range(len(examples)), len(examples))
            batch, order = [examples[i] for i in order[:args.batch_size]], order[args.batch_size:]
            L = max(len(ids) for ids, _ in batch)
            ids = torch.full((len(batch), L), pad, dtype=torch.long)
            att = torch.zeros_like(ids)
            ans = torch.zeros_like(ids, dtype=torch.bool)
            for r, (seq, n_prompt) in enumerate(batch):
                ids[r, L - len(seq):] = torch.tensor(seq)
                att[r, L - len(seq):] = 1
                ans[r, L - len(seq) + n_prompt:] = True
            loss = masked_diffusion_loss(logits_fn, ids.to(args.device), att.to(args.device), ans.to(args.device),
                                         config["mask_token_id"], args.eps, gen) / args.grad_accum
            loss.backward()
            acc += float(loss.detach())
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        log.write(json.dumps({"step": step + 1, "loss": round(acc, 5), "lr": lr, "wall_s": round(time.time() - t0, 1)}) + "\n")
        log.flush()

    if args.lora_rank > 0:
        merge_lora(model)
    from safetensors.torch import save_file
    save_file({k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}, str(args.out / "model.safetensors"))
    shutil.copy(args.checkpoint / "config.json", args.out / "config.json")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if (args.checkpoint / name).exists():
            shutil.copy(args.checkpoint / name, args.out / name)
    print(json.dumps({"out": str(args.out), "steps": total, "examples": len(examples)}))


if __name__ == "__main__":
    main()
