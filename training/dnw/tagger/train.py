"""Masked diffusion SFT of the small model. Resumes from the run folder's last checkpoint.

    python -m dnw.tagger.train --config training/configs/X.toml
    torchrun --nproc_per_node 2 -m dnw.tagger.train --config training/configs/X.toml   # DDP, gloo on CPU

Objective: the prompt is never masked; each canvas slot (aligned labels, or inline answer + its [EOS] padding) is
masked with probability t ~ U(eps, 1) drawn per sequence; loss = sum over masked slots of CE / t, divided by the
number of canvas slots. Run folder (run.out_dir/run.name): config.toml, tokenizer.json + labels.json, log.jsonl
(JSON lines: step, loss, lr, tokens/s, wall time; eval lines with dev F1), last.pt (resume), best.pt (best dev F1).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import time
from pathlib import Path

import torch
import torch.distributed as dist

from ..devices import adamw, rand_on
from .data import char_spans_to_token_spans, read_instruction_jsonl, stacked_tags
from .encode import Encoded, collate, encode_record, length_batches
from .evaluate import evaluate_items
from .model import count_params
from .runs import build_model, load_config
from .tokenizer import BpeDropout, Vocab
from .weight_average import WeightAverage


def _syllable_tags(records) -> tuple[set[str], set[str]]:
    """Stacked tags over whitespace tokens (the label inventory; BPE tokens inside a word take the same tags)."""
    tags, labels = set(), set()
    for r in records:
        offs, p = [], 0
        for w in r.text.split(" "):
            offs.append((p, p + len(w)))
            p += len(w) + 1
        tags.update(stacked_tags(char_spans_to_token_spans(r.spans, offs), len(offs)))
        labels.update(s[2] for s in r.spans)
    return tags, labels


def warmup_cosine(step: int, total: int, warmup: int, peak: float, min_ratio: float, time_frac: float = 0.0) -> float:
    """The one learning-rate schedule (training and fine-tuning): linear warm-up to `peak`, then cosine down to
    peak * min_ratio at the end of training (`total` steps, or the time budget's fraction: whichever comes first)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    frac = min(1.0, max((step - warmup) / max(1, total - warmup), time_frac))
    lo = peak * min_ratio
    return lo + (peak - lo) * 0.5 * (1 + math.cos(math.pi * frac))


def lr_at(step: int, total: int, tc: dict, time_frac: float = 0.0) -> float:
    """The schedule with a config's train section (time_frac counts when train.time_schedule is set)."""
    return warmup_cosine(step, total, tc["warmup_steps"], tc["lr"], tc["min_lr_ratio"], time_frac)


def diffusion_loss(model, batch, mask_id: int, eps: float, gen: torch.Generator) -> tuple[torch.Tensor, int]:
    ids, can = batch.input_ids, batch.canvas_mask
    B = ids.shape[0]
    t = eps + (1 - eps) * rand_on((B, 1), gen, ids.device)  # drawn on gen's device (dnw.devices), moved to the data's
    masked = (rand_on(ids.shape, gen, ids.device) < t) & can
    noisy = torch.where(masked, torch.full_like(ids, mask_id), ids)
    logits = model(noisy, batch.attention_mask, batch.position_ids)
    ce = torch.nn.functional.cross_entropy(logits[masked].float(), ids[masked], reduction="none")
    weights = (1.0 / t).expand_as(ids)[masked]
    n_canvas = int(can.sum())
    return (ce * weights).sum() / max(1, n_canvas), int(masked.sum())


class Logger:
    def __init__(self, path: Path, active: bool):
        self.path, self.active = path, active

    def __call__(self, **row) -> None:
        if not self.active:
            return
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def prepare_run(cfg: dict, config_path: Path, rank: int) -> tuple[Path, Vocab, list[Encoded], list[Encoded]]:
    rc, dc = cfg["run"], cfg["data"]
    run = Path(rc["out_dir"]) / rc["name"]
    train_recs = read_instruction_jsonl(dc["train"], dc["train_limit"] or None)
    if rank == 0:
        run.mkdir(parents=True, exist_ok=True)
        if not (run / "config.toml").exists():
            shutil.copy(config_path, run / "config.toml")
        if not (run / "tokenizer.json").exists():
            tags, labels = _syllable_tags(train_recs)
            Vocab.build([r.text for r in train_recs], tags, labels, dc["vocab_size"]).save(run)
    if dist.is_initialized():
        dist.barrier()
    vocab = Vocab.load(run)
    fmt = cfg["model"].get("format", "aligned")
    # Variant 0 is the deterministic tokenization; further variants use BPE-dropout, so the model also sees words
    # split into pieces (the vocabulary holds every training word whole, so without this it never would, yet
    # unseen numbers and names are split at test time).
    train = [[encode_record(r, vocab, fmt)] for r in train_recs]
    n_var, p_drop = int(dc.get("bpe_variants", 1)), float(dc.get("bpe_dropout", 0.0))
    if n_var > 1 and p_drop > 0:
        dropout = BpeDropout(vocab.tokenizer, p_drop, int(cfg["run"]["seed"]))
        for variants, r in zip(train, train_recs):
            variants += [encode_record(r, vocab, fmt, dropout) for _ in range(n_var - 1)]
    dev = [encode_record(r, vocab, fmt) for r in read_instruction_jsonl(dc["dev"], dc["dev_limit"] or None)]
    return run, vocab, train, dev


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    rc, tc = cfg["run"], cfg["train"]

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("gloo")
    torch.set_num_threads(int(rc["threads"]))
    seed = int(rc["seed"])
    random.seed(seed)
    torch.manual_seed(seed)

    run, vocab, train, dev = prepare_run(cfg, Path(args.config), rank)
    ck = torch.load(run / "last.pt", map_location="cpu", weights_only=False) if (run / "last.pt").exists() else None
    model = build_model(cfg, vocab, ck["model"] if ck else None)
    opt = adamw(
        model.parameters(),
        next(model.parameters()).device,
        lr=tc["lr"],
        betas=tuple(tc["betas"]),
        weight_decay=tc["weight_decay"],
    )
    log = Logger(run / "log.jsonl", rank == 0)
    state = {"step": 0, "epoch": 0, "batch_in_epoch": 0, "wall": 0.0, "cpu": 0.0, "best_f1": -1.0}
    # EMA of the weights (train.ema = decay, 0 = off): evaluated, saved as best.pt and exported instead of the raw
    # weights; on small data it usually generalises better than the last step.
    ema_decay = float(tc.get("ema", 0.0))
    if ck is not None:
        model.load_state_dict(ck["model"])
    ema = WeightAverage(model, ema_decay, ck.get("ema") if ck else None) if ema_decay > 0 else None
    if ck is not None:
        opt.load_state_dict(ck["optim"])
        state.update(ck["state"])
        log(event="resume", **state)
    else:
        log(
            event="start",
            params=count_params(model),
            world=world,
            threads=int(rc["threads"]),
            train_examples=len(train),
            dev_examples=len(dev),
            train_tokens=sum(len(v[0]) for v in train),
            config=cfg,
        )
    ddp = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model

    def epoch_data(epoch: int) -> list[Encoded]:
        pick = random.Random(seed * 7777 + epoch)
        return [v[0] if len(v) == 1 else v[pick.randrange(len(v))] for v in train]

    def epoch_batches(epoch: int, data: list[Encoded]) -> list[list[int]]:
        b = length_batches(data, int(tc["max_tokens"]), random.Random(seed * 1000 + epoch))
        return b[: len(b) - len(b) % world][rank::world]

    per_epoch = len(epoch_batches(0, epoch_data(0)))
    total = int(tc["max_steps"]) or int(tc["epochs"]) * per_epoch
    # Budgets: wall minutes, or CPU minutes of this process (fair between runs on a shared machine).
    budget = float(tc["max_minutes"]) * 60
    cpu_budget = float(tc.get("max_cpu_minutes", 0)) * 60
    t_start = time.time() - state["wall"]
    c_start = time.process_time() - state["cpu"]
    tokens_since, t_since, c_since, loss_acc, n_acc = 0, time.time(), time.process_time(), 0.0, 0
    stop = False

    def weights_for_eval() -> dict:
        return ema.merged(model) if ema is not None else model.state_dict()

    def save(which: str) -> None:
        if rank != 0:
            return
        payload = {
            "model": weights_for_eval() if which == "best" else model.state_dict(),
            "state": dict(state),
            "config": cfg,
        }
        if which == "last":
            payload["optim"] = opt.state_dict()
            if ema is not None:
                payload["ema"] = ema.weights
        tmp = run / f"{which}.pt.tmp"
        torch.save(payload, tmp)
        os.replace(tmp, run / f"{which}.pt")

    def evaluate() -> None:
        nonlocal c_start
        c0 = time.process_time()
        raw = None
        if ema is not None:
            raw = {k: v.clone() for k, v in model.state_dict().items()}
            model.load_state_dict(weights_for_eval())
        rep = evaluate_items(
            model,
            vocab,
            dev,
            cfg["model"].get("format", "aligned"),
            float(cfg["decode"]["threshold"]),
            max_steps=cfg["decode"].get("max_steps"),
        )
        if raw is not None:
            model.load_state_dict(raw)
        model.train()
        c_start += time.process_time() - c0  # the CPU budget counts training only
        improved = rep["nested_f1"] > state["best_f1"]
        if improved:
            state["best_f1"] = rep["nested_f1"]
            save("best")
        log(
            event="eval",
            step=state["step"],
            epoch=state["epoch"],
            wall_min=round(state["wall"] / 60, 2),
            cpu_min=round(state["cpu"] / 60, 2),
            dev_nested_f1=round(rep["nested_f1"], 4),
            dev_flat_f1=round(rep["flat_f1"], 4),
            forward_rows_per_sentence=round(rep["forward_rows_per_sentence"], 2),
            eval_seconds=round(rep["seconds"], 1),
            best=improved,
        )

    model.train()
    while state["step"] < total and not stop:
        data = epoch_data(state["epoch"])
        batches = epoch_batches(state["epoch"], data)
        while state["batch_in_epoch"] < len(batches):
            b = batches[state["batch_in_epoch"]]
            step = state["step"]
            time_frac = 0.0
            if tc.get("time_schedule"):
                time_frac = state["cpu"] / cpu_budget if cpu_budget else (state["wall"] / budget if budget else 0.0)
                if dist.is_initialized():  # every rank must use the same learning rate
                    frac = torch.tensor([time_frac])
                    dist.all_reduce(frac, op=dist.ReduceOp.MAX)
                    time_frac = float(frac.item())
            lr = lr_at(step, total, tc, time_frac)
            for g in opt.param_groups:
                g["lr"] = lr
            gen = torch.Generator().manual_seed(seed * 7919 + step * 31 + rank)
            batch = collate([data[i] for i in b], vocab.pad_id)
            loss, _ = diffusion_loss(ddp, batch, vocab.mask_id, float(tc["eps"]), gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if tc["grad_clip"]:
                torch.nn.utils.clip_grad_norm_(model.parameters(), float(tc["grad_clip"]))
            opt.step()
            if ema is not None:
                ema.update(model, state["step"])
            state["step"] += 1
            state["batch_in_epoch"] += 1
            state["wall"] = time.time() - t_start
            state["cpu"] = time.process_time() - c_start
            tokens_since += int(batch.attention_mask.sum()) * world
            loss_acc += float(loss.detach())
            n_acc += 1
            s = state["step"]
            if s % int(tc["log_every"]) == 0:
                now, cnow = time.time(), time.process_time()
                log(
                    step=s,
                    epoch=state["epoch"],
                    loss=round(loss_acc / n_acc, 4),
                    lr=round(lr, 6),
                    tokens_per_s=round(tokens_since / (now - t_since)),
                    tokens_per_cpu_s=round(tokens_since / world / max(1e-9, cnow - c_since)),
                    wall_min=round(state["wall"] / 60, 2),
                    cpu_min=round(state["cpu"] / 60, 2),
                )
                tokens_since, t_since, c_since, loss_acc, n_acc = 0, now, cnow, 0.0, 0
            done = (
                s >= total
                or bool(budget and state["wall"] >= budget)
                or bool(cpu_budget and state["cpu"] >= cpu_budget)
            )
            if dist.is_initialized() and (budget or cpu_budget):
                flag = torch.tensor([1.0 if done else 0.0])
                dist.all_reduce(flag, op=dist.ReduceOp.MAX)  # every rank stops at the same step
                done = bool(flag.item())
            if rank == 0 and (s % int(tc["eval_every"]) == 0 or done):
                evaluate()
            if s % int(tc["checkpoint_every"]) == 0 or done:
                save("last")
            if dist.is_initialized():
                dist.barrier()
            if done:
                stop = True
                break
        if not stop:
            state["epoch"] += 1
            state["batch_in_epoch"] = 0
    save("last")
    log(event="end", **state)
    if dist.is_initialized():
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
