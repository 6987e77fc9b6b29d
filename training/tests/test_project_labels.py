"""dnw.package.project_labels + dnw.package.finetune_package --labels: a package's output vocabulary rebuilt for a project's own
labels (Unicode, spaces, nesting), weights carried over by meaning, the new package scored against another one on
the same held-out records."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from dnw.crf.model import CrfModel
from dnw.package import finetune_heldout, training_texts
from dnw.package.finetune_package import word_prior
from dnw.package.package_checkpoint import load_package
from dnw.package.project_labels import (
    build_vocab,
    escape_label,
    escape_records,
    extend_tokenizer,
    index_tag,
    transfer,
    unescape_label,
)
from dnw.tagger.data import Record, write_instruction_jsonl
from dnw.tagger.encode import collate, encode_record
from dnw.tagger.synthetic import synthetic_records
from test_finetune_package import FAST, onnx_runs, run_cli

torch.set_num_threads(1)
LABELS = ["Triệu chứng", "Nơi|chốn", "tuổi"]
MAP = {"SYMPTOM_AND_DISEASE": "Triệu chứng", "LOCATION": "Nơi|chốn"}


def project_records(n: int, seed: int = 0) -> list[Record]:
    """Synthetic sentences relabelled into the project's schema; LOCATION inside ORGANIZATION gives nesting."""
    rename = {"SYMPTOM_AND_DISEASE": "Triệu chứng", "LOCATION": "Nơi|chốn", "AGE": "tuổi"}
    out = []
    for r in synthetic_records(n, seed):
        spans = [(s, e, rename[lab]) for s, e, lab in r.spans if lab in rename]
        text = r.text
        if "Hà Nội" in text and not any(lab == "Nơi|chốn" for *_, lab in spans):
            at = text.index("Hà Nội")
            spans.append((at, at + 6, "Nơi|chốn"))
        out.append(Record(text, sorted(set(spans))))
    return out


def indexed(records: list[Record]) -> list[Record]:
    return [Record(r.text, [(s, e, index_tag(LABELS.index(lab))) for s, e, lab in r.spans]) for r in records]


def test_escape_round_trips_and_tags_stay_one_token():
    for name in ["Triệu chứng", "a|b", "50%", "⟨x⟩", "tab\there", "ĐÃ"]:
        esc = escape_label(name)
        assert unescape_label(esc) == name and not any(c.isspace() or c in "|⟨⟩" for c in esc)
    assert escape_label("AGE") == "AGE"


def test_transfer_keeps_text_weights_and_maps_label_rows(base):
    model, vocab, *_ = load_package(base["package"])
    records = escape_records(project_records(30))
    labels = [escape_label(x) for x in LABELS]
    new_vocab = build_vocab(vocab, labels, records)
    assert new_vocab.labels[0] == "O" and f"B-{escape_label('Triệu chứng')}" in new_vocab.labels
    assert new_vocab.label_ids[0] == 6 and new_vocab.size == vocab.size - (
        len(vocab.labels) + 2 * len(vocab.entity_labels)
    ) + len(new_vocab.labels) + 2 * len(labels)
    # the same text encodes to the same tokens (strings), ids renumbered
    text = records[0].text
    assert vocab.tokenizer.encode(text).tokens == new_vocab.tokenizer.encode(text).tokens
    new_model, sources = transfer(model, vocab, new_vocab, MAP)
    assert sources[f"B-{escape_label('Triệu chứng')}"] == ["B-SYMPTOM_AND_DISEASE"]
    assert sources["B-tuổi"] != ["B-AGE"] or "AGE" in MAP  # unmapped: a mean of B- rows
    sd_old, sd_new = model.state_dict(), new_model.state_dict()
    tok = text.split()[0] + "</w>"
    i_old, i_new = vocab.tokenizer.token_to_id(tok), new_vocab.tokenizer.token_to_id(tok)
    if i_old is not None:
        assert torch.equal(sd_old["tok.weight"][i_old], sd_new["tok.weight"][i_new])
    j_old = vocab.label_ids[vocab.labels.index("B-SYMPTOM_AND_DISEASE")]
    j_new = new_vocab.label_ids[new_vocab.labels.index(f"B-{escape_label('Triệu chứng')}")]
    assert torch.allclose(sd_old["head.weight"][j_old], sd_new["head.weight"][j_new])
    assert torch.equal(sd_old["label.weight"][2], sd_new["label.weight"][2])  # [MASK] in a slot
    # the model runs over the new vocabulary
    item = encode_record(records[0], new_vocab, "aligned")
    batch = collate([item], new_vocab.pad_id, canvas_fill=new_vocab.mask_id)
    with torch.no_grad():
        logits = new_model(batch.input_ids, batch.attention_mask, batch.position_ids)
    assert logits.shape[-1] == new_vocab.label_ids[-1] + 1 and torch.isfinite(logits).all()


