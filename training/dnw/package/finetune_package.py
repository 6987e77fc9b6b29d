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

import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..orphan import exit_with_parent
from . import finetune_heldout, training_texts
from .finetune_heldout import evaluation_entries, score_heldout
from .finetune_manifest import LEXICON_FILE, PRIOR_FILE, model_card, new_manifest, provenance
from .finetune_members import starting_point, train_members
from .finetune_options import EXIT_FAILED, EXIT_USAGE, Failure, build_parser, complete, read_label_file

# The candidates a project's graph returns per position (the base's when it returns more): the word prior reweights
# only these, and with the embedded model's 4 it lost half a point on ViMedNER (0.694 against 0.699 over all tags).
PRIOR_TOP_K = 8

SAMPLE_TEXTS = ["Bệnh nhân BN 123 ( nam , 45 tuổi ) trú tại Đà Nẵng .", "Ngày 3/4 ."]


class Cancelled(BaseException):  # not an Exception: the ONNX exporter catches those and carries on
    def __init__(self, signum: int):
        super().__init__(f"cancelled by {signal.Signals(signum).name}")
        self.signum = signum


class Emitter:
    def __init__(self, stream: TextIO):
        self.stream = stream

    def __call__(self, **event) -> None:
        self.stream.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.stream.flush()


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
    complete(args)
    if args.prior_weight is not None and not 0 <= args.prior_weight < 1:
        raise Failure(f"--prior-weight {args.prior_weight}: must be at least 0 and below 1", EXIT_USAGE)

    import torch

    threads = args.threads or min(4, os.cpu_count() or 1)
    args.threads = threads
    torch.set_num_threads(threads)
    from .finetune_data import DataError, check_labels, encode_training, read_training_jsonl
    from .package_checkpoint import PackageError, load_package

    try:
        model, vocab, cfg, _, base = load_package(args.base)
    except PackageError as e:
        raise Failure(str(e)) from None
    base_id = f"{base.get('name')} {base.get('version')}"
    project = read_label_file(args.labels) if args.labels is not None else None
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
    start = starting_point(model, vocab, args, project, records, emit, device)
    vocab = start.vocab
    dc = cfg.get("data", {})
    prepared = encode_training(
        records, vocab, float(dc.get("bpe_dropout", 0.0)), int(dc.get("bpe_variants", 1)), args.seed
    )
    if prepared.dropped_levels:
        print(
            f"note: {prepared.dropped_levels} tokens carry a nesting stack the label set lacks; trained on their "
            f"outer levels",
            file=sys.stderr,
        )
    if not prepared.variants:
        raise Failure(f"{args.train}: every example's text is empty")
    model, stats = train_members(start, prepared, args, emit, t0, len(records), device)
    crf = None
    fixed = args.prior_weight
    chosen = fixed is None and args.threshold is None and len(heldout) >= finetune_heldout.TUNE_FROM
    if fixed is None and not chosen:
        fixed = finetune_heldout.DEFAULT_PRIOR_WEIGHT  # too few held-out sentences to choose it
    if project and args.prior and (chosen or fixed > 0):
        # A CRF to weigh on the held-out sentences, or to ship at the weight given or the default.
        emit(event="phase", phase="word prior", elapsed=round(time.time() - t0, 2))
        crf = word_prior(records, vocab)

    emit(event="phase", phase="export", elapsed=round(time.time() - t0, 2))
    from .export import export_onnx, is_int8_graph, quantize, sampler_defaults, write_package

    base_graph = args.base / base["graph"]["file"]
    q = args.quantize or ("int8" if is_int8_graph(base_graph) else "none")
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        work = tmp / "_work"
        # A project's graph returns more candidates, so that the word prior can choose among them.
        top_k = max(int(base["head"]["topK"]), PRIOR_TOP_K) if project else int(base["head"]["topK"])
        graph = export_onnx(model, vocab, work, top_k, SAMPLE_TEXTS)
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
        prior_weight = fixed if crf is not None and fixed is not None else 0.0
        recheck = args.recheck or 0.0
        if heldout:
            emit(event="phase", phase="evaluate", elapsed=round(time.time() - t0, 2))
            threshold, prior_weight, recheck, scores = score_heldout(
                graph,
                vocab,
                heldout,
                threshold,
                args.threshold is None,
                max_steps,
                threads,
                project,
                trained_on,
                args.compare,
                crf,
                fixed,
                args.recheck,
            )
            sampler["threshold"] = threshold
            if recheck > 0:
                sampler["recheck"] = recheck
            metrics.update(scores)
            if prior_weight > 0:
                # Its weight chosen, the CRF learns from the held-out documents too: seconds, where the model cannot.
                crf = word_prior([*records, *heldout], vocab) or crf  # (or the scored one, where that is too big)
            evaluation = evaluation_entries(f"{args.heldout.name} ({len(heldout)} held-out)", metrics, sampler)
        metrics["threshold"] = threshold
        metrics["prior_weight"] = prior_weight
        metrics["recheck"] = recheck
        prov = provenance(args, base, cfg, stats, len(records), q)
        prov["trainingTexts"] = training_texts.write(
            tmp, trained_on, complete=args.from_scratch or base_texts is not None
        )
        if project and args.from_scratch:
            prov["projectText"] = {
                "texts": start.texts,
                "tokenizer": args.tokenizer,
                "initEmbeddings": args.init_embeddings,
                "freezeVectors": bool(args.freeze_vectors),
                "pretrainSteps": args.pretrain_steps,
                "ema": args.ema,
            }
        tok_path = args.base / base.get("tokenizer", "tokenizer.json")
        if project:
            prov["projectLabels"] = {
                "labels": project["labels"],
                "map": project["map"],
                "initialisedFrom": {k: v for k, v in start.sources.items()},
                "tokenizer": args.tokenizer,
                "wordsMadeWhole": start.extended,
            }
            tok_path = work / "tokenizer.json"
            vocab.tokenizer.save(str(tok_path))
        if prior_weight > 0:
            prov["priorWeight"] = "held-out" if chosen else "given" if args.prior_weight is not None else "default"
        manifest = new_manifest(args, base, cfg, vocab, prov, evaluation, metrics, max_steps, project)
        manifest["head"] = {**manifest.get("head", {}), "topK": top_k}
        if prior_weight > 0:
            crf.save(tmp / PRIOR_FILE)
            manifest["prior"] = {"file": PRIOR_FILE, "weight": prior_weight}
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
        model_card(tmp, manifest, prov, metrics)
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


def word_prior(records: list, vocab):
    """The CRF of the word prior (dnw.crf), trained on `records` read as the package's vocabulary reads them; None
    where they hold no entity (a CRF that knows only O would just hold every entity back) or are too many words
    times tags to train it in its budget (said on stderr)."""
    from ..crf.model import affordable_iterations, crf_size, train_crf
    from ..crf.prior import training_pairs
    from ..tagger.encode import encode_record

    pairs = training_pairs([encode_record(r, vocab, "aligned") for r in records], vocab)
    if not any(tag != "O" for _, tags in pairs for tag in tags):
        return None
    iterations = affordable_iterations(pairs)
    if not iterations:
        words, tags = crf_size(pairs)
        print(f"no word prior: {words} words x {tags} tags is more than its CRF can learn in time", file=sys.stderr)
        return None
    return train_crf(pairs, iterations=iterations)


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
        args = build_parser(__doc__).parse_args(argv)

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
