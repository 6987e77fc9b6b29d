"""A trained run -> ONNX graph behind the graph contract -> model package (manifest.json, tokenizer.json, card).

    python -m dnw.package.export --run training/runs/NAME --out PACKAGE_DIR [--quantize auto|int8|none]
                         [--dev training/data/phoner_dev.nested.jsonl] [--eval-limit N] [--top-k 4]

The graph is SamplerHead(model) (training/dnw/sampler_head.py, the engine worker's), exported with dynamic batch and
sequence. With --quantize auto (the default) the graph is also quantised (int8 weights, dynamic activations) and the
int8 graph is shipped when its dev nested micro-F1 is within 0.3 points of float32; both numbers go into the
manifest's evaluation list. Decoding for these numbers is greedy confidence-threshold unmasking (dnw.tagger.decode), which is
what the engine's fast settings do. The package also carries the exported weights (checkpoint.pt, float16, and the
manifest's `training` field; dnw.package.package_checkpoint) so that dnw.package.finetune_package can continue training it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import torch

from ..graph_export import export_graph, session_for
from ..tagger.data import read_instruction_jsonl
from ..tagger.encode import collate, encode_record
from ..tagger.evaluate import evaluate_items
from ..tagger.runs import load_run
from .package_checkpoint import training_field, write_checkpoint

GRAPH = "model.onnx"
INT8_TOLERANCE = 0.003  # F1 points / 100


def export_onnx(model, vocab, out_dir: Path, top_k: int, sample_texts: list[str]) -> Path:
    from ..tagger.data import Record

    fmt = model.cfg.format
    items = [encode_record(Record(t, []), vocab, fmt) for t in sample_texts]
    batch = collate(items, vocab.pad_id, canvas_fill=vocab.mask_id)
    return export_graph(model.eval(), out_dir, top_k, batch.input_ids)


def fold_constants(src: Path, dst: Path) -> None:
    """onnxruntime's basic (semantics-preserving) optimisations saved to a file: the exporter writes each Linear as
    MatMul(x, Transpose(W)), and the quantizer only quantizes a MatMul whose weight is an initializer."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    so.optimized_model_filepath = str(dst)
    ort.InferenceSession(str(src), so, providers=["CPUExecutionProvider"])


def quantize(src: Path, dst: Path) -> None:
    """int8 weights (per channel) for MatMul and the embedding Gathers; activations quantized dynamically."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folded = dst.with_name(dst.stem + ".folded.onnx")
    fold_constants(src, folded)
    quantize_dynamic(
        str(folded),
        str(dst),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gemm", "Gather"],
    )
    folded.unlink()


def sampler_defaults(threshold: float, steps: int) -> dict:
    """The engine's fast schedule (core/sampler/settings.ts names): greedy, confidence-threshold unmasking."""
    return {
        "steps": steps,
        "maxNewTokens": "auto",
        "temperature": 0,
        "topP": 1,
        "topK": 0,
        "alg": "maskgit_plus",
        "algTemp": 0,
        "eps": 1e-3,
        "schedule": "threshold",
        "threshold": threshold,
        "blockLength": 0,
        "earlyStop": False,
    }


def schema_for(manifest: dict, labels=None) -> dict | None:
    """The first of output.schemas holding every one of `labels` (plain names; all of the model's when None), as the
    engine picks it (core/model-package/manifest.ts schemaFor)."""
    output = manifest.get("output") or {}
    wanted = set(output.get("labels") or []) if labels is None else set(labels)
    return next((s for s in output.get("schemas") or [] if wanted <= set(s["labels"])), None)


def sampler_for(manifest: dict, labels=None) -> dict:
    """The sampler defaults for a decode with `labels`: its schema's settings over the package's."""
    schema = schema_for(manifest, labels) or {}
    return {**(manifest.get("sampler") or {}), **(schema.get("sampler") or {})}


def without_schema_thresholds(output: dict) -> dict:
    """`output` with its schemas' own decoding thresholds removed, for a package whose threshold was chosen for it
    (a fine-tune on a project's documents): theirs were chosen for the base."""
    if not output.get("schemas"):
        return output
    schemas = []
    for schema in output["schemas"]:
        sampler = {k: v for k, v in (schema.get("sampler") or {}).items() if k != "threshold"}
        rest = {k: v for k, v in schema.items() if k != "sampler"}
        schemas.append({**rest, **({"sampler": sampler} if sampler else {})})
    return {**output, "schemas": schemas}


def lower_case_in_place(text: str) -> str:
    """`text` lower-cased character by character, every offset kept (core/normalize.ts lowerCaseInPlace)."""
    return "".join(low if len(low) == 1 else ch for ch, low in ((ch, ch.lower()) for ch in text))


DESCRIPTION = (
    "Small masked diffusion tagger for nested Vietnamese medical NER (PhoNER_COVID19 + silver nested "
    "LOCATIONs); one stacked BIO label per text token."
)


def manifest_for(
    name: str,
    vocab,
    cfg: dict,
    top_k: int,
    threshold: float,
    max_steps: int,
    evaluation: list,
    provenance: dict,
    version: str = "0.1.0",
    description: str = DESCRIPTION,
) -> dict:
    """manifest.json as core/model-package/manifest.ts validates it (unknown fields are refused there)."""
    fmt = cfg["model"].get("format", "aligned")
    return {
        "formatVersion": 1,
        "name": name,
        "version": version,
        "description": description,
        "graph": {"file": GRAPH},
        "tokenizer": "tokenizer.json",
        "tokens": {"mask": vocab.mask_id, "eos": vocab.eos_id, "pad": vocab.pad_id},
        "shiftedLogits": False,
        # prompt (n + 2 tokens) + canvas (n): documents longer than 510 text tokens are split by the engine.
        "maxLength": 1022,
        "prompt": {"kind": "raw", "template": "<ner>\n{text}\n</ner>"},
        "output": {"format": "aligned-bio" if fmt == "aligned" else "inline-tags", "labels": vocab.entity_labels},
        "head": {"topK": top_k},
        "sampler": sampler_defaults(threshold, max_steps),
        "evaluation": evaluation,
        "provenance": provenance,
    }