def test_finetune_with_project_labels_writes_a_package_with_them(base, tmp_path, monkeypatch):
    monkeypatch.setattr(
        finetune_heldout, "TUNE_FROM", 8
    )  # the 8 held-out sentences below are enough to choose a threshold
    # as the workbench writes them: the instruction format's tags cannot hold "Triệu chứng", so labels are indexed
    write_instruction_jsonl(tmp_path / "train.jsonl", indexed(project_records(30, 1)))
    write_instruction_jsonl(tmp_path / "heldout.jsonl", indexed(project_records(8, 2)))
    (tmp_path / "labels.json").write_text(
        json.dumps({"labels": LABELS, "map": MAP, "indexed": True}, ensure_ascii=False)
    )
    out = tmp_path / "project-v1"
    code, events = run_cli(
        [
            "--base",
            base["package"],
            "--train",
            tmp_path / "train.jsonl",
            "--heldout",
            tmp_path / "heldout.jsonl",
            "--labels",
            tmp_path / "labels.json",
            "--compare",
            base["package"],
            "--out",
            out,
            "--max-steps",
            "4",
            "--name",
            "proj",
            "--version",
            "1.0.0",
            *FAST,
        ]
    )
    assert code == 0, events
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["output"] == {"format": "aligned-bio", "labels": LABELS}
    assert manifest["provenance"]["projectLabels"]["map"] == MAP
    assert manifest["provenance"]["projectLabels"]["tokenizer"] == "extend"  # the default from the base's weights
    m = events[-1]["metrics"]
    assert "f1" in m and set(m["per_label"]) <= set(LABELS)
    assert "f1" in m["compare"] and m["compare"]["package"] == "tiny-trainable 1.2.3"
    # the package decodes at the threshold that scored best on the held-out sentences (a tie keeps the earlier one)
    assert list(m["thresholds"]) == [str(t) for t in finetune_heldout.THRESHOLDS]
    best = max(m["thresholds"].values())
    assert m["threshold"] == next(t for t in finetune_heldout.THRESHOLDS if m["thresholds"][str(t)] == best)
    assert m["f1"] == best and manifest["sampler"]["threshold"] == m["threshold"]
    # the word prior was tried with each threshold; shipped (crf.json beside the graph) only where it won
    assert list(m["prior_weights"]) == [str(w) for w in finetune_heldout.PRIOR_WEIGHTS]
    if "prior" in manifest:
        assert manifest["prior"]["weight"] > 0 and (out / manifest["prior"]["file"]).exists()
    else:
        assert not (out / "crf.json").exists()
    assert manifest["head"]["topK"] == 8  # the candidates the prior chooses among
    # then the second look, at the chosen threshold and weight: shipped only where it scored higher
    assert list(m["rechecks"]) == ["0", str(finetune_heldout.RECHECK)]
    rechecked = m["rechecks"][str(finetune_heldout.RECHECK)] > m["rechecks"]["0"]
    assert m["recheck"] == (finetune_heldout.RECHECK if rechecked else 0.0)
    assert manifest["sampler"].get("recheck", 0.0) == m["recheck"] and m["f1"] == max(m["rechecks"].values())
    onnx_runs(out)
    # the new package is trainable again, from its own labels (identity transfer)
    model, vocab, *_ = load_package(out)
    assert [unescape_label(x) for x in vocab.entity_labels] == LABELS
    out2 = tmp_path / "project-v2"
    code, events = run_cli(
        [
            "--base",
            out,
            "--train",
            tmp_path / "train.jsonl",
            "--labels",
            tmp_path / "labels.json",
            "--out",
            out2,
            "--max-steps",
            "2",
            "--threshold",
            "0.75",
            "--recheck",
            "0.85",
            *FAST,
        ]
    )
    assert code == 0, events
    _, vocab2, *_, manifest2 = load_package(out2)
    assert vocab2.labels == vocab.labels
    assert manifest2["sampler"]["threshold"] == 0.75 and "thresholds" not in events[-1]["metrics"]
    assert manifest2["sampler"]["recheck"] == 0.85 and "rechecks" not in events[-1]["metrics"]  # as given
    # What each package trained on travels with it; the tiny base lists nothing, so the list is incomplete.
    texts = training_texts.read(out, manifest)
    assert manifest["provenance"]["trainingTexts"]["complete"] is False
    assert texts == training_texts.fingerprints(r.text for r in project_records(30, 1))
    assert training_texts.read(out2, manifest2) == texts  # its base's and its own: the same sentences
    # Compared with a model that trained on some held-out documents, those are left out of both scores.
    mixed = project_records(30, 1)[:3] + project_records(8, 2)
    write_instruction_jsonl(tmp_path / "mixed.jsonl", indexed(mixed))
    fresh = sum(not training_texts.seen(r.text, texts) for r in mixed)
    assert 0 < fresh < len(mixed)
    code, events = run_cli(
        [
            *("--base", base["package"], "--train", tmp_path / "heldout.jsonl", "--heldout", tmp_path / "mixed.jsonl"),
            *("--labels", tmp_path / "labels.json", "--compare", out, "--out", tmp_path / "project-v3"),
            *("--max-steps", "2", "--threshold", "0.9", *FAST),
        ]
    )
    assert code == 0, events
    compare = events[-1]["metrics"]["compare"]
    # the new version trained on heldout.jsonl, which is also in mixed.jsonl: those are left out too
    assert compare["documents"] == 0 and compare["seen"] == len(mixed) and "error" in compare
    own = training_texts.fingerprints(r.text for r in project_records(8, 2))
    assert events[-1]["metrics"]["heldout_seen"] == sum(training_texts.seen(r.text, own) for r in mixed) > 0
    code, events = run_cli(
        [
            *("--base", base["package"], "--train", tmp_path / "train.jsonl", "--heldout", tmp_path / "mixed.jsonl"),
            *("--labels", tmp_path / "labels.json", "--compare", out, "--out", tmp_path / "project-v4"),
            *("--max-steps", "2", "--threshold", "0.9", *FAST),
        ]
    )
    assert code == 0, events
    compare = events[-1]["metrics"]["compare"]
    assert (compare["documents"], compare["seen"]) == (fresh, len(mixed) - fresh)
    assert {"f1", "newF1"} <= set(compare)


