"""Test markers: `gpu` tests need CUDA and are skipped, with the reason, where torch sees none.

    .venv/bin/python -m pytest training/tests -m gpu -q        # only the GPU tests (on a CUDA machine)
"""
import pytest
import torch


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA device that torch can see (skipped without one)")


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason=f"needs CUDA: torch {torch.__version__} sees no CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
