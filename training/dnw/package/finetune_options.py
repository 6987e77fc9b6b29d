"""The fine-tune's command line (dnw.package.finetune_package): its options, their defaults for each kind of run, the
checks on them, and the project's label file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .finetune_heldout import DEFAULT_PRIOR_WEIGHT, THRESHOLDS, TUNE_FROM

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
    # Dropout off: on all 4,573 ViMedNER sentences in the 15 minutes, 0.676 without it against 0.663 with 0.1 (bf16
    # both): its random masks took a third of a bf16 step on a 2-core CPU, so the run got 37 % more steps. At 100
    # sentences 0.410 against 0.409, at 1,000 0.604 against 0.599 (three members fit the budget instead of two).
    "project": {
        "epochs": 30.0,
        "min_steps": 300,
        "lr": 1e-3,
        "max_minutes": 15.0,
        "ema": 0.999,
        "members": 3,
        "dropout": 0.0,
    },
}
DEFAULT_MAX_MINUTES = 6.0  # training wall budget: with export and evaluation a round stays well under 10 minutes
DEFAULT_BATCH_TOKENS = 1536


class Failure(Exception):
    """A refusal or failure reported as an error event; `code` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors are reported as events too
        raise Failure(f"usage: {message}", EXIT_USAGE)


def build_parser(usage: str) -> argparse.ArgumentParser:
    """The options, described by `usage` (the command's own docstring)."""
    ap = _Parser(
        prog="python -m dnw.package.finetune_package",
        description=usage,
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
        "--prior",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --labels: train a CRF over the words beside the model and ship it as the denoising steps' word "
        f"prior, its weight chosen on {TUNE_FROM}+ held-out sentences, else {DEFAULT_PRIOR_WEIGHT} (dnw.crf; default on)",
    )
    ap.add_argument(
        "--prior-weight",
        type=float,
        default=None,
        help="with --labels: ship the word prior with this weight, not one chosen on held-out sentences (the "
        "workbench's refit on every document keeps the scored run's)",
    )
    ap.add_argument(
        "--recheck",
        type=float,
        default=None,
        help="decode with this recheck (the engine's second look at slots committed below it; 0: none), not one "
        "chosen on held-out sentences (the workbench's refit on every document keeps the scored run's)",
    )
    ap.add_argument(
        "--tokenizer",
        choices=["project", "base", "extend"],
        default=None,
        help="from scratch with --labels: a tokenizer built from the project's text (training + --texts; the default), "
        "or the base's; from the base's weights with --labels: the base's extended with the project's words it splits "
        "(dnw.package.project_labels.extend_tokenizer; the default), or the base's as it is",
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
    ap.add_argument(
        "--dropout",
        type=float,
        default=None,
        help="dropout while training (default: 0 for a project's labels, else the base's)",
    )
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


def complete(args: argparse.Namespace) -> None:
    """Fills in the defaults of the run's kind (a project's labels, from scratch, or a fine-tune) and checks the
    options; `args.members_given` says whether --members was."""
    project_scratch = args.labels is not None and args.from_scratch
    # What beat the embedded tokenizer and random weights on ViMedNER (bench/RESULTS.md, issue 12): the project's own.
    # From the base's weights, its tokenizer with the project's split words made whole (bench/RESULTS.md, "The prior
    # as an input, and the project's words whole").
    if args.tokenizer is None:
        args.tokenizer = "project" if project_scratch else "extend" if args.labels is not None else "base"
    if args.tokenizer == "extend" and (args.labels is None or args.from_scratch):
        raise Failure(
            "usage: --tokenizer extend: for a project's labels (--labels) from the base's weights", EXIT_USAGE
        )
    if args.init_embeddings is None:
        args.init_embeddings = "cooc" if project_scratch else "random"
    mode = DEFAULTS["project" if args.labels is not None else "scratch" if args.from_scratch else "finetune"]
    for key in ("epochs", "min_steps", "lr"):
        if getattr(args, key) is None:
            setattr(args, key, mode[key])
    args.members_given = args.members is not None
    for key, off in (("ema", 0.0), ("pretrain_steps", 0), ("pretrain_minutes", 0.0), ("members", 1), ("dropout", None)):
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
    if args.recheck is not None and not 0 <= args.recheck <= 1:
        raise Failure("usage: --recheck must be in [0, 1] (0: none)", EXIT_USAGE)


def read_label_file(path: Path) -> dict:
    """--labels: the project's label names (as given and escaped for the tokenizer), its map, whether indexed."""
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
