"""Fine-tune a trainable model package on the workbench's instruction export -> a new model package.

    python -m dnw.package.finetune_package --base PACKAGE_DIR --train TRAIN.jsonl --out OUT_DIR
        [--heldout HELDOUT.jsonl] [--from-scratch] [--epochs E] [--min-steps N] [--max-steps N] [--max-minutes M]
        [--lr LR] [--batch-tokens T] [--seed S] [--threads N] [--name NAME] [--version VERSION]
        [--quantize int8|none] [--device auto|cpu|cuda]
        [--labels LABELS.json [--compare PACKAGE] [--texts TEXTS.txt] [--tokenizer project|base]
         [--init-embeddings cooc|random] [--freeze-vectors] [--pretrain-steps N]]

The base package must carry its weights (manifest `training.checkpoint`, checkpoint.pt; dnw.package.package_checkpoint).
--from-scratch keeps the base's tokenizer, labels and architecture and initialises the weights randomly; with --labels
(a project's own label set) it builds the tokenizer from the project's text (the training texts and --texts) and
initialises the token embeddings from their co-occurrences (dnw.package.project_text).
Objective as dnw.tagger.train: masked diffusion SFT over the aligned canvas (prompt never masked, each slot masked with
probability t ~ U(eps, 1), CE / t), BPE-dropout variants as the base was trained with, AdamW with linear warm-up then
cosine decay that follows the step count or the --max-minutes budget, whichever ends first. Seeded.
--device auto (the default) trains on CUDA when torch sees a GPU, else on the CPU; the start event and the metrics
name the device. The masks are drawn on the CPU either way (dnw.devices), so a seed gives the same masks on both.

stdout carries one JSON object per line (everything else goes to stderr):
  {"event":"start","examples":n,"steps":N,"device":"cuda:0 (NVIDIA H200)"|"cpu", ...}
  {"event":"step","step":i,"steps":N,"loss":x,"elapsed":s}          at most about once a second
  {"event":"phase","phase":"export"}                                 then "evaluate" when --heldout is given
  {"event":"done","package":OUT_DIR,"metrics":{...},"seconds":s}
  {"event":"error","message":"..."}                                   exit code 1 (2: usage, OUT_DIR exists)
The package is built in a hidden sibling folder and renamed to OUT_DIR only when complete: a failed, killed or
cancelled (SIGTERM / SIGINT: exit code 143 / 130, after an error event) run leaves no OUT_DIR.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..orphan import exit_with_parent
from . import training_texts

EXIT_FAILED, EXIT_USAGE = 1, 2
# Defaults (docs/training.md, "Fine-tuning a package"), measured on PhoNER (200 -> 400 -> 2,000 sentences, 2 cores).
# Continuing from a package's weights needs a few passes over the data; a model from scratch needs many more
# updates than a 200-sentence set gives in a few epochs, hence the step floors.
DEFAULTS = {
    "finetune": {"epochs": 3.0, "min_steps": 150, "lr": 5e-4},
    "scratch": {"epochs": 10.0, "min_steps": 600, "lr": 1e-3},
    # A project's own labels from scratch (`workbench train --from scratch`): the tokenizer and the co-occurrence vectors
    # of the project's text give the model a start, and 300 steps scored as 150 did on 50 ViMedNER sentences (at 600
    # a model from 20 documents could not meet the 2 CPU-minutes). 30 epochs beat 10 on ViMedNER (500
    # sentences 0.529 vs 0.443, 1,000: 0.571 vs 0.529): a bigger project gets the longer budget it needs, a run from
    # all 4,573 sentences stays within 20 minutes with export and scoring; bench/RESULTS.md, issue 12.
    # The exported weights are their moving average (0.999, as the embedded model's trainer): 0.577 vs 0.571 at 1,000.
    # Three members as the budget allows: an ensemble of three scored 0.590 against its members' 0.565-0.583 at 1,000
    # sentences. Masked-LM pretraining (--pretrain-steps) stays off: 1,000 steps helped at 100 sentences (0.378 vs
    # 0.350) but took ten minutes; the 124 steps a minute gave left the encoder worse than none (0.282).
    # The same schedule from a trained model (the embedded one is `workbench train`'s default start): its new label
    # rows must move far (lr 1e-3 beat 5e-4), and 30 epochs beat the fine-tune's 3 and 10 at 50-200 ViMedNER sentences.
    "project": {"epochs": 30.0, "min_steps": 300, "lr": 1e-3, "max_minutes": 15.0, "ema": 0.999, "members": 3},
}
MEMBERS_FROM = 100  # by default a smaller project trains one model, not an ensemble (see the members loop)
# The decoding threshold the package ships with is chosen on its held-out sentences when they are this many: a
# project's model trained on thousands of sentences decodes best below the embedded model's 0.9 (ViMedNER, 3,659
# sentences: held-out F1 0.619 at 0.9, 0.644 at 0.8, 0.641 at 0.7), one from 50 at 0.9, and a few dozen held-out
# sentences cannot tell them apart. Candidates in order of preference (a tie keeps the first).
TUNE_FROM = 100
THRESHOLDS = (0.9, 0.8, 0.7)
DEFAULT_MAX_MINUTES = 6.0  # training wall budget: with export and evaluation a round stays well under 10 minutes
DEFAULT_BATCH_TOKENS = 1536
LEXICON_FILE = "lexicon.json"
MIN_LR_RATIO = 0.05  # the cosine ends at 5% of the peak learning rate
SAMPLE_TEXTS = ["Bệnh nhân BN 123 ( nam , 45 tuổi ) trú tại Đà Nẵng .", "Ngày 3/4 ."]


class Cancelled(BaseException):  # not an Exception: the ONNX exporter catches those and carries on
    def __init__(self, signum: int):
        super().__init__(f"cancelled by {signal.Signals(signum).name}")
        self.signum = signum


class Failure(Exception):
    """A refusal or failure reported as an error event; `code` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


