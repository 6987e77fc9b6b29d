"""The model: in-graph alignment, left-padding invariance, both formats, the diffusion loss."""

import pytest
import torch
from dnw.tagger.encode import collate, encode_record
from dnw.tagger.runs import build_model
from dnw.tagger.synthetic import synthetic_records
from dnw.tagger.tokenizer import Vocab
from dnw.tagger.train import _syllable_tags, diffusion_loss


@pytest.fixture(scope="module")
def setup():
    recs = synthetic_records(80, 0)
    tags, labels = _syllable_tags(recs)
    vocab = Vocab.build([r.text for r in recs], tags, labels, 600)
    return recs, vocab


def cfg(fmt="aligned", **model):
    return {"model": {"format": fmt, "d_model": 32, "n_layers": 2, "n_heads": 2, "dropout": 0.0, **model}}


@pytest.mark.parametrize("attend_prompt", [False, True])
def test_aligned_canvas_is_invariant_to_left_padding(setup, attend_prompt):
    recs, vocab = setup
    torch.manual_seed(0)
    model = build_model(cfg(attend_prompt=attend_prompt), vocab).eval()
    short, long_ = sorted((encode_record(r, vocab, "aligned") for r in recs[:2]), key=len)
    assert len(short) < len(long_)
    alone = collate([short], vocab.pad_id)
    both = collate([short, long_], vocab.pad_id)
    n = len(short.canvas)
    with torch.no_grad():
        a = model(alone.input_ids, alone.attention_mask, alone.position_ids)[0, -n:]
        b = model(both.input_ids, both.attention_mask, both.position_ids)[0, -n:]
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    # Only label ids can win.
    assert set(a.argmax(-1).tolist()) <= set(vocab.label_ids)


def test_canvas_slot_sees_its_text_token(setup):
    recs, vocab = setup
    torch.manual_seed(0)
    model = build_model(cfg(conv_kernel=0, n_layers=0), vocab).eval()  # no mixing: slot k depends on token k only
    e = encode_record(recs[0], vocab, "aligned")
    batch = collate([e], vocab.pad_id, canvas_fill=vocab.mask_id)
    ids = batch.input_ids.clone()
    n = e.n_text
    with torch.no_grad():
        before = model(ids, batch.attention_mask, batch.position_ids)[0, -n:]
        ids[0, 1 + 2] = vocab.unk_id  # third text token
        after = model(ids, batch.attention_mask, batch.position_ids)[0, -n:]
    changed = (before - after).abs().sum(-1) > 1e-6
    assert changed.tolist() == [k == 2 for k in range(n)]


def test_inline_format_runs_and_loss_is_finite(setup):
    recs, vocab = setup
    model = build_model(cfg("inline"), vocab)
    batch = collate([encode_record(r, vocab, "inline") for r in recs[:4]], vocab.pad_id)
    logits = model(batch.input_ids, batch.attention_mask, batch.position_ids)
    assert logits.shape == (*batch.input_ids.shape, vocab.size)
    loss, n_masked = diffusion_loss(model, batch, vocab.mask_id, 1e-3, torch.Generator().manual_seed(0))
    assert torch.isfinite(loss) and n_masked > 0


def test_diffusion_loss_never_masks_the_prompt(setup):
    recs, vocab = setup
    model = build_model(cfg(), vocab)
    batch = collate([encode_record(r, vocab, "aligned") for r in recs[:4]], vocab.pad_id)
    seen = []
    orig = model.forward

    def spy(ids, att, pos=None):
        seen.append(ids.clone())
        return orig(ids, att, pos)

    model.forward = spy
    diffusion_loss(model, batch, vocab.mask_id, 1e-3, torch.Generator().manual_seed(0))
    noisy = seen[0]
    masked = noisy == vocab.mask_id
    assert not (masked & ~batch.canvas_mask).any()
    assert masked.any()
