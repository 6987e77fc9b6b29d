"""PyTorch reference of the engine's sampler: Dream's `diffusion_generate` semantics on full-vocabulary logits.

This is the parity oracle for core/sampler. It runs the real model in torch (never the ONNX graph) and filters
full logits itself, as Dream's `sample_tokens` does; only the random numbers and the tie-breaking are defined by
us (docs/engine.md, "Sampler semantics"), so that the TypeScript engine can reproduce every decision exactly:

- one Xoshiro128 stream per prompt (stream = the prompt's index in the request);
- ties in commit order go to the lower position, argmax ties to the lower token id;
- temperature > 0 draws from the top-K tokens the graph returns (exact when the filtered support is <= K).

    python -m dnw.oracle.reference_sampler --package DIR [--checkpoint DIR] --prompts FILE --alg entropy --out expected.json

FILE is JSON: a list of texts (one batch each) or {"batches": [[text, ...], ...]} (each inner list one
left-padded batch). Without --checkpoint a tiny_qwen2 package is rebuilt from its manifest's provenance.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch

from .package_prompt import PromptBuilder
from .reference_loop import Run, generate_batch


@dataclass
class Settings:
    steps: int = 16
    max_new_tokens: int | str = 24
    temperature: float = 0.0
    top_p: float | None = None
    top_k: int | None = None
    alg: str = "maskgit_plus"
    alg_temp: float = 0.0
    eps: float = 1e-3
    schedule: str = "dream"  # dream | threshold
    threshold: float = 0.9
    block_length: int | None = None
    early_stop: bool = False
    seed: int = 0


def load_forward(package: Path, checkpoint: Path | None, device: str | torch.device = "cpu") -> Callable:
    """forward(ids, mask, positions) -> float32 logits [B, L, V] of the package's model, in torch.

    The model runs on `device` ("auto": CUDA when torch sees it); inputs go there and the logits come back to the
    CPU, where the loop's bookkeeping lives. The model stays float32 with eager attention on every device: it is
    the parity oracle, and decisions must not move with the device's kernels more than float32 rounding allows."""
    from ..devices import resolve_device
    from ..dream.export_dream import BidirectionalQwen2, load_checkpoint

    device = resolve_device(str(device))
    if checkpoint is not None:
        model, _ = load_checkpoint(checkpoint, device=device)
    else:
        from ..dream.tiny_qwen2 import rebuild_from_manifest

        model = rebuild_from_manifest(json.loads((package / "manifest.json").read_text())).to(device)
    logits = BidirectionalQwen2(model).eval()

    def forward(ids, mask, positions):
        with torch.no_grad():
            return logits(ids.to(device), mask.to(device), positions.to(device)).float().cpu()

    return forward


def run_batches(package: Path, forward: Callable, batches: list[list[str]], settings: Settings) -> dict:
    """Runs every batch; rows are numbered across batches (their PRNG stream ids)."""
    builder = PromptBuilder(package)
    manifest = builder.manifest
    out, stream, min_margin = [], 0, float("inf")
    for texts in batches:
        prompts, canvases = [], []
        for text in texts:
            ids, n_text = builder.prompt(text)
            prompts.append(ids)
            canvases.append(builder.canvas_length(settings.max_new_tokens, n_text, len(ids)))
        run = Run(
            settings=settings,
            tokens=manifest["tokens"],
            shifted=manifest["shiftedLogits"],
            top_k_out=manifest["head"]["topK"],
        )
        result = generate_batch(forward, prompts, canvases, list(range(stream, stream + len(texts))), run)
        stream += len(texts)
        min_margin = min(min_margin, result["min_margin"])
        out.append(
            {
                "texts": texts,
                "tokens": result["tokens"],
                "text": [builder.decode(t) for t in result["tokens"]],
                "forwards": result["forwards"],
            }
        )
    return {"settings": asdict(settings), "batches": out, "minDecisionMargin": min_margin}


def read_prompts(path: Path) -> list[list[str]]:
    data = json.loads(path.read_text())
    return data["batches"] if isinstance(data, dict) else [[text] for text in data]


def settings_from_args(args: argparse.Namespace) -> Settings:
    values = {f.name: getattr(args, f.name) for f in fields(Settings) if getattr(args, f.name, None) is not None}
    if "max_new_tokens" in values and values["max_new_tokens"] != "auto":
        values["max_new_tokens"] = int(values["max_new_tokens"])
    return Settings(**values)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--prompts", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, or auto")
    for f in fields(Settings):
        kind = {"early_stop": None}.get(
            f.name,
            float
            if f.name in ("temperature", "top_p", "alg_temp", "eps", "threshold")
            else int
            if f.name in ("steps", "top_k", "block_length", "seed")
            else str,
        )
        if kind is None:
            parser.add_argument("--early-stop", dest="early_stop", action="store_true", default=None)
        else:
            parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, type=kind)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # 2 threads on a loaded 2-core machine are ~50x slower, not faster
    result = run_batches(
        args.package,
        load_forward(args.package, args.checkpoint, args.device),
        read_prompts(args.prompts),
        settings_from_args(args),
    )
    args.out.write_text(json.dumps({"runs": [result]}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {args.out} (min decision margin {result['minDecisionMargin']:.3g})")


if __name__ == "__main__":
    main()
