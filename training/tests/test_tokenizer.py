"""The tokenizer gives the same ids in Python (tokenizers) and in JS (@huggingface/tokenizers 0.2.0, the engine's)."""

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from dnw.tagger.data import render_prompt
from dnw.tagger.synthetic import synthetic_records
from dnw.tagger.tokenizer import Vocab, align_tokens, shape_of, token_features

ROOT = Path(__file__).resolve().parents[2]
PHONER = ROOT.parent / "shared" / "data" / "phoner_covid19"
VIMEDNER = ROOT.parent / "shared" / "data" / "vimedner"
JS_SCRIPT = ROOT / "training" / "scripts" / "tokenize_js.mjs"
JS_PACKAGE = ROOT / "node_modules" / "@huggingface" / "tokenizers"

EDGE_CASES = [
    "Bệnh viện  Đà\u00a0Nẵng 😀 e\u0301 tab\there [O] <LOCATION> x</ner>y",
    "ABC-123/4.5%!! (BN91) “ngoặc” … ‘x’",
    "",
    "   ",
    "ﬁ unknown 字 Ω ½ ٣",
    "CRLF\r\nline",
]


def _texts() -> tuple[list[str], list[str], str]:
    if (PHONER / "train_syllable.jsonl").exists():

        def read(split):
            with open(PHONER / f"{split}_syllable.jsonl", encoding="utf-8") as f:
                return [unicodedata.normalize("NFC", " ".join(json.loads(line)["words"])) for line in f]

        return read("train"), read("dev")[:1200], "PhoNER"
    train = [r.text for r in synthetic_records(800, 0)]
    return train, [r.text for r in synthetic_records(1200, 1)], "synthetic"


@pytest.fixture(scope="module")
def vocab():
    train, _, _ = _texts()
    return Vocab.build(
        train, ["O", "B-LOCATION", "I-LOCATION", "I-ORGANIZATION|B-LOCATION"], ["LOCATION", "ORGANIZATION"], 6000
    )


def test_special_and_label_ids_come_first(vocab):
    assert [vocab.pad_id, vocab.unk_id, vocab.mask_id, vocab.eos_id, vocab.open_id, vocab.close_id] == list(range(6))
    assert vocab.label_ids == list(range(6, 6 + len(vocab.labels)))
    ids = vocab.tokenizer.encode(render_prompt("Hà Nội"), add_special_tokens=False).ids
    assert ids[0] == vocab.open_id and ids[-1] == vocab.close_id and len(ids) == 4


def _medical_texts() -> tuple[list[str], list[str], str]:
    """A project's text in another domain (ViMedNER: train to extend with, test to compare), else synthetic."""
    if (VIMEDNER / "train.txt").exists():

        def read(split):
            sentences, words = [], []
            for line in (VIMEDNER / f"{split}.txt").read_text(encoding="utf-8").splitlines() + [""]:
                if line.strip():
                    words.append(line.split()[0])
                elif words:
                    sentences.append(unicodedata.normalize("NFC", " ".join(words)))
                    words = []
            return sentences

        return read("train"), read("test")[:1200], "ViMedNER"
    return [r.text for r in synthetic_records(800, 2)] * 2, [r.text for r in synthetic_records(1200, 3)], "synthetic"


JS_READY = pytest.mark.skipif(
    shutil.which("node") is None or not JS_PACKAGE.exists(), reason="node or @huggingface/tokenizers missing"
)


@JS_READY
def test_python_and_js_ids_match(vocab, tmp_path):
    _, texts, source = _texts()
    _same_ids_in_js(vocab, [render_prompt(t) for t in texts] + EDGE_CASES, source, tmp_path)


@JS_READY
def test_python_and_js_ids_match_with_a_projects_words_made_whole(vocab, tmp_path):
    # The merges dnw.package.project_labels.extend_tokenizer appends are read alike by both.
    from dnw.package.project_labels import extend_tokenizer

    train, texts, source = _medical_texts()
    extended, words = extend_tokenizer(vocab, train)
    assert words > 0
    _same_ids_in_js(extended, [render_prompt(t) for t in texts] + EDGE_CASES, f"{source} (extended)", tmp_path)


def _same_ids_in_js(vocab, texts: list[str], source: str, tmp_path: Path) -> None:
    assert len(texts) >= 1000
    vocab.tokenizer.save(str(tmp_path / "tokenizer.json"))
    (tmp_path / "texts.json").write_text(json.dumps(texts, ensure_ascii=False))
    out = subprocess.run(
        ["node", str(JS_SCRIPT), str(tmp_path / "tokenizer.json"), str(tmp_path / "texts.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    js = json.loads(out.stdout)
    py = [e.ids for e in vocab.tokenizer.encode_batch(texts, add_special_tokens=False)]
    mismatches = [i for i in range(len(texts)) if js[i] != py[i]]
    assert not mismatches, f"{len(mismatches)} of {len(texts)} {source} texts differ, first: {texts[mismatches[0]]!r}"


def test_alignment_by_walking_text_matches_offsets(vocab):
    _, texts, _ = _texts()
    for text in texts[:300] + [unicodedata.normalize("NFC", t) for t in EDGE_CASES]:
        enc = vocab.tokenizer.encode(text, add_special_tokens=False)
        assert align_tokens(text, enc.tokens) == [tuple(o) for o in enc.offsets], text


def test_shapes():
    assert shape_of("Nẵng</w>") == "Xx$"
    assert shape_of("12345</w>") == "dddd$"
    assert shape_of("BN") == "X"
    assert shape_of("./</w>") == "./$"


def test_token_features_cover_vocab(vocab):
    f = token_features(vocab.tokenizer)
    assert len(f.lower_ids) == len(f.shape_ids) == vocab.size
    upper = vocab.tokenizer.token_to_id("Nội</w>")
    if upper is not None and vocab.tokenizer.token_to_id("nội</w>") is not None:
        assert f.lower_ids[upper] == vocab.tokenizer.token_to_id("nội</w>")


def test_bpe_dropout_variants_are_seeded_vocabulary_pieces(vocab):
    from dnw.tagger.tokenizer import BpeDropout

    _, texts, _ = _texts()
    tokens = [vocab.tokenizer.encode(t, add_special_tokens=False).tokens for t in texts[:50]]
    a = [BpeDropout(vocab.tokenizer, 0.2, 7).retokenize(t) for t in tokens]
    b = [BpeDropout(vocab.tokenizer, 0.2, 7).retokenize(t) for t in tokens]
    assert a == b  # seeded
    assert sum(map(len, a)) > sum(map(len, tokens))  # some words were split
    for text, pieces in zip(texts, a):
        assert all(vocab.tokenizer.token_to_id(p) is not None for p in pieces)
        align_tokens(text, pieces)  # still a walk over the text
    assert BpeDropout(vocab.tokenizer, 0.0, 7).retokenize(tokens[0]) == tokens[0]
