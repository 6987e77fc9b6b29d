"""The ONNX graph every package carries, whatever built it (dnw.package.export for the embedded tagger,
dnw.dream.export_dream for Dream/Qwen2): SamplerHead(model) exported under the graph contract (docs/model-package.md)
with dynamic batch and sequence, the manifest that names it, and an onnxruntime session to run it. No transformers:
the tagger's export must not need it.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from .sampler_head import INPUT_NAMES, OUTPUT_NAMES, SamplerHead, dream_position_ids, sampler_scalars

GRAPH_FILE = "model.onnx"
_TWO_GB = 2 * 1024**3


def export_graph(
    logits_module: nn.Module, out_dir: Path, top_k_out: int, sample_ids: torch.Tensor, external_data: bool | None = None
) -> Path:
    """Exports SamplerHead(logits_module) with dynamic batch and sequence; returns the graph path.

    Weights go to model.onnx.data when `external_data` (default: when they exceed protobuf's 2 GB limit)."""
    import onnx_ir as ir  # onnxscript's IR: only an export needs it

    head = SamplerHead(logits_module, top_k_out).eval()
    mask = torch.ones_like(sample_ids)
    mask[0, :2] = 0  # a padded example keeps the mask path from being specialised away
    args = (sample_ids, mask, dream_position_ids(mask), *sampler_scalars(0.0, None, None))
    batch, seq = torch.export.Dim("batch", min=1), torch.export.Dim("seq", min=2)
    dynamic = {
        "input_ids": {0: batch, 1: seq},
        "attention_mask": {0: batch, 1: seq},
        "position_ids": {0: batch, 1: seq},
        "temperature": None,
        "top_p": None,
        "top_k": None,
    }
    n_bytes = sum(p.numel() * p.element_size() for p in logits_module.parameters())
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / GRAPH_FILE
    # optimize=False: onnxscript's optimizer folds `p + 1e-10` into `p` (it treats the constant as zero), which
    # turns Dream's entropy into 0*log(0) = NaN; onnxruntime optimises the graph itself when it loads it anyway.
    with torch.no_grad():
        program = torch.onnx.export(
            head,
            args,
            dynamo=True,
            input_names=INPUT_NAMES,
            output_names=OUTPUT_NAMES,
            dynamic_shapes=dynamic,
            optimize=False,
            verbose=False,
        )
    for node in ir.traversal.RecursiveGraphIterator(program.model.graph):
        node.metadata_props.clear()  # stack traces of every traced op: twice the size of a tiny model's weights
    program.save(str(path), external_data=n_bytes > _TWO_GB if external_data is None else external_data)
    return path


def write_manifest(out_dir: Path, manifest: dict) -> None:
    """Writes manifest.json, listing the external weight file when the exporter wrote one."""
    data = out_dir / (GRAPH_FILE + ".data")
    graph: dict = {"file": GRAPH_FILE}
    if data.exists():
        graph["externalData"] = [data.name]
    (out_dir / "manifest.json").write_text(
        json.dumps({"formatVersion": 1, **manifest, "graph": graph}, indent=2, ensure_ascii=False) + "\n"
    )


def session_for(path: Path, threads: int = 1):
    """An onnxruntime CPU session on a graph: `threads` for the operators, one for the graph (as the engine runs it)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
