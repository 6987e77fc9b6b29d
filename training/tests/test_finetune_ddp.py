"""dnw.dream.finetune under torchrun (two CPU processes over gloo, DDP) and its resume after a killed run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from dnw.dream import finetune, tiny_qwen2
from dnw.tagger.synthetic import write_synthetic
from safetensors.torch import load_file

pytest.importorskip("transformers")
TRAINING = Path(__file__).resolve().parents[1]
SMALL = [
    "--lora-rank",
    "4",
    "--lr",
    "1e-2",
    "--batch-size",
    "2",
    "--grad-accum",
    "2",
    "--device",
    "cpu",
    "--dtype",
    "float32",
    "--quiet",
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("ft-ddp")
    tok = tiny_qwen2.train_tokenizer(320, 7)
    model = tiny_qwen2.build_model(tok.get_vocab_size(), 1, 32, 7, 0.02)
    tiny_qwen2.write_checkpoint(model, tok, tmp / "ckpt")
    train, _ = write_synthetic(tmp / "data", 16, 2)
    return {"ckpt": tmp / "ckpt", "train": train, "before": {k: v.clone() for k, v in model.state_dict().items()}}


def log_rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / finetune.LOG_FILE).read_text().splitlines()]


@pytest.mark.skipif(not torch.distributed.is_available(), reason="torch.distributed missing")
def test_torchrun_two_processes(setup, tmp_path):
    out = tmp_path / "ft"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "dnw.dream.finetune",
        "--checkpoint",
        str(setup["ckpt"]),
        "--data",
        str(setup["train"]),
        "--out",
        str(out),
        "--max-steps",
        "2",
        *SMALL,
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=150, env=env, cwd=TRAINING)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = log_rows(out)
    start = next(r for r in rows if r["event"] == "start")
    assert start["world"] == 2 and start["examples_per_step"] == 8 and start["device"] == "cpu"
    steps = [r for r in rows if r["event"] == "step"]
    assert [r["step"] for r in steps] == [1, 2], "only rank 0 logs"
    assert all(r["s_per_step"] > 0 and r["tokens"] > 0 for r in steps)
    tuned = load_file(str(out / "model.safetensors"))
    changed = [k for k, v in tuned.items() if not torch.equal(v, setup["before"][k])]
    assert changed and all(any(t in k for t in finetune.LORA_TARGETS) for k in changed)


class Killed(BaseException):
    pass


def test_resume_continues_where_a_killed_run_stopped(setup, tmp_path, monkeypatch):
    args = [
        "--checkpoint",
        str(setup["ckpt"]),
        "--data",
        str(setup["train"]),
        "--max-steps",
        "4",
        "--checkpoint-every",
        "2",
        *SMALL,
    ]
    finetune.main([*args, "--out", str(tmp_path / "whole")])
    whole = load_file(str(tmp_path / "whole" / "model.safetensors"))

    original = finetune.Logger.__call__

    def kill_after_step_3(self, **row):
        original(self, **row)
        if row.get("event") == "step" and row["step"] == 3:
            raise Killed()  # as a SIGKILL would: after the step-2 checkpoint, before the end

    out = tmp_path / "killed"
    monkeypatch.setattr(finetune.Logger, "__call__", kill_after_step_3)
    with pytest.raises(Killed):
        finetune.main([*args, "--out", str(out)])
    monkeypatch.setattr(finetune.Logger, "__call__", original)
    assert (out / finetune.RESUME_FILE).exists() and not (out / "model.safetensors").exists()
    with pytest.raises(SystemExit, match="--resume"):
        finetune.main([*args, "--out", str(out)])  # never silently restarts over a resumable run
    finetune.main([*args, "--out", str(out), "--resume"])
    rows = log_rows(out)
    assert {"event": "resume", "step": 2, "steps": 4}.items() <= next(r for r in rows if r["event"] == "resume").items()
    assert [r["step"] for r in rows if r["event"] == "step"] == [1, 2, 3, 3, 4]
    resumed = load_file(str(out / "model.safetensors"))
    for k in whole:
        torch.testing.assert_close(resumed[k], whole[k], rtol=0, atol=1e-6)
    assert not (out / finetune.RESUME_FILE).exists()
