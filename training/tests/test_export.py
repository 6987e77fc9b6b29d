"""ONNX export: logits and head outputs of onnxruntime match PyTorch on the tiny Qwen2 model; the head filters
exactly as Dream's sample_tokens; export_dream's CLI turns a Dream-style checkpoint into a working package."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch
from dnw.dream import tiny_qwen2
from dnw.dream.export_dream import BidirectionalQwen2, load_checkpoint
from dnw.dream.export_dream import main as export_main
from dnw.graph_export import export_graph, write_manifest
from dnw.oracle.reference_loop import dream_filter
from dnw.sampler_head import SamplerHead, dream_position_ids, filter_logits, sampler_scalars

FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "tiny-model" / "package"
torch.set_num_threads(1)


def session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def batch(vocab: int, seed: int = 1):
    ids = torch.randint(0, vocab, (3, 21), generator=torch.Generator().manual_seed(seed))
    mask = torch.ones_like(ids)
    mask[1, :6] = 0
    mask[2, :1] = 0
    return ids, mask, dream_position_ids(mask)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    tiny_qwen2.build(out, layers=1, hidden=32, seed=3)
    return out


def test_logits_parity_onnxruntime_vs_pytorch(tiny, tmp_path):
    model, config = load_checkpoint(tiny / "checkpoint")
    logits_module = BidirectionalQwen2(model).eval()
    ids, mask, pos = batch(config["vocab_size"])
    path = tmp_path / "logits.onnx"
    torch.onnx.export(
        logits_module,
        (ids, mask, pos),
        str(path),
        dynamo=True,
        optimize=False,
        input_names=["input_ids", "attention_mask", "position_ids"],
        output_names=["logits"],
        dynamic_shapes={
            "input_ids": {0: torch.export.Dim("b"), 1: torch.export.Dim("s")},
            "attention_mask": {0: torch.export.Dim("b"), 1: torch.export.Dim("s")},
            "position_ids": {0: torch.export.Dim("b"), 1: torch.export.Dim("s")},
        },
    )
    with torch.no_grad():
        expected = logits_module(ids, mask, pos).numpy()
    got = session(path).run(
        None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(), "position_ids": pos.numpy()}
    )[0]
    real = mask.bool().numpy()
    assert np.abs(got - expected)[real].max() <= 1e-4
    assert np.isfinite(got).all(), "left padding must not produce NaN anywhere"


@pytest.mark.parametrize(
    "temperature,top_p,top_k", [(0.0, None, None), (0.7, 0.9, None), (0.0, 0.95, 3), (1.3, None, 5), (0.2, 0.95, None)]
)
def test_head_outputs_parity(tiny, temperature, top_p, top_k):
    model, config = load_checkpoint(tiny / "checkpoint")
    head = SamplerHead(BidirectionalQwen2(model), 8).eval()
    ids, mask, pos = batch(config["vocab_size"], seed=2)
    scalars = sampler_scalars(temperature, top_p, top_k)
    with torch.no_grad():
        top_ids, top_probs, neg_entropy = (t.numpy() for t in head(ids, mask, pos, *scalars))
    feeds = dict(
        zip(
            ["input_ids", "attention_mask", "position_ids", "temperature", "top_p", "top_k"],
            [t.numpy() for t in (ids, mask, pos, *scalars)],
        )
    )
    got_ids, got_probs, got_entropy = session(tiny / "package" / "model.onnx").run(None, feeds)
    real = mask.bool().numpy()
    assert np.abs(got_probs - top_probs)[real].max() <= 1e-4
    assert np.abs(got_entropy - neg_entropy)[real].max() <= 1e-4
    kept = top_probs[real] > 1e-3  # among the removed (probability 0) tokens the order is arbitrary
    assert (got_ids[real][kept] == top_ids[real][kept]).all()


@pytest.mark.parametrize(
    "temperature,top_p,top_k",
    [(0.0, None, None), (0.5, 0.8, None), (0.0, 0.95, 3), (2.0, 0.5, 2), (1.0, None, 1), (0.0, 1.0, 500)],
)
def test_head_filter_is_dreams(temperature, top_p, top_k):
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(64, 50, generator=generator) * 3
    logits[:8, 5:9] = logits[:8, 5:6]  # ties, which Dream's top-k keeps together
    expected = torch.softmax(dream_filter(logits, temperature, top_p, top_k), dim=-1)
    got = torch.softmax(filter_logits(logits, *sampler_scalars(temperature, top_p, top_k)), dim=-1)
    assert torch.allclose(got, expected, atol=1e-6)


def test_fixture_graph_is_the_rebuilt_tiny_model():
    """The committed fixture graph still matches the model its manifest says it was built from."""
    manifest = json.loads((FIXTURE / "manifest.json").read_text())
    head = SamplerHead(BidirectionalQwen2(tiny_qwen2.rebuild_from_manifest(manifest)), manifest["head"]["topK"]).eval()
    ids, mask, pos = batch(manifest["provenance"]["modelVocab"], seed=4)
    scalars = sampler_scalars(0.0, None, None)
    with torch.no_grad():
        _, probs, entropy = (t.numpy() for t in head(ids, mask, pos, *scalars))
    feeds = dict(
        zip(
            ["input_ids", "attention_mask", "position_ids", "temperature", "top_p", "top_k"],
            [t.numpy() for t in (ids, mask, pos, *scalars)],
        )
    )
    _, got_probs, got_entropy = session(FIXTURE / "model.onnx").run(None, feeds)
    real = mask.bool().numpy()
    assert np.abs(got_probs - probs)[real].max() <= 1e-4
    assert np.abs(got_entropy - entropy)[real].max() <= 1e-4


def test_export_dream_cli_builds_a_working_package(tiny, tmp_path):
    out = tmp_path / "dream-package"
    export_main(
        ["--checkpoint", str(tiny / "checkpoint"), "--out", str(out), "--top-k", "8", "--labels", "LOCATION,DATE"]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["formatVersion"] == 1 and manifest["shiftedLogits"] is True
    assert manifest["prompt"]["kind"] == "chat" and (out / "tokenizer_config.json").exists()
    assert manifest["tokens"]["mask"] == json.loads((tiny / "checkpoint" / "config.json").read_text())["mask_token_id"]
    assert manifest["output"] == {"format": "inline-tags", "labels": ["LOCATION", "DATE"]}
    ids, mask, pos = batch(manifest["tokens"]["mask"] + 1, seed=5)
    feeds = dict(
        zip(
            ["input_ids", "attention_mask", "position_ids", "temperature", "top_p", "top_k"],
            [t.numpy() for t in (ids, mask, pos, *sampler_scalars(0.0, None, None))],
        )
    )
    a = session(out / "model.onnx").run(None, feeds)
    b = session(tiny / "package" / "model.onnx").run(None, feeds)
    assert np.abs(a[1] - b[1]).max() <= 1e-5


def test_external_weights_are_written_and_listed(tiny, tmp_path):
    model, config = load_checkpoint(tiny / "checkpoint")
    export_graph(
        BidirectionalQwen2(model), tmp_path, 8, torch.randint(0, config["vocab_size"], (2, 8)), external_data=True
    )
    write_manifest(tmp_path, {"name": "x"})
    assert json.loads((tmp_path / "manifest.json").read_text())["graph"] == {
        "file": "model.onnx",
        "externalData": ["model.onnx.data"],
    }
    ids, mask, pos = batch(config["vocab_size"])
    feeds = dict(
        zip(
            ["input_ids", "attention_mask", "position_ids", "temperature", "top_p", "top_k"],
            [t.numpy() for t in (ids, mask, pos, *sampler_scalars(0.0, None, None))],
        )
    )
    assert session(tmp_path / "model.onnx").run(None, feeds)[0].shape == (3, 21, 8)
