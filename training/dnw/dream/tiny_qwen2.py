"""A tiny, randomly initialised Qwen2-architecture model and a tiny byte-level BPE tokenizer, for parity tests.

Nothing is downloaded: the tokenizer is trained on synthetic Vietnamese medical sentences made here, the weights
come from a seeded generator. The model is exported exactly as a Dream checkpoint is (dnw.dream.export_dream), so the
engine, the ONNX graph and the PyTorch reference can be compared on any size and seed:

    python -m dnw.dream.tiny_qwen2 --layers 2 --hidden 64 --seed 7 --out DIR

writes DIR/checkpoint (config.json, model.safetensors, tokenizer files: what export_dream reads) and DIR/package
(the model package). Weights are drawn with a large std on purpose: a random model with flat distributions has
near-ties that 1e-6 of float noise flips, and parity tests must compare decisions, not noise.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import Qwen2Config, Qwen2ForCausalLM

from ..graph_export import export_graph, write_manifest
from .export_dream import BidirectionalQwen2

LABELS = ["LOCATION", "ORGANIZATION", "SYMPTOM_AND_DISEASE", "DATE", "AGE"]
EOS, MASK, IM_START, IM_END = "<|endoftext|>", "<|mask|>", "<|im_start|>", "<|im_end|>"
# Qwen2's split pattern, as its tokenizer.json writes it.
QWEN2_SPLIT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

_PLACES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "quận Hoàn Kiếm", "tỉnh Quảng Ninh", "Bắc Giang", "Cần Thơ"]
_ORGS = ["Bệnh viện Bạch Mai", "Bệnh viện Nhiệt đới Trung ương", "Sở Y tế", "Trung tâm Y tế huyện", "CDC Hà Nội"]
_SYMPTOMS = ["sốt", "ho khan", "khó thở", "đau họng", "viêm phổi", "mệt mỏi", "mất vị giác", "COVID-19"]
_DATES = ["ngày 12/3", "hôm 5/4/2020", "sáng 20-7", "ngày 1.8"]
_AGES = ["35 tuổi", "62 tuổi", "8 tháng tuổi", "41 tuổi"]
_TEMPLATES = [
    "Bệnh nhân {AGE} ở {LOCATION} có triệu chứng {SYMPTOM_AND_DISEASE} từ {DATE}.",
    "{ORGANIZATION} cho biết ca bệnh tại {LOCATION} đã hết {SYMPTOM_AND_DISEASE}.",
    "Ông ấy được đưa vào {ORGANIZATION} {DATE} với biểu hiện {SYMPTOM_AND_DISEASE} và {SYMPTOM_AND_DISEASE}.",
    "Theo {ORGANIZATION}, người phụ nữ {AGE} sống tại {LOCATION} đã âm tính.",
    "{DATE}, {ORGANIZATION} ở {LOCATION} ghi nhận thêm 3 ca {SYMPTOM_AND_DISEASE}.",
]
_FILLS = {"LOCATION": _PLACES, "ORGANIZATION": _ORGS, "SYMPTOM_AND_DISEASE": _SYMPTOMS, "DATE": _DATES, "AGE": _AGES}


def synthetic_sentences(n: int, seed: int) -> list[tuple[str, str]]:
    """(plain text, inline-tagged text) pairs built from templates; deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        template = rng.choice(_TEMPLATES)
        plain, tagged, rest = "", "", template
        while "{" in rest:
            before, _, after = rest.partition("{")
            label, _, rest = after.partition("}")
            value = rng.choice(_FILLS[label])
            plain += before + value
            tagged += before + f"<{label}>{value}</{label}>"
        out.append((plain + rest, tagged + rest))
    return out


def label_tokens() -> list[str]:
    """Aligned-BIO tag tokens: B-/I- per label and the stacked pairs the synthetic data can nest."""
    tags = [f"{p}-{label}" for label in LABELS for p in "BI"]
    return tags + ["I-ORGANIZATION|B-LOCATION", "I-ORGANIZATION|I-LOCATION"]


