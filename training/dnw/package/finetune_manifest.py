"""What a package built by dnw.package.finetune_package says about itself: its manifest (the base's settings the
engine relies on, the project's labels, the threshold chosen), its provenance and its model card."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .export import manifest_for, without_schema_thresholds

LEXICON_FILE = "lexicon.json"
PRIOR_FILE = "crf.json"


def next_version(version: str) -> str:
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(.*)", version)
    if m:
        return f"{m[1]}.{m[2]}.{int(m[3]) + 1}"
    return f"{version}-ft" if version else "0.1.0"


def description(base: dict, n: int, scratch: bool) -> str:
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


def provenance(args: argparse.Namespace, base: dict, cfg: dict, stats: dict, n_records: int, quantization: str) -> dict:
    """The manifest's `provenance`: the base and its lineage, the data, the schedule the run trained with."""
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
        "trainExamples": n_records,
        "heldoutFile": args.heldout.name if args.heldout else None,
        "steps": stats["steps"],
        "epochs": stats["epochs"],
        "members": stats["members"],
        "lr": args.lr,
        "batchTokens": args.batch_tokens,
        "seed": args.seed,
        "finalLoss": stats["final_loss"],
        "trainSeconds": stats["train_seconds"],
        "baseEvaluation": base.get("evaluation", []),
        "quantization": "int8 dynamic (MatMul, Gather; per-channel weights)" if quantization == "int8" else "none",
        "model": {k: v for k, v in cfg.get("model", {}).items()},
    }
    return prov


def new_manifest(
    args: argparse.Namespace,
    base: dict,
    cfg: dict,
    vocab,
    prov: dict,
    evaluation: list,
    metrics: dict,
    max_steps: int,
    project: dict | None,
) -> dict:
    """The new package's manifest: the base's, with the project's labels when it has them and the threshold chosen."""
    threshold = metrics["threshold"]
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
        description=description(base, metrics["train_examples"], args.from_scratch),
    )
    # What the engine must know is the base's (prompt, tokens, maxLength, sampler): keep those exactly.
    for key in ("tokens", "shiftedLogits", "maxLength", "prompt", "output", "head", "sampler"):
        if key in base and not (project and key == "output"):
            manifest[key] = base[key]
    if "sampler" in manifest:
        # the threshold and recheck chosen for this package, not its base's
        sampler = {k: v for k, v in manifest["sampler"].items() if k != "recheck"}
        manifest["sampler"] = {
            **sampler,
            "threshold": threshold,
            **({"recheck": r} if (r := metrics.get("recheck")) else {}),
        }
    if args.threshold is not None or "thresholds" in metrics:
        manifest["output"] = without_schema_thresholds(manifest["output"])
    if project:
        manifest["output"] = {"format": "aligned-bio", "labels": project["labels"]}
    if args.lexicon is not None:
        manifest["lexicon"] = {"file": LEXICON_FILE}
    return manifest


def model_card(out: Path, manifest: dict, prov: dict, metrics: dict) -> None:
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
    if "prior" in manifest:
        lines.append(
            f"| word prior | {manifest['prior']['file']}: a CRF over the words, trained on the same documents, "
            f"multiplied into each denoising step with weight {manifest['prior']['weight']} (core/sampler/prior.ts); "
            + (
                "held-out F1 by weight: " + ", ".join(f"{w}: {f}" for w, f in metrics["prior_weights"].items())
                if "prior_weights" in metrics
                else "the weight given (--prior-weight)"
                if prov.get("priorWeight") == "given"
                else "the default weight: too few held-out sentences to choose one"
            )
            + " |"
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
        + (
            f"; recheck {metrics['recheck']}: once a canvas is full, the slots committed below that probability are "
            "decided again"
            if metrics.get("recheck")
            else ""
        )
        + (
            " (held-out F1 without and with it: " + ", ".join(f"{r}: {f}" for r, f in metrics["rechecks"].items()) + ")"
            if "rechecks" in metrics
            else ""
        )
        + "). The training data is the user's annotation; it is not part of the package.",
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
