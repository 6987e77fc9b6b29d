"""A few training steps on synthetic data: checkpoint, resume, log, evaluation, export to a loadable package."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from dnw.tagger import train as train_mod
from dnw.tagger.synthetic import write_synthetic

CONFIG = """
[run]
name = "smoke"
out_dir = "{out}"
seed = 3
threads = 1
[data]
train = "{train}"
dev = "{dev}"
dev_limit = 8
vocab_size = 400
[model]
format = "aligned"
d_model = 32
n_layers = 2
n_heads = 2
[train]
max_steps = {steps}
max_tokens = 1024
warmup_steps = 2
log_every = 2
eval_every = 4
checkpoint_every = 2
ema = 0.9
[decode]
threshold = 0.9
max_steps = 4
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("smoke")
    train, dev = write_synthetic(tmp / "data", 48, 8)

    def config(steps):
        path = tmp / f"smoke{steps}.toml"
        path.write_text(CONFIG.format(out=tmp / "runs", train=train, dev=dev, steps=steps))
        return str(path)

    train_mod.main(["--config", config(4)])
    run = tmp / "runs" / "smoke"
    first = torch.load(run / "last.pt", weights_only=False)["state"]
    train_mod.main(["--config", config(6)])  # resumes from last.pt and trains two more steps
    return run, first


def test_checkpoint_log_and_resume(run_dir):
    run, first = run_dir
    assert first["step"] == 4
    assert (run / "best.pt").exists() and (run / "tokenizer.json").exists() and (run / "config.toml").exists()
    rows = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    events = [r.get("event") for r in rows]
    assert events[0] == "start" and "resume" in events and events[-1] == "end"
    assert rows[-1]["step"] == 6
    steps = [r for r in rows if "loss" in r]
    assert all({"step", "loss", "lr", "wall_min"} <= set(r) for r in steps)
    assert any(r.get("event") == "eval" and "dev_nested_f1" in r for r in rows)


def test_export_package_loads_and_matches_torch(run_dir):
    pytest.importorskip("onnxruntime")
    from dnw.package import export as export_mod
    from dnw.sampler_head import head_outputs, sampler_scalars

    run, _ = run_dir
    out = run / "pkg"
    export_mod.main(
        [
            "--run",
            str(run),
            "--out",
            str(out),
            "--checkpoint",
            "last",
            "--quantize",
            "none",
            "--dev",
            str(run / "none.jsonl"),
        ]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["output"]["format"] == "aligned-bio" and manifest["shiftedLogits"] is False
    assert manifest["tokens"]["mask"] == 2 and (out / "MODEL_CARD.md").exists() and (out / "tokenizer.json").exists()
    # Every exported package carries its weights for dnw.package.finetune_package.
    assert manifest["training"] == {"checkpoint": "checkpoint.pt", "format": "dnw-aligned-v1"}
    from dnw.package.package_checkpoint import load_package, verify

    parity = verify(out, out / "model.onnx", ["Bệnh nhân BN5 ở Hà Nội .", "Ngày 2/3 ."])
    # A 6-step model's candidates are near ties: agreement is owed where PyTorch's top-1 is decisive.
    assert parity["decisive_slots"] > 0 and parity["top1_agreement_decisive"] == 1.0
    assert parity["max_abs_diff_topk_probs"] < 5e-3
    assert load_package(out)[3]["source"] == {"builder": "dnw.export", "run": "smoke", "checkpoint": "last"}
    repo = Path(__file__).resolve().parents[2]
    if shutil.which("node") and (repo / "node_modules" / "tsx").exists():
        # The engine's own validator (core/model-package/manifest.ts) accepts it: unknown fields are refused there.
        check = subprocess.run(
            ["node", "--import", "tsx", "training/scripts/check_manifest.ts", str(out)],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert check.returncode == 0, check.stdout + check.stderr

    from dnw.tagger.runs import load_run

    model, vocab, _ = load_run(run, "last")
    from dnw.tagger.data import Record
    from dnw.tagger.encode import collate, encode_record

    items = [encode_record(Record(t, []), vocab, "aligned") for t in ["Bệnh nhân BN5 ở Hà Nội .", "Ngày 2/3 ."]]
    batch = collate(items, vocab.pad_id, canvas_fill=vocab.mask_id)
    scalars = sampler_scalars(0.0, None, None)
    sess = export_mod.session_for(out / "model.onnx")
    got = sess.run(
        None,
        {
            "input_ids": batch.input_ids.numpy(),
            "attention_mask": batch.attention_mask.numpy(),
            "position_ids": batch.position_ids.numpy(),
            "temperature": scalars[0].numpy(),
            "top_p": scalars[1].numpy(),
            "top_k": scalars[2].numpy(),
        },
    )
    with torch.no_grad():
        want = head_outputs(model(batch.input_ids, batch.attention_mask, batch.position_ids), *scalars, 4)
    n = batch.canvas_mask
    assert got[0].shape == tuple(want[0].shape)
    np.testing.assert_array_equal(got[0][..., 0][n.numpy()], want[0][..., 0][n].numpy())
    np.testing.assert_allclose(got[1][n.numpy()], want[1][n].numpy(), atol=1e-4)


def test_finetune_dream_style_checkpoint_on_exported_data(tmp_path):
    """dnw.dream.finetune on a tiny random Qwen2 checkpoint (dnw.dream.tiny_qwen2) and synthetic instruction JSONL."""
    pytest.importorskip("transformers")
    from dnw.dream import finetune, tiny_qwen2
    from dnw.dream.export_dream import load_checkpoint

    tok = tiny_qwen2.train_tokenizer(320, 7)
    model = tiny_qwen2.build_model(tok.get_vocab_size(), 1, 32, 7, 0.02)
    tiny_qwen2.write_checkpoint(model, tok, tmp_path / "ckpt")
    train, _ = write_synthetic(tmp_path / "data", 12, 2)
    finetune.main(
        [
            "--checkpoint",
            str(tmp_path / "ckpt"),
            "--data",
            str(train),
            "--out",
            str(tmp_path / "ft"),
            "--max-steps",
            "3",
            "--grad-accum",
            "2",
            "--lora-rank",
            "4",
            "--dtype",
            "float32",
            "--device",
            "cpu",
            "--lr",
            "1e-2",
        ]
    )
    log = [json.loads(line) for line in (tmp_path / "ft" / "finetune_log.jsonl").read_text().splitlines()]
    rows = [r for r in log if r.get("event") == "step"]
    assert len(rows) == 3 and all(np.isfinite(r["loss"]) for r in rows)
    assert log[0]["event"] == "start" and log[0]["device"] == "cpu" and log[-1]["event"] == "end"
    tuned, _ = load_checkpoint(tmp_path / "ft")  # strict load: same names and shapes as the original
    before = dict(model.named_parameters())
    changed = [n for n, p in tuned.named_parameters() if not torch.equal(p, before[n].detach())]
    assert changed and all(any(t in n for t in finetune.LORA_TARGETS) for n in changed)
