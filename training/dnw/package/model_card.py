"""MODEL_CARD.md for an exported package, filled from the manifest, the run's config and its log."""

from __future__ import annotations

import json
from pathlib import Path


def _last_eval(run: Path) -> dict:
    best: dict = {}
    log = run / "log.jsonl"
    if log.exists():
        for line in log.read_text().splitlines():
            row = json.loads(line)
            if row.get("event") == "eval" and row.get("best"):
                best = row
    return best


def write_model_card(out: Path, manifest: dict, cfg: dict, run: Path) -> None:
    m = cfg["model"]
    best = _last_eval(run)
    checks = manifest.get("provenance", {}).get("devChecks", [])
    rows = "\n".join(
        f"| dev | {e['graph']} | {e['sentences']} | {e['nested_f1']:.4f} | {e['flat_f1']:.4f} | "
        f"{e['forward_rows_per_sentence']} | {e['seconds']} s ({e['threads']} thread) |"
        for e in checks
    )
    quant = manifest.get("provenance", {}).get("quantization", "none")
    text = f"""# {manifest["name"]}

A small masked diffusion language model that reads `<ner>\\n{{text}}\\n</ner>` and writes one stacked BIO label per
text token (output format `{manifest["output"]["format"]}`), for nested Vietnamese medical NER (PhoNER_COVID19 labels
plus silver nested LOCATIONs). Trained from scratch on CPU with `training/` of Diffusion NER Workbench.

## Model
- Bidirectional transformer, d_model {m.get("d_model")}, {m.get("n_layers")} layers, {m.get("n_heads")} heads,
  depthwise conv kernel {m.get("conv_kernel")}, RoPE; token + lower-cased-token + shape-class embeddings baked in.
- Canvas slot k sees the features of text token k (alignment done inside the graph); only the canvas is run.
- Objective: masked diffusion SFT (prompt never masked; canvas masked with probability t ~ U(eps, 1); CE / t).
- Graph: `model.onnx` (quantization: {quant}), graph contract of docs/model-package.md.
- Tokenizer: BPE trained on the PhoNER training text (NFC, BertPreTokenizer, end-of-word suffix `</w>`).

## Data
PhoNER_COVID19 (syllable level) train split, exported as instruction JSONL; inner LOCATIONs inside
ORGANIZATION/LOCATION spans were added from a gazetteer built on the training split (docs/training.md). The data's
licence forbids redistribution: neither the data nor text from it is in this package.

## Evaluation
The engine's threshold schedule at temperature 0 (threshold {manifest["sampler"]["threshold"]}, at most
{manifest["sampler"]["steps"]} steps), decoded here by dnw.tagger.decode with onnxruntime. Nested F1 counts every span of the silver-nested file; flat F1 compares the
outermost predicted spans with the original flat annotation.

| split | graph | sentences | nested micro-F1 | flat micro-F1 | forward rows / sentence | time |
|---|---|---|---|---|---|---|
{rows}

Best dev evaluation during training: {json.dumps({k: best.get(k) for k in ("step", "dev_nested_f1", "dev_flat_f1")})}.
Test numbers are added by the lead after the final run (`python -m dnw.tagger.evaluate --package`); they were never used
for a choice.

## Limits
- Trained on 5,027 news sentences about COVID-19 patients: other domains and registers will score lower.
- The nested LOCATIONs are silver (gazetteer matches), not human annotation.
- Labels come per token; an entity boundary inside a BPE token cannot be expressed.
"""
    (out / "MODEL_CARD.md").write_text(text)
