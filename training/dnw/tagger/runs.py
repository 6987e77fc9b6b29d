"""A training run's folder (config.toml, tokenizer, checkpoints): the defaults a config fills in, and the model
rebuilt from a run. Used by training, evaluation and export alike, so none of them imports another for it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import torch

from .model import DiffusionTagger, ModelConfig
from .tokenizer import Vocab, token_features

DEFAULTS = {
    "run": {"name": "run", "out_dir": "training/runs", "seed": 1, "threads": 1},
    "data": {
        "train": "training/data/phoner_train.nested.jsonl",
        "dev": "training/data/phoner_dev.nested.jsonl",
        "train_limit": 0,
        "dev_limit": 500,
        "vocab_size": 6000,
        "bpe_dropout": 0.0,
        "bpe_variants": 1,
    },
    "model": {"format": "aligned"},
    "train": {
        "epochs": 10,
        "max_minutes": 0,
        "max_tokens": 4096,
        "lr": 1e-3,
        "min_lr_ratio": 0.05,
        "warmup_steps": 200,
        "weight_decay": 0.01,
        "betas": [0.9, 0.98],
        "grad_clip": 1.0,
        "eps": 1e-3,
        "eval_every": 250,
        "checkpoint_every": 250,
        "log_every": 25,
        "max_steps": 0,
        "max_cpu_minutes": 0,
        "time_schedule": False,
        "ema": 0.0,
    },
    "decode": {"threshold": 0.9, "max_steps": 8},
}


def load_config(path: str | Path) -> dict:
    with open(path, "rb") as f:
        user = tomllib.load(f)
    cfg = {k: dict(v) for k, v in DEFAULTS.items()}
    for section, values in user.items():
        cfg.setdefault(section, {}).update(values)
    return cfg


def build_model(cfg: dict, vocab: Vocab, state: dict | None = None) -> DiffusionTagger:
    """The model for a config; with a checkpoint's state the feature tables come from it (they are buffers)."""
    feats = token_features(vocab.tokenizer)
    lower_ids, shape_ids, n_shapes = feats.lower_ids, feats.shape_ids, len(feats.shapes)
    if state is not None:
        lower_ids, shape_ids = state["lower_ids"].tolist(), state["shape_ids"].tolist()
        n_shapes = state["shape.weight"].shape[0] if "shape.weight" in state else max(shape_ids) + 1
    m = cfg["model"]
    fmt = m.get("format", "aligned")
    n_out = vocab.label_ids[-1] + 1 if fmt == "aligned" else vocab.size
    mc = ModelConfig(
        vocab_size=vocab.size,
        n_out=n_out,
        label_start=vocab.label_ids[0],
        n_shapes=n_shapes,
        pad_id=vocab.pad_id,
        mask_id=vocab.mask_id,
        open_id=vocab.open_id,
        close_id=vocab.close_id,
        **{k: v for k, v in m.items()},
    )
    return DiffusionTagger(mc, lower_ids, shape_ids)


def load_run(run: Path, which: str = "best") -> tuple[DiffusionTagger, Vocab, dict]:
    cfg = load_config(run / "config.toml")
    vocab = Vocab.load(run)
    path = run / f"{which}.pt"
    if not path.exists():
        path = run / "last.pt"
    state = torch.load(path, map_location="cpu", weights_only=False)
    model = build_model(cfg, vocab, state["model"])
    model.load_state_dict(state["model"])
    model.eval()
    return model, vocab, cfg
