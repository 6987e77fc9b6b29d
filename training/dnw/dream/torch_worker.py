"""The PyTorch forward worker: a long-lived process that serves the graph contract (docs/model-package.md) to the
TypeScript engine over stdin/stdout, for Dream / Qwen2 checkpoints too big or too GPU-bound for onnxruntime-node.

    python -m dnw.dream.torch_worker --checkpoint DIR [--device auto|cuda|cpu] [--dtype auto|bfloat16|float16|float32]
                               [--top-k 8] [--threads N] [--attention sdpa|eager] [--random-init [--seed S]]

DIR holds config.json (model_type "Dream" or "qwen2") and *.safetensors. The model runs bidirectionally as Dream
runs it (full attention between real tokens, nothing attends to left padding), in bf16 with SDPA attention on CUDA
and float32 on the CPU unless --dtype says otherwise. --random-init builds random weights from config.json alone,
directly on the device (no *.safetensors needed): for speed and memory checks of a Dream-7B-shaped model without a
15 GB download; its outputs are meaningless.

The worker only runs forwards; the sampler stays in TypeScript (core/sampler). Framing, both directions: a frame is

    u32 LE header length | u32 LE payload length | header (UTF-8 JSON) | payload (raw little-endian arrays)

and the header's "arrays" lists [name, dtype, shape] of the payload's arrays in order (dtype int32 | float32).
Requests: {"type": "forward", "id", "batch", "seq", "temperature", "top_p", "top_k"} with arrays input_ids,
attention_mask, position_ids (int32 [batch, seq]); {"type": "stats"}; {"type": "close"}. Answers: first a
{"type": "hello", ...} (device, dtype, versions, GPU name and memory, fallbackReason when CUDA was wanted but is
unavailable), then per request {"type": "result", "id", ...} with arrays topk_ids (int32), topk_probs (float32),
neg_entropy (float32), or {"type": "stats", ...}, or {"type": "error", "id", "message"}. A failure while loading is
a {"type": "error", "fatal": true, "kind": "device" | "load" | "dependency"} frame, then exit status 1. End of
stdin ends the worker at any time, loading included, so a parent that dies never leaves a GPU held.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import struct
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

_HEAD = struct.Struct("<II")
MAX_HEADER = 1 << 20
SETUP_HINT = "install the training environment with `npm run setup:python` (torch, transformers, safetensors)"
_ITEMSIZE = {"int32": 4, "float32": 4}
_LITTLE = sys.byteorder == "little"


# ---- framing (no torch needed: a worker without torch must still be able to say so) ----


def encode_frame(header: dict, arrays: list[tuple[str, str, list[int], bytes]] = ()) -> bytes:
    """One frame: `arrays` are (name, dtype, shape, little-endian bytes)."""
    if arrays:
        header = {**header, "arrays": [[name, dtype, list(shape)] for name, dtype, shape, _ in arrays]}
    head = json.dumps(header, separators=(",", ":")).encode()
    payload = b"".join(data for *_, data in arrays)
    return _HEAD.pack(len(head), len(payload)) + head + payload


def _read_exact(stream: BinaryIO, n: int) -> bytes | None:
    chunks, left = [], n
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO) -> tuple[dict, dict[str, tuple[str, list[int], memoryview]]] | None:
    """The next frame as (header, {name: (dtype, shape, bytes)}); None at end of stream. Raises ValueError on a
    malformed frame (the stream cannot be resynchronised after that)."""
    head = _read_exact(stream, _HEAD.size)
    if head is None:
        return None
    header_len, payload_len = _HEAD.unpack(head)
    if header_len > MAX_HEADER:
        raise ValueError(f"frame header of {header_len} bytes: not a worker frame")
    raw_header = _read_exact(stream, header_len)
    payload = _read_exact(stream, payload_len) if payload_len else b""
    if raw_header is None or payload is None:
        return None
    header = json.loads(raw_header)
    arrays: dict[str, tuple[str, list[int], memoryview]] = {}
    offset, view = 0, memoryview(payload)
    for name, dtype, shape in header.get("arrays", []):
        if dtype not in _ITEMSIZE:
            raise ValueError(f"array {name}: dtype {dtype} is not int32 or float32")
        size = _ITEMSIZE[dtype]
        for dim in shape:
            size *= dim
        if offset + size > len(payload):
            raise ValueError(f"array {name} runs past the payload ({offset + size} > {len(payload)} bytes)")
        arrays[name] = (dtype, list(shape), view[offset : offset + size])
        offset += size
    if offset != len(payload):
        raise ValueError(f"payload has {len(payload) - offset} bytes no array claims")
    return header, arrays


class Channel:
    """Frames out on a private copy of the original stdout; fd 1 itself then points at stderr, so whatever a library
    prints (transformers' warnings, a C extension's printf) can never corrupt a frame."""

    def __init__(self) -> None:
        sys.stdout.flush()
        self.out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self.lock = threading.Lock()

    def send(self, header: dict, arrays=()) -> None:
        frame = encode_frame(header, arrays)
        with self.lock:
            self.out.write(frame)


def start_reader(stream: BinaryIO, channel: Channel) -> queue.Queue:
    """Reads frames on a thread from the start, so end of stdin ends the process even while the model loads."""
    frames: queue.Queue = queue.Queue()

    def run() -> None:
        try:
            while True:
                frame = read_frame(stream)
                if frame is None:
                    os._exit(0)  # the parent is gone or closed us: nothing to answer to
                frames.put(frame)
        except Exception as error:  # a malformed frame: say so once, then stop (the stream cannot resync)
            channel.send({"type": "error", "fatal": True, "kind": "protocol", "message": f"bad frame: {error}"})
            os._exit(1)

    threading.Thread(target=run, daemon=True, name="frame-reader").start()
    return frames


# ---- the model ----


def read_config(checkpoint: Path) -> dict:
    """config.json of a Dream/Qwen2 checkpoint folder; refuses a missing file or another model_type."""
    config_path = checkpoint / "config.json"
    if not config_path.exists():
        raise FileNotFoundError(f"{config_path}: is missing (a Dream/Qwen2 checkpoint folder has config.json)")
    config = json.loads(config_path.read_text())
    if str(config.get("model_type", "")).lower() not in ("dream", "qwen2"):
        raise ValueError(f"{config_path}: model_type {config.get('model_type')!r} is not Dream or qwen2")
    return config


def precheck(checkpoint: Path, random_init: bool) -> None:
    """What can be checked before torch and transformers are imported (seconds): config.json, its model_type, the
    shards and their headers. A broken folder is then refused at once instead of after the imports."""
    read_config(checkpoint)
    if random_init:
        return
    shards = sorted(checkpoint.glob("*.safetensors"))
    if not shards:
        raise FileNotFoundError(f"{checkpoint}: no *.safetensors weights (use --random-init for random weights)")
    for shard in shards:
        with open(shard, "rb") as f:
            head = f.read(8)
            size = int.from_bytes(head, "little") if len(head) == 8 else -1
            if size <= 0 or size > min(100 << 20, shard.stat().st_size - 8):
                raise ValueError(f"{shard}: is not a safetensors file")
            try:
                json.loads(f.read(size))
            except ValueError:
                raise ValueError(f"{shard}: is not a safetensors file (its header is not JSON)") from None


def pick_device(torch, asked: str) -> tuple[str, str | None]:
    """(device, fallback reason); raises DeviceUnavailable when 'cuda' is demanded and cannot be used."""
    if asked == "cpu":
        return "cpu", None
    reason = None
    if not torch.cuda.is_available():
        if torch.version.cuda is None:
            reason = f"this torch build ({torch.__version__}) has no CUDA support"
        else:
            try:
                torch.cuda.init()
                reason = "torch.cuda.is_available() is False"
            except Exception as error:  # the driver's own words ("no CUDA-capable device", "driver too old")
                reason = str(error).splitlines()[0]
    if reason is None:
        return "cuda", None
    if asked == "cuda":
        raise DeviceUnavailable(f"device 'cuda' was asked for but PyTorch cannot use CUDA: {reason}")
    return "cpu", f"CUDA unavailable, running on the CPU: {reason}"


class DeviceUnavailable(RuntimeError):
    pass


def pick_dtype(torch, asked: str, device: str):
    if asked == "auto":
        return torch.bfloat16 if device == "cuda" else torch.float32
    return getattr(torch, asked)


def build_model(checkpoint: Path, device: str, dtype, attention: str, random_init: bool, seed: int):
    """transformers' Qwen2ForCausalLM from a Dream/Qwen2 checkpoint folder, on `device` in `dtype`, made bidirectional."""
    import torch
    from transformers import Qwen2ForCausalLM

    from .export_dream import qwen2_config_from

    config = read_config(checkpoint)
    qwen = qwen2_config_from(config)
    qwen._attn_implementation = attention
    if random_init:
        torch.manual_seed(seed)
        previous = torch.get_default_dtype()
        torch.set_default_dtype(dtype)  # initialise in the target dtype: a 7B model in float32 would not fit
        try:
            with torch.device(device):
                model = Qwen2ForCausalLM(qwen)
        finally:
            torch.set_default_dtype(previous)
    else:
        from safetensors.torch import load_file

        shards = sorted(checkpoint.glob("*.safetensors"))
        if not shards:
            raise FileNotFoundError(f"{checkpoint}: no *.safetensors weights (use --random-init for random weights)")
        with torch.device("meta"):
            model = Qwen2ForCausalLM(qwen)
        state: dict = {}
        target = f"cuda:{torch.cuda.current_device()}" if device == "cuda" else "cpu"
        for shard in shards:  # straight to the device, cast there: no float32 copy of a 7B model in host memory
            for name, tensor in load_file(str(shard), device=target).items():
                state[name] = tensor.to(dtype)
        if qwen.tie_word_embeddings and "lm_head.weight" not in state:
            state["lm_head.weight"] = state["model.embed_tokens.weight"]
        model.load_state_dict(state, strict=True, assign=True)
        with torch.device(device):
            model.model.rotary_emb = type(model.model.rotary_emb)(config=model.config)  # its buffers were on meta
    for layer in model.model.layers:
        layer.self_attn.is_causal = False
    return model.eval(), config


