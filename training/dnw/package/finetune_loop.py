"""One model's training in dnw.package.finetune_package: the masked diffusion SFT loop of dnw.tagger.train, single
process, sized to the data (epochs, a step floor) and to the time budget its schedule anneals to."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

MIN_LR_RATIO = 0.05  # the cosine ends at 5% of the peak learning rate


def plan_steps(per_epoch: int, args) -> int:
    if args.max_steps:
        return args.max_steps
    return max(1, math.ceil(args.epochs * per_epoch), args.min_steps)


def budget_fraction(now: float, start: float, warm_end: float | None, budget: float) -> float:
    """How far the time budget is spent, counted like the cosine's steps: from the end of warm-up (0 until then) to
    the budget's end. It overtakes the step fraction only when the run's pace would overrun the budget, so a run
    that fits its budget follows the step count alone and is the same on a busy machine as on an idle one."""
    if not budget or warm_end is None:
        return 0.0
    left = budget - (warm_end - start)
    return 1.0 if left <= 0 else max(0.0, (now - warm_end) / left)


def train_model(
    model,
    vocab,
    prepared,
    args,
    emit: Callable[..., None],
    seed: int,
    t0: float,
    n_examples: int,
    device=None,
    member=(0, 1),
) -> dict:
    """The masked diffusion SFT loop of dnw.tagger.train, single process, sized to the data and the time budget, on
    `device` (the model is moved there and left there). `member` (i, n): the i-th of n members of an ensemble, trained
    one after another; progress counts the steps of all of them."""
    import dataclasses

    import torch

    from ..devices import adamw, autocast, device_label, mixed_precision

    device = device or torch.device("cpu")
    model.to(device)
    from ..tagger.encode import collate, length_batches
    from ..tagger.train import diffusion_loss, warmup_cosine
    from ..tagger.weight_average import WeightAverage

    variants = prepared.variants

    def epoch_data(epoch: int):
        pick = random.Random(seed * 7777 + epoch)
        return [v[0] if len(v) == 1 else v[pick.randrange(len(v))] for v in variants]

    def epoch_batches(epoch: int, data):
        return length_batches(data, args.batch_tokens, random.Random(seed * 1000 + epoch))

    per_epoch = len(epoch_batches(0, epoch_data(0)))
    total = plan_steps(per_epoch, args)
    warmup = max(1, min(100, total // 10))
    peak = args.lr
    dtype = mixed_precision(device, args.precision)
    precision = str(dtype or torch.float32).removeprefix("torch.")
    emit(
        event="start",
        examples=n_examples,
        pieces=len(variants),
        steps=total,
        steps_per_epoch=per_epoch,
        epochs=round(total / per_epoch, 2),
        lr=peak,
        from_scratch=bool(args.from_scratch),
        threads=args.threads,
        device=device_label(device),
        precision=precision,
        member=member[0] + 1,
        members=member[1],
    )
    opt = adamw(model.parameters(), device, lr=peak, betas=(0.9, 0.98), weight_decay=0.01)
    ema = WeightAverage(model, args.ema) if args.ema else None
    budget = args.max_minutes * 60
    train_start = time.time()
    warm_end = None
    model.train()
    step, epoch, last_emit = 0, 0, 0.0
    acc, n_acc, recent = 0.0, 0, []
    while step < total:
        data = epoch_data(epoch)
        for b in epoch_batches(epoch, data):
            now = time.time()
            if step == warmup:
                warm_end = now
            time_frac = budget_fraction(now, train_start, warm_end, budget)
            lr = warmup_cosine(step, total, warmup, peak, MIN_LR_RATIO, time_frac)
            for g in opt.param_groups:
                g["lr"] = lr
            gen = torch.Generator().manual_seed(seed * 7919 + step * 31)
            batch = collate([data[i] for i in b], vocab.pad_id)
            if device.type != "cpu":
                # the tensors only: `items` (the encoded records) stays a list on the host
                moved = {f.name: getattr(batch, f.name) for f in dataclasses.fields(batch)}
                batch = dataclasses.replace(
                    batch,
                    **{k: v.to(device, non_blocking=True) for k, v in moved.items() if isinstance(v, torch.Tensor)},
                )
            with autocast(device, dtype):
                loss, _ = diffusion_loss(model, batch, vocab.mask_id, 1e-3, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if ema is not None:
                ema.update(model, step)
            step += 1
            value = float(loss.detach())
            acc, n_acc = acc + value, n_acc + 1
            recent = (recent + [value])[-20:]
            now = time.time()
            out_of_time = bool(budget and now - train_start >= budget)
            if now - last_emit >= 1.0 or step == total or out_of_time or step == 1:
                emit(
                    event="step",
                    step=member[0] * total + step,
                    steps=member[1] * total,
                    loss=round(acc / n_acc, 4),
                    lr=round(lr, 7),
                    epoch=epoch,
                    elapsed=round(now - t0, 2),
                )
                acc, n_acc, last_emit = 0.0, 0, now
            if step >= total or out_of_time:
                total = step  # a time-budget stop ends the run here (the schedule had annealed to it)
                break
        epoch += 1
    if ema is not None:
        model.load_state_dict(ema.merged(model))
    model.eval()
    peak_mem = round(torch.cuda.max_memory_allocated(device) / 2**30, 3) if device.type == "cuda" else None
    return {
        "steps": step,
        "epochs": round(step / per_epoch, 2),
        "final_loss": round(sum(recent) / len(recent), 4),
        "train_seconds": round(time.time() - train_start, 1),
        "device": device_label(device),
        "arithmetic": precision,
        "peak_gpu_mem_gib": peak_mem,
    }
