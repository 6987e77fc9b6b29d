"""An exponential moving average of a model's floating-point weights (Polyak averaging).

On small data the average of the last few hundred steps generalises better than the last step; both trainers
(dnw.tagger.train and dnw.package.finetune_package) export it instead of the raw weights when it is on.
"""

from __future__ import annotations

import torch


class WeightAverage:
    def __init__(self, model: torch.nn.Module, decay: float, state: dict | None = None):
        self.decay = decay
        self.weights = state or {k: v.detach().clone() for k, v in model.state_dict().items() if v.is_floating_point()}

    @torch.no_grad()
    def update(self, model: torch.nn.Module, step: int) -> None:
        """Fold in the weights after `step` (0-based); the short warm-up keeps early runs from averaging in the
        random start."""
        d = min(self.decay, (1 + step) / (10 + step))
        for k, v in model.state_dict().items():
            if k in self.weights:
                self.weights[k].mul_(d).add_(v.detach(), alpha=1 - d)

    def merged(self, model: torch.nn.Module) -> dict:
        """The model's state dict with the averaged weights in place of the raw ones."""
        return {**model.state_dict(), **self.weights}
