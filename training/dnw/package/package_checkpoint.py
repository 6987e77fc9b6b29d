"""Trainable packages: the PyTorch weights a model package carries so it can be fine-tuned (checkpoint.pt).

    python -m dnw.package.package_checkpoint --run training/runs/NAME --package DIR [--checkpoint best|last] [--verify]

checkpoint.pt is a torch.save'd dict of plain types and tensors (loadable with weights_only=True):
  format        "dnw-aligned-v1"
  members       1, or n > 1 for an ensemble (dnw.tagger.ensemble): then `model` holds members.0.*, members.1.*, ...
  model         the state_dict; parameters in float16 (half the size), buffers (feature tables, output bias) as
                they are
  model_config  ModelConfig as a dict: the architecture is rebuilt from it exactly, without the tokenizer
  config        the run's config sections the fine-tuner reuses (model, data, train, decode)
  vocab         labels (stacked BIO tags), label_ids, entity_labels: with the package's tokenizer.json, a Vocab
  source        where the weights came from (run, checkpoint, step; or the fine-tuning run)
The manifest names it: "training": {"checkpoint": "checkpoint.pt", "format": "dnw-aligned-v1"}.

--verify rebuilds the model from the written checkpoint (float16 -> float32) and compares its sampler-head outputs
with the run's float32 graph (RUN/onnx/model.onnx) on a few dev prompts.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from ..graph_export import session_for
from ..tagger.ensemble import assemble, members_of
from ..tagger.model import DiffusionTagger, ModelConfig
from ..tagger.runs import load_run
from ..tagger.tokenizer import Vocab

FORMAT = "dnw-aligned-v1"
CHECKPOINT = "checkpoint.pt"
CONFIG_SECTIONS = ("model", "data", "train", "decode")


class PackageError(Exception):
    """A package that cannot be fine-tuned (no checkpoint, wrong format, inconsistent files)."""


def training_field() -> dict:
    return {"checkpoint": CHECKPOINT, "format": FORMAT}


def checkpoint_payload(model: DiffusionTagger, vocab: Vocab, cfg: dict, source: dict) -> dict:
    if model.cfg.format != "aligned":
        raise PackageError(f"only aligned-canvas models can be packaged for fine-tuning (format {model.cfg.format!r})")
    params = {name for name, _ in model.named_parameters()}
    state = {
        k: (v.detach().to(torch.float16) if k in params else v.detach()).clone() for k, v in model.state_dict().items()
    }
    return {
        "format": FORMAT,
        "members": len(members_of(model)),  # > 1: "model" holds members.0.*, members.1.*, ... (tagger.ensemble)
        "model": state,
        "model_config": model.cfg.to_dict(),
        "config": {k: dict(cfg.get(k, {})) for k in CONFIG_SECTIONS},
        "vocab": {
            "labels": list(vocab.labels),
            "label_ids": list(vocab.label_ids),
            "entity_labels": list(vocab.entity_labels),
        },
        "source": source,
    }


def write_checkpoint(package: Path, model: DiffusionTagger, vocab: Vocab, cfg: dict, source: dict) -> Path:
    path = Path(package) / CHECKPOINT
    tmp = path.with_name(path.name + ".tmp")
    torch.save(checkpoint_payload(model, vocab, cfg, source), tmp)
    tmp.replace(path)
    return path


def add_training_field(package: Path) -> None:
    """Adds (or refreshes) the manifest's `training` field; every other field and its order are kept."""
    path = Path(package) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["training"] = training_field()
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_manifest(package: Path) -> dict:
    path = Path(package) / "manifest.json"
    if not path.exists():
        raise PackageError(f"{package}: not a model package (no manifest.json)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise PackageError(f"{path}: not valid JSON ({e})") from e


def load_package(package: Path) -> tuple[DiffusionTagger, Vocab, dict, dict, dict]:
    """(model in float32, eval mode; vocab; config sections; the checkpoint's other fields; manifest) of a package
    that carries its weights. PackageError names the package and what is missing."""
    package = Path(package)
    manifest = read_manifest(package)
    training = manifest.get("training")
    name = f"{manifest.get('name', package.name)} {manifest.get('version', '')}".strip()
    if not isinstance(training, dict) or not training.get("checkpoint"):
        raise PackageError(
            f"package {name} ({package}) cannot be fine-tuned: its manifest has no training.checkpoint "
            f"(only packages exported with their PyTorch weights, checkpoint.pt, can)"
        )
    if training.get("format") != FORMAT:
        raise PackageError(f"package {name} ({package}): training.format {training.get('format')!r} is not {FORMAT!r}")
    path = package / training["checkpoint"]
    if not path.exists():
        raise PackageError(f"package {name} ({package}): {training['checkpoint']} is missing")
    ck = torch.load(path, map_location="cpu", weights_only=True)
    if ck.get("format") != FORMAT:
        raise PackageError(f"{path}: format {ck.get('format')!r} is not {FORMAT!r}")
    tok_path = package / manifest.get("tokenizer", "tokenizer.json")
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tok_path))
    v = ck["vocab"]
    vocab = Vocab(tok, list(v["labels"]), list(v["label_ids"]), list(v["entity_labels"]))
    mc = ModelConfig(**ck["model_config"])
    if tok.get_vocab_size() != mc.vocab_size:
        raise PackageError(f"{tok_path}: {tok.get_vocab_size()} tokens, the checkpoint's model has {mc.vocab_size}")
    from ..tagger.tokenizer import label_token

    if [tok.token_to_id(label_token(t)) for t in vocab.labels] != vocab.label_ids:
        raise PackageError(f"{tok_path}: label token ids differ from the checkpoint's")
    state = {k: t.float() if t.is_floating_point() else t for k, t in ck["model"].items()}
    n = int(ck.get("members", 1))
    prefixes = [f"members.{i}." for i in range(n)] if n > 1 else [""]
    model = assemble(
        [DiffusionTagger(mc, state[f"{p}lower_ids"].tolist(), state[f"{p}shape_ids"].tolist()) for p in prefixes]
    )
    model.load_state_dict(state)
    model.eval()
    cfg = {k: dict(ck["config"].get(k, {})) for k in CONFIG_SECTIONS}
    meta = {k: ck[k] for k in ck if k not in ("model",)}
    return model, vocab, cfg, meta, manifest