class Emitter:
    def __init__(self, stream: TextIO):
        self.stream = stream

    def __call__(self, **event) -> None:
        self.stream.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.stream.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors are reported as events too
        raise Failure(f"usage: {message}", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="python -m dnw.package.finetune_package",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--base", type=Path, required=True, help="the package to start from (must carry checkpoint.pt)")
    ap.add_argument("--train", type=Path, required=True, help="instruction JSONL (workbench export)")
    ap.add_argument("--out", type=Path, required=True, help="the new package folder (must not exist)")
    ap.add_argument("--heldout", type=Path, default=None, help="instruction JSONL scored after export")
    ap.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"the package's decoding threshold (default: the base's; with a --heldout of {TUNE_FROM}+ sentences, "
        f"the best of {', '.join(map(str, THRESHOLDS))} on it)",
    )
    ap.add_argument("--from-scratch", action="store_true", help="random weights, the base's tokenizer and labels")
    ap.add_argument(
        "--epochs",
        type=float,
        default=None,
        help=f"passes over the data (default {DEFAULTS['finetune']['epochs']:g}; from scratch "
        f"{DEFAULTS['scratch']['epochs']:g})",
    )
    ap.add_argument(
        "--min-steps",
        type=int,
        default=None,
        help=f"at least this many steps (default {DEFAULTS['finetune']['min_steps']}; from scratch "
        f"{DEFAULTS['scratch']['min_steps']}; 0 = off)",
    )
    ap.add_argument("--max-steps", type=int, default=0, help="exactly this many steps (overrides epochs)")
    ap.add_argument(
        "--max-minutes",
        type=float,
        default=None,
        help=f"training wall budget, 0 = none (default {DEFAULT_MAX_MINUTES:g}; a project's labels from scratch "
        f"{DEFAULTS['project']['max_minutes']:g})",
    )
    ap.add_argument(
        "--lr",
        type=float,
        default=None,
        help=f"peak learning rate (default {DEFAULTS['finetune']['lr']:g}; from scratch {DEFAULTS['scratch']['lr']:g})",
    )
    ap.add_argument("--batch-tokens", type=int, default=DEFAULT_BATCH_TOKENS, help="padded tokens per step")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="torch/onnxruntime threads (default: min(4, CPUs))")
    ap.add_argument("--name", default=None, help="manifest name (default: the base's)")
    ap.add_argument("--version", default=None, help="manifest version (default: the base's, patch + 1)")
    ap.add_argument(
        "--quantize",
        choices=["int8", "none"],
        default=None,
        help="graph weights (default: int8 when the base graph is int8)",
    )
    ap.add_argument("--device", default="auto", help="auto (CUDA when torch sees it, else CPU), cpu, cuda, cuda:N")
    ap.add_argument(
        "--precision",
        choices=["auto", "bf16", "fp32"],
        default="auto",
        help="training arithmetic: auto = bfloat16 autocast where the hardware has it (AMX CPUs, CUDA), else float32",
    )
    ap.add_argument(
        "--labels",
        type=Path,
        default=None,
        help="a project's own label set, JSON {labels: [...], map: {model label: project label}, indexed: "
        "true when the data names them _0, _1, ...}: the output vocabulary is rebuilt for it "
        "(dnw.package.project_labels), the base's weights carried over (or fresh with --from-scratch)",
    )
    ap.add_argument(
        "--texts",
        type=Path,
        default=None,
        help="the project's text, annotated or not (UTF-8, one text per line): with --labels and --from-scratch it "
        "builds the tokenizer and initialises the token embeddings (dnw.package.project_text)",
    )
    ap.add_argument(
        "--lexicon",
        type=Path,
        default=None,
        help="the lexicon of the training documents (the workbench's lexicon file, core/lexicon/lexicon-file.ts): "
        "copied into the package, whose engine fills the model's gaps with its matches (core/lexicon/fill.ts)",
    )
    ap.add_argument(
        "--tokenizer",
        choices=["project", "base"],
        default=None,
        help="from scratch with --labels: a tokenizer built from the project's text (training + --texts; the default), "
        "or the base's",
    )
    ap.add_argument(
        "--init-embeddings",
        choices=["cooc", "random"],
        default=None,
        help="from scratch with --labels: token embeddings from the co-occurrences in the project's text (the "
        "default), or random",
    )
    ap.add_argument(
        "--freeze-vectors",
        action="store_true",
        help="with --init-embeddings cooc: the co-occurrence vectors stay as computed while training on labels (the "
        "token's own embedding still learns), so words no annotated sentence holds stay next to those it does",
    )
    ap.add_argument(
        "--pretrain-steps",
        type=int,
        default=None,
        help="from scratch with --labels: masked-LM steps on the project's text before the labels (0 = none)",
    )
    ap.add_argument(
        "--pretrain-minutes",
        type=float,
        default=None,
        help="a wall cap for those steps (0 = none); they count in the --max-minutes budget",
    )
    ap.add_argument(
        "--ema",
        type=float,
        default=None,
        help="decay of the moving average of the weights that is exported instead of the last step's (0 = off; "
        "default: on for a project's model from scratch)",
    )
    ap.add_argument(
        "--members",
        type=int,
        default=None,
        help="from scratch: train up to this many models (seeds SEED, SEED+1, ...) one after another, another only "
        "while the rest of the budget fits one, and export them as one ensemble whose graph averages their "
        "probabilities (default 1)",
    )
    ap.add_argument("--dropout", type=float, default=None, help="dropout while training (default: the base's)")
    ap.add_argument(
        "--word-dropout",
        type=float,
        default=None,
        help="share of tokens whose identity is hidden while training, their shape kept (default: the base's)",
    )
    ap.add_argument(
        "--compare",
        type=Path,
        default=None,
        help="a package (the active model) scored on the same --heldout, its labels read through --labels' map",
    )
    return ap


