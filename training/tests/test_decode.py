"""The Python decode's threshold schedule with a second look (recheck), on the engine's own scripted case
(test/unit/sampler/denoiser.test.ts): the held-out scores that choose a package's recheck must decode as the engine."""

from __future__ import annotations

import torch
from dnw.tagger.decode import denoise
from dnw.tagger.encode import Batch

MASK = 1


def step(ids, att, pos, prior=None):
    """Slot 0 proposes 10 (0.7) while slot 1 is masked and 20 (0.99) once it is not; slot 1 proposes 11, sure (0.95)
    only once slot 0 is decided."""
    known = ids != MASK
    conf = torch.stack([torch.where(known[:, 1], 0.99, 0.7), torch.where(known[:, 0], 0.95, 0.6)], -1)
    pred = torch.stack([torch.where(known[:, 1], 20, 10), torch.full_like(ids[:, 1], 11)], -1)
    return conf, pred


def batch() -> Batch:
    ids = torch.full((1, 2), MASK)
    return Batch(ids, torch.ones_like(ids), torch.arange(2)[None], torch.ones_like(ids, dtype=torch.bool), [])


def test_recheck_decides_the_unsure_slots_again_knowing_their_neighbours():
    once, _, calls = denoise(step, batch(), 0.65, 4)
    assert once.tolist() == [[10, 11]] and calls == 2
    twice, _, calls = denoise(step, batch(), 0.65, 4, recheck=0.9, mask_id=MASK)
    assert twice.tolist() == [[20, 11]], "slot 0 decided again, knowing slot 1"
    assert calls == 3


def test_no_recheck_below_every_commit():
    ids, _, calls = denoise(step, batch(), 0.65, 4, recheck=0.5, mask_id=MASK)
    assert ids.tolist() == [[10, 11]] and calls == 2
