"""dnw.dream.torch_worker: its framing, and the worker process serving the graph contract (the engine's PyTorch backend).

The CPU tests compare the worker's answers with dnw.sampler_head on the same tiny Qwen2 run in-process; the `gpu`
test runs the worker on CUDA (bf16 and float32) and checks its top-1 against the CPU in float32.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from dnw.dream.export_dream import BidirectionalQwen2
from dnw.dream.tiny_qwen2 import build_model
from dnw.dream.torch_worker import encode_frame, read_frame
from dnw.sampler_head import dream_position_ids, head_outputs
from safetensors.torch import save_file

TRAINING = Path(__file__).resolve().parents[1]
VOCAB, K = 96, 8


def write_checkpoint(model, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    config = {**model.config.to_dict(), "model_type": "Dream", "mask_token_id": 1, "eos_token_id": 0, "pad_token_id": 0}
    (out / "config.json").write_text(json.dumps(config, default=str))
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / "model.safetensors"))
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    torch.set_num_threads(1)
    model = build_model(VOCAB, layers=1, hidden=32, seed=5, init_std=0.5)
    return model, write_checkpoint(model, tmp_path_factory.mktemp("torch-worker") / "checkpoint")


class Worker:
    def __init__(self, *args: str):
        env = {**os.environ, "PYTHONPATH": str(TRAINING), "OMP_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dnw.dream.torch_worker", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )

    def read(self):
        frame = read_frame(self.proc.stdout)
        assert frame is not None, self.proc.stderr.read().decode()[-2000:]
        return frame

    def send(self, header: dict, arrays=()):
        self.proc.stdin.write(encode_frame(header, arrays))
        self.proc.stdin.flush()

    def forward(self, rid: int, ids, mask, pos, temperature=0.0, top_p=1.0, top_k=0):
        b, s = ids.shape
        self.send(
            {
                "type": "forward",
                "id": rid,
                "batch": b,
                "seq": s,
                "temperature": temperature,
                "top_p": top_p,
                "top_k": top_k,
            },
            [
                (n, "int32", [b, s], a.to(torch.int32).numpy().tobytes())
                for n, a in (("input_ids", ids), ("attention_mask", mask), ("position_ids", pos))
            ],
        )
        header, arrays = self.read()
        if header["type"] != "result":
            return header, None

        def as_tensor(name, dtype):
            return torch.frombuffer(bytearray(arrays[name][2]), dtype=dtype).reshape(arrays[name][1])

        return header, (
            as_tensor("topk_ids", torch.int32),
            as_tensor("topk_probs", torch.float32),
            as_tensor("neg_entropy", torch.float32),
        )


def batch_inputs(seed: int = 1):
    ids = torch.randint(2, VOCAB, (3, 10), generator=torch.Generator().manual_seed(seed))
    mask = torch.ones_like(ids)
    mask[0, :4] = 0
    mask[2, :1] = 0
    return ids, mask, dream_position_ids(mask)


def reference(model, ids, mask, pos, temperature, top_p, top_k):
    with torch.no_grad():
        logits = BidirectionalQwen2(model)(ids, mask, pos)
    return head_outputs(logits, torch.tensor([temperature]), torch.tensor([top_p]), torch.tensor([top_k]), K)


def test_frames_round_trip():
    data = torch.arange(6, dtype=torch.int32).numpy().tobytes()
    probs = torch.linspace(0, 1, 4).numpy().tobytes()
    stream = io.BytesIO(
        encode_frame({"type": "forward", "id": 3}, [("a", "int32", [2, 3], data), ("p", "float32", [4], probs)])
        + encode_frame({"type": "close"})
    )
    header, arrays = read_frame(stream)
    assert header["type"] == "forward" and header["id"] == 3
    assert arrays["a"][:2] == ("int32", [2, 3]) and bytes(arrays["a"][2]) == data
    assert arrays["p"][:2] == ("float32", [4]) and bytes(arrays["p"][2]) == probs
    assert read_frame(stream)[0] == {"type": "close"}
    assert read_frame(stream) is None  # end of stream


def test_malformed_frames_are_refused():
    frame = bytearray(encode_frame({"type": "forward"}, [("a", "int32", [2], b"\0" * 8)]))
    frame[4:8] = (12).to_bytes(4, "little")  # payload longer than the arrays claim
    with pytest.raises(ValueError, match="no array claims"):
        read_frame(io.BytesIO(bytes(frame) + b"\0" * 4))
    with pytest.raises(ValueError, match="not a worker frame"):
        read_frame(io.BytesIO(b"\xff\xff\xff\xff" + b"\0" * 4))


def test_worker_serves_the_sampler_head(tiny):
    model, checkpoint = tiny
    worker = Worker("--checkpoint", str(checkpoint), "--device", "cpu", "--threads", "1", "--top-k", str(K))
    hello, _ = worker.read()
    assert hello["type"] == "hello" and hello["device"] == "cpu" and hello["dtype"] == "float32"
    assert (
        hello["vocab"] == VOCAB
        and hello["topK"] == K
        and hello["torch"] == torch.__version__
        and "fallbackReason" not in hello
    )
    ids, mask, pos = batch_inputs()
    real = mask.bool()
    for rid, scalars in enumerate([(0.0, 1.0, 0), (0.7, 0.9, 5), (1.0, 1.0, 6)]):
        header, (got_ids, got_probs, got_ent) = worker.forward(rid, ids, mask, pos, *scalars)
        assert header["id"] == rid
        want_ids, want_probs, want_ent = reference(model, ids, mask, pos, *scalars)
        assert got_ids.shape == (3, 10, K) and got_ent.shape == (3, 10)
        assert torch.equal(got_ids[real], want_ids[real].int()), scalars  # padding positions are never read
        assert torch.allclose(got_probs[real], want_probs[real], atol=1e-5)
        assert torch.allclose(got_ent[real], want_ent[real], atol=1e-4)
    # A bad request fails alone, framed; the worker keeps serving.
    worker.send({"type": "forward", "id": 9, "batch": 1, "seq": 4})
    header, _ = worker.read()
    assert header == {"type": "error", "id": 9, "message": "ValueError: array input_ids is missing"}
    header, _ = worker.forward(
        10, torch.full((1, 3), VOCAB + 5), torch.ones(1, 3, dtype=torch.long), torch.arange(3)[None]
    )
    assert header["type"] == "error" and "outside the model's vocabulary" in header["message"]
    worker.send({"type": "stats", "id": 11})
    stats, _ = worker.read()
    assert stats["type"] == "stats" and stats["forwards"] == 3
    worker.send({"type": "close"})
    assert worker.proc.wait(timeout=30) == 0


def test_end_of_input_ends_the_worker(tiny):
    _, checkpoint = tiny
    worker = Worker("--checkpoint", str(checkpoint), "--device", "cpu", "--threads", "1")
    worker.proc.stdin.close()  # before (or while) it loads: it must not linger holding a device
    assert worker.proc.wait(timeout=60) == 0


def test_load_failures_are_framed(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    worker = Worker("--checkpoint", str(tmp_path), "--device", "cpu")
    header, _ = worker.read()
    assert (
        header["type"] == "error"
        and header["fatal"]
        and header["kind"] == "load"
        and "is not Dream or qwen2" in header["message"]
    )
    assert worker.proc.wait(timeout=30) == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_demanded_without_cuda_is_a_device_error(tiny):
    _, checkpoint = tiny
    worker = Worker("--checkpoint", str(checkpoint), "--device", "cuda")
    header, _ = worker.read()
    assert (
        header["type"] == "error" and header["kind"] == "device" and "device 'cuda' was asked for" in header["message"]
    )
    assert worker.proc.wait(timeout=30) == 1


def test_random_init_needs_only_config(tmp_path, tiny):
    model, _ = tiny
    (tmp_path / "config.json").write_text(json.dumps({**model.config.to_dict(), "model_type": "qwen2"}, default=str))
    worker = Worker("--checkpoint", str(tmp_path), "--device", "auto", "--threads", "1", "--random-init")
    hello, _ = worker.read()
    assert hello["type"] == "hello" and hello["randomInit"] is True
    if not torch.cuda.is_available():
        assert hello["device"] == "cpu" and hello["fallbackReason"].startswith("CUDA unavailable, running on the CPU")
    header, out = worker.forward(0, *batch_inputs())
    assert header["type"] == "result" and torch.isfinite(out[1]).all()
    worker.send({"type": "close"})
    assert worker.proc.wait(timeout=30) == 0


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_worker_matches_cpu_float32_top1(tiny):
    model, checkpoint = tiny
    ids = torch.randint(2, VOCAB, (4, 64), generator=torch.Generator().manual_seed(3))
    mask = torch.ones_like(ids)
    mask[1, :10] = 0
    pos = dream_position_ids(mask)
    real = mask.bool()
    want_ids, _, _ = reference(model, ids, mask, pos, 0.0, 1.0, 0)
    for dtype, floor in (("float32", 0.99), ("bfloat16", 0.95)):
        worker = Worker("--checkpoint", str(checkpoint), "--device", "cuda", "--dtype", dtype, "--top-k", str(K))
        hello, _ = worker.read()
        assert hello["type"] == "hello", hello
        assert hello["device"] == "cuda" and hello["dtype"] == dtype and hello["gpu"] and hello["gpuMemoryTotal"] > 0
        header, (got_ids, got_probs, _) = worker.forward(0, ids, mask, pos)
        assert header["type"] == "result", header
        agree = (got_ids[..., 0][real] == want_ids[..., 0][real].int()).float().mean().item()
        assert agree >= floor, f"{dtype}: top-1 agrees with CPU float32 at {agree:.3f} of positions"
        assert torch.isfinite(got_probs[real]).all()
        worker.send({"type": "close"})
        assert worker.proc.wait(timeout=60) == 0