def test_training_text_fingerprints_ignore_form_case_and_spacing():
    import unicodedata

    text = "Bệnh nhân 91 ở Hà Nội"
    same = [unicodedata.normalize("NFD", text), text.lower(), "Bệnh  nhân 91\tở Hà Nội ", "BệnhnhânởHàNội91"]
    fps = training_texts.fingerprints([text])
    assert [training_texts.seen(t, fps) for t in same] == [True, True, True, False]
    assert training_texts.seen("một dòng khác\r\n" + text, fps)  # any line of a document
    assert training_texts.fingerprint(" \t") is None and training_texts.fingerprints(["", "\n"]) == set()


def test_a_label_outside_the_project_set_is_refused(base, tmp_path):
    write_instruction_jsonl(tmp_path / "train.jsonl", indexed(project_records(5)))
    (tmp_path / "labels.json").write_text(json.dumps({"labels": ["tuổi"], "indexed": True}, ensure_ascii=False))
    code, events = run_cli(
        [
            "--base",
            base["package"],
            "--train",
            tmp_path / "train.jsonl",
            "--labels",
            tmp_path / "labels.json",
            "--out",
            tmp_path / "x",
            *FAST,
        ]
    )
    assert code == 1 and "_1 " in events[-1]["message"] and "not in the label set" in events[-1]["message"]


