"""What a Dream-style package's manifest says (docs/model-package.md): pure JSON, so the PyTorch package builder
(dnw.dream.torch_package) and the fine-tuner read and write it without loading transformers."""

from __future__ import annotations

import json
from pathlib import Path


def has_chat_template(tokenizer_config: Path) -> bool:
    return tokenizer_config.exists() and bool(json.loads(tokenizer_config.read_text()).get("chat_template"))


def dream_manifest(name: str, config: dict, top_k_out: int, max_length: int, chat: bool, labels: list[str]) -> dict:
    """Manifest fields for a Dream-style chat model writing inline tags (the defaults are Dream's README settings)."""
    prompt = (
        {
            "kind": "chat",
            "system": "You are a helpful assistant.",
            "user": "Mark every named entity in the text with <LABEL>…</LABEL> tags and copy the text otherwise unchanged.\n<ner>\n{text}\n</ner>",
        }
        if chat
        else {"kind": "raw", "template": "<ner>\n{text}\n</ner>"}
    )
    return {
        "name": name,
        "version": "0.0.0",
        "tokenizer": "tokenizer.json",
        "tokens": {
            "mask": config["mask_token_id"],
            "eos": config["eos_token_id"],
            "pad": config.get("pad_token_id", config["eos_token_id"]),
            **({"bos": config["bos_token_id"]} if config.get("bos_token_id") is not None else {}),
        },
        "shiftedLogits": True,
        "maxLength": max_length,
        "prompt": prompt,
        "output": {"format": "inline-tags", "labels": labels},
        "head": {"topK": top_k_out},
        "sampler": {
            "steps": 512,
            "maxNewTokens": 512,
            "temperature": 0.2,
            "topP": 0.95,
            "alg": "entropy",
            "algTemp": 0,
            "eps": 1e-3,
        },
        "evaluation": [],
    }
