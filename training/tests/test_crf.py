"""dnw.crf: the word prior's CRF (marginals as CRFsuite's own, the file, the parity fixture the engine is checked
against) and its application to the graph's candidates."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from dnw.crf.model import MAX_ITERATIONS, MIN_ITERATIONS, CrfFileError, CrfModel, affordable_iterations, train_crf
from dnw.crf.prior import apply_prior

REPO = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_crf_fixture", REPO / "scripts" / "gen-crf-fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_marginals_are_crfsuites_own(tmp_path):
    import pycrfsuite

    gen = _generator()
    train = gen.sentences(60)
    crf = train_crf(train, iterations=50)
    crf.save(tmp_path / "crf.json")
    crf = CrfModel.load(tmp_path / "crf.json")
    trainer = pycrfsuite.Trainer(verbose=False)
    from dnw.crf.features import features

    for words, tags in train:
        trainer.append(features(words), tags)
    trainer.set_params({"c1": 0.05, "c2": 0.05, "max_iterations": 50, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "crf.bin"))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(tmp_path / "crf.bin"))
    for words in gen.WORDS:
        tagger.set(features(words))
        ours = crf.marginals(words)
        theirs = np.array([[tagger.marginal(lab, t) for lab in crf.labels] for t in range(len(words))])
        assert np.allclose(ours, theirs, atol=1e-4)  # crf.json keeps six decimals of each weight
        assert np.allclose(ours.sum(-1), 1.0)


def test_the_engines_parity_fixture_is_what_dnw_crf_gives():
    # test/unit/crf/crf.test.ts checks the engine against the same file: both sides agree through it.
    held = json.loads((REPO / "test/fixtures/crf/parity.json").read_text(encoding="utf-8"))
    now = _generator().fixture()
    assert now["crf"] == held["crf"]
    for a, b in zip(now["cases"], held["cases"]):
        assert a["features"] == b["features"]
        assert np.allclose(a["marginals"], b["marginals"], atol=1e-12)


@pytest.mark.parametrize(
    "patch, message",
    [
        ({"format": "x"}, "format is not 'dnw-crf/1'"),
        ({"labels": []}, "labels must be a non-empty list"),
        ({"transitions": [[0.0]]}, "transitions must be 2 x 2"),
        ({"attributes": {"bias": [5, 1.0]}}, "attributes['bias'] must pair tag indices below 2"),
    ],
)
def test_a_crf_file_at_fault_names_the_field(tmp_path, patch, message):
    body = {"format": "dnw-crf/1", "labels": ["O", "B-x"], "transitions": [[0, 0], [0, 0]], "attributes": {}}
    (tmp_path / "crf.json").write_text(json.dumps({**body, **patch}))
    with pytest.raises(CrfFileError, match=f"crf.json: {message}".replace("[", r"\[").replace("(", r"\(")):
        CrfModel.load(tmp_path / "crf.json")


def test_apply_prior_reweights_and_sorts_as_the_engine_does():
    # The case of test/unit/sampler/prior.test.ts: tags 5 -> 0, 6 -> 1, 7 unknown to the prior.
    index = torch.full((8,), -1, dtype=torch.long)
    index[5], index[6] = 0, 1
    ids = torch.tensor([[[5, 6, 7], [5, 6, 7]]])
    probs = torch.tensor([[[0.6, 0.3, 0.1], [0.6, 0.3, 0.1]]])
    prior = torch.tensor([[[float("nan")] * 2, [0.1, 0.9]]])
    out_ids, out_probs = apply_prior(ids, probs, prior, index, 0.5)
    assert out_ids[0, 0].tolist() == [5, 6, 7] and torch.allclose(out_probs[0, 0], probs[0, 0])
    q = [math.sqrt(0.27), math.sqrt(0.06), 0.1]
    assert out_ids[0, 1].tolist() == [6, 5, 7]
    assert torch.allclose(out_probs[0, 1], torch.tensor([v / sum(q) for v in q]), atol=1e-6)


def test_the_crf_iterations_follow_its_budget_of_words_times_tags():
    # ViMedNER's size (167,084 words, 11 tags) gets every iteration; with ten times the tags too few to be of use: none.
    def pairs(words: int, tags: int):
        return [(["w"] * words, [f"T{i % tags}" for i in range(words)])]

    assert affordable_iterations(pairs(167_084, 11)) == MAX_ITERATIONS
    assert MIN_ITERATIONS <= affordable_iterations(pairs(167_084, 41)) < MAX_ITERATIONS
    assert affordable_iterations(pairs(167_084, 101)) == 0
