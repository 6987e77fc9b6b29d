"""The reference sampler: its float32 schedule is torch's, its PRNG is the documented one (same vectors as
test/unit/sampler/schedule.test.ts), and the committed expected outputs are what it produces today."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from dnw.oracle.make_tiny_fixture import generate_expected
from dnw.oracle.reference_loop import Run, generate_batch
from dnw.oracle.reference_sampler import Settings
from dnw.oracle.sampler_math import Xoshiro128, linspace_f32, masked_mean, pick_index, transfer_count

FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "tiny-model"
torch.set_num_threads(1)


@pytest.mark.parametrize("eps", [1e-3, 1e-4, 0.0, 0.2])
def test_linspace_is_torchs(eps):
    for n in range(1, 1100):
        assert np.array_equal(torch.linspace(1, eps, n).numpy(), np.array(linspace_f32(1, eps, n), dtype=np.float32)), n


def test_transfer_counts_are_dreams():
    """int(mask_index.sum() / batch * (1 - s / t)) with torch tensors, as Dream's loop computes it."""
    for steps in (1, 7, 64, 256, 512):
        times = torch.linspace(1, 1e-3, steps + 1)
        ours = linspace_f32(1, 1e-3, steps + 1)
        for total, rows in ((512, 1), (1536, 3), (96, 2), (7, 1)):
            for i in range(steps):
                mask_index = torch.zeros(rows, total // rows + 1, dtype=torch.bool)
                mask_index.view(-1)[:total] = True
                num_mask_token = mask_index.sum() / mask_index.shape[0]
                last = i == steps - 1
                dream = int(num_mask_token * (1 - times[i + 1] / times[i])) if not last else int(num_mask_token)
                assert transfer_count(masked_mean(total, rows), ours[i], ours[i + 1], last) == dream


def test_prng_vectors():
    r = Xoshiro128(42, 3)
    assert [r.next_u32() for _ in range(4)] == [1594340059, 3646619537, 3155579203, 1743172146]
    assert r.uniform() == 0.7394600385295321
    z = Xoshiro128(0, 0)
    assert [z.next_u32() for _ in range(3)] == [3809008728, 1133695204, 53579671]
    assert pick_index([0.5, 0, 0.5], 0.5) == 2


def test_steps_equal_canvas_skip_the_zero_count_step():
    """steps = max_new_tokens: Dream's first step commits 0 tokens; the reference spends no forward on it."""
    calls = []

    def forward(ids, mask, positions):
        calls.append(ids.shape)
        logits = torch.zeros(ids.shape[0], ids.shape[1], 10)
        logits[..., 5] = 5.0
        return logits

    run = Run(
        settings=Settings(steps=8, max_new_tokens=8, alg="entropy"),
        tokens={"mask": 1, "eos": 2, "pad": 0},
        shifted=True,
        top_k_out=4,
    )
    out = generate_batch(forward, [[3, 4]], [8], [0], run)
    assert out["tokens"] == [[5] * 8]
    assert len(calls) == 7


def test_committed_expected_outputs_are_current():
    """Regenerates expected.json from the committed package; a stale fixture fails here, not in the engine test."""
    prompts = json.loads((FIXTURE / "prompts.json").read_text())["batches"]
    committed = json.loads((FIXTURE / "expected.json").read_text())
    regenerated = json.loads(json.dumps(generate_expected(FIXTURE / "package", prompts)))
    assert regenerated["promptIds"] == committed["promptIds"]
    for name, run in committed["runs"].items():
        assert regenerated["runs"][name]["batches"] == run["batches"], name
    assert regenerated["runs"].keys() == committed["runs"].keys()
    # The engine reads onnxruntime's float32 numbers, ~1e-5 away from torch's: no decision may be that close.
    for name, run in regenerated["runs"].items():
        assert run["minDecisionMargin"] > 3e-6, name
