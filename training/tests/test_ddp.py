"""The unchanged training entry point under torchrun: two CPU processes, gloo, a few steps."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from dnw.tagger.synthetic import write_synthetic

CONFIG = """
[run]
name = "ddp"
out_dir = "{out}"
seed = 5
threads = 1
[data]
train = "{train}"
dev = "{dev}"
dev_limit = 4
vocab_size = 300
[model]
d_model = 32
n_layers = 1
n_heads = 2
[train]
max_steps = 4
max_minutes = 60
time_schedule = true
ema = 0.9
max_tokens = 768
warmup_steps = 1
log_every = 2
eval_every = 4
checkpoint_every = 2
[decode]
max_steps = 2
"""


@pytest.mark.skipif(not torch.distributed.is_available(), reason="torch.distributed missing")
def test_torchrun_two_processes(tmp_path):
    train, dev = write_synthetic(tmp_path / "data", 40, 4)
    cfg = tmp_path / "ddp.toml"
    cfg.write_text(CONFIG.format(out=tmp_path / "runs", train=train, dev=dev))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "dnw.tagger.train",
        "--config",
        str(cfg),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr[-3000:]
    run = tmp_path / "runs" / "ddp"
    rows = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    assert rows[0]["event"] == "start" and rows[0]["world"] == 2
    assert rows[-1]["event"] == "end" and rows[-1]["step"] == 4
    assert torch.load(run / "last.pt", weights_only=False)["state"]["step"] == 4