def test_the_word_prior_ships_at_the_weight_given_or_else_the_default(base, tmp_path):
    # The workbench's refit on every document has no held-out sentences to choose a weight: it passes the scored run's.
    write_instruction_jsonl(tmp_path / "all.jsonl", indexed(project_records(20, 3)))
    (tmp_path / "labels.json").write_text(json.dumps({"labels": LABELS, "indexed": True}, ensure_ascii=False))
    common = ["--base", base["package"], "--train", tmp_path / "all.jsonl", "--labels", tmp_path / "labels.json"]
    code, events = run_cli([*common, "--out", tmp_path / "refit", "--prior-weight", "0.4", "--max-steps", "2", *FAST])
    assert code == 0, events
    out = tmp_path / "refit"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["prior"] == {"file": "crf.json", "weight": 0.4}
    assert manifest["provenance"]["priorWeight"] == "given"
    crf = CrfModel.load(out / "crf.json")
    # the CRF's tags are the package's own, as its vocabulary writes them (escaped labels)
    _, vocab, *_ = load_package(out)
    assert set(crf.labels) <= set(vocab.labels) and any(t.startswith("B-") for t in crf.labels)
    assert events[-1]["metrics"]["prior_weight"] == 0.4
    # weight 0: no prior; a weight outside [0, 1): refused before any training
    code, events = run_cli([*common, "--out", tmp_path / "none", "--prior-weight", "0", "--max-steps", "2", *FAST])
    assert code == 0 and "prior" not in json.loads((tmp_path / "none" / "manifest.json").read_text(encoding="utf-8"))
    code, events = run_cli([*common, "--out", tmp_path / "bad", "--prior-weight", "1", *FAST])
    assert code == 2 and "--prior-weight 1.0: must be at least 0 and below 1" in events[-1]["message"]
    # no weight given and too few held-out sentences to choose one: the measured default
    code, events = run_cli([*common, "--out", tmp_path / "default", "--max-steps", "2", *FAST])
    manifest = json.loads((tmp_path / "default" / "manifest.json").read_text(encoding="utf-8"))
    assert code == 0 and manifest["prior"]["weight"] == finetune_heldout.DEFAULT_PRIOR_WEIGHT
    assert manifest["provenance"]["priorWeight"] == "default"


def test_no_word_prior_from_documents_without_entities(base):
    # A CRF that knows only O would hold every entity back: none is trained.
    _, vocab, *_ = load_package(Path(base["package"]))
    records = synthetic_records(10, 5)
    assert word_prior([Record(r.text, []) for r in records], vocab) is None
    assert word_prior(records, vocab) is not None


def test_the_tokenizer_extended_with_the_projects_words_makes_them_whole_and_starts_them_from_their_pieces(base):
    model, vocab, *_ = load_package(base["package"])
    word = "nhânbệnhnội"  # a made-up word the tiny base BPE splits into pieces
    pieces = vocab.tokenizer.encode(word, add_special_tokens=False).tokens
    assert len(pieces) > 2
    other = "Bệnh nhân ở Hà Nội ."
    extended, words = extend_tokenizer(vocab, [f"{word} và {word} .", other, "nhânviên ."])
    assert words == 1  # the word seen twice; "nhânviên", seen once, stays in pieces
    assert extended.tokenizer.encode(word, add_special_tokens=False).tokens == [word + "</w>"]
    # (a word seen once is not made whole, though a merge appended for another may join some of its pieces)
    assert extended.tokenizer.encode("nhânviên", add_special_tokens=False).tokens == ["nhân", "viên</w>"]
    assert extended.tokenizer.encode(other).tokens == vocab.tokenizer.encode(other).tokens  # the rest as before
    assert extended.labels == vocab.labels and extended.label_ids == vocab.label_ids
    project = build_vocab(extended, [escape_label(lab) for lab in LABELS], escape_records(project_records(4)))
    moved, _ = transfer(model, vocab, project, MAP)
    whole = project.tokenizer.token_to_id(word + "</w>")
    rows = [vocab.tokenizer.token_to_id(p) for p in pieces]
    for name in ("tok", "lower"):
        new, old = getattr(moved, name).weight, getattr(model, name).weight
        assert torch.allclose(new[whole], old[rows].mean(0))
    # a base without an end-of-word BPE is left as it is
    assert extend_tokenizer(vocab, [])[1] == 0
