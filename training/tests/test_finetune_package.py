"""dnw.package.finetune_package: a trainable tiny package is fine-tuned (and trained from scratch) into a new package that
onnxruntime loads; bad data, unknown labels, packages without weights and an existing OUT_DIR are refused; a run
cancelled with SIGTERM leaves no OUT_DIR."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from dnw.graph_export import session_for
from dnw.package import finetune_loop
from dnw.package import finetune_package as ft
from dnw.package.package_checkpoint import FORMAT, load_package
from dnw.tagger.tokenizer import Vocab

torch.set_num_threads(1)
REPO = Path(__file__).resolve().parents[2]
TRAINING = REPO / "training"
FAST = ["--threads", "1", "--batch-tokens", "512", "--min-steps", "0"]


def run_cli(args: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = ft.main([str(a) for a in args], stream=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def onnx_runs(package: Path) -> None:
    feeds = {
        "input_ids": np.array([[4, 40, 41, 5, 2, 2]], np.int64),
        "attention_mask": np.ones((1, 6), np.int64),
        "position_ids": np.arange(6, dtype=np.int64)[None],
        "temperature": np.zeros(1, np.float32),
        "top_p": np.ones(1, np.float32),
        "top_k": np.zeros(1, np.int64),
    }
    ids, probs, _ = session_for(package / "model.onnx").run(None, feeds)
    top_k = json.loads((package / "manifest.json").read_text(encoding="utf-8"))["head"]["topK"]
    assert ids.shape == (1, 6, top_k) and np.isfinite(probs).all()


def test_finetune_writes_a_complete_trainable_package(base, tmp_path):
    out = tmp_path / "v2"
    code, events = run_cli(
        [
            "--base",
            base["package"],
            "--train",
            base["train"],
            "--heldout",
            base["dev"],
            "--out",
            out,
            "--max-steps",
            "6",
            *FAST,
        ]
    )
    assert code == 0, events
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "step" in kinds
    assert events[0]["examples"] == 40 and events[0]["steps"] == 6
    assert {"event": "phase", "phase": "export"}.items() <= next(e for e in events if e["event"] == "phase").items()
    steps = [e for e in events if e["event"] == "step"]
    assert steps[-1]["step"] == 6 and all(np.isfinite(e["loss"]) and e["steps"] == 6 for e in steps)
    done = events[-1]
    assert done["package"] == str(out)
    m = done["metrics"]
    assert m["train_examples"] == 40 and m["steps"] == 6 and m["heldout_examples"] == 8
    assert {"precision", "recall", "f1", "final_loss"} <= set(m)

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["name"] == "tiny-trainable" and manifest["version"] == "1.2.4"
    assert manifest["training"] == {"checkpoint": "checkpoint.pt", "format": FORMAT}
    assert manifest["provenance"]["base"] == {"name": "tiny-trainable", "version": "1.2.3"}
    assert [e["metric"] for e in manifest["evaluation"]][0] == "nested micro-F1"
    assert manifest["evaluation"][0]["value"] == m["f1"]
    assert (out / "MODEL_CARD.md").exists() and (out / "tokenizer.json").exists()
    assert not list(tmp_path.glob(".v2.partial-*")) and not (out / "_work").exists()
    onnx_runs(out)
    # The new checkpoint is the fine-tuned model, and it can be fine-tuned again.
    model, vocab, cfg, meta, _ = load_package(out)
    assert meta["source"]["builder"] == "dnw.finetune_package" and cfg["model"]["d_model"] == 32
    if shutil.which("node") and (REPO / "node_modules" / "tsx").exists():
        check = subprocess.run(
            ["node", "--import", "tsx", "training/scripts/check_manifest.ts", str(out)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_from_scratch_with_name_and_version(base, tmp_path):
    out = tmp_path / "seed"
    code, events = run_cli(
        [
            "--base",
            base["package"],
            "--train",
            base["train"],
            "--out",
            out,
            "--from-scratch",
            "--max-steps",
            "3",
            "--name",
            "seed-model",
            "--version",
            "0.0.1",
            "--quantize",
            "int8",
            *FAST,
        ]
    )
    assert code == 0, events
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["name"], manifest["version"]) == ("seed-model", "0.0.1")
    assert manifest["provenance"]["fromScratch"] is True and manifest["evaluation"] == []
    assert "f1" not in events[-1]["metrics"]
    onnx_runs(out)
    # Random initialisation: the weights differ from the base's.
    a, *_ = load_package(base["package"])
    b, *_ = load_package(out)
    assert not torch.allclose(a.tok.weight, b.tok.weight)


def test_bad_line_is_refused_with_file_and_line(base, tmp_path):
    lines = base["train"].read_text().splitlines()[:2]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines + ['{"instruction": "<ner>\\nBN 1\\n</ner>", "output": "BN <AGE>2</AGE>"}']) + "\n")
    code, events = run_cli(["--base", base["package"], "--train", bad, "--out", tmp_path / "x", *FAST])
    assert code == 1 and events == [{"event": "error", "message": events[0]["message"]}]
    assert f"{bad}:3:" in events[0]["message"] and "differs" in events[0]["message"]
    bad.write_text(lines[0] + "\n{not json\n")
    code, events = run_cli(["--base", base["package"], "--train", bad, "--out", tmp_path / "x", *FAST])
    assert code == 1 and f"{bad}:2: not valid JSON" in events[0]["message"]
    assert not (tmp_path / "x").exists()


def test_unknown_label_is_refused(base, tmp_path):
    data = tmp_path / "new-label.jsonl"
    data.write_text(
        base["train"].read_text()
        + json.dumps(
            {"instruction": "<ner>\nBN 1 bị cúm\n</ner>", "output": "BN 1 bị <DISEASE_NEW>cúm</DISEASE_NEW>"},
            ensure_ascii=False,
        )
        + "\n"
    )
    code, events = run_cli(["--base", base["package"], "--train", data, "--out", tmp_path / "x", *FAST])
    assert code == 1
    message = events[0]["message"]
    assert "DISEASE_NEW" in message and f"{data}:41" in message and "tiny-trainable 1.2.3" in message


def test_base_without_checkpoint_and_existing_out_are_refused(base, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(base["package"], plain)
    manifest = json.loads((plain / "manifest.json").read_text())
    del manifest["training"]
    (plain / "manifest.json").write_text(json.dumps(manifest))
    (plain / "checkpoint.pt").unlink()
    code, events = run_cli(["--base", plain, "--train", base["train"], "--out", tmp_path / "x", *FAST])
    assert code == 1 and "cannot be fine-tuned" in events[0]["message"] and str(plain) in events[0]["message"]
    (tmp_path / "taken").mkdir()
    code, events = run_cli(["--base", base["package"], "--train", base["train"], "--out", tmp_path / "taken", *FAST])
    assert code == 2 and "already exists" in events[0]["message"]
    code, events = run_cli(["--base", base["package"], "--train", base["train"]])
    assert code == 2 and events[0]["event"] == "error" and "--out" in events[0]["message"]


def test_sigterm_leaves_no_out_dir(base, tmp_path):
    out = tmp_path / "cancelled"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dnw.package.finetune_package",
            "--base",
            str(base["package"]),
            "--train",
            str(base["train"]),
            "--out",
            str(out),
            "--max-steps",
            "100000",
            *FAST,
        ],
        cwd=TRAINING,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        events = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            events.append(json.loads(line))  # stdout holds nothing but events
            if events[-1]["event"] == "step":
                break
        assert events and events[-1]["event"] == "step", events
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        rest = [json.loads(line) for line in proc.stdout.read().splitlines()]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 128 + signal.SIGTERM
    assert rest[-1]["event"] == "error" and "SIGTERM" in rest[-1]["message"]
    assert not out.exists() and not list(tmp_path.glob(".cancelled.partial-*"))


def test_reader_takes_both_export_variants(tmp_path):
    from dnw.package.finetune_data import read_training_jsonl

    data = tmp_path / "mixed.jsonl"
    plain = {
        "instruction": "<ner>\nBN 91 ở Hà Nội &amp; x\n</ner>",
        "output": "BN <PATIENT_ID>91</PATIENT_ID> ở <LOCATION>Hà Nội</LOCATION> &amp; x",
        "id": "doc-1",
    }
    chat = {
        "messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "<ner>\nBệnh viện Đà Nẵng\n</ner>"},
            {"role": "assistant", "content": "<ORGANIZATION>Bệnh viện <LOCATION>Đà Nẵng</LOCATION></ORGANIZATION>"},
        ]
    }
    data.write_text(json.dumps(plain, ensure_ascii=False) + "\n\n" + json.dumps(chat, ensure_ascii=False) + "\n")
    records, lines = read_training_jsonl(data)
    assert lines == [1, 3]
    assert records[0].text == "BN 91 ở Hà Nội & x"
    assert records[0].spans == [(3, 5, "PATIENT_ID"), (8, 14, "LOCATION")]
    assert records[1].spans == [(0, 17, "ORGANIZATION"), (10, 17, "LOCATION")]


def test_long_documents_are_split_where_no_entity_is_cut(base):
    from dnw.package.finetune_data import split_long
    from dnw.tagger.data import Record

    vocab = Vocab.load(base["tmp"] / "vocab")
    sentence = "Bệnh nhân BN 12 ở Hà Nội ."
    text = " ".join([sentence] * 6)
    spans = [(i * (len(sentence) + 1) + 18, i * (len(sentence) + 1) + 24, "LOCATION") for i in range(6)]
    assert all(text[s:e] == "Hà Nội" for s, e, _ in spans)
    pieces = split_long(Record(text, spans), vocab, limit=20)
    assert len(pieces) > 1 and " ".join(p.text for p in pieces) == text
    assert all(len(vocab.tokenizer.encode(p.text).ids) <= 20 for p in pieces)
    assert all(p.text.endswith(".") for p in pieces)  # cut after sentence-final punctuation
    assert sum(len(p.spans) for p in pieces) == 6 and all(
        p.text[s:e] == "Hà Nội" for p in pieces for s, e, _ in p.spans
    )


def test_a_killed_runs_hidden_folder_is_removed_by_the_next_run(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale, live = tmp_path / f".pkg.partial-{gone.pid}", tmp_path / f".pkg.partial-{os.getpid()}"
    stale.mkdir()
    live.mkdir()
    ft._clean_stale_partials(tmp_path / "pkg")
    assert not stale.exists() and live.exists()


def test_sigterm_during_export_cancels_even_when_a_library_swallows_it(base, tmp_path, monkeypatch):
    import dnw.package.export as export_mod

    real = export_mod.export_onnx

    def export_that_swallows(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.5)  # the handler runs here
        except BaseException:  # noqa: BLE001 - what an over-eager library might do
            pass
        return real(*args, **kwargs)

    monkeypatch.setattr(export_mod, "export_onnx", export_that_swallows)
    out = tmp_path / "cancelled"
    code, events = run_cli(
        ["--base", base["package"], "--train", base["train"], "--out", out, "--max-steps", "1", *FAST]
    )
    assert code == 128 + signal.SIGTERM and events[-1] == {"event": "error", "message": "cancelled by SIGTERM"}
    assert not out.exists() and not list(tmp_path.glob(".cancelled.partial-*"))


def test_budget_fraction_starts_at_the_end_of_warm_up():
    assert finetune_loop.budget_fraction(now=50.0, start=0.0, warm_end=None, budget=600.0) == 0.0  # still warming up
    assert finetune_loop.budget_fraction(now=30.0, start=0.0, warm_end=30.0, budget=600.0) == 0.0
    assert finetune_loop.budget_fraction(now=315.0, start=0.0, warm_end=30.0, budget=600.0) == 0.5
    assert finetune_loop.budget_fraction(now=99.0, start=0.0, warm_end=30.0, budget=0.0) == 0.0  # no budget
    assert (
        finetune_loop.budget_fraction(now=700.0, start=0.0, warm_end=650.0, budget=600.0) == 1.0
    )  # warm-up spent it all


def test_a_run_that_fits_its_budget_trains_the_same_on_a_busy_machine(base, tmp_path, monkeypatch):
    """Wall time bends the learning rate only when the budget binds: the same seed gives the same weights whether
    each step takes a moment or seconds (as on a machine shared with other runs)."""

    def train(out: Path) -> dict:
        code, events = run_cli(
            ["--base", base["package"], "--train", base["train"], "--out", out, "--max-steps", "20"]
            + ["--max-minutes", "10", "--seed", "3", *FAST]
        )
        assert code == 0, events
        model, *_ = load_package(out)
        return model.state_dict()

    idle = train(tmp_path / "idle")
    clock = [time.time()]

    def busy() -> float:  # every reading of the clock is 2 s after the last
        clock[0] += 2.0
        return clock[0]

    monkeypatch.setattr(finetune_loop.time, "time", busy)
    loaded = train(tmp_path / "busy")
    monkeypatch.undo()
    assert idle.keys() == loaded.keys()
    assert all(torch.equal(idle[k], loaded[k]) for k in idle)
