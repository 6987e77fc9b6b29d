"""dnw.package.project_text + finetune_package --texts: what a fresh project model learns from the project's own text
(annotated or not) before its labels: a tokenizer of the project's syllables, co-occurrence embeddings, masked-LM
pretraining."""

from __future__ import annotations

import json

import pytest
import torch
from dnw.package.package_checkpoint import load_package
from dnw.package.project_text import TextError, cooccurrence_embeddings, pretrain_masked, read_texts, text_vocab
from dnw.tagger.data import write_instruction_jsonl
from dnw.tagger.model import DiffusionTagger, ModelConfig
from dnw.tagger.tokenizer import token_features
from test_finetune_package import FAST, onnx_runs, run_cli
from test_project_labels import LABELS, MAP, indexed, project_records

torch.set_num_threads(1)

# Two kinds of word in two kinds of context: symptoms after "bị", places after "ở".
CORPUS = [
    f"bệnh nhân {a} bị {s} và {s2} nhẹ ở {p} {q} ."
    for a in ["nam", "nữ", "già", "trẻ"]
    for s, s2 in [("sốt", "ho"), ("ho", "mệt"), ("mệt", "sốt"), ("đau", "ho")]
    for p, q in [("Hà", "Nội"), ("Huế", "cũ"), ("Đà", "Nẵng")]
]


def test_read_texts_normalises_and_names_the_bad_line(tmp_path):
    f = tmp_path / "texts.txt"
    f.write_bytes("Ho\u0302\u0300 sốt\r\n\n  \nĐà Nẵng 🦠\n".encode())
    assert read_texts(f) == ["Hồ sốt", "Đà Nẵng 🦠"]
    f.write_bytes(b"ok\n\xff\xfe bad\n")
    with pytest.raises(TextError, match=r"texts\.txt:2: not UTF-8"):
        read_texts(f)


def test_text_vocab_makes_every_syllable_of_the_text_one_token():
    vocab = text_vocab(CORPUS)
    enc = vocab.tokenizer.encode("bệnh nhân nữ bị sốt ở Đà Nẵng", add_special_tokens=False)
    assert enc.tokens == ["bệnh</w>", "nhân</w>", "nữ</w>", "bị</w>", "sốt</w>", "ở</w>", "Đà</w>", "Nẵng</w>"]
    assert vocab.labels == ["O"] and vocab.label_ids == [6] and vocab.mask_id == 2


def test_cooccurrence_embeddings_put_words_used_alike_together():
    vocab = text_vocab(CORPUS)
    vec, known = cooccurrence_embeddings(vocab, CORPUS, 16)
    ids = {w: vocab.tokenizer.token_to_id(f"{w}</w>") for w in ["sốt", "ho", "mệt", "Hà", "Huế", "Đà"]}
    cos = torch.nn.functional.cosine_similarity
    assert cos(vec[ids["sốt"]], vec[ids["mệt"]], dim=0) > cos(vec[ids["sốt"]], vec[ids["Huế"]], dim=0) + 0.3
    assert cos(vec[ids["Hà"]], vec[ids["Đà"]], dim=0) > cos(vec[ids["Hà"]], vec[ids["ho"]], dim=0) + 0.15
    assert bool(known[ids["sốt"]]) and not bool(known[vocab.mask_id]) and float(vec[vocab.mask_id].abs().sum()) == 0
    assert vec[known].norm(dim=1).allclose(torch.full((int(known.sum()),), 0.02 * 16**0.5), atol=1e-4)


def test_masked_pretraining_lowers_the_text_loss():
    vocab = text_vocab(CORPUS)
    feats = token_features(vocab.tokenizer)
    cfg = ModelConfig(
        vocab_size=vocab.size,
        n_out=vocab.label_ids[-1] + 1,
        label_start=vocab.label_ids[0],
        n_shapes=len(feats.shapes),
        pad_id=vocab.pad_id,
        mask_id=vocab.mask_id,
        open_id=vocab.open_id,
        close_id=vocab.close_id,
        d_model=32,
        n_layers=1,
        n_heads=2,
        dropout=0.0,
    )
    torch.manual_seed(0)
    model = DiffusionTagger(cfg, feats.lower_ids, feats.shape_ids)
    losses = []
    stats = pretrain_masked(model, vocab, CORPUS, 60, 3e-3, 512, 1, on_step=lambda s, n, loss: losses.append(loss))
    assert stats["steps"] == 60 and len(losses) == 60
    assert losses[-1] < losses[0] - 0.5


