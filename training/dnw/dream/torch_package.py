"""A model package whose forward runs on PyTorch (the engine's PyTorch backend, dnw.dream.torch_worker) over a Dream/Qwen2
checkpoint folder, with no ONNX export:

    python -m dnw.dream.torch_package --checkpoint DIR --out PACKAGE_DIR [--labels A,B] [--top-k 8] [--max-length 2048]
                                [--dtype auto|bfloat16|float16|float32] [--from-package PKG] [--random-init]

The package holds manifest.json and the tokenizer files; manifest "pytorch.checkpoint" points at DIR, relative to
the package (--absolute: by its absolute path). The
manifest is export_dream's (Dream's chat prompt, inline tags, Dream's README sampler settings) unless
--from-package takes prompt, output, tokens and sampler from an existing package of the same model (its ONNX export,
say), and its tokenizer files with them. --random-init marks the package for random weights built from config.json
alone (speed and memory checks only; DIR then needs no *.safetensors).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

from .manifest import dream_manifest, has_chat_template


def checkpoint_ref(checkpoint: Path, out: Path, absolute: bool) -> str:
    """How the manifest names the checkpoint: relative to the package unless asked otherwise."""
    target = checkpoint.resolve()
    if absolute:
        return str(target)
    return os.path.relpath(target, out.resolve())


def write_package(
    checkpoint: Path,
    out: Path,
    *,
    name: str | None = None,
    labels: list[str] | None = None,
    top_k: int = 8,
    max_length: int = 2048,
    dtype: str = "auto",
    from_package: Path | None = None,
    random_init: bool = False,
    absolute: bool = False,
) -> Path:
    """Writes the package folder; returns it."""
    config_path = checkpoint / "config.json"
    if not config_path.exists():
        raise FileNotFoundError(f"{config_path}: is missing (a Dream/Qwen2 checkpoint folder has config.json)")
    if not random_init and not any(checkpoint.glob("*.safetensors")):
        raise FileNotFoundError(f"{checkpoint}: no *.safetensors weights (or pass --random-init)")
    config = json.loads(config_path.read_text())
    out.mkdir(parents=True, exist_ok=True)
    if from_package is not None:
        manifest = json.loads((from_package / "manifest.json").read_text())
        manifest.pop("graph", None)
        manifest.pop("training", None)  # the other package's trainable weights are not this one's
        tokenizer_source = from_package
        if name:
            manifest["name"] = name
    else:
        chat = has_chat_template(checkpoint / "tokenizer_config.json")
        manifest = {
            "formatVersion": 1,
            **dream_manifest(name or checkpoint.resolve().name, config, top_k, max_length, chat, labels or []),
        }
        tokenizer_source = checkpoint
    if not (tokenizer_source / "tokenizer.json").exists():
        raise FileNotFoundError(f"{tokenizer_source / 'tokenizer.json'}: is missing")
    for file in ("tokenizer.json", "tokenizer_config.json"):
        if (tokenizer_source / file).exists() and (tokenizer_source / file).resolve() != (out / file).resolve():
            shutil.copy(tokenizer_source / file, out / file)
    spec: dict = {"checkpoint": checkpoint_ref(checkpoint, out, absolute)}
    if dtype != "auto":
        spec["dtype"] = dtype
    if random_init:
        spec["randomInit"] = True
    manifest["pytorch"] = spec
    provenance = dict(manifest.get("provenance") or {})
    provenance["torchPackage"] = {"checkpoint": str(checkpoint.resolve()), "modelType": config.get("model_type")}
    manifest["provenance"] = provenance
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", default=None)
    parser.add_argument("--labels", default="", help="comma-separated entity labels of the output")
    parser.add_argument("--top-k", type=int, default=8, help="K: candidates per position the worker returns")
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--dtype", choices=["auto", "bfloat16", "float16", "float32"], default="auto")
    parser.add_argument(
        "--from-package", type=Path, default=None, help="take the manifest and tokenizer from this package"
    )
    parser.add_argument(
        "--random-init", action="store_true", help="random weights from config.json (speed checks only)"
    )
    parser.add_argument("--absolute", action="store_true", help="name the checkpoint by its absolute path")
    args = parser.parse_args(argv)
    labels = [label for label in args.labels.split(",") if label]
    write_package(
        args.checkpoint,
        args.out,
        name=args.name,
        labels=labels,
        top_k=args.top_k,
        max_length=args.max_length,
        dtype=args.dtype,
        from_package=args.from_package,
        random_init=args.random_init,
        absolute=args.absolute,
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
