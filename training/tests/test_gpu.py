"""On CUDA (marker `gpu`, skipped without it): the Dream-style model runs its forward on the GPU with parity to the
CPU float32 export's top-1, dnw.dream.finetune trains on the GPU (bf16, SDPA, LoRA and full, gradient checkpointing) with a
finite, falling loss, and the reference sampler on CUDA decides exactly as the committed CPU outputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch
from dnw.dream import finetune, tiny_qwen2
from dnw.dream.export_dream import BidirectionalQwen2, load_checkpoint
from dnw.sampler_head import dream_position_ids, sampler_scalars
from dnw.tagger.synthetic import write_synthetic

pytestmark = pytest.mark.gpu
FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "tiny-model"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny-gpu")
    tiny_qwen2.build(out, layers=2, hidden=64, seed=3)
    return out


def padded_batch(vocab: int):
    ids = torch.randint(0, vocab, (3, 40), generator=torch.Generator().manual_seed(11))
    mask = torch.ones_like(ids)
    mask[1, :9] = 0
    mask[2, :1] = 0
    return ids, mask, dream_position_ids(mask)


def ort_top1(package: Path, ids, mask, pos) -> np.ndarray:
    sess = ort.InferenceSession(str(package / "model.onnx"), providers=["CPUExecutionProvider"])
    feeds = dict(
        zip(
            ["input_ids", "attention_mask", "position_ids", "temperature", "top_p", "top_k"],
            [t.numpy() for t in (ids, mask, pos, *sampler_scalars(0.0, None, None))],
        )
    )
    return sess.run(None, feeds)[0][..., 0]


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_cuda_forward_matches_cpu_export_top1(tiny, attn):
    model, config = load_checkpoint(tiny / "checkpoint", torch.float32, attn=attn, device="cuda")
    assert next(model.parameters()).is_cuda
    ids, mask, pos = padded_batch(config["vocab_size"])
    with torch.no_grad():
        logits = BidirectionalQwen2(model).eval()(ids.cuda(), mask.cuda(), pos.cuda())
    assert logits.is_cuda and torch.isfinite(logits).all()
    real = mask.bool().numpy()
    got = logits.argmax(-1).cpu().numpy()
    want = ort_top1(tiny / "package", ids, mask, pos)
    assert (got[real] == want[real]).all()


def test_cuda_bf16_sdpa_forward_agrees_with_cpu_export(tiny):
    model, config = load_checkpoint(tiny / "checkpoint", torch.bfloat16, attn="sdpa", device="cuda")
    ids, mask, pos = padded_batch(config["vocab_size"])
    with torch.no_grad():
        logits = BidirectionalQwen2(model).eval()(ids.cuda(), mask.cuda(), pos.cuda())
    assert torch.isfinite(logits).all(), "left padding must not produce NaN in bf16 either"
    real = mask.bool().numpy()
    agree = (logits.argmax(-1).cpu().numpy()[real] == ort_top1(tiny / "package", ids, mask, pos)[real]).mean()
    assert agree >= 0.9, agree  # bf16 rounding may flip a near-tie of a random model, not the bulk


def steps_of(out: Path) -> list[dict]:
    rows = [json.loads(line) for line in (out / "finetune_log.jsonl").read_text().splitlines()]
    return [r for r in rows if r.get("event") == "step"], rows


@pytest.mark.parametrize(
    "mode",
    [["--lora-rank", "8", "--lr", "1e-2"], ["--full", "--lr", "2e-3", "--gradient-checkpointing"]],
    ids=["lora", "full-checkpointed"],
)
def test_finetune_on_cuda_loss_finite_and_falling(tmp_path, mode):
    tok = tiny_qwen2.train_tokenizer(320, 7)
    # init std 0.2: with 0.02 the frozen lm_head of a 64-wide model bounds the logits to about +-1, and LoRA alone
    # cannot lower the loss much (measured on the CPU: 5.5 -> 5.5 at 0.02, 5.5 -> 4.1 at 0.2 in 30 steps).
    tiny_qwen2.write_checkpoint(tiny_qwen2.build_model(tok.get_vocab_size(), 2, 64, 7, 0.2), tok, tmp_path / "ckpt")
    train, _ = write_synthetic(tmp_path / "data", 64, 2)
    finetune.main(
        [
            "--checkpoint",
            str(tmp_path / "ckpt"),
            "--data",
            str(train),
            "--out",
            str(tmp_path / "ft"),
            "--max-steps",
            "30",
            "--batch-size",
            "8",
            "--grad-accum",
            "2",
            "--device",
            "cuda",
            *mode,
        ]
    )
    steps, rows = steps_of(tmp_path / "ft")
    start = rows[0]
    assert start["device"].startswith("cuda:") and start["dtype"] == "bfloat16" and start["attn"] == "sdpa"
    losses = [r["loss"] for r in steps]
    assert len(losses) == 30 and all(np.isfinite(losses))
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.4, losses
    assert all(r["peak_gpu_mem_gib"] > 0 and r["s_per_step"] > 0 for r in steps)
    tuned, _ = load_checkpoint(tmp_path / "ft")  # an ordinary checkpoint folder again
    assert not (tmp_path / "ft" / finetune.RESUME_FILE).exists()


def test_reference_sampler_on_cuda_decides_as_committed():
    from dnw.oracle.make_tiny_fixture import BASE, RUNS
    from dnw.oracle.reference_sampler import Settings, load_forward, run_batches

    prompts = json.loads((FIXTURE / "prompts.json").read_text())["batches"]
    committed = json.loads((FIXTURE / "expected.json").read_text())["runs"]
    forward = load_forward(FIXTURE / "package", None, "cuda")
    for name in list(RUNS)[:4]:
        got = run_batches(FIXTURE / "package", forward, prompts, Settings(**{**BASE, **RUNS[name]}))
        assert json.loads(json.dumps(got["batches"])) == committed[name]["batches"], name


def test_sampler_head_on_cuda_takes_the_cpu_scalars(tiny):
    from dnw.sampler_head import SamplerHead

    model, config = load_checkpoint(tiny / "checkpoint", torch.float32, device="cuda")
    ids, mask, pos = padded_batch(config["vocab_size"])
    head = SamplerHead(BidirectionalQwen2(model), 8).eval()
    with torch.no_grad():
        top_ids, _, _ = head(ids.cuda(), mask.cuda(), pos.cuda(), *sampler_scalars(0.7, 0.9, 5))
    real = mask.bool().numpy()
    assert (top_ids[..., 0].cpu().numpy()[real] == ort_top1(tiny / "package", ids, mask, pos)[real]).all()


def test_in_app_finetune_package_picks_cuda(tmp_path):
    """dnw.package.finetune_package (what the workbench's fine-tune job runs) with --device auto trains on CUDA and says so."""
    import io

    from dnw.package import finetune_package as ft
    from dnw.package.export import export_onnx, manifest_for, write_package
    from dnw.tagger import train as train_mod
    from dnw.tagger.data import read_instruction_jsonl
    from dnw.tagger.tokenizer import Vocab

    train, dev = write_synthetic(tmp_path / "data", 24, 4)
    records = read_instruction_jsonl(train)
    tags, labels = train_mod._syllable_tags(records)
    vocab = Vocab.build([r.text for r in records], tags, labels, 300)
    vocab.save(tmp_path / "vocab")
    cfg = {
        "model": {"format": "aligned", "d_model": 32, "n_layers": 1, "n_heads": 2, "conv_kernel": 3, "dropout": 0.0},
        "data": {},
        "train": {},
        "decode": {"threshold": 0.9, "max_steps": 4},
    }
    model = train_mod.build_model(cfg, vocab).eval()
    graph = export_onnx(model, vocab, tmp_path / "work", 4, ["Bệnh nhân BN 1 ở Hà Nội ."])
    manifest = manifest_for("tiny-trainable", vocab, cfg, 4, 0.9, 4, [], {"builder": "test"}, version="1.0.0")
    write_package(
        tmp_path / "base",
        graph,
        tmp_path / "vocab" / "tokenizer.json",
        manifest,
        model,
        vocab,
        cfg,
        {"builder": "test"},
    )
    stream = io.StringIO()
    code = ft.main(
        [
            "--base",
            str(tmp_path / "base"),
            "--train",
            str(train),
            "--heldout",
            str(dev),
            "--out",
            str(tmp_path / "v2"),
            "--max-steps",
            "6",
            "--batch-tokens",
            "512",
            "--min-steps",
            "0",
        ],
        stream=stream,
    )
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert code == 0, events
    assert events[0]["event"] == "start" and events[0]["device"].startswith("cuda:")
    assert events[-1]["metrics"]["device"].startswith("cuda:") and np.isfinite(events[-1]["metrics"]["final_loss"])
    assert (tmp_path / "v2" / "model.onnx").exists()
