"""A small bidirectional transformer for masked diffusion over [prompt] + [canvas].

Two output formats share the code:

* ``aligned``: the canvas has one label slot per text token (the tokens between <ner> and </ner>). Inside the
  graph each row's markers are found (left padding allowed) and slot k receives the features of text token k, so
  the network never has to learn the alignment. With ``attend_prompt = false`` (the default) only the canvas is
  run through the blocks: it already carries the text, and it is the last half of the sequence or less, so the
  work halves. The head covers ids [0, n_out) where the label ids are the last ones; other ids are masked out.
* ``inline``: an ordinary masked diffusion LM; the canvas holds the tagged text plus [EOS] padding and the head is
  tied to the token embedding (full vocabulary).

Token features are lookup tables indexed by token id (lower-cased id, shape class), baked into the graph as
buffers, so the exported model needs nothing but input_ids.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    vocab_size: int
    n_out: int  # aligned: head size (ids [0, n_out)); inline: = vocab_size
    label_start: int  # first label id (aligned); ids in [label_start, n_out) are allowed outputs
    n_shapes: int
    pad_id: int
    mask_id: int
    open_id: int
    close_id: int
    format: str = "aligned"
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 4
    ffn_mult: float = 4.0
    conv_kernel: int = 5  # depthwise conv per block; 0 = none
    dropout: float = 0.1
    attend_prompt: bool = False
    use_lower: bool = True
    use_shape: bool = True
    word_dropout: float = 0.0  # training only: drop a token's identity (token + lower-case embeddings), keep its shape
    max_positions: int = 2048

    def to_dict(self) -> dict:
        return asdict(self)


def rope_cache(positions: torch.Tensor, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    inv = 1.0 / (10000 ** (torch.arange(0, dim, 2, dtype=torch.float32, device=positions.device) / dim))
    ang = positions.to(torch.float32)[..., None] * inv  # [B, T, dim/2]
    return torch.cos(ang)[:, None], torch.sin(ang)[:, None]  # [B, 1, T, dim/2]


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.n_heads = cfg.n_heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.conv = None
        if cfg.conv_kernel:
            self.ln_c = nn.LayerNorm(d)
            self.conv = nn.Conv1d(d, d, cfg.conv_kernel, padding=cfg.conv_kernel // 2, groups=d)
        self.ln2 = nn.LayerNorm(d)
        hidden = int(d * cfg.ffn_mult)
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, bias, keep, cos, sin):
        B, T, D = x.shape
        h = self.ln1(x)
        q, k, v = self.qkv(h).view(B, T, 3, self.n_heads, D // self.n_heads).permute(2, 0, 3, 1, 4)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(D // self.n_heads)) + bias
        att = self.drop(torch.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.drop(self.proj(y))
        if self.conv is not None:
            h = self.ln_c(x) * keep
            x = x + self.drop(self.conv(h.transpose(1, 2)).transpose(1, 2))
        x = x + self.drop(self.fc2(F.gelu(self.fc1(self.ln2(x)))))
        return x


class DiffusionTagger(nn.Module):
    def __init__(self, cfg: ModelConfig, lower_ids: list[int], shape_ids: list[int]):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tok = nn.Embedding(cfg.vocab_size, d)
        self.lower = nn.Embedding(cfg.vocab_size, d) if cfg.use_lower else None
        self.shape = nn.Embedding(cfg.n_shapes, d) if cfg.use_shape else None
        self.register_buffer("lower_ids", torch.tensor(lower_ids, dtype=torch.long))
        self.register_buffer("shape_ids", torch.tensor(shape_ids, dtype=torch.long))
        if cfg.format == "aligned":
            self.label = nn.Embedding(cfg.n_out, d)
            self.segment = nn.Embedding(2, d)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, cfg.n_out) if cfg.format == "aligned" else None
        allowed = torch.full((cfg.n_out,), -1e4)
        allowed[cfg.label_start :] = 0.0
        self.register_buffer("out_bias", allowed if cfg.format == "aligned" else torch.zeros(cfg.n_out))
        self.drop = nn.Dropout(cfg.dropout)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def features(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.tok(ids)
        if self.lower is not None:
            x = x + self.lower(self.lower_ids[ids])
        if self.training and self.cfg.word_dropout > 0:
            # Rare and unseen words must be tagged from context and shape: hide some identities while training.
            keep = (torch.rand(ids.shape, device=ids.device) >= self.cfg.word_dropout).to(x.dtype)
            x = x * keep[..., None]
        if self.shape is not None:
            x = x + self.shape(self.shape_ids[ids])
        return x

    def _run(self, x, keep, positions):
        bias = (1.0 - keep.transpose(1, 2)[:, None]) * -1e4  # [B,1,1,T] over keys
        cos, sin = rope_cache(positions, self.cfg.d_model // self.cfg.n_heads)
        x = self.drop(x)
        for blk in self.blocks:
            x = blk(x, bias, keep, cos, sin)
        return self.ln_f(x)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Logits [B, S, n_out] for every position (prompt positions are meaningless for 'aligned')."""
        if self.cfg.format == "inline":
            return self._forward_inline(input_ids, attention_mask, position_ids)
        return self._forward_aligned(input_ids, attention_mask)

    def _forward_inline(self, ids, mask, position_ids):
        if position_ids is None:
            position_ids = (mask.cumsum(-1) - 1).clamp(min=0)
        keep = mask.to(torch.float32)[..., None]
        h = self._run(self.features(ids), keep, position_ids)
        return h @ self.tok.weight.t()

    def _forward_aligned(self, ids, mask):
        B, S = ids.shape
        j = torch.arange(S, device=ids.device)[None, :]
        p0 = torch.argmax((ids == self.cfg.open_id).to(torch.int64), dim=-1, keepdim=True)
        p1 = torch.argmax((ids == self.cfg.close_id).to(torch.int64), dim=-1, keepdim=True)
        canvas = (j > p1) & (mask > 0)
        src = (j - p1 + p0).clamp(0, S - 1)
        text_at = torch.gather(ids, 1, src)
        if self.cfg.attend_prompt:
            start = 0
        else:
            # The canvas (n slots) follows n + 2 prompt tokens, so every row's canvas lies in the last S // 2.
            start = S - S // 2
        c_ids, c_text, c_canvas, c_j = ids[:, start:], text_at[:, start:], canvas[:, start:], j[:, start:]
        label_in = c_ids.clamp(max=self.cfg.n_out - 1)
        canvas_x = self.features(c_text) + self.label(label_in) + self.segment.weight[1]
        if self.cfg.attend_prompt:
            prompt_x = self.features(ids) + self.segment.weight[0]
            x = torch.where(c_canvas[..., None], canvas_x, prompt_x)
            keep = mask.to(torch.float32)[..., None]
            positions = torch.where(canvas, j - p1 - 1, j - p0 - 1).clamp(min=0)
        else:
            x = canvas_x
            keep = c_canvas.to(torch.float32)[..., None]
            positions = (c_j - p1 - 1).clamp(min=0)
        logits = self.head(self._run(x, keep, positions)) + self.out_bias
        if start:
            logits = torch.cat([logits.new_zeros(B, start, self.cfg.n_out), logits], dim=1)
        return logits


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
