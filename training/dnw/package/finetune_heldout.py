"""How a fine-tuned package is judged (dnw.package.finetune_package): its graph on the held-out records, at the
decoding threshold it will ship with, and the active model on the same records where neither trained on them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from . import training_texts

# The decoding threshold the package ships with is chosen on its held-out sentences when they are this many: a
# project's model trained on thousands of sentences decodes best below the embedded model's 0.9 (ViMedNER, 3,659
# sentences: held-out F1 0.619 at 0.9, 0.644 at 0.8, 0.641 at 0.7), one from 50 at 0.9, and a few dozen held-out
# sentences cannot tell them apart. Candidates in order of preference (a tie keeps the first).
TUNE_FROM = 100
THRESHOLDS = (0.9, 0.8, 0.7)
# The word prior's weights tried with each threshold (dnw.crf.prior; 0: none). A project version trained on 4,073
# ViMedNER sentences, on test at threshold 0.9: F1 0.669 without, 0.692 / 0.695 / 0.698 at 0.4 / 0.5 / 0.6.
PRIOR_WEIGHTS = (0.0, 0.4, 0.6)
# Where too few held-out sentences choose it, the prior ships at this weight: from embedded v1, ViMedNER's first
# 20 / 50 / 100 / 200 train sentences, all 1,525 test sentences, the graph alone: 0.219 / 0.278 / 0.410 / 0.462
# without it, 0.225 / 0.292 / 0.421 / 0.481 at 0.4 (ahead at every size), 0.203 / 0.300 / 0.409 / 0.475 at 0.6.
DEFAULT_PRIOR_WEIGHT = 0.4
# The engine's second look (settings.recheck): once a canvas is full, the slots committed below this probability are
# masked again and decided knowing their neighbours. Tried with the chosen threshold and weight on TUNE_FROM+ held-out
# sentences and shipped where it scores higher (five project versions on all 1,525 ViMedNER test sentences: +0.05 to
# +0.4 points at 0.9, less at 0.8 and 0.95; about 1.4 forward passes more per sentence; bench/RESULTS.md).
RECHECK = 0.9


def score_heldout(
    graph: Path,
    vocab,
    heldout: list,
    threshold: float,
    tune: bool,
    max_steps: int,
    threads: int,
    project: dict | None,
    trained_on: set,
    compare: Path | None,
    crf=None,
    prior_weight: float | None = None,
    recheck: float | None = None,
) -> tuple[float, float, float, dict]:
    """(the threshold, word-prior weight and recheck the package ships with, its metrics on `heldout`): `threshold`,
    `prior_weight` (none: no prior) and `recheck` (none: 0), or with `tune` and TUNE_FROM records the best of
    THRESHOLDS, each with and without `crf`'s prior (PRIOR_WEIGHTS, or `prior_weight` where it is given), then that
    with and without RECHECK (unless `recheck` is given); per-label scores under the project's names; with
    `compare`, that package's."""
    from ..graph_export import session_for
    from ..tagger.encode import encode_record
    from ..tagger.evaluate import evaluate_items

    items = [encode_record(r, vocab, "aligned") for r in heldout]
    session = session_for(graph, threads)

    weights = (0.0,) if crf is None else PRIOR_WEIGHTS if prior_weight is None else (prior_weight,)
    weight = weights[0] if prior_weight is not None else 0.0

    def score(t: float, w: float, r: float, part: list = items) -> dict:
        return evaluate_items(
            None, vocab, part, "aligned", t, None, max_steps, session=session, crf=crf, prior_weight=w, recheck=r
        )

    second = recheck or 0.0

    metrics: dict = {}
    if tune and len(items) >= TUNE_FROM:
        tried = {(w, t): score(t, w, second) for w in weights for t in THRESHOLDS}
        # the best F1; a tie keeps the simpler (no prior) and the earlier threshold
        weight, threshold = max(tried, key=lambda k: (tried[k]["nested"]["f1"], -k[0], -THRESHOLDS.index(k[1])))
        metrics["thresholds"] = {str(t): round(tried[(weight, t)]["nested"]["f1"], 4) for t in THRESHOLDS}
        if crf is not None:
            metrics["prior_weights"] = {
                str(w): round(max(tried[(w, t)]["nested"]["f1"] for t in THRESHOLDS), 4) for w in weights
            }
        rep = tried[(weight, threshold)]
        if recheck is None:
            again = score(threshold, weight, RECHECK)
            metrics["rechecks"] = {"0": round(rep["nested"]["f1"], 4), str(RECHECK): round(again["nested"]["f1"], 4)}
            if again["nested"]["f1"] > rep["nested"]["f1"]:
                second, rep = RECHECK, again
    else:
        rep = score(threshold, weight, second)
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
    if compare is not None:
        metrics["compare"] = compare_active(
            compare,
            heldout,
            trained_on,
            lambda keep: score(threshold, weight, second, [items[i] for i in keep]),
            project,
            threshold,
            max_steps,
            threads,
        )
    return threshold, weight, second, metrics


def evaluation_entries(dataset: str, metrics: dict, sampler: dict) -> list[dict]:
    """The manifest's `evaluation` rows for the held-out scores."""
    date = time.strftime("%Y-%m-%d")
    return [
        {
            "dataset": dataset,
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
        recheck=float(m.get("recheck", 0.0)),
        **package_prior(package, manifest),
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


def package_prior(package: Path, manifest: dict) -> dict:
    """decode_items' crf and prior_weight for a package whose manifest names a word prior (none: {})."""
    prior = manifest.get("prior")
    if not prior:
        return {}
    from ..crf.model import CrfModel

    return {"crf": CrfModel.load(package / prior["file"]), "prior_weight": float(prior["weight"])}


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
