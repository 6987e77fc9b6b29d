"""The dnw package's shape: no import cycle between its modules (function-level imports included), and the
embedded tagger's training, export and fine-tuning load without transformers (an optional dependency: the
`finetune` extra, needed by dnw.dream only); one learning-rate schedule for training and fine-tuning."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

DNW = Path(__file__).resolve().parents[1] / "dnw"


def _imports() -> dict[str, set[str]]:
    modules = {
        ".".join(p.relative_to(DNW.parent).with_suffix("").parts).removesuffix(".__init__"): p
        for p in DNW.rglob("*.py")
    }
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                edges[name] |= {target} & modules.keys()
            elif isinstance(node, ast.Import):
                edges[name] |= {a.name for a in node.names} & modules.keys()
    return edges


def test_no_import_cycles():
    edges = _imports()
    assert "dnw.tagger.evaluate" in edges["dnw.tagger.train"], "the check reads function- and module-level imports"
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [node, nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [])
    assert cycles == []


def test_the_tagger_and_packages_load_without_transformers():
    modules = [
        "dnw.tagger.train",
        "dnw.tagger.evaluate",
        "dnw.package.export",
        "dnw.package.finetune_package",
        "dnw.package.package_checkpoint",
        "dnw.package.batch_annotate",
        "dnw.dream.torch_package",
        "dnw.dream.torch_worker",
        "dnw.oracle.reference_sampler",
    ]
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint('transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_one_learning_rate_schedule():
    from dnw.tagger.train import lr_at, warmup_cosine

    tc = {"warmup_steps": 10, "lr": 1e-3, "min_lr_ratio": 0.05}
    assert lr_at(0, 100, tc) == warmup_cosine(0, 100, 10, 1e-3, 0.05) == 1e-4
    assert abs(lr_at(100, 100, tc) - 5e-5) < 1e-12
    assert lr_at(55, 100, tc) == warmup_cosine(55, 100, 10, 1e-3, 0.05)
    assert warmup_cosine(20, 100, 10, 1e-3, 0.05, time_frac=1.0) == warmup_cosine(100, 100, 10, 1e-3, 0.05)
    source = "".join(p.read_text() for p in (DNW / "package").glob("finetune_*.py"))
    assert "warmup_cosine(" in source and "math.cos" not in source
