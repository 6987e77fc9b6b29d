"""Dream / Qwen2-style checkpoint -> ONNX graph (graph contract in docs/model-package.md) -> model package.

Dream-v0 is Qwen2 with bidirectional attention and shifted logits (position i is predicted from the output at
i-1); its weights use Qwen2's parameter names, so transformers' Qwen2 modules run it once the causal mask is
replaced by Dream's padding mask (outer AND of the 2-D mask). Usage:

    python -m dnw.dream.export_dream --checkpoint DIR --out PACKAGE_DIR [--top-k 8] [--dtype float32|float16]

The checkpoint folder holds config.json (model_type "Dream" or "qwen2"), *.safetensors, tokenizer.json and
usually tokenizer_config.json (kept in the package when it has a chat template). Weights over 2 GB go to an
external data file next to the graph, as ONNX requires.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch
from torch import nn
from transformers import Qwen2Config, Qwen2ForCausalLM

from ..graph_export import export_graph, write_manifest
from .manifest import dream_manifest, has_chat_template

_QWEN2_FIELDS = (
    "vocab_size",
    "hidden_size",
    "intermediate_size",
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "max_position_embeddings",
    "rope_theta",
    "rms_norm_eps",
    "tie_word_embeddings",
    "hidden_act",
    "rope_scaling",
    "head_dim",
)


class BidirectionalQwen2(nn.Module):
    """Qwen2ForCausalLM run as Dream runs it: full attention between real tokens, nothing attends to left padding."""

    def __init__(self, model: Qwen2ForCausalLM):
        super().__init__()
        self.model = model
        for layer in model.model.layers:
            layer.self_attn.is_causal = False
        # Only outside an ONNX export: the exported graph must keep the mask path for every input.
        self.skip_full_mask = model.config._attn_implementation != "eager"

    def attention_bias(self, attention_mask: torch.Tensor) -> torch.Tensor | None:
        """Additive [B, 1, L, L] mask on the mask's device, in the model's dtype; None when nothing is padded and
        the graph need not be exported (SDPA may then pick its fastest kernel: no mask, is_causal False)."""
        real = attention_mask.bool()
        if (
            self.skip_full_mask
            and not torch.jit.is_tracing()
            and not torch.compiler.is_compiling()
            and bool(real.all())
        ):
            return None
        allowed = real[:, None, :, None] & real[:, None, None, :]
        # Additive mask with the dtype's finite minimum (float32's is -inf in float16): a padding row (all masked)
        # then softmaxes to something finite instead of NaN, and its output is never read because every real row
        # masks padding columns out. Built where the mask lives, so a CUDA model gets a CUDA bias.
        dtype = self.model.dtype
        bias = torch.zeros(allowed.shape, dtype=dtype, device=attention_mask.device)
        return bias.masked_fill(~allowed, torch.finfo(dtype).min)

    def hidden(self, input_ids, attention_mask, position_ids) -> torch.Tensor:
        """Last hidden states [B, L, H] (before lm_head): a loss can project only the positions it scores."""
        return self.model.model(
            input_ids=input_ids,
            attention_mask={"full_attention": self.attention_bias(attention_mask)},
            position_ids=position_ids,
            use_cache=False,
        ).last_hidden_state

    def forward(self, input_ids, attention_mask, position_ids):
        return self.model.lm_head(self.hidden(input_ids, attention_mask, position_ids)).float()


def qwen2_config_from(config: dict, attn: str = "eager") -> Qwen2Config:
    """A Qwen2Config from a Dream or Qwen2 config.json (Dream's fields are Qwen2's).

    attn "eager" (plain MatMul/Softmax ops: exports cleanly and runs on every EP) for export; "sdpa" for training
    and serving in PyTorch (fused attention kernels on CUDA, same numbers up to rounding)."""
    fields = {k: config[k] for k in _QWEN2_FIELDS if k in config and config[k] is not None}
    qwen = Qwen2Config(**fields)
    qwen._attn_implementation = attn
    return qwen


def load_checkpoint(
    checkpoint: Path, dtype: torch.dtype = torch.float32, attn: str = "eager", device: str | torch.device = "cpu"
) -> tuple[Qwen2ForCausalLM, dict]:
    """Loads a Dream/Qwen2 checkpoint folder into transformers' Qwen2 (strict: every weight must be used), on
    `device` (weights go there shard by shard, so a 7B checkpoint never needs a float32 copy in host memory)."""
    from safetensors.torch import load_file

    config = json.loads((checkpoint / "config.json").read_text())
    with torch.device("meta"):
        model = Qwen2ForCausalLM(qwen2_config_from(config, attn))
    state: dict[str, torch.Tensor] = {}
    for shard in sorted(checkpoint.glob("*.safetensors")):
        state.update({k: v.to(device=device, dtype=dtype) for k, v in load_file(str(shard)).items()})
    if not state:
        raise FileNotFoundError(f"{checkpoint}: no *.safetensors weights")
    if model.config.tie_word_embeddings and "lm_head.weight" not in state:
        state["lm_head.weight"] = state["model.embed_tokens.weight"]
    model.load_state_dict(state, strict=True, assign=True)
    model.model.rotary_emb = type(model.model.rotary_emb)(config=model.config).to(device)  # buffers were on meta
    return model.eval(), config


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", default=None)
    parser.add_argument("--top-k", type=int, default=8, help="K: candidates per position the graph returns")
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--dtype", choices=["float32", "float16"], default="float32")
    parser.add_argument("--labels", default="", help="comma-separated entity labels of the output")
    args = parser.parse_args(argv)

    model, config = load_checkpoint(args.checkpoint, getattr(torch, args.dtype))
    sample = torch.randint(0, config["vocab_size"], (2, 8))
    export_graph(BidirectionalQwen2(model), args.out, args.top_k, sample)
    shutil.copy(args.checkpoint / "tokenizer.json", args.out / "tokenizer.json")
    chat = has_chat_template(args.checkpoint / "tokenizer_config.json")
    if chat:
        shutil.copy(args.checkpoint / "tokenizer_config.json", args.out / "tokenizer_config.json")
    labels = [label for label in args.labels.split(",") if label]
    write_manifest(
        args.out, dream_manifest(args.name or args.checkpoint.name, config, args.top_k, args.max_length, chat, labels)
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
