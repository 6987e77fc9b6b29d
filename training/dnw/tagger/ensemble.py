"""Several taggers over one vocabulary, trained apart from different seeds; the exported graph averages their label
probabilities, so the engine sees one model (the graph contract is unchanged) whose errors are the members' shared
ones only. dnw.package.finetune_package trains each member on its own and saves them all in checkpoint.pt."""

from __future__ import annotations

import torch
from torch import nn


class TaggerEnsemble(nn.Module):
    def __init__(self, members: list[nn.Module]):
        super().__init__()
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two members")
        self.members = nn.ModuleList(members)
        self.cfg = members[0].cfg  # one architecture and vocabulary for all

    def forward(self, input_ids, attention_mask, position_ids=None) -> torch.Tensor:
        """Log of the members' mean probabilities; ids outside the label range keep the members' -1e4 bias."""
        probs = torch.stack(
            [torch.softmax(m(input_ids, attention_mask, position_ids).float(), dim=-1) for m in self.members]
        ).mean(0)
        return torch.log(probs.clamp(min=1e-12)) + self.members[0].out_bias


def members_of(model: nn.Module) -> list[nn.Module]:
    """The taggers a model is made of: its members, or itself."""
    return list(model.members) if isinstance(model, TaggerEnsemble) else [model]


def assemble(members: list[nn.Module]) -> nn.Module:
    """One tagger as itself, several as an ensemble."""
    return members[0] if len(members) == 1 else TaggerEnsemble(members)