def test_a_project_model_from_scratch_learns_from_the_projects_text_by_default(base, tmp_path):
    write_instruction_jsonl(tmp_path / "train.jsonl", indexed(project_records(20, 1)))
    write_instruction_jsonl(tmp_path / "heldout.jsonl", indexed(project_records(6, 2)))
    (tmp_path / "labels.json").write_text(json.dumps({"labels": LABELS, "map": MAP, "indexed": True}))
    # unannotated documents: a word the annotated ones never use
    (tmp_path / "texts.txt").write_text("\n".join(CORPUS + ["Bệnh nhân bị viêm_phổi_kẽ ."]) + "\n")
    out = tmp_path / "p1"
    args = ["--base", base["package"], "--train", tmp_path / "train.jsonl", "--heldout", tmp_path / "heldout.jsonl"]
    args += ["--labels", tmp_path / "labels.json", "--from-scratch", "--texts", tmp_path / "texts.txt"]
    code, events = run_cli([*args, "--pretrain-steps", "3", "--out", out, "--max-steps", "3", *FAST])
    assert code == 0, events
    kinds = [e["event"] for e in events]
    assert "init" in kinds and kinds.index("init") < kinds.index("start")
    assert [e for e in events if e["event"] == "pretrain"][-1]["steps"] == 3
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the defaults of a project's labels from scratch: its own tokenizer and co-occurrence vectors
    assert manifest["provenance"]["projectText"] == {
        "texts": 20 + len(CORPUS) + 1,
        "tokenizer": "project",
        "initEmbeddings": "cooc",
        "freezeVectors": False,
        "pretrainSteps": 3,
        "ema": 0.999,
    }
    assert manifest["provenance"]["members"] == 1
    _, vocab, *_ = load_package(out)
    assert vocab.tokenizer.encode("viêm_phổi_kẽ", add_special_tokens=False).tokens[-1] == "kẽ</w>"
    assert vocab.tokenizer.encode("Nẵng", add_special_tokens=False).tokens == ["Nẵng</w>"]
    onnx_runs(out)


def test_members_train_apart_and_ship_as_one_graph_that_continues_as_an_ensemble(base, tmp_path):
    write_instruction_jsonl(tmp_path / "train.jsonl", indexed(project_records(12, 1)))
    write_instruction_jsonl(tmp_path / "heldout.jsonl", indexed(project_records(4, 2)))
    (tmp_path / "labels.json").write_text(json.dumps({"labels": LABELS, "map": MAP, "indexed": True}))
    args = ["--train", tmp_path / "train.jsonl", "--heldout", tmp_path / "heldout.jsonl"]
    args += ["--labels", tmp_path / "labels.json", "--max-steps", "2", *FAST]
    out = tmp_path / "ens"
    code, events = run_cli(["--base", base["package"], *args, "--from-scratch", "--members", "2", "--out", out])
    assert code == 0, events
    starts = [e for e in events if e["event"] == "start"]
    assert [(e["member"], e["members"]) for e in starts] == [(1, 2), (2, 2)]
    steps = [e for e in events if e["event"] == "step"]
    assert steps[-1]["step"] == steps[-1]["steps"] == 4  # progress counts both members' steps
    model, *_ = load_package(out)
    a, b = model.members
    assert not torch.equal(a.blocks[0].fc1.weight, b.blocks[0].fc1.weight)  # seeds differ
    onnx_runs(out)
    # Continuing from the ensemble trains each member again and keeps them together.
    code, events = run_cli(["--base", out, *args, "--out", tmp_path / "next"])
    assert code == 0, events
    assert len(load_package(tmp_path / "next")[0].members) == 2
    # One model moved onto the project's labels grows members as well, all from its weights.
    code, events = run_cli(["--base", base["package"], *args, "--members", "2", "--out", tmp_path / "moved"])
    assert code == 0, events
    assert [(e["member"], e["members"]) for e in events if e["event"] == "start"] == [(1, 2), (2, 2)]
    assert len(load_package(tmp_path / "moved")[0].members) == 2
    # A fine-tune of the package's own labels has none to grow.
    plain = ["--base", base["package"], "--train", tmp_path / "train.jsonl", "--members", "2", *FAST]
    code, events = run_cli([*plain, "--out", tmp_path / "bad"])
    assert code == 2 and "needs --from-scratch or --labels" in events[-1]["message"]


def test_another_member_trains_only_while_the_budget_fits_one(base, tmp_path):
    write_instruction_jsonl(tmp_path / "train.jsonl", indexed(project_records(12, 1)))
    (tmp_path / "labels.json").write_text(json.dumps({"labels": LABELS, "map": MAP, "indexed": True}))
    args = ["--base", base["package"], "--train", tmp_path / "train.jsonl", "--labels", tmp_path / "labels.json"]
    # A budget the first member's schedule (200 steps) overruns: it takes it all, and no second one starts.
    args += ["--from-scratch", "--members", "3", "--max-steps", "200", "--max-minutes", "0.005", *FAST]
    code, events = run_cli([*args, "--out", tmp_path / "one"])
    assert code == 0, events
    assert [e["member"] for e in events if e["event"] == "start"] == [1]
    assert [e for e in events if e["event"] == "members"][0]["trained"] == 1
    assert not hasattr(load_package(tmp_path / "one")[0], "members")  # one model, not an ensemble of one
