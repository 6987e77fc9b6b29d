"""A trained run -> ONNX graph behind the graph contract -> model package (manifest.json, tokenizer.json, card).

    python -m dnw.export --run training/runs/NAME --out PACKAGE_DIR [--quantize auto|int8|none]
                         [--dev training/data/phoner_dev.nested.jsonl] [--eval-limit N] [--top-k 4]

The graph is SamplerHead(model) (training/dnw/sampler_head.py, the engine worker's), exported with dynamic batch and
sequence. With --quantize auto (the default) the graph is also quantised (int8 weights, dynamic activations) and the
int8 graph is shipped when its dev nested micro-F1 is within 0.3 points of float32; both numbers go into the
manifest's evaluation list. Decoding for these numbers is greedy confidence-threshold unmasking (dnw.decode), which is
what the engine's fast settings do.
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import torch

from .data import read_instruction_jsonl
from .encode import collate, encode_record
from .evaluate import evaluate_items
from .tokenizer import EOW, UNK
from .train import load_run

GRAPH = "model.onnx"
INT8_TOLERANCE = 0.003  # F1 points / 100


def export_onnx(model, vocab, out_dir: Path, top_k: int, sample_texts: list[str]) -> Path:
    from .data import Record
    from .export_dream import export_graph  # the shared exporter: SamplerHead + dynamic shapes + metadata strip
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
    quantize_dynamic(str(folded), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gemm", "Gather"])
    folded.unlink()


def session_for(path: Path, threads: int = 1):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def manifest_for(name: str, vocab, cfg: dict, top_k: int, threshold: float, max_steps: int, evaluation: list) -> dict:
    fmt = cfg["model"].get("format", "aligned")
    tok = vocab.tokenizer
    out: dict = {"format": "aligned-bio" if fmt == "aligned" else "inline-tags", "labels": vocab.entity_labels}
    if fmt == "aligned":
        out.update({
            # Token id of each stacked tag; levels are outermost first, joined by '|'.
            "tags": [{"id": i, "tag": t} for t, i in zip(vocab.labels, vocab.label_ids)],
            "levelSeparator": "|",
            # The canvas: one slot per text token (the tokens between <ner> and </ner>), right after </ner>.
            "canvas": "one-slot-per-text-token",
            # Each text token, minus the suffix, is a literal substring of the NFC text; [UNK] is one code point.
            "tokenAlignment": {"kind": "substring", "endOfWordSuffix": EOW, "unk": UNK},
        })
    return {
        "name": name, "version": "0.1.0", "tokenizer": "tokenizer.json",
        "tokens": {"mask": vocab.mask_id, "eos": vocab.eos_id, "pad": vocab.pad_id},
        "shiftedLogits": False, "maxLength": 2 * 512 + 2,
        "prompt": {"kind": "raw", "template": "<ner>\n{text}\n</ner>"},
        "output": out,
        "head": {"topK": top_k},
        "sampler": {"alg": "confidence-threshold", "threshold": threshold, "steps": max_steps, "temperature": 0,
                    "topP": 1, "topK": 0, "eps": 1e-3},
        "evaluation": evaluation,
    }


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

    def measure(path: Path, tag: str) -> float:
        if not dev_items:
            return float("nan")
        rep = evaluate_items(None, vocab, dev_items, fmt, threshold, None, max_steps, session=session_for(path, args.threads))
        evaluation.append({"dataset": Path(args.dev).name, "split": "dev", "graph": tag, "sentences": rep["sentences"],
                           "nestedMicroF1": round(rep["nested_f1"], 4), "flatMicroF1": round(rep["flat_f1"], 4),
                           "forwardRowsPerSentence": round(rep["forward_rows_per_sentence"], 3),
                           "seconds": round(rep["seconds"], 1), "threads": args.threads,
                           "decoder": "dnw.decode (onnxruntime, greedy threshold)"})
        print(json.dumps(evaluation[-1]), flush=True)
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

    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(chosen, out / GRAPH)
    shutil.copy(args.run / "tokenizer.json", out / "tokenizer.json")
    name = args.name or f"dnw-{args.run.name}"
    manifest = manifest_for(name, vocab, cfg, args.top_k, threshold, max_steps, evaluation)
    manifest["graph"] = {"file": GRAPH, "quantization": "int8-dynamic" if chosen.name.endswith("int8.onnx") else "none"}
    (out / "manifest.json").write_text(json.dumps({"formatVersion": 1, **manifest}, indent=2, ensure_ascii=False) + "\n")
    from .model_card import write_model_card
    write_model_card(out, manifest, cfg, args.run)
    size = sum(p.stat().st_size for p in out.iterdir())
    print(json.dumps({"package": str(out), "graph": chosen.name, "bytes": size, "at": time.strftime("%F %T")}))


if __name__ == "__main__":
    main()
