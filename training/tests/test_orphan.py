"""dnw.orphan: a child that called exit_with_parent() ends when its parent is SIGKILLed (as a killed workbench's
fine-tune must)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TRAINING = Path(__file__).resolve().parents[1]


def test_child_ends_when_its_parent_is_killed():
    code = (
        "import sys, time; from dnw.orphan import exit_with_parent; exit_with_parent(); "
        "print('ready', flush=True); time.sleep(60)"
    )
    parent = subprocess.Popen(
        ["bash", "-c", f'"{sys.executable}" -c "{code}" & echo $!; wait'],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(TRAINING)},
    )
    child = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() == "ready"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(child, 9)
    raise AssertionError("the child outlived its killed parent by 5 s")