def package_run(run: Path, package: Path, which: str = "best") -> Path:
    """Writes RUN's weights (the ones dnw.package.export exports: best.pt holds the EMA when the run keeps one) into PACKAGE
    as checkpoint.pt and adds the manifest's training field."""
    model, vocab, cfg = load_run(run, which)
    step = None
    ck_path = run / f"{which}.pt"
    if ck_path.exists():
        step = torch.load(ck_path, map_location="cpu", weights_only=False).get("state", {}).get("step")
    path = write_checkpoint(
        package,
        model,
        vocab,
        cfg,
        {"builder": "dnw.package_checkpoint", "run": run.name, "checkpoint": which, "step": step},
    )
    add_training_field(package)
    return path


DECISIVE_MARGIN = 0.01  # twice the probability difference the parity checks tolerate


def verify(package: Path, graph: Path, texts: list[str], top_k: int | None = None) -> dict:
    """Max abs difference between the package checkpoint's head outputs (PyTorch, float32) and `graph`'s."""
    import numpy as np

    from ..sampler_head import head_outputs, sampler_scalars
    from ..tagger.data import Record
    from ..tagger.encode import collate, encode_record

    model, vocab, _, _, manifest = load_package(package)
    k = top_k or manifest["head"]["topK"]
    items = [encode_record(Record(t, []), vocab, "aligned") for t in texts]
    batch = collate(items, vocab.pad_id, canvas_fill=vocab.mask_id)
    scalars = sampler_scalars(0.0, None, None)
    feeds = {
        "input_ids": batch.input_ids.numpy(),
        "attention_mask": batch.attention_mask.numpy(),
        "position_ids": batch.position_ids.numpy(),
        "temperature": scalars[0].numpy(),
        "top_p": scalars[1].numpy(),
        "top_k": scalars[2].numpy(),
    }
    got_ids, got_probs, got_ent = session_for(graph).run(None, feeds)
    with torch.no_grad():
        logits = model(batch.input_ids, batch.attention_mask, batch.position_ids)
        want_ids, want_probs, want_ent = (t.numpy() for t in head_outputs(logits, *scalars, k))
    can = batch.canvas_mask.numpy()
    # Where PyTorch's two best candidates lie closer than the graph's rounding (float16 weights, int8), either may
    # come first: agreement is only owed where the top-1 is decisive.
    decisive = can & (want_probs[..., 0] - want_probs[..., 1] > DECISIVE_MARGIN)
    return {
        "prompts": len(texts),
        "canvas_slots": int(can.sum()),
        "max_abs_diff_topk_probs": float(np.abs(got_probs - want_probs)[can].max()),
        "max_abs_diff_neg_entropy": float(np.abs(got_ent - want_ent)[can].max()),
        "top1_agreement": float((got_ids[..., 0] == want_ids[..., 0])[can].mean()),
        "decisive_slots": int(decisive.sum()),
        "top1_agreement_decisive": float((got_ids[..., 0] == want_ids[..., 0])[decisive].mean()),
        "topk_ids_agreement": float((got_ids == want_ids)[can].all(-1).mean()),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--package", type=Path, required=True)
    ap.add_argument("--checkpoint", default="best", choices=["best", "last"])
    ap.add_argument("--verify", action="store_true", help="compare with RUN/onnx/model.onnx on dev prompts")
    ap.add_argument("--dev", default="training/data/phoner_dev.nested.jsonl")
    ap.add_argument("--verify-limit", type=int, default=16)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    path = package_run(args.run, args.package, args.checkpoint)
    print(json.dumps({"checkpoint": str(path), "bytes": path.stat().st_size}), flush=True)
    if args.verify:
        from ..tagger.data import read_instruction_jsonl

        texts = [r.text for r in read_instruction_jsonl(args.dev, args.verify_limit)]
        print(json.dumps(verify(args.package, args.run / "onnx" / "model.onnx", texts)), flush=True)


if __name__ == "__main__":
    main()
