"""What a model for a project's labels can learn from the project's own text before it sees a label (issue 12):
every imported document's text is there, annotated or not.

* `text_vocab`: a tokenizer built from the project's text (the components and id layout of dnw.tagger.tokenizer, so
  the JS tokenizer gives the same ids) instead of the embedded model's PhoNER-trained BPE. Vietnamese is written in
  syllables separated by spaces, so the project's syllables (medical ones included) become single tokens rather than
  pieces of PhoNER's vocabulary.
* `cooccurrence_embeddings`: distributional vectors for those tokens (positive PMI of left/right neighbours,
  truncated SVD), used to initialise the token embeddings: a syllable seen only in unannotated text starts near the
  syllables it is used like, so a few annotated sentences generalise to it. Seconds of CPU, deterministic.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import torch

from ..tagger.tokenizer import Vocab, label_token, train_tokenizer

TEXT_VOCAB_SIZE = 30000  # a ceiling, not a target: BPE stops when every word of the text is one token
MAX_TEXT_CHARS = 50_000_000  # what --texts reads at most (a bigger project is sampled by its first documents)


class TextError(ValueError):
    """Bad --texts file; the message names the file and the line."""


def read_texts(path: str | Path) -> list[str]:
    """The project's texts: UTF-8, one text per line (blank lines skipped), NFC-normalised here."""
    path = Path(path)
    out, total = [], 0
    try:
        with open(path, "rb") as f:  # decoded line by line, so an error names its line
            for line_no, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError as e:
                    raise TextError(f"{path}:{line_no}: not UTF-8 ({e.reason})") from None
                if not line.strip():
                    continue
                out.append(unicodedata.normalize("NFC", line))
                total += len(line)
                if total >= MAX_TEXT_CHARS:
                    break
    except OSError as e:
        raise TextError(f"{path}: cannot be read ({e.strerror})") from None
    return out


def text_vocab(texts: Sequence[str]) -> Vocab:
    """A tokenizer trained on `texts` with only the outside tag `O` (project_labels.build_vocab adds the project's)."""
    tok = train_tokenizer(texts, ["O"], [], TEXT_VOCAB_SIZE)
    return Vocab(tok, ["O"], [tok.token_to_id(label_token("O"))], [])


