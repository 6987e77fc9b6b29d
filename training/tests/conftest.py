"""Test markers: `gpu` tests need CUDA and are skipped, with the reason, where torch sees none. Shared fixtures:
`base`, a tiny trainable package (the fine-tune and project-label tests start from it).

.venv/bin/python -m pytest training/tests -m gpu -q        # only the GPU tests (on a CUDA machine)
"""

import pytest
import torch
from dnw.package.export import export_onnx, manifest_for, write_package
from dnw.tagger import train as train_mod
from dnw.tagger.data import read_instruction_jsonl
from dnw.tagger.synthetic import write_synthetic
from dnw.tagger.tokenizer import Vocab


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA device that torch can see (skipped without one)")


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason=f"needs CUDA: torch {torch.__version__} sees no CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    """A tiny trainable package (random weights, synthetic data's tokenizer and labels) and data files."""
    tmp = tmp_path_factory.mktemp("finetune")
    train, dev = write_synthetic(tmp / "data", 40, 8)
    records = read_instruction_jsonl(train)
    tags, labels = train_mod._syllable_tags(records)
    vocab = Vocab.build([r.text for r in records], tags, labels, 300)
    vocab.save(tmp / "vocab")
    cfg = {
        "model": {"format": "aligned", "d_model": 32, "n_layers": 1, "n_heads": 2, "conv_kernel": 3, "dropout": 0.0},
        "data": {"bpe_dropout": 0.1, "bpe_variants": 2},
        "train": {},
        "decode": {"threshold": 0.9, "max_steps": 4},
    }
    torch.manual_seed(0)
    model = train_mod.build_model(cfg, vocab).eval()
    graph = export_onnx(model, vocab, tmp / "work", 4, ["Bệnh nhân BN 1 ở Hà Nội ."])
    manifest = manifest_for("tiny-trainable", vocab, cfg, 4, 0.9, 4, [], {"builder": "test"}, version="1.2.3")
    write_package(
        tmp / "base", graph, tmp / "vocab" / "tokenizer.json", manifest, model, vocab, cfg, {"builder": "test"}
    )
    return {"tmp": tmp, "package": tmp / "base", "train": train, "dev": dev}
