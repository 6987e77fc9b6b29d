"""Builds test/fixtures/tiny-model: the tiny package, the prompts, and the reference's expected outputs.

    python -m dnw.oracle.make_tiny_fixture [--out ../test/fixtures/tiny-model]

expected.json holds one run per sampler configuration the parity test covers (test/integration/
engine-parity.test.ts); training/tests/test_reference_sampler.py regenerates it and fails when the committed
copy is stale. Every run records its smallest decision margin: how close any decision came to a tie. The engine
reads float32 numbers from onnxruntime that differ from torch's by ~1e-5, so a margin below that could flip.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import torch

from ..dream.tiny_qwen2 import build, synthetic_sentences
from .package_prompt import PromptBuilder, render_parts
from .reference_sampler import Settings, load_forward, run_batches

LAYERS, HIDDEN, SEED = 2, 64, 7
BATCH_SIZES = [3, 1, 4, 2, 1, 3, 2, 1, 4, 3]  # 24 prompts; batches of several rows are left-padded
BASE = dict(steps=16, max_new_tokens=24)
RUNS: dict[str, dict] = {
    "maskgit_plus": dict(alg="maskgit_plus"),
    "topk_margin": dict(alg="topk_margin"),
    "entropy": dict(alg="entropy"),
    "maskgit_plus_alg_temp": dict(alg="maskgit_plus", alg_temp=0.5),
    "topk_margin_alg_temp": dict(alg="topk_margin", alg_temp=0.2),
    "entropy_alg_temp": dict(alg="entropy", alg_temp=1.0),
    "origin": dict(alg="origin"),
    "origin_sampled": dict(alg="origin", temperature=0.8, top_k=6, seed=11),
    "maskgit_plus_sampled": dict(alg="maskgit_plus", temperature=0.7, top_p=0.9, top_k=8, seed=3),
    "entropy_sampled": dict(alg="entropy", temperature=1.0, top_p=0.95, seed=5),
    "steps_equal_canvas": dict(alg="entropy", steps=24),
    "threshold": dict(alg="maskgit_plus", schedule="threshold", threshold=0.5, steps=24),
    "blocks": dict(alg="entropy", block_length=8, steps=15),
    "early_stop": dict(alg="maskgit_plus", early_stop=True),
}


def prompts() -> list[list[str]]:
    texts = [plain for plain, _ in synthetic_sentences(20, seed=2024)]
    texts += ["sốt", "Ông ấy ho 😷 nhiều", "BV Bạch Mai & CDC <HN>", "Ngày 12/3/2020, 3 ca mắc COVID-19 mới."]
    out, at = [], 0
    for size in BATCH_SIZES:
        out.append(texts[at : at + size])
        at += size
    return out


CHAT_PROMPT = {"kind": "chat", "system": "Bạn là trợ lý y tế.", "user": "Gắn nhãn thực thể:\n<ner>\n{text}\n</ner>"}


def prompt_ids(package: Path, texts: list[str]) -> dict:
    """Prompt ids as Python's tokenizers builds them, for the raw prompt and for CHAT_PROMPT (tokenizer parity)."""
    raw = PromptBuilder(package)
    chat = PromptBuilder(package)
    chat.manifest = {**chat.manifest, "prompt": CHAT_PROMPT}
    chat.prefix, chat.suffix = render_parts(chat.manifest, package)
    return {
        "chatPrompt": CHAT_PROMPT,
        "raw": [raw.prompt(t)[0] for t in texts],
        "chat": [chat.prompt(t)[0] for t in texts],
    }


def generate_expected(package: Path, batches: list[list[str]]) -> dict:
    forward = load_forward(package, None)
    runs = {}
    for name, overrides in RUNS.items():
        settings = Settings(**{**BASE, **overrides})
        runs[name] = run_batches(package, forward, batches, settings)
    return {"promptIds": prompt_ids(package, [t for batch in batches for t in batch]), "runs": runs}


def write_contract_breakers(out: Path) -> None:
    """Tiny graphs that load but break the graph contract, one way each (the engine must name the breakage)."""
    from onnx import TensorProto, helper, save

    def graph(name: str, first_input: str = "input_ids", k: int = 8, probs_type: int = TensorProto.FLOAT) -> None:
        inputs = [helper.make_tensor_value_info(first_input, TensorProto.INT64, ["batch", "seq"])]
        inputs += [
            helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
            for n in ("attention_mask", "position_ids")
        ]
        inputs += [
            helper.make_tensor_value_info("temperature", TensorProto.FLOAT, [1]),
            helper.make_tensor_value_info("top_p", TensorProto.FLOAT, [1]),
            helper.make_tensor_value_info("top_k", TensorProto.INT64, [1]),
        ]
        axes = helper.make_tensor("axes", TensorProto.INT64, [1], [2])
        shape_k = helper.make_tensor("k", TensorProto.INT64, [1], [k])
        nodes = [
            helper.make_node("Unsqueeze", [first_input, "axes"], ["ids3"]),
            helper.make_node("Shape", [first_input], ["bs"]),
            helper.make_node("Concat", ["bs", "k"], ["bsk"], axis=0),
            helper.make_node("Expand", ["ids3", "bsk"], ["topk_ids"]),
            helper.make_node("Cast", ["topk_ids"], ["topk_probs"], to=probs_type),
            helper.make_node("Cast", [first_input], ["neg_entropy"], to=TensorProto.FLOAT),
        ]
        outputs = [
            helper.make_tensor_value_info("topk_ids", TensorProto.INT64, ["batch", "seq", k]),
            helper.make_tensor_value_info("topk_probs", probs_type, ["batch", "seq", k]),
            helper.make_tensor_value_info("neg_entropy", TensorProto.FLOAT, ["batch", "seq"]),
        ]
        model = helper.make_model(
            helper.make_graph(nodes, name, inputs, outputs, [axes, shape_k]),
            opset_imports=[helper.make_opsetid("", 18)],
        )
        model.ir_version = 9
        save(model, str(out / f"{name}.onnx"))

    out.mkdir(parents=True, exist_ok=True)
    graph("renamed-input", first_input="ids")
    graph("wrong-k", k=4)
    graph("float16-probs", probs_type=TensorProto.FLOAT16)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[3] / "test" / "fixtures" / "tiny-model"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # 2 threads on a loaded 2-core machine are ~50x slower, not faster
    with tempfile.TemporaryDirectory() as tmp:
        built = build(Path(tmp), LAYERS, HIDDEN, SEED)
        if (args.out / "package").exists():
            shutil.rmtree(args.out / "package")
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(built, args.out / "package")
    batches = prompts()
    (args.out / "prompts.json").write_text(json.dumps({"batches": batches}, ensure_ascii=False, indent=1) + "\n")
    write_contract_breakers(args.out / "contract-breakers")
    expected = generate_expected(args.out / "package", batches)
    (args.out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")
    for name, run in expected["runs"].items():
        print(f"{name}: min decision margin {run['minDecisionMargin']:.3g}")


if __name__ == "__main__":
    main()