def train_tokenizer(vocab_size: int, seed: int) -> Tokenizer:
    """A Qwen2-shaped byte-level BPE (NFC, Qwen2 split regex, ByteLevel) trained on synthetic text."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    specials = [EOS, MASK, IM_START, IM_END]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = [text for pair in synthetic_sentences(400, seed) for text in pair] + ["<ner>\n", "\n</ner>"]
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    # single_word: a tag token never swallows part of a word in the text being annotated.
    tokenizer.add_tokens([AddedToken(tag, single_word=True, normalized=False) for tag in label_tokens()])
    return tokenizer


def build_model(
    vocab: int, layers: int, hidden: int, seed: int, init_std: float, eos_boost: float = 1.0, eos_id: int = 0
) -> Qwen2ForCausalLM:
    """A Qwen2ForCausalLM whose every weight comes from one seeded generator (independent of HF's init order).

    `eos_boost` scales EOS's output row so a random model ends some outputs early, which tests of the EOS cut
    and of early stopping need."""
    heads = max(2, hidden // 16)
    config = Qwen2Config(
        vocab_size=vocab,
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads // 2,
        max_position_embeddings=1024,
        rope_theta=10000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=False,
    )
    config._attn_implementation = "eager"
    model = Qwen2ForCausalLM(config).eval()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in sorted(model.named_parameters()):
            if name.endswith("norm.weight"):
                param.copy_(1 + 0.1 * torch.randn(param.shape, generator=generator))
            elif name.endswith("bias"):
                param.copy_(0.1 * torch.randn(param.shape, generator=generator))
            else:
                param.copy_(init_std * torch.randn(param.shape, generator=generator))
        model.lm_head.weight[eos_id] *= eos_boost
    return model


def rebuild_from_manifest(manifest: dict) -> Qwen2ForCausalLM:
    """The torch model of a tiny_qwen2 package, rebuilt from the seed its manifest records."""
    p = manifest.get("provenance") or {}
    if p.get("builder") != "dnw.tiny_qwen2":
        raise ValueError("this package was not built by dnw.dream.tiny_qwen2: pass --checkpoint")
    return build_model(
        p["modelVocab"], p["layers"], p["hidden"], p["seed"], p["initStd"], p["eosBoost"], manifest["tokens"]["eos"]
    )


def special_ids(tokenizer: Tokenizer) -> dict:
    return {"mask": tokenizer.token_to_id(MASK), "eos": tokenizer.token_to_id(EOS), "pad": tokenizer.token_to_id(EOS)}


def write_checkpoint(model: Qwen2ForCausalLM, tokenizer: Tokenizer, out: Path) -> None:
    """A Dream-style checkpoint folder: what export_dream reads from a real Dream download."""
    out.mkdir(parents=True, exist_ok=True)
    ids = special_ids(tokenizer)
    config = {
        **model.config.to_dict(),
        "model_type": "Dream",
        "architectures": ["DreamModel"],
        "mask_token_id": ids["mask"],
        "eos_token_id": ids["eos"],
        "pad_token_id": ids["pad"],
        "bos_token_id": None,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2, default=str) + "\n")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / "model.safetensors"))
    tokenizer.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {"chat_template": CHAT_TEMPLATE, "eos_token": EOS, "pad_token": EOS, "mask_token": MASK, "bos_token": None},
            indent=2,
        )
        + "\n"
    )


def tiny_manifest(name: str, tokenizer: Tokenizer, provenance: dict, top_k_out: int) -> dict:
    return {
        "name": name,
        "version": "0.1.0",
        "tokenizer": "tokenizer.json",
        "tokens": special_ids(tokenizer),
        "shiftedLogits": True,
        "maxLength": 256,
        "prompt": {"kind": "raw", "template": "<ner>\n{text}\n</ner>"},
        "output": {"format": "inline-tags", "labels": LABELS},
        "head": {"topK": top_k_out},
        "sampler": {
            "steps": 16,
            "maxNewTokens": 24,
            "temperature": 0,
            "topP": 1,
            "topK": 0,
            "alg": "maskgit_plus",
            "algTemp": 0,
            "eps": 1e-3,
        },
        "evaluation": [],
        "provenance": provenance,
    }


def build(
    out: Path,
    layers: int,
    hidden: int,
    seed: int,
    vocab_size: int = 320,
    init_std: float = 0.5,
    top_k_out: int = 8,
    eos_boost: float = 1.5,
) -> Path:
    """Builds checkpoint + package under `out`; returns the package folder."""
    tokenizer = train_tokenizer(vocab_size, seed)
    model = build_model(
        tokenizer.get_vocab_size(), layers, hidden, seed, init_std, eos_boost, tokenizer.token_to_id(EOS)
    )
    write_checkpoint(model, tokenizer, out / "checkpoint")
    package = out / "package"
    sample = torch.randint(0, tokenizer.get_vocab_size(), (2, 8), generator=torch.Generator().manual_seed(0))
    export_graph(BidirectionalQwen2(model), package, top_k_out, sample)
    tokenizer.save(str(package / "tokenizer.json"))
    (package / "tokenizer_config.json").write_text((out / "checkpoint" / "tokenizer_config.json").read_text())
    provenance = {
        "builder": "dnw.tiny_qwen2",
        "layers": layers,
        "hidden": hidden,
        "seed": seed,
        "bpeVocab": vocab_size,
        "modelVocab": tokenizer.get_vocab_size(),
        "initStd": init_std,
        "eosBoost": eos_boost,
    }
    write_manifest(package, tiny_manifest(f"tiny-qwen2-l{layers}-h{hidden}-s{seed}", tokenizer, provenance, top_k_out))
    return package


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--vocab", type=int, default=320, help="BPE vocabulary size before the tag tokens")
    parser.add_argument("--init-std", type=float, default=0.5)
    parser.add_argument("--top-k", type=int, default=8)
    parser.add_argument("--eos-boost", type=float, default=1.5, help="scale of EOS's output row (ends outputs early)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # 2 threads on a loaded 2-core machine are ~50x slower, not faster
    package = build(
        args.out, args.layers, args.hidden, args.seed, args.vocab, args.init_std, args.top_k, args.eos_boost
    )
    print(f"wrote {args.out / 'checkpoint'} and {package}")


if __name__ == "__main__":
    main()