def next_version(version: str) -> str:
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(.*)", version)
    if m:
        return f"{m[1]}.{m[2]}.{int(m[3]) + 1}"
    return f"{version}-ft" if version else "0.1.0"


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
    model, vocab, prepared, args, emit: Emitter, seed: int, t0: float, n_examples: int, device=None, member=(0, 1)
) -> dict:
    """The masked diffusion SFT loop of dnw.tagger.train, single process, sized to the data and the time budget, on
    `device` (the model is moved there and left there). `member` (i, n): the i-th of n members of an ensemble, trained
    one after another; progress counts the steps of all of them."""
    import dataclasses

    import torch

    from ..devices import autocast, device_label, mixed_precision

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
    opt = torch.optim.AdamW(model.parameters(), lr=peak, betas=(0.9, 0.98), weight_decay=0.01)
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
                batch = dataclasses.replace(
                    batch,
                    **{f.name: getattr(batch, f.name).to(device, non_blocking=True) for f in dataclasses.fields(batch)},
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


def _description(base: dict, n: int, scratch: bool) -> str:
    text = re.sub(
        r"\s*(Fine-tuned from|Trained from scratch with the tokenizer of) .*$", "", base.get("description", "")
    ).strip()
    base_id = f"{base.get('name')} {base.get('version')}"
    note = (
        f"Trained from scratch with the tokenizer of {base_id} on {n} workbench sentences."
        if scratch
        else f"Fine-tuned from {base_id} on {n} workbench sentences."
    )
    return f"{text} {note}".strip()


def _model_card(out: Path, manifest: dict, prov: dict, metrics: dict) -> None:
    lines = [
        f"# {manifest['name']} {manifest['version']}",
        "",
        manifest.get("description", ""),
        "",
        'Built by `python -m dnw.package.finetune_package` (docs/training.md, "Fine-tuning a package").',
        "",
        "| | |",
        "|---|---|",
        f"| base | {prov['base']['name']} {prov['base']['version']}{' (architecture and tokenizer only: from scratch)' if prov['fromScratch'] else ''} |",
        f"| training data | {prov['trainFile']}: {prov['trainExamples']} examples |",
        f"| steps / epochs | {prov['steps']} / {prov['epochs']} (lr {prov['lr']}, {prov['batchTokens']} tokens a step, seed {prov['seed']}) |",
        f"| final training loss | {prov['finalLoss']} |",
        f"| graph | {prov['quantization']} |",
    ]
    if prov.get("members", 1) > 1:
        lines.append(f"| members | {prov['members']} models (seeds {prov['seed']}…), their probabilities averaged |")
    if "f1" in metrics:
        lines.append(
            f"| held-out ({prov['heldoutFile']}, {metrics['heldout_examples']} sentences) | nested micro "
            f"P {metrics['precision']:.4f} R {metrics['recall']:.4f} F1 {metrics['f1']:.4f}; flat F1 "
            f"{metrics['flat_f1']:.4f} |"
        )
    if "lexicon" in manifest:
        lines.append(
            f"| lexicon | {manifest['lexicon']['file']}: the training documents' exact matches fill the model's gaps "
            "in the workbench's engine (core/lexicon/fill.ts); the held-out numbers are the graph's alone |"
        )
    lines += [
        "",
        "Held-out numbers use the manifest's sampler defaults (threshold decoding, temperature 0"
        + (
            f"; the threshold {metrics['threshold']} chosen on these sentences among "
            + ", ".join(f"{t} (F1 {f})" for t, f in metrics["thresholds"].items())
            if "thresholds" in metrics
            else ""
        )
        + "). The training data is the user's annotation; it is not part of the package.",
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def _read_label_file(path: Path) -> dict:
    from .project_labels import escape_label

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = data["labels"]
        mapping = data.get("map") or {}
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x.strip() for x in labels):
            raise ValueError("labels must be a non-empty list of names")
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ValueError("map must be an object of model label -> project label")
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise Failure(f"--labels {path}: {e}", EXIT_USAGE) from None
    if len(set(labels)) != len(labels) or len({escape_label(x) for x in labels}) != len(labels):
        raise Failure(f"--labels {path}: label names must be distinct", EXIT_USAGE)
    return {
        "labels": list(labels),
        "escaped": [escape_label(x) for x in labels],
        "map": {k: v for k, v in mapping.items() if v in labels},
        "indexed": list(labels) if data.get("indexed") else None,
    }


def score_package(
    package: Path, heldout: list, project: dict | None, threshold: float, max_steps: int, threads: int
) -> dict:
    """Nested micro P/R/F1 of another package (the active model) on the same held-out records, decoded with the labels
    that land on the project's and read through the project's map (as the engine pre-annotates for the project);
    {"error": why} when it cannot be scored here (no trainable weights, not an aligned canvas)."""
    from ..graph_export import session_for
    from ..tagger.data import Counts, Record
    from ..tagger.decode import decode_items
    from ..tagger.encode import encode_record
    from .export import lower_case_in_place, sampler_for, schema_for
    from .package_checkpoint import PackageError, load_package
    from .project_labels import escape_label, unescape_label

    try:
        _, vocab, _, _, manifest = load_package(package)
    except PackageError as e:
        return {"error": str(e)}
    mapping = project["map"] if project else {}
    names = set(project["escaped"]) if project else None

    def to_project(label: str) -> str | None:
        plain = unescape_label(label)
        target = escape_label(mapping.get(plain, plain))
        return target if names is None or target in names else None

    # Decoded with only the labels that land on the project's, as their schema says (sampler settings, lower case),
    # as the engine pre-annotates for the project (none landing: all of them, as the engine does too).
    landing = {lab for lab in vocab.entity_labels if to_project(lab) is not None}
    plain = [unescape_label(lab) for lab in landing] if landing else None
    m = sampler_for(manifest, plain)
    if (schema_for(manifest, plain) or {}).get("lowercase"):
        heldout = [Record(lower_case_in_place(r.text), r.spans) for r in heldout]
    items = [encode_record(r, vocab, "aligned") for r in heldout]
    preds, _ = decode_items(
        None,
        vocab,
        items,
        "aligned",
        float(m.get("threshold", threshold)),
        int(m.get("steps", max_steps)),
        8192,
        session_for(package / manifest["graph"]["file"], threads),
        labels=landing or None,
    )
    counts = Counts()
    for it, pred in zip(items, preds):
        mapped = [(s, e, to_project(lab)) for s, e, lab in pred]
        counts.add(it.record.spans, [(s, e, lab) for s, e, lab in mapped if lab is not None])
    n = counts.report()
    return {
        "package": f"{manifest.get('name')} {manifest.get('version')}",
        "precision": round(n["precision"], 4),
        "recall": round(n["recall"], 4),
        "f1": round(n["f1"], 4),
    }


def compare_active(
    package: Path,
    heldout: list,
    trained_on: set,
    score_new: Callable[[list], dict],
    project: dict | None,
    threshold: float,
    max_steps: int,
    threads: int,
) -> dict:
    """The active model scored against the new one (`score_new(indices)`: its evaluate_items report on those held-out
    records) on the held-out documents neither of them trained on, as far as their training texts are listed (a refit
    version trained on the held-out fifth; the embedded model on the corpus a project may import): a model scored on
    its own training data looks better than it is. `documents` and `seen` say how many were scored and left out;
    `newF1` is the new version's score on the same documents. Every held-out document seen: no scores, an error."""
    try:
        manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    known = (training_texts.read(package, manifest) or set()) | trained_on
    keep = [i for i, r in enumerate(heldout) if not training_texts.seen(r.text, known)]
    if len(keep) == len(heldout):
        return score_package(package, heldout, project, threshold, max_steps, threads)
    counts = {"documents": len(keep), "seen": len(heldout) - len(keep)}
    if not keep:
        return {**counts, "error": f"it or the new version trained on all {len(heldout)} held-out documents"}
    active = score_package(package, [heldout[i] for i in keep], project, threshold, max_steps, threads)
    return {**active, **counts, "newF1": round(score_new(keep)["nested"]["f1"], 4)}


def _prepare_from_text(model, vocab, texts: list[str], args, emit: Emitter, seed: int, device) -> None:
    """What a fresh model learns from the project's text before its labels (dnw.package.project_text)."""
    import torch

    from .project_text import cooccurrence_embeddings, pretrain_masked

    if args.init_embeddings == "cooc":
        vec, known = cooccurrence_embeddings(vocab, texts, model.cfg.d_model, seed=seed)
        with torch.no_grad():
            # The case-folded table carries the vectors ("Viêm" reads the row of "viêm"); the token's own row starts
            # at zero and learns what case adds.
            table = model.lower if model.lower is not None else model.tok
            table.weight[known] = vec[known]
            if model.lower is not None:
                model.tok.weight[known] = 0.0
        emit(event="init", embeddings="cooc", known=int(known.sum()), vocab=vocab.size)
    if args.pretrain_steps > 0:

        def progress(step: int, steps: int, loss: float) -> None:
            if step == 1 or step == steps or step % 25 == 0:
                emit(event="pretrain", step=step, steps=steps, loss=round(loss, 4))

        from ..devices import mixed_precision

        stats = pretrain_masked(
            model,
            vocab,
            texts,
            args.pretrain_steps,
            args.lr,
            args.batch_tokens,
            seed,
            on_step=progress,
            max_seconds=args.pretrain_minutes * 60,
            device=device,
            dtype=mixed_precision(device, args.precision),
        )
        emit(event="pretrain", **stats)
    if args.freeze_vectors and args.init_embeddings == "cooc":
        (model.lower if model.lower is not None else model.tok).weight.requires_grad_(False)


def _as_the_engine_reads(base: dict, records: list, heldout: list) -> tuple[list, list]:
    """The records lower-cased when their labels all lie in one of the base's schemas learnt from lower-case text:
    the engine reads a project's text lower-cased for those labels (core/model-package/manifest.ts schemaFor), so the
    fine-tune learns from the text as it will be read."""
    from ..tagger.data import Record
    from .export import lower_case_in_place, schema_for
    from .project_labels import unescape_label

    used = {unescape_label(lab) for r in [*records, *heldout] for *_, lab in r.spans}
    if not used or not (schema_for(base, sorted(used)) or {}).get("lowercase"):
        return records, heldout

    def lower(part: list) -> list:
        return [Record(lower_case_in_place(r.text), r.spans) for r in part]

    return lower(records), lower(heldout)


def _set_regularisation(model, dropout: float | None, word_dropout: float | None) -> None:
    """Overrides of the base's dropout and word dropout (training only: both are off in the exported graph)."""
    import torch

    if dropout is not None:
        model.cfg.dropout = dropout
        for m in model.modules():
            if isinstance(m, torch.nn.Dropout):
                m.p = dropout
    if word_dropout is not None:
        model.cfg.word_dropout = word_dropout


def _clean_stale_partials(out: Path) -> None:
    """Removes hidden build folders that a killed run (SIGKILL) left next to OUT_DIR."""
    for p in out.parent.glob(f".{out.name}.partial-*"):
        try:
            pid = int(p.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except (ValueError, PermissionError, OSError):
            pass


def run(args, emit: Emitter, on_commit: Callable[[], None] = lambda: None) -> dict:
    t0 = time.time()
    out: Path = args.out.resolve() if not args.out.is_absolute() else args.out
    if out.exists():
        raise Failure(f"{args.out} already exists; choose a new folder for the package", EXIT_USAGE)
    if not out.parent.is_dir():
        raise Failure(f"{out.parent} does not exist", EXIT_USAGE)
    _clean_stale_partials(out)
    for flag, path in (
        ("--base", args.base),
        ("--train", args.train),
        ("--heldout", args.heldout),
        ("--lexicon", args.lexicon),
    ):
        if path is not None and not path.exists():
            raise Failure(f"{flag} {path} does not exist", EXIT_USAGE)
    project_scratch = args.labels is not None and args.from_scratch
    # What beat the embedded tokenizer and random weights on ViMedNER (bench/RESULTS.md, issue 12): the project's own.
    if args.tokenizer is None:
        args.tokenizer = "project" if project_scratch else "base"
    if args.init_embeddings is None:
        args.init_embeddings = "cooc" if project_scratch else "random"
    mode = DEFAULTS["project" if args.labels is not None else "scratch" if args.from_scratch else "finetune"]
    for key in ("epochs", "min_steps", "lr"):
        if getattr(args, key) is None:
            setattr(args, key, mode[key])
    explicit_members = args.members is not None
    for key, off in (("ema", 0.0), ("pretrain_steps", 0), ("pretrain_minutes", 0.0), ("members", 1)):
        if getattr(args, key) is None:  # what only some modes turn on
            setattr(args, key, mode.get(key, off))
    if args.pretrain_steps < 0 or args.pretrain_minutes < 0:
        raise Failure("usage: --pretrain-steps and --pretrain-minutes must be >= 0", EXIT_USAGE)
    if args.members < 1 or (args.members > 1 and not (args.from_scratch or args.labels is not None)):
        raise Failure("usage: --members must be >= 1, and more than one needs --from-scratch or --labels", EXIT_USAGE)
    if args.max_minutes is None:
        args.max_minutes = mode.get("max_minutes", DEFAULT_MAX_MINUTES)
    if (
        args.batch_tokens < 64
        or args.epochs <= 0
        or args.max_steps < 0
        or args.min_steps < 0
        or args.max_minutes < 0
        or args.lr <= 0
    ):
        raise Failure("usage: --batch-tokens must be >= 64, --epochs and --lr > 0, steps and minutes >= 0", EXIT_USAGE)

    import torch

    threads = args.threads or min(4, os.cpu_count() or 1)
    args.threads = threads
    torch.set_num_threads(threads)
    from .finetune_data import DataError, check_labels, encode_training, read_training_jsonl
    from .package_checkpoint import PackageError, load_package

    try:
        model, vocab, cfg, meta, base = load_package(args.base)
    except PackageError as e:
        raise Failure(str(e)) from None
    base_id = f"{base.get('name')} {base.get('version')}"
    project = _read_label_file(args.labels) if args.labels is not None else None
    try:
        records, lines = read_training_jsonl(args.train)
        if not records:
            raise DataError(f"{args.train}: no examples")
        known = project["escaped"] if project else vocab.entity_labels
        if project:
            from .project_labels import escape_records

            records = escape_records(records, project["indexed"])
        check_labels(records, lines, args.train, known, base_id if not project else "(the project's label set)")
        heldout = []
        if args.heldout is not None:
            heldout, hl = read_training_jsonl(args.heldout)
            if project:
                heldout = escape_records(heldout, project["indexed"])
            check_labels(heldout, hl, args.heldout, known, base_id if not project else "(the project's label set)")
    except DataError as e:
        raise Failure(str(e)) from None
    if not project:
        records, heldout = _as_the_engine_reads(base, records, heldout)
    # What this package will have learnt from: its base's training texts (unless its weights start from random) and
    # its own. None of the base's: unknown, so the list is incomplete.
    base_texts = None if args.from_scratch else training_texts.read(args.base, base)
    trained_on = (base_texts or set()) | training_texts.fingerprints(r.text for r in records)

    from ..devices import resolve_device

    try:
        device = resolve_device(args.device)
    except (RuntimeError, ValueError) as e:
        raise Failure(str(e), EXIT_USAGE) from None
    seed = args.seed
    random.seed(seed)
    torch.manual_seed(seed)
    base_vocab = vocab
    base_model = model
    sources: dict = {}
    n_texts = 0
    texts: list[str] = []
    if project:
        from .project_labels import build_vocab, transfer

        source_vocab = base_vocab
        texts = [r.text for r in records]
        if args.texts is not None:
            from .project_text import TextError, read_texts

            try:
                texts += read_texts(args.texts)
            except TextError as e:
                raise Failure(str(e)) from None
        n_texts = len(texts)
        if args.from_scratch and args.tokenizer == "project":
            from .project_text import text_vocab

            source_vocab = text_vocab(texts)
        vocab = build_vocab(source_vocab, project["escaped"], records)
    from ..tagger.ensemble import assemble, members_of

    if args.from_scratch:

        def fresh(i: int):
            """Member i from random weights (seed + i), and from the project's text when there is a project."""
            torch.manual_seed(seed + i)
            first = members_of(base_model)[0]
            if not project:
                return type(first)(first.cfg, first.lower_ids.tolist(), first.shape_ids.tolist())
            m, _ = transfer(first, source_vocab, vocab, project["map"], scratch=True)
            _prepare_from_text(m, vocab, texts, args, emit, seed + i, device)
            return m

        started = time.time()
        members = [fresh(0)]
        prepared_in = time.time() - started  # its pretraining counts in the budget
    else:
        prepared_in = 0.0
        if project:
            model, sources = transfer(model, source_vocab, vocab, project["map"])
        members = members_of(model)
        if project and len(members) == 1:
            # One model moved onto the project's labels: more members start from the same weights, with other seeds
            # (data order, masks, dropout), as the budget allows.
            start = copy.deepcopy(members[0])

            def fresh(i: int):
                return copy.deepcopy(start)

    dc = cfg.get("data", {})
    prepared = encode_training(records, vocab, float(dc.get("bpe_dropout", 0.0)), int(dc.get("bpe_variants", 1)), seed)
    if prepared.dropped_levels:
        print(
            f"note: {prepared.dropped_levels} tokens carry a nesting stack the label set lacks; trained on their "
            f"outer levels",
            file=sys.stderr,
        )
    if not prepared.variants:
        raise Failure(f"{args.train}: every example's text is empty")
    # Members train one after another. A continued ensemble shares the budget out among its members. A growing one
    # (from scratch, or one model moved onto a project's labels) gives the first all of it, and another follows while
    # what is left fits the time the first took (pretraining included): a large project gets one model that finished
    # its epochs, a smaller one up to --members. By default a project under MEMBERS_FROM sentences gets one: its
    # first model must come within two minutes.
    budget, runs, spent = args.max_minutes * 60, [], [prepared_in]
    grows = args.from_scratch or (project and len(members) == 1)  # members added one by one, as the budget allows
    n = args.members if grows else len(members)
    for i in range(n):
        if i and grows:
            reason = None
            if not explicit_members and len(records) < MEMBERS_FROM:
                reason = f"fewer than {MEMBERS_FROM} training sentences: one model, so that it comes fast"
            elif budget and budget - sum(spent) < spent[0]:
                reason = "the rest of the budget would not fit another"
            if reason:
                emit(event="members", trained=i, planned=n, reason=reason)
                break
        if i:
            spent.append(0.0)
        started = time.time()
        if i == len(members):
            members.append(fresh(i))
        left = budget - sum(spent) - (time.time() - started)
        share = left / (n - i if not grows else 1) / 60 if budget else 0.0
        _set_regularisation(members[i], args.dropout, args.word_dropout)
        m_args = argparse.Namespace(**{**vars(args), "max_minutes": max(share, 1e-3) if budget else 0.0})
        runs.append(train_model(members[i], vocab, prepared, m_args, emit, seed + i, t0, len(records), device, (i, n)))
        members[i].cpu()  # the ONNX export and the saved checkpoint are built from CPU tensors
        spent[i] += time.time() - started
    model = assemble(members)
    stats = {
        **runs[0],
        "steps": sum(r["steps"] for r in runs),
        "epochs": round(sum(r["epochs"] for r in runs) / len(runs), 2),
        "final_loss": round(sum(r["final_loss"] for r in runs) / len(runs), 4),
        "train_seconds": round(sum(r["train_seconds"] for r in runs), 1),
    }

    emit(event="phase", phase="export", elapsed=round(time.time() - t0, 2))
    from ..graph_export import session_for
    from .export import (
        export_onnx,
        is_int8_graph,
        manifest_for,
        quantize,
        sampler_defaults,
        without_schema_thresholds,
        write_package,
    )

    base_graph = args.base / base["graph"]["file"]
    q = args.quantize or ("int8" if is_int8_graph(base_graph) else "none")
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        work = tmp / "_work"
        graph = export_onnx(model, vocab, work, int(base["head"]["topK"]), SAMPLE_TEXTS)
        if q == "int8":
            quantize(graph, work / "model.int8.onnx")
            graph = work / "model.int8.onnx"
        sampler = dict(base.get("sampler") or sampler_defaults(0.9, 8))
        max_steps = int(sampler.get("steps", 8))
        threshold = args.threshold if args.threshold is not None else float(sampler.get("threshold", 0.9))
        metrics = {
            "train_examples": len(records),
            "steps": stats["steps"],
            "epochs": stats["epochs"],
            "final_loss": stats["final_loss"],
            "train_seconds": stats["train_seconds"],
            "device": stats["device"],
            # The training dtype; "precision" is the held-out score's, below.
            "arithmetic": stats["arithmetic"],
        }
        evaluation = []
        if heldout:
            emit(event="phase", phase="evaluate", elapsed=round(time.time() - t0, 2))
            from ..tagger.encode import encode_record
            from ..tagger.evaluate import evaluate_items

            items = [encode_record(r, vocab, "aligned") for r in heldout]
            session = session_for(graph, threads)

            def score(t: float, part: list = items) -> dict:
                return evaluate_items(None, vocab, part, "aligned", t, None, max_steps, session=session)

            if args.threshold is None and len(items) >= TUNE_FROM:
                tried = {t: score(t) for t in THRESHOLDS}
                threshold = max(THRESHOLDS, key=lambda t: (tried[t]["nested"]["f1"], -THRESHOLDS.index(t)))
                metrics["thresholds"] = {str(t): round(r["nested"]["f1"], 4) for t, r in tried.items()}
                rep = tried[threshold]
            else:
                rep = score(threshold)
            sampler["threshold"] = threshold
            n = rep["nested"]
            metrics.update(
                {
                    "heldout_examples": len(items),
                    # held-out records it or its bases trained on: its score there flatters it
                    "heldout_seen": sum(training_texts.seen(r.text, trained_on) for r in heldout),
                    "precision": round(n["precision"], 4),
                    "recall": round(n["recall"], 4),
                    "f1": round(n["f1"], 4),
                    "flat_f1": round(rep["flat_f1"], 4),
                    "per_label": {
                        k: {
                            m: round(v[m], 4) if isinstance(v[m], float) else v[m]
                            for m in ("precision", "recall", "f1", "tp", "fp", "fn")
                        }
                        for k, v in n["per_label"].items()
                    },
                }
            )
            if project:
                from .project_labels import unescape_label

                metrics["per_label"] = {unescape_label(k): v for k, v in metrics["per_label"].items()}
            if args.compare is not None:
                metrics["compare"] = compare_active(
                    args.compare,
                    heldout,
                    trained_on,
                    lambda keep: score(threshold, [items[i] for i in keep]),
                    project,
                    threshold,
                    max_steps,
                    threads,
                )
            date = time.strftime("%Y-%m-%d")
            evaluation = [
                {
                    "dataset": f"{args.heldout.name} ({len(items)} held-out)",
                    "split": "heldout",
                    "metric": metric,
                    "value": metrics[key],
                    "sampler": sampler,
                    "date": date,
                }
                for metric, key in (
                    ("nested micro-F1", "f1"),
                    ("nested micro-precision", "precision"),
                    ("nested micro-recall", "recall"),
                    ("flat micro-F1", "flat_f1"),
                )
            ]
        metrics["threshold"] = threshold
        prev = base.get("provenance") or {}
        lineage = list(prev.get("lineage", [])) + [
            {"name": base.get("name"), "version": base.get("version"), "builder": prev.get("builder")}
        ]
        prov = {
            "builder": "dnw.finetune_package",
            "base": {"name": base.get("name"), "version": base.get("version")},
            "lineage": lineage,
            "fromScratch": bool(args.from_scratch),
            "trainFile": args.train.name,
            "trainExamples": len(records),
            "heldoutFile": args.heldout.name if args.heldout else None,
            "steps": stats["steps"],
            "epochs": stats["epochs"],
            "members": len(members),
            "lr": args.lr,
            "batchTokens": args.batch_tokens,
            "seed": seed,
            "finalLoss": stats["final_loss"],
            "trainSeconds": stats["train_seconds"],
            "baseEvaluation": base.get("evaluation", []),
            "quantization": "int8 dynamic (MatMul, Gather; per-channel weights)" if q == "int8" else "none",
            "model": {k: v for k, v in cfg.get("model", {}).items()},
        }
        prov["trainingTexts"] = training_texts.write(
            tmp, trained_on, complete=args.from_scratch or base_texts is not None
        )
        if project_scratch:
            prov["projectText"] = {
                "texts": n_texts,
                "tokenizer": args.tokenizer,
                "initEmbeddings": args.init_embeddings,
                "freezeVectors": bool(args.freeze_vectors),
                "pretrainSteps": args.pretrain_steps,
                "ema": args.ema,
            }
        manifest = manifest_for(
            args.name or base.get("name", "dnw-finetuned"),
            vocab,
            cfg,
            int(base["head"]["topK"]),
            threshold,
            max_steps,
            evaluation,
            prov,
            version=args.version or next_version(str(base.get("version", ""))),
            description=_description(base, len(records), args.from_scratch),
        )
        # What the engine must know is the base's (prompt, tokens, maxLength, sampler): keep those exactly.
        for key in ("tokens", "shiftedLogits", "maxLength", "prompt", "output", "head", "sampler"):
            if key in base and not (project and key == "output"):
                manifest[key] = base[key]
        if "sampler" in manifest:
            manifest["sampler"] = {**manifest["sampler"], "threshold": threshold}
        if args.threshold is not None or "thresholds" in metrics:
            manifest["output"] = without_schema_thresholds(manifest["output"])
        tok_path = args.base / base.get("tokenizer", "tokenizer.json")
        if project:
            manifest["output"] = {"format": "aligned-bio", "labels": project["labels"]}
            prov["projectLabels"] = {
                "labels": project["labels"],
                "map": project["map"],
                "initialisedFrom": {k: v for k, v in sources.items()},
            }
            tok_path = work / "tokenizer.json"
            vocab.tokenizer.save(str(tok_path))
        if args.lexicon is not None:
            manifest["lexicon"] = {"file": LEXICON_FILE}
        manifest = write_package(
            tmp,
            graph,
            tok_path,
            manifest,
            model,
            vocab,
            cfg,
            {
                "builder": "dnw.finetune_package",
                "base": base_id,
                "fromScratch": bool(args.from_scratch),
                "examples": len(records),
                "steps": stats["steps"],
            },
        )
        for extra in ("tokenizer_config.json",):
            if (args.base / extra).exists():
                shutil.copy(args.base / extra, tmp / extra)
        if args.lexicon is not None:
            shutil.copy(args.lexicon, tmp / LEXICON_FILE)
        shutil.rmtree(work)
        _model_card(tmp, manifest, prov, metrics)
        if out.exists():
            raise Failure(f"{args.out} appeared while training; the new package was not written", EXIT_USAGE)
        on_commit()  # from here on a SIGTERM no longer cancels: the package is complete
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seconds = round(time.time() - t0, 1)
    emit(event="done", package=str(args.out), metrics=metrics, seconds=seconds)
    return metrics


def main(argv: list[str] | None = None, stream: TextIO | None = None) -> int:
    """Runs the CLI; returns the exit code. Without `stream` (the command line) fd 1 is kept for the events and
    everything else written to stdout (libraries, the ONNX exporter) is sent to stderr."""
    if stream is None:
        exit_with_parent()  # a killed workbench leaves no fine-tune training on
        stream = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    emit = Emitter(stream)
    cancelled: list[int] = []
    committed: list[bool] = []

    def on_signal(signum, _frame):
        # A second signal must not interrupt the clean-up of the first; once the package is being renamed into
        # place the run finishes (with its done event) rather than leave a package behind an error.
        if not cancelled and not committed:
            cancelled.append(signum)
            raise Cancelled(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        args = build_parser().parse_args(argv)

        def commit() -> None:
            if cancelled:  # a signal whose exception some library swallowed still cancels
                raise Cancelled(cancelled[0])
            committed.append(True)

        run(args, emit, on_commit=commit)
        return 0
    except Failure as e:
        emit(event="error", message=str(e))
        print(f"error: {e}", file=sys.stderr)
        return e.code
    except Cancelled as e:
        emit(event="error", message=str(e))
        return 128 + e.signum
    except SystemExit as e:  # --help
        return int(e.code or 0)
    except Exception as e:  # noqa: BLE001 - anything else still ends in an error event
        import traceback

        traceback.print_exc(file=sys.stderr)
        emit(event="error", message=f"{type(e).__name__}: {e}")
        return EXIT_FAILED
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


if __name__ == "__main__":
    sys.exit(main())
