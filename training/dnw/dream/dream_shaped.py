"""A checkpoint folder shaped like Dream-v0-7B (or a smaller preset), for speed and device checks without a download.

Dream's weights cannot be fetched here, and speed does not depend on their values: the folder holds Dream's
config.json fields at the chosen size, a byte-level BPE tokenizer trained on synthetic Vietnamese text (the
model's vocabulary is padded beyond it, as Qwen2's 152,064 rows are beyond its 151,665 tokens) and, unless
--no-weights, random weights. Without weights, `dnw.dream.torch_worker --random-init` builds them on the GPU directly.

    python -m dnw.dream.dream_shaped --size 7b --out DIR [--no-weights] [--device cuda] [--dtype bfloat16]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from .tiny_qwen2 import CHAT_TEMPLATE, EOS, MASK, train_tokenizer

# Dream-v0-Instruct-7B's config.json (its Qwen2 fields); the smaller presets keep its proportions and vocabulary.
SIZES = {
    "7b": dict(
        hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28, num_key_value_heads=4
    ),
    "1.3b": dict(
        hidden_size=2304, intermediate_size=6144, num_hidden_layers=28, num_attention_heads=18, num_key_value_heads=2
    ),
    "0.5b": dict(
        hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2
    ),
    # CPU dry runs of the GPU check.
    "tiny": dict(
        hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2
    ),
}
DREAM_VOCAB = 152064


def dream_config(size: str, tokenizer_vocab: int, mask_id: int, eos_id: int) -> dict:
    """config.json of a Dream-shaped model; 'tiny' keeps the vocabulary small so a CPU can run it."""
    vocab = DREAM_VOCAB if size != "tiny" else max(1024, tokenizer_vocab)
    return {
        "model_type": "Dream",
        "architectures": ["DreamModel"],
        "vocab_size": vocab,
        **SIZES[size],
        "max_position_embeddings": 131072,
        "rope_theta": 1000000.0,
        "rms_norm_eps": 1e-6,
        "hidden_act": "silu",
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "mask_token_id": mask_id,
        "eos_token_id": eos_id,
        "pad_token_id": eos_id,
        "bos_token_id": None,
    }


def write_dream_shaped(
    out: Path,
    size: str,
    weights: bool,
    device: str = "cpu",
    dtype: str = "bfloat16",
    bpe_vocab: int = 4000,
    seed: int = 0,
) -> Path:
    """Writes config.json, tokenizer files and (when `weights`) model.safetensors under `out`; returns `out`."""
    from safetensors.torch import save_file
    from transformers import Qwen2ForCausalLM

    from .export_dream import qwen2_config_from

    out.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(bpe_vocab, seed)
    config = dream_config(size, tokenizer.get_vocab_size(), tokenizer.token_to_id(MASK), tokenizer.token_to_id(EOS))
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    tokenizer.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {"chat_template": CHAT_TEMPLATE, "eos_token": EOS, "pad_token": EOS, "mask_token": MASK, "bos_token": None},
            indent=2,
        )
        + "\n"
    )
    if weights:
        torch.manual_seed(seed)
        with torch.device(device):
            model = Qwen2ForCausalLM(qwen2_config_from(config)).to(getattr(torch, dtype))
        state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
        del model
        # One file per ~4 GB, as Hugging Face shards: a 7B model does not need one 15 GB file in memory twice.
        shard, shards, size_bytes = {}, [], 0
        for name, tensor in state.items():
            shard[name] = tensor
            size_bytes += tensor.numel() * tensor.element_size()
            if size_bytes > 4e9:
                shards.append(shard)
                shard, size_bytes = {}, 0
        if shard:
            shards.append(shard)
        for i, part in enumerate(shards):
            save_file(part, str(out / f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="7b")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--no-weights",
        action="store_true",
        help="config and tokenizer only (the worker's --random-init builds weights)",
    )
    parser.add_argument("--device", default="cpu", help="where random weights are drawn (cuda is much faster at 7B)")
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_dream_shaped(args.out, args.size, not args.no_weights, args.device, args.dtype, seed=args.seed)
    print(json.dumps({"checkpoint": str(args.out), "size": args.size, "weights": not args.no_weights}))


if __name__ == "__main__":
    main()
