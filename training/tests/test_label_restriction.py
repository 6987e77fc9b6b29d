"""The reference decode with part of a model's labels (dnw.tagger.decode: allowed_tags, onnx_step), as the engine
decodes for a project (core/sampler/restrict-candidates.ts), and the active package scored that way."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import torch
from dnw.graph_export import session_for
from dnw.package.package_checkpoint import load_package
from dnw.tagger.data import read_instruction_jsonl
from dnw.tagger.decode import allowed_tags, decode_items, onnx_step
from dnw.tagger.encode import encode_record

EMBEDDED = Path(__file__).resolve().parents[2] / "assets" / "model"


class FakeSession:
    """A graph whose top K are fixed: two positions, four candidates each, the whole distribution."""

    def run(self, _names, _feeds):
        ids = np.array([[[10, 11, 12, 13], [11, 13, 10, 12]]], dtype=np.int64)
        probs = np.array([[[0.5, 0.3, 0.15, 0.05], [0.7, 0.2, 0.06, 0.04]]], dtype=np.float32)
        return ids, probs, np.zeros((1, 2), np.float32)


def run_step(allowed):
    step = onnx_step(FakeSession(), allowed, fallback=6)
    z = torch.zeros(1, 2, dtype=torch.long)
    return step(z, z, z)


def test_the_best_allowed_candidate_renormalised_as_the_engine_does():
    allowed = torch.ones(20, dtype=torch.bool)
    allowed[11] = False
    prob, pred = run_step(allowed)
    assert pred.tolist() == [[10, 13]]
    assert torch.allclose(prob, torch.tensor([[0.5 / 0.7, 0.2 / 0.3]]))
    nothing = torch.zeros(20, dtype=torch.bool)
    prob, pred = run_step(nothing)
    assert pred.tolist() == [[6, 6]] and prob.tolist() == [[1.0, 1.0]]
    prob, pred = run_step(None)
    assert pred.tolist() == [[10, 11]] and torch.allclose(prob, torch.tensor([[0.5, 0.7]]))


def test_allowed_tags_keeps_o_and_the_wanted_labels_tags_stacks_included(base):
    _, vocab, *_ = load_package(base["package"])
    assert allowed_tags(vocab, set(vocab.entity_labels)) is None
    allowed = allowed_tags(vocab, {"LOCATION"})
    for tag, i in zip(vocab.labels, vocab.label_ids):
        levels = [t for t in tag.split("|") if t != "O"]
        assert bool(allowed[i]) == all(t[2:] == "LOCATION" for t in levels), tag
    assert allowed[vocab.label_ids[vocab.labels.index("O")]] and allowed[vocab.mask_id]


def test_decode_with_some_labels_writes_only_those(base):
    _, vocab, _, _, manifest = load_package(base["package"])
    items = [encode_record(r, vocab, "aligned") for r in read_instruction_jsonl(base["dev"])]
    session = session_for(base["package"] / manifest["graph"]["file"], 1)
    everything, _ = decode_items(None, vocab, items, "aligned", 0.9, 4, 8192, session)
    assert {lab for pred in everything for *_, lab in pred} - {"LOCATION"}, "the random model writes other labels"
    some, _ = decode_items(None, vocab, items, "aligned", 0.9, 4, 8192, session, labels={"LOCATION"})
    assert all(lab == "LOCATION" for pred in some for *_, lab in pred)


def test_sampler_for_picks_the_schema_holding_every_decoded_label_as_the_engine_does():
    from dnw.package.export import sampler_for

    manifest = {
        "sampler": {"steps": 8, "threshold": 0.9},
        "output": {
            "labels": ["A", "B", "C"],
            "schemas": [
                {"name": "one", "labels": ["A", "B"], "sampler": {"threshold": 0.8}},
                {"name": "two", "labels": ["C"]},
            ],
        },
    }
    assert sampler_for(manifest, ["B"]) == {"steps": 8, "threshold": 0.8}
    assert sampler_for(manifest, ["A", "B"])["threshold"] == 0.8
    assert sampler_for(manifest, ["C"]) == {"steps": 8, "threshold": 0.9}  # a schema without settings
    assert sampler_for(manifest, ["A", "C"])["threshold"] == 0.9  # no schema holds both
    assert sampler_for(manifest)["threshold"] == 0.9  # all labels
    assert sampler_for({"sampler": {"threshold": 0.7}, "output": {"labels": ["A"]}}, ["A"])["threshold"] == 0.7


def test_the_embedded_model_decodes_vimedner_with_the_threshold_its_held_out_sentences_chose():
    from dnw.package.export import sampler_for
    from dnw.package.package_checkpoint import read_manifest

    manifest = read_manifest(EMBEDDED)
    vimedner = next(s for s in manifest["output"]["schemas"] if s["name"] == "ViMedNER")
    assert sampler_for(manifest, vimedner["labels"])["threshold"] == 0.8
    assert sampler_for(manifest, ["LOCATION", "DATE"])["threshold"] == 0.9


def test_lower_case_in_place_keeps_offsets_as_the_engine_does():
    from dnw.package.export import lower_case_in_place, schema_for
    from dnw.package.package_checkpoint import read_manifest

    text = "Bệnh viện ĐÀ NẴNG\r\n😷 SỐT, İzmir"
    assert lower_case_in_place(text) == "bệnh viện đà nẵng\r\n😷 sốt, İzmir"
    nfd = unicodedata.normalize("NFD", "SỐT CAO")
    assert lower_case_in_place(nfd) == unicodedata.normalize("NFD", "sốt cao")
    manifest = read_manifest(EMBEDDED)
    assert schema_for(manifest, ["ten_benh"])["lowercase"] is True
    assert "lowercase" not in schema_for(manifest, ["LOCATION"])


def test_a_package_whose_threshold_was_chosen_for_it_drops_the_schemas_own():
    from dnw.package.export import sampler_for, without_schema_thresholds

    output = {
        "labels": ["A", "B"],
        "schemas": [
            {"name": "one", "labels": ["A"], "sampler": {"threshold": 0.8}, "lowercase": True},
            {"name": "two", "labels": ["B"], "sampler": {"threshold": 0.9, "steps": 4}},
        ],
    }
    out = without_schema_thresholds(output)
    assert out["schemas"] == [
        {"name": "one", "labels": ["A"], "lowercase": True},
        {"name": "two", "labels": ["B"], "sampler": {"steps": 4}},
    ]
    assert sampler_for({"sampler": {"threshold": 0.7}, "output": out}, ["A"])["threshold"] == 0.7
    assert without_schema_thresholds({"labels": ["A"]}) == {"labels": ["A"]}


def test_a_fine_tune_of_a_lower_case_schema_learns_from_the_text_lower_cased():
    from dnw.package.finetune_package import _as_the_engine_reads
    from dnw.package.package_checkpoint import read_manifest
    from dnw.tagger.data import Record

    base = read_manifest(EMBEDDED)
    medical = [Record("Bệnh nhân bị Sốt cao", [(13, 20, "trieu_chung_benh")])]
    news = [Record("Bệnh nhân ở Hà Nội", [(12, 18, "LOCATION")])]
    train, held = _as_the_engine_reads(base, medical, medical)
    assert [r.text for r in train + held] == ["bệnh nhân bị sốt cao"] * 2 and train[0].spans == medical[0].spans
    assert _as_the_engine_reads(base, news, [])[0] == news
    assert _as_the_engine_reads(base, medical + news, [])[0] == medical + news  # two schemas: as written