def is_int8_graph(path: Path) -> bool:
    """True when the graph holds dynamically quantised weights (what `quantize` writes)."""
    import onnx

    ops = {n.op_type for n in onnx.load(str(path), load_external_data=False).graph.node}
    return bool(ops & {"MatMulInteger", "DynamicQuantizeLinear", "DequantizeLinear", "DynamicQuantizeMatMul"})


def write_package(
    out: Path, graph: Path, tokenizer: Path, manifest: dict, model, vocab, cfg: dict, source: dict
) -> dict:
    """model.onnx, tokenizer.json, manifest.json and, for an aligned model, checkpoint.pt (its weights, for
    fine-tuning) with the manifest's `training` field. Returns the manifest written."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(graph, out / GRAPH)
    shutil.copy(tokenizer, out / "tokenizer.json")
    if model.cfg.format == "aligned":
        write_checkpoint(out, model, vocab, cfg, source)
        manifest = {**manifest, "training": training_field()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=None, help="package folder (default RUN/package)")
    ap.add_argument("--name", default=None)
    ap.add_argument("--checkpoint", default="best", choices=["best", "last"])
    ap.add_argument("--quantize", default="auto", choices=["auto", "int8", "none"])
    ap.add_argument("--dev", default="training/data/phoner_dev.nested.jsonl")
    ap.add_argument("--eval-limit", type=int, default=None)
    ap.add_argument("--top-k", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    model, vocab, cfg = load_run(args.run, args.checkpoint)
    fmt = cfg["model"].get("format", "aligned")
    out = args.out or args.run / "package"
    work = args.run / "onnx"
    work.mkdir(parents=True, exist_ok=True)
    samples = ["Bệnh nhân BN 123 ( nam , 45 tuổi ) trú tại Đà Nẵng .", "Ngày 3/4 ."]
    fp32 = export_onnx(model, vocab, work, args.top_k, samples)
    threshold = float(cfg["decode"]["threshold"])
    max_steps = int(cfg["decode"].get("max_steps") or 8)

    dev_items = []
    if Path(args.dev).exists():
        dev_items = [encode_record(r, vocab, fmt) for r in read_instruction_jsonl(args.dev, args.eval_limit)]
    evaluation = []

    measured: dict[str, dict] = {}

    def measure(path: Path, tag: str) -> float:
        if not dev_items:
            return float("nan")
        rep = evaluate_items(
            None, vocab, dev_items, fmt, threshold, None, max_steps, session=session_for(path, args.threads)
        )
        measured[tag] = {
            "graph": tag,
            "sentences": rep["sentences"],
            "nested_f1": round(rep["nested_f1"], 4),
            "flat_f1": round(rep["flat_f1"], 4),
            "forward_rows_per_sentence": round(rep["forward_rows_per_sentence"], 3),
            "seconds": round(rep["seconds"], 1),
            "threads": args.threads,
        }
        print(json.dumps(measured[tag]), flush=True)
        return rep["nested_f1"]

    chosen = fp32
    if args.quantize != "none":
        int8 = work / "model.int8.onnx"
        quantize(fp32, int8)
        if args.quantize == "int8":
            chosen = int8
            measure(int8, "int8")
        else:
            f_fp32, f_int8 = measure(fp32, "float32"), measure(int8, "int8")
            chosen = int8 if not dev_items or f_int8 >= f_fp32 - INT8_TOLERANCE else fp32
    else:
        measure(fp32, "float32")

    name = args.name or f"dnw-{args.run.name}"
    graph_tag = "int8" if chosen.name.endswith("int8.onnx") else "float32"
    sampler = sampler_defaults(threshold, max_steps)
    date = time.strftime("%Y-%m-%d")
    if graph_tag in measured:
        m = measured[graph_tag]
        dataset = f"{Path(args.dev).name} (first {m['sentences']})" if args.eval_limit else Path(args.dev).name
        evaluation += [
            {"dataset": dataset, "split": "dev", "metric": metric, "value": m[key], "sampler": sampler, "date": date}
            for metric, key in (("nested micro-F1", "nested_f1"), ("flat micro-F1", "flat_f1"))
        ]
    provenance = {
        "builder": "dnw.export",
        "run": args.run.name,
        "checkpoint": args.checkpoint,
        "quantization": "int8 dynamic (MatMul, Gather; per-channel weights)" if graph_tag == "int8" else "none",
        "devChecks": list(measured.values()),
        "model": cfg["model"],
    }
    manifest = manifest_for(name, vocab, cfg, args.top_k, threshold, max_steps, evaluation, provenance)
    manifest = write_package(
        out,
        chosen,
        args.run / "tokenizer.json",
        manifest,
        model,
        vocab,
        cfg,
        {"builder": "dnw.export", "run": args.run.name, "checkpoint": args.checkpoint},
    )
    from .model_card import write_model_card

    write_model_card(out, manifest, cfg, args.run)
    size = sum(p.stat().st_size for p in out.iterdir())
    print(json.dumps({"package": str(out), "graph": chosen.name, "bytes": size, "at": time.strftime("%F %T")}))


if __name__ == "__main__":
    main()
