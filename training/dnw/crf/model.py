"""The CRF of a package's crf.json: training (CRFsuite, through python-crfsuite), the file, and per-word label
marginals by forward-backward (core/crf/crf-model.ts computes the same in the engine)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .features import features

FORMAT = "dnw-crf/1"


class CrfFileError(ValueError):
    """A crf.json the engine could not read either; the message names the file and the field."""


@dataclass
class CrfModel:
    labels: list[str]  # flat tags as the package's vocabulary writes them: O, B-LABEL, I-LABEL
    transitions: np.ndarray  # [L, L]: score of tag j after tag i
    attributes: dict[str, list[tuple[int, float]]]  # feature -> (tag index, weight) pairs

    def emissions(self, words: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(words), len(self.labels)))
        for t, feats in enumerate(features(words)):
            for f in feats:
                for li, w in self.attributes.get(f, ()):
                    out[t, li] += w
        return out

    def marginals(self, words: Sequence[str]) -> np.ndarray:
        """[words, labels]: each word's probability of each tag under the CRF."""
        if not words:
            return np.zeros((0, len(self.labels)))
        e, tr = self.emissions(words), self.transitions
        n = len(words)
        alpha, beta = np.zeros_like(e), np.zeros_like(e)
        alpha[0] = e[0]
        for t in range(1, n):
            alpha[t] = _logsumexp(alpha[t - 1][:, None] + tr, axis=0) + e[t]
        for t in range(n - 2, -1, -1):
            beta[t] = _logsumexp(tr + (e[t + 1] + beta[t + 1])[None, :], axis=1)
        z = _logsumexp(alpha[-1], axis=0)
        return np.exp(alpha + beta - z)

    def save(self, path: Path) -> None:
        attrs = {a: [x for li, w in pairs for x in (li, round(w, 6))] for a, pairs in self.attributes.items()}
        body = {
            "format": FORMAT,
            "labels": self.labels,
            "transitions": [[round(float(w), 6) for w in row] for row in self.transitions],
            "attributes": attrs,
        }
        Path(path).write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CrfModel:
        try:
            body = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise CrfFileError(f"{path}: cannot be read as JSON ({e})") from None
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise CrfFileError(f"{path}: format is not {FORMAT!r}")
        labels = body.get("labels")
        n = len(labels) if isinstance(labels, list) else 0
        if n == 0 or not all(isinstance(x, str) for x in labels):
            raise CrfFileError(f"{path}: labels must be a non-empty list of tags")
        tr = np.asarray(body.get("transitions"), dtype=float)
        if tr.shape != (n, n):
            raise CrfFileError(f"{path}: transitions must be {n} x {n}")
        attrs = {}
        for a, flat in (body.get("attributes") or {}).items():
            if len(flat) % 2 or any(not 0 <= int(li) < n for li in flat[::2]):
                raise CrfFileError(f"{path}: attributes[{a!r}] must pair tag indices below {n} with weights")
            attrs[a] = [(int(li), float(w)) for li, w in zip(flat[::2], flat[1::2])]
        return cls(list(labels), tr, attrs)


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True)
    return (m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))).squeeze(axis)


# CRFsuite's L-BFGS costs about (words x tags) per iteration, and needs about 40 iterations to be of use (ViMedNER's
# 11 tags: test F1 0.10 after 10, 0.31 after 20, 0.64 after 40, 0.67 after 100). A budget of word-tag-iterations keeps
# the CRF's iterations within about a minute and a half on a 2-core CPU whatever the project's size and label count
# (all ViMedNER, 167,084 words x 11 tags: 0.35 s an iteration, 48 s for 100 with the features; 101 tags: 4.6 s).
MAX_ITERATIONS, MIN_ITERATIONS = 100, 40
WORK_BUDGET = 4e8


def crf_size(sentences: Sequence[tuple[Sequence[str], Sequence[str]]]) -> tuple[int, int]:
    """(words, distinct tags) of these (words, tags) pairs: what an iteration costs."""
    return sum(len(w) for w, _ in sentences), len({t for _, ts in sentences for t in ts})


def affordable_iterations(sentences: Sequence[tuple[Sequence[str], Sequence[str]]]) -> int:
    """The iterations the budget allows for these (words, tags) pairs, at most MAX_ITERATIONS; 0 below MIN_ITERATIONS
    (too big a CRF to train in time)."""
    words, tags = crf_size(sentences)
    n = min(MAX_ITERATIONS, int(WORK_BUDGET // max(1, words * tags)))
    return n if n >= MIN_ITERATIONS else 0


def train_crf(
    sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
    c1: float = 0.05,
    c2: float = 0.05,
    iterations: int = MAX_ITERATIONS,
) -> CrfModel:
    """A CRF trained on (words, tags) pairs with CRFsuite's L-BFGS and elastic-net penalty (c1 L1, c2 L2; on
    ViMedNER 0.05 / 0.05 beat the CRF baseline's 0.1 / 0.01 by 0.6 points alone, 0.1 as the prior)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for words, tags in sentences:
        if words:
            trainer.append(features(words), list(tags))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory(prefix="dnw-crf-") as tmp:
        trainer.train(str(Path(tmp) / "crf.bin"))
        tagger = pycrfsuite.Tagger()
        tagger.open(str(Path(tmp) / "crf.bin"))
        info = tagger.info()
        labels = list(tagger.labels())
    index = {lab: i for i, lab in enumerate(labels)}
    tr = np.zeros((len(labels), len(labels)))
    for (a, b), w in info.transitions.items():
        tr[index[a], index[b]] = round(w, 6)  # as crf.json keeps it, so the engine scores as the trainer did
    attrs: dict[str, list[tuple[int, float]]] = {}
    for (a, lab), w in info.state_features.items():
        attrs.setdefault(a, []).append((index[lab], round(float(w), 6)))
    return CrfModel(labels, tr, attrs)