def cooccurrence_embeddings(
    vocab: Vocab, texts: Sequence[str], dim: int, contexts: int = 2000, window: int = 2, seed: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """(vectors [vocab.size, dim], known [vocab.size] bool): PPMI of each token's left and right neighbours within
    `window` (weighted 1/distance) over the `contexts` most frequent tokens, reduced by truncated SVD (U·√S), rows
    scaled to the norm of the model's random initialisation (std 0.02 per dimension). Tokens absent from `texts`
    are not `known` (their rows are zeros: keep the random ones)."""
    seqs = [vocab.tokenizer.encode(t, add_special_tokens=False).ids for t in texts]
    freq = Counter(i for s in seqs for i in s)
    ctx = [i for i, _ in freq.most_common(contexts)]
    col = {i: k for k, i in enumerate(ctx)}
    n_ctx = len(ctx)
    rows, cols, vals = [], [], []
    for s in seqs:
        for p, i in enumerate(s):
            for d in range(1, window + 1):
                w = 1.0 / d
                if p - d >= 0 and s[p - d] in col:  # left neighbours: columns [0, n_ctx)
                    rows.append(i)
                    cols.append(col[s[p - d]])
                    vals.append(w)
                if p + d < len(s) and s[p + d] in col:  # right neighbours: columns [n_ctx, 2 n_ctx)
                    rows.append(i)
                    cols.append(n_ctx + col[s[p + d]])
                    vals.append(w)
    size = vocab.size
    out = torch.zeros(size, dim)
    known = torch.zeros(size, dtype=torch.bool)
    if not vals:
        return out, known
    m = torch.zeros(size, 2 * n_ctx).index_put_(
        (torch.tensor(rows), torch.tensor(cols)), torch.tensor(vals), accumulate=True
    )
    pw = m.sum(1, keepdim=True)
    pc = m.sum(0, keepdim=True).pow(0.75)  # context smoothing (Levy et al. 2015): rare contexts weigh less
    pmi = torch.log((m * pc.sum()).clamp(min=1e-12) / (pw * pc).clamp(min=1e-12))
    ppmi = torch.where(m > 0, pmi.clamp(min=0), torch.zeros_like(pmi))
    used = pw.squeeze(1) > 0
    k = min(dim, int(used.sum()) - 1, 2 * n_ctx - 1)
    if k < 1:
        return out, known
    with torch.random.fork_rng():  # svd_lowrank draws from the global generator: seeded, without moving the caller's
        torch.manual_seed(seed)
        u, s, _ = torch.svd_lowrank(ppmi[used], q=k, niter=4)
    vec = u * s.sqrt()
    vec = vec / vec.norm(dim=1, keepdim=True).clamp(min=1e-8) * (0.02 * dim**0.5)
    out[used, :k] = vec
    known[used] = True
    return out, known


def pretrain_masked(
    model,
    vocab: Vocab,
    texts: Sequence[str],
    steps: int,
    lr: float,
    batch_tokens: int,
    seed: int,
    max_seconds: float = 0.0,
    on_step=None,
    device: torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> dict:
    """Continued masked-LM pretraining of a DiffusionTagger on the project's text, before it is trained on labels.

    Each canvas slot holds what it holds at a tagging run's first step (an undecided label, `[MASK]`), over the text
    with a fraction t ~ U(0.15, 0.4) of its tokens replaced by `[MASK]`; the blocks' output at a masked slot predicts
    the hidden token through the token embedding (tied, no new weights: nothing of it reaches the exported graph but
    what the encoder learnt). On `device` (the model is moved there), in `dtype` autocast arithmetic when given. Returns
    {steps, loss, seconds}."""
    import random
    import time

    from ..devices import adamw, autocast, rand_on

    max_len = 510
    seqs = [ids[:max_len] for t in texts if (ids := vocab.tokenizer.encode(t, add_special_tokens=False).ids)]
    if not seqs or steps <= 0:
        return {"steps": 0, "loss": None, "seconds": 0.0}
    rng = random.Random(seed)
    order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i]), rng.random()))
    batches, cur, width = [], [], 0
    for i in order:
        width = max(width, len(seqs[i]))
        if cur and width * (len(cur) + 1) > batch_tokens:
            batches.append(cur)
            cur, width = [], len(seqs[i])
        cur.append(i)
    if cur:
        batches.append(cur)
    device = device or torch.device("cpu")
    model.to(device)
    opt = adamw(model.parameters(), device, lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
    gen = torch.Generator().manual_seed(seed * 104729)
    t0 = time.time()
    model.train()
    recent: list[float] = []
    step = 0
    while step < steps:
        rng.shuffle(batches)
        for b in batches:
            if step >= steps or (max_seconds and time.time() - t0 >= max_seconds):
                steps = step
                break
            width = max(len(seqs[i]) for i in b)
            ids = torch.full((len(b), width), vocab.pad_id, dtype=torch.long)
            for r, i in enumerate(b):
                ids[r, : len(seqs[i])] = torch.tensor(seqs[i])
            ids = ids.to(device)
            real = ids != vocab.pad_id
            t = 0.15 + 0.25 * rand_on((len(b), 1), gen, ids.device)
            masked = (rand_on(ids.shape, gen, ids.device) < t) & real
            if not masked.any():
                continue
            noisy = torch.where(masked, torch.full_like(ids, vocab.mask_id), ids)
            with autocast(device, dtype):
                slot = model.label.weight[vocab.mask_id]  # an undecided label slot, as at the first decoding step
                x = model.features(noisy) + slot + model.segment.weight[1]
                positions = torch.arange(width, device=device)[None].expand(len(b), width)
                h = model._run(x, real.to(torch.float32)[..., None], positions)
                logits = h[masked] @ model.tok.weight.t()
            loss = torch.nn.functional.cross_entropy(logits.float(), ids[masked])
            frac = step / max(1, steps)
            for g in opt.param_groups:  # warm-up over the first 10 %, then linear decay
                g["lr"] = lr * min(1.0, (step + 1) / max(1, steps // 10)) * (1 - 0.9 * frac)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            recent = (recent + [float(loss.detach())])[-20:]
            if on_step is not None:
                on_step(step, steps, sum(recent) / len(recent))
    model.eval()
    return {
        "steps": step,
        "loss": round(sum(recent) / len(recent), 4) if recent else None,
        "seconds": round(time.time() - t0, 1),
    }
