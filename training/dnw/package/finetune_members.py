"""The models a run of dnw.package.finetune_package trains: the base's (its labels moved onto a project's), or fresh ones
from the base's architecture, and more members after the first, one after another, as the time budget allows."""

from __future__ import annotations

import argparse
import copy
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from .finetune_loop import train_model
from .finetune_options import Failure

MEMBERS_FROM = 100  # by default a smaller project trains one model, not an ensemble (see train_members)


@dataclass
class Start:
    """What training starts from."""

    vocab: object  # the base's, or the project's: its labels' tags added, from the project's text when from scratch
    members: list  # the first model(s): the base's weights, or fresh ones
    fresh: Callable[[int], object] | None  # member i of a growing ensemble; None when the members are the base's
    sources: dict  # a project's tag -> the base's tags its output rows started from
    texts: int  # the project's texts (training and --texts) a fresh model learnt from
    prepared_in: float  # seconds spent preparing the first member (its pretraining counts in the budget)
    extended: int = 0  # the project's words the base's tokenizer split and the vocabulary now holds whole


def starting_point(model, vocab, args, project: dict | None, records: list, emit, device) -> Start:
    """The vocabulary and first members for `records`, seeded by --seed (random and torch)."""
    import torch

    seed = args.seed
    random.seed(seed)
    torch.manual_seed(seed)
    base_vocab = vocab
    base_model = model
    sources: dict = {}
    texts: list[str] = []
    fresh = None
    extended = 0
    if project:
        from .project_labels import build_vocab, transfer

        source_vocab = base_vocab
        texts = [r.text for r in records]
        if args.texts is not None:
            from .project_text import TextError, read_texts

            try:
                texts += read_texts(args.texts)
            except TextError as e:
                raise Failure(str(e)) from None
        if args.from_scratch and args.tokenizer == "project":
            from .project_text import text_vocab

            source_vocab = text_vocab(texts)
        elif args.tokenizer == "extend":
            from .project_labels import extend_tokenizer

            source_vocab, extended = extend_tokenizer(base_vocab, texts)
            emit(event="tokenizer", extended=extended, vocab=source_vocab.size)
        vocab = build_vocab(source_vocab, project["escaped"], records)
    from ..tagger.ensemble import members_of

    if args.from_scratch:

        def fresh(i: int):
            """Member i from random weights (seed + i), and from the project's text when there is a project."""
            torch.manual_seed(seed + i)
            first = members_of(base_model)[0]
            if not project:
                return type(first)(first.cfg, first.lower_ids.tolist(), first.shape_ids.tolist())
            m, _ = transfer(first, source_vocab, vocab, project["map"], scratch=True)
            prepare_from_text(m, vocab, texts, args, emit, seed + i, device)
            return m

        started = time.time()
        members = [fresh(0)]
        prepared_in = time.time() - started
    else:
        prepared_in = 0.0
        if project:
            model, sources = transfer(model, base_vocab, vocab, project["map"])
        members = members_of(model)
        if project and len(members) == 1:
            # One model moved onto the project's labels: more members start from the same weights, with other seeds
            # (data order, masks, dropout), as the budget allows.
            start = copy.deepcopy(members[0])

            def fresh(i: int):
                return copy.deepcopy(start)

    return Start(vocab, members, fresh, sources, len(texts), prepared_in, extended)


def train_members(start: Start, prepared, args, emit, t0: float, n_records: int, device) -> tuple[object, dict]:
    """Trains the members one after another -> (the model to export: one, or their ensemble; the run's stats).

    A continued ensemble shares the budget out among its members. A growing one (from scratch, or one model moved
    onto a project's labels) gives the first all of it, and another follows while what is left fits the time the
    first took (pretraining included): a large project gets one model that finished its epochs, a smaller one up to
    --members. By default a project under MEMBERS_FROM sentences gets one: its first model must come within two
    minutes."""
    from ..tagger.ensemble import assemble

    members, seed = start.members, args.seed
    budget, runs, spent = args.max_minutes * 60, [], [start.prepared_in]
    grows = start.fresh is not None  # members added one by one, as the budget allows
    n = args.members if grows else len(members)
    for i in range(n):
        if i and grows:
            reason = None
            if not args.members_given and n_records < MEMBERS_FROM:
                reason = f"fewer than {MEMBERS_FROM} training sentences: one model, so that it comes fast"
            elif budget and budget - sum(spent) < spent[0]:
                reason = "the rest of the budget would not fit another"
            if reason:
                emit(event="members", trained=i, planned=n, reason=reason)
                break
        if i:
            spent.append(0.0)
        started = time.time()
        if i == len(members):
            members.append(start.fresh(i))
        left = budget - sum(spent) - (time.time() - started)
        share = left / (n - i if not grows else 1) / 60 if budget else 0.0
        set_regularisation(members[i], args.dropout, args.word_dropout)
        m_args = argparse.Namespace(**{**vars(args), "max_minutes": max(share, 1e-3) if budget else 0.0})
        runs.append(
            train_model(members[i], start.vocab, prepared, m_args, emit, seed + i, t0, n_records, device, (i, n))
        )
        members[i].cpu()  # the ONNX export and the saved checkpoint are built from CPU tensors
        spent[i] += time.time() - started
    stats = {
        **runs[0],
        "steps": sum(r["steps"] for r in runs),
        "epochs": round(sum(r["epochs"] for r in runs) / len(runs), 2),
        "final_loss": round(sum(r["final_loss"] for r in runs) / len(runs), 4),
        "train_seconds": round(sum(r["train_seconds"] for r in runs), 1),
        "members": len(members),
    }
    return assemble(members), stats


def prepare_from_text(model, vocab, texts: list[str], args, emit: Callable[..., None], seed: int, device) -> None:
    """What a fresh model learns from the project's text before its labels (dnw.package.project_text)."""
    import torch

    from .project_text import cooccurrence_embeddings, pretrain_masked

    if args.init_embeddings == "cooc":
        vec, known = cooccurrence_embeddings(vocab, texts, model.cfg.d_model, seed=seed)
        with torch.no_grad():
            # The case-folded table carries the vectors ("Viêm" reads the row of "viêm"); the token's own row starts
            # at zero and learns what case adds.
            table = model.lower if model.lower is not None else model.tok
            table.weight[known] = vec[known]
            if model.lower is not None:
                model.tok.weight[known] = 0.0
        emit(event="init", embeddings="cooc", known=int(known.sum()), vocab=vocab.size)
    if args.pretrain_steps > 0:

        def progress(step: int, steps: int, loss: float) -> None:
            if step == 1 or step == steps or step % 25 == 0:
                emit(event="pretrain", step=step, steps=steps, loss=round(loss, 4))

        from ..devices import mixed_precision

        stats = pretrain_masked(
            model,
            vocab,
            texts,
            args.pretrain_steps,
            args.lr,
            args.batch_tokens,
            seed,
            on_step=progress,
            max_seconds=args.pretrain_minutes * 60,
            device=device,
            dtype=mixed_precision(device, args.precision),
        )
        emit(event="pretrain", **stats)
    if args.freeze_vectors and args.init_embeddings == "cooc":
        (model.lower if model.lower is not None else model.tok).weight.requires_grad_(False)


def set_regularisation(model, dropout: float | None, word_dropout: float | None) -> None:
    """Overrides of the base's dropout and word dropout (training only: both are off in the exported graph)."""
    import torch

    if dropout is not None:
        model.cfg.dropout = dropout
        for m in model.modules():
            if isinstance(m, torch.nn.Dropout):
                m.p = dropout
    if word_dropout is not None:
        model.cfg.word_dropout = word_dropout