class Forward:
    """Dream's bidirectional forward + the sampler head, with every tensor made on the model's device."""

    def __init__(self, model, top_k_out: int, head_chunk: int):
        import torch

        self.torch = torch
        self.model = model
        self.device = next(model.parameters()).device
        self.top_k_out = top_k_out
        self.vocab = model.config.vocab_size
        # Rows of logits handled at once: the head sorts full-vocabulary rows, and (32 x 600) rows x 152k float32
        # logits alone would be 11.7 GB. ~2^28 elements per chunk keeps the head's working set near 5 GB.
        self.head_chunk = head_chunk or max(1, (1 << 28) // self.vocab)
        self.layer_types = sorted(set(getattr(model.config, "layer_types", None) or ["full_attention"]))

    def mask(self, attention_mask):
        """None when there is no padding (SDPA may then use flash kernels), else a boolean [B, 1, L, L] mask where a
        real query sees only real keys and a padding query sees everything: no row is fully masked, so nothing
        becomes NaN, and no real position ever reads a padding one."""
        real = attention_mask.bool()
        if bool(real.all()):
            return None
        allowed = (real[:, None, :, None] & real[:, None, None, :]) | ~real[:, None, :, None]
        return allowed

    def __call__(self, input_ids, attention_mask, position_ids, temperature: float, top_p: float, top_k: int):
        from ..sampler_head import head_outputs

        torch = self.torch
        dev = self.device
        ids = input_ids.to(dev, torch.long, non_blocking=True)
        mask = attention_mask.to(dev, torch.long, non_blocking=True)
        pos = position_ids.to(dev, torch.long, non_blocking=True)
        bias = self.mask(mask)
        hidden = self.model.model(
            input_ids=ids, attention_mask={t: bias for t in self.layer_types}, position_ids=pos, use_cache=False
        ).last_hidden_state
        batch, seq, width = hidden.shape
        flat = hidden.reshape(batch * seq, width)
        t = torch.tensor([temperature], dtype=torch.float32, device=dev)
        p = torch.tensor([top_p], dtype=torch.float32, device=dev)
        k = torch.tensor([top_k], dtype=torch.int64, device=dev)
        plain = top_p >= 1 and top_k <= 0
        ids_out, probs_out, ent_out = [], [], []
        for start in range(0, flat.shape[0], self.head_chunk):
            logits = self.model.lm_head(flat[start : start + self.head_chunk]).float()
            if plain:
                # No nucleus or top-k filter: head_outputs' sort would remove nothing, so skip it (same numbers).
                t0 = t.reshape(())  # the very ops filter_logits uses, so the numbers are bit for bit the same
                probs = torch.softmax(logits / torch.where(t0 > 0, t0, torch.ones_like(t0)), dim=-1)
                tp, ti = torch.topk(probs, self.top_k_out, dim=-1)
                ne = torch.sum(probs * torch.log(probs + 1e-10), dim=-1)
            else:
                ti, tp, ne = head_outputs(logits, t, p, k, self.top_k_out)
            ids_out.append(ti.to(torch.int32))
            probs_out.append(tp)
            ent_out.append(ne)
        out = (
            torch.cat(ids_out).reshape(batch, seq, -1),
            torch.cat(probs_out).reshape(batch, seq, -1),
            torch.cat(ent_out).reshape(batch, seq),
        )
        return tuple(x.cpu() for x in out)


# Arrays travel little-endian, the byte order of every machine torch and Node run on (main() refuses others).
def _tensor(torch, dtype: str, shape: list[int], data: memoryview):
    if len(data) == 0:
        return torch.empty(shape, dtype=getattr(torch, dtype))
    return torch.frombuffer(bytearray(data), dtype=getattr(torch, dtype)).reshape(shape)


def _bytes(tensor) -> bytes:
    return tensor.contiguous().numpy().tobytes()


def device_report(torch, device: str) -> dict:
    """What the hello and stats frames say about the device: GPU name, total and used memory."""
    report: dict = {}
    if device == "cuda":
        index = torch.cuda.current_device()
        props = torch.cuda.get_device_properties(index)
        report.update(
            gpu=props.name,
            gpuMemoryTotal=props.total_memory,
            gpuMemoryAllocated=torch.cuda.memory_allocated(index),
            gpuMemoryPeak=torch.cuda.max_memory_allocated(index),
            gpuMemoryReserved=torch.cuda.memory_reserved(index),
        )
    return report


def serve(args: argparse.Namespace, channel: Channel, frames: queue.Queue) -> int:
    try:
        precheck(args.checkpoint, args.random_init)
    except Exception as error:
        channel.send({"type": "error", "fatal": True, "kind": "load", "message": f"{type(error).__name__}: {error}"})
        return 1

    def missing(error: ImportError) -> int:
        channel.send(
            {
                "type": "error",
                "fatal": True,
                "kind": "dependency",
                "message": f"the PyTorch worker needs {error.name or error}: {SETUP_HINT}",
            }
        )
        return 1

    try:
        import torch
    except ImportError as error:
        return missing(error)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:  # before transformers' import (seconds): a device that cannot be had is said at once
        device, fallback = pick_device(torch, args.device)
    except DeviceUnavailable as error:
        channel.send({"type": "error", "fatal": True, "kind": "device", "message": str(error)})
        return 1
    try:
        import safetensors  # noqa: F401  (checked here so a missing package is named before any work)
        import transformers  # noqa: F401
    except ImportError as error:
        return missing(error)
    started = time.perf_counter()
    try:
        dtype = pick_dtype(torch, args.dtype, device)
        with torch.inference_mode():
            model, config = build_model(args.checkpoint, device, dtype, args.attention, args.random_init, args.seed)
        forward = Forward(model, args.top_k, args.head_chunk)
    except Exception as error:  # every load failure answers in a frame: the engine must never wait on a silent worker
        kind = "device" if device == "cuda" and "out of memory" in str(error).lower() else "load"
        channel.send({"type": "error", "fatal": True, "kind": kind, "message": f"{type(error).__name__}: {error}"})
        return 1
    hello = {
        "type": "hello",
        "device": device,
        "dtype": str(dtype).removeprefix("torch."),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "attention": args.attention,
        "randomInit": args.random_init,
        "topK": args.top_k,
        "vocab": forward.vocab,
        "parameters": sum(p.numel() for p in model.parameters()),
        "layers": model.config.num_hidden_layers,
        "hidden": model.config.hidden_size,
        "loadSeconds": round(time.perf_counter() - started, 3),
        "pid": os.getpid(),
        **({"fallbackReason": fallback} if fallback else {}),
        **device_report(torch, device),
    }
    channel.send(hello)
    forwards, forward_seconds = 0, 0.0
    while True:
        header, arrays = frames.get()
        kind, rid = header.get("type"), header.get("id")
        if kind == "close":
            return 0
        if kind == "stats":
            channel.send(
                {
                    "type": "stats",
                    "id": rid,
                    "forwards": forwards,
                    "forwardSeconds": round(forward_seconds, 4),
                    **device_report(torch, device),
                }
            )
            continue
        if kind != "forward":
            channel.send({"type": "error", "id": rid, "message": f"unknown request type {kind!r}"})
            continue
        try:
            batch, seq = int(header["batch"]), int(header["seq"])
            inputs = []
            for name in ("input_ids", "attention_mask", "position_ids"):
                if name not in arrays:
                    raise ValueError(f"array {name} is missing")
                dtype_name, shape, data = arrays[name]
                if dtype_name != "int32" or shape != [batch, seq]:
                    raise ValueError(f"array {name} is {dtype_name} {shape}, expected int32 [{batch}, {seq}]")
                inputs.append(_tensor(torch, "int32", shape, data))
            if int(inputs[0].max()) >= forward.vocab or int(inputs[0].min()) < 0:
                raise ValueError(f"input_ids outside the model's vocabulary (0..{forward.vocab - 1})")
            begun = time.perf_counter()
            with torch.inference_mode():
                ids, probs, entropy = forward(
                    *inputs, float(header["temperature"]), float(header["top_p"]), int(header["top_k"])
                )
            forward_seconds += time.perf_counter() - begun
            forwards += 1
            channel.send(
                {"type": "result", "id": rid},
                [
                    ("topk_ids", "int32", list(ids.shape), _bytes(ids)),
                    ("topk_probs", "float32", list(probs.shape), _bytes(probs)),
                    ("neg_entropy", "float32", list(entropy.shape), _bytes(entropy)),
                ],
            )
        except Exception as error:  # one bad request fails alone; the model stays loaded for the next
            if device == "cuda" and isinstance(error, torch.cuda.OutOfMemoryError):
                torch.cuda.empty_cache()
            channel.send(
                {
                    "type": "error",
                    "id": rid,
                    "message": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}",
                }
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--checkpoint", type=Path, required=True, help="Dream/Qwen2 checkpoint folder (config.json + *.safetensors)"
    )
    parser.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    parser.add_argument(
        "--dtype",
        choices=["auto", "bfloat16", "float16", "float32"],
        default="auto",
        help="auto: bfloat16 on CUDA, float32 on the CPU",
    )
    parser.add_argument("--top-k", type=int, default=8, help="K: candidates per position returned (manifest head.topK)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--attention", choices=["sdpa", "eager"], default="sdpa")
    parser.add_argument(
        "--head-chunk",
        type=int,
        default=0,
        help="positions per lm_head + sampler-head chunk (0: from the vocabulary size)",
    )
    parser.add_argument(
        "--random-init",
        action="store_true",
        help="random weights from config.json alone, made on the device (speed/memory checks of a "
        "Dream-7B-shaped model without its 15 GB of weights; outputs are meaningless)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --random-init")
    args = parser.parse_args(argv)
    if args.top_k < 2:
        parser.error("--top-k must be at least 2")
    if not _LITTLE:
        parser.error("the worker's framing is little-endian; this machine is big-endian")
    channel = Channel()
    frames = start_reader(sys.stdin.buffer, channel)
    code = serve(args, channel, frames)
    sys.stderr.flush()
    os._exit(code)  # not sys.exit: the reader thread is blocked on stdin and CUDA teardown can be slow


if __name__ == "__main__":
    main()
