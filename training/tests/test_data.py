"""Instruction format, stacked BIO, silver nesting and the PhoNER conversion (synthetic Vietnamese only)."""

import importlib.util
import json
from pathlib import Path

import pytest
from dnw.tagger.data import (
    Counts,
    Record,
    continues_word,
    decode_bio,
    escape,
    nesting_levels,
    outermost,
    parse_inline,
    prompt_text,
    read_instruction_jsonl,
    render_inline,
    render_prompt,
    stacked_tags,
    stacked_to_token_spans,
    tags_by_word,
    token_spans_to_char_spans,
    write_instruction_jsonl,
)
from dnw.tagger.silver_nesting import Gazetteer, add_inner_locations

TEXT = "Bệnh nhân BN12 điều trị tại Bệnh viện Đà Nẵng & có chỉ số < 5 ."


def spans_of(text, *pairs):
    out = []
    for surface, label in pairs:
        start = text.index(surface)
        out.append((start, start + len(surface), label))
    return out


def test_render_parse_round_trip_with_nesting_and_escaping():
    spans = spans_of(TEXT, ("BN12", "PATIENT_ID"), ("Bệnh viện Đà Nẵng", "LOCATION"), ("Đà Nẵng", "LOCATION"))
    out = render_inline(TEXT, spans)
    assert out == (
        "Bệnh nhân <PATIENT_ID>BN12</PATIENT_ID> điều trị tại <LOCATION>Bệnh viện <LOCATION>Đà Nẵng"
        "</LOCATION></LOCATION> &amp; có chỉ số &lt; 5 ."
    )
    text, parsed = parse_inline(out)
    assert text == TEXT
    assert sorted(parsed) == sorted(spans)


def test_parse_rejects_unbalanced_but_lenient_mode_recovers():
    with pytest.raises(ValueError):
        parse_inline("<NAME>An</AGE>")
    text, spans = parse_inline("<NAME>An</AGE> và <AGE>5</AGE>", strict=False)
    assert text == "An và 5" and spans == [(6, 7, "AGE")]


def test_crossing_spans_cannot_be_inline():
    with pytest.raises(ValueError):
        render_inline("a b c", [(0, 3, "X"), (2, 5, "Y")])


def test_prompt_text_and_template():
    assert prompt_text(render_prompt(TEXT)) == TEXT
    with pytest.raises(ValueError):
        prompt_text("no template")


def test_stacked_tags_round_trip():
    token_spans = [(1, 2, "PATIENT_ID"), (4, 8, "ORGANIZATION"), (6, 8, "LOCATION")]
    tags = stacked_tags(token_spans, 9)
    assert tags == [
        "O",
        "B-PATIENT_ID",
        "O",
        "O",
        "B-ORGANIZATION",
        "I-ORGANIZATION",
        "I-ORGANIZATION|B-LOCATION",
        "I-ORGANIZATION|I-LOCATION",
        "O",
    ]
    assert stacked_to_token_spans(tags) == sorted(token_spans, key=lambda s: (s[0], -s[1], s[2]))


def test_decode_bio_repairs_stray_inside():
    assert decode_bio(["I-AGE", "I-AGE", "O", "B-DATE", "I-AGE"]) == [(0, 2, "AGE"), (3, 4, "DATE"), (4, 5, "AGE")]


def test_nesting_levels_and_outermost():
    spans = [(0, 10, "ORGANIZATION"), (5, 10, "LOCATION"), (12, 14, "DATE")]
    assert nesting_levels(spans) == [[(0, 10, "ORGANIZATION"), (12, 14, "DATE")], [(5, 10, "LOCATION")]]
    assert outermost(spans) == [(0, 10, "ORGANIZATION"), (12, 14, "DATE")]


def test_counts_micro_f1():
    c = Counts()
    c.add([(0, 1, "A"), (2, 3, "B")], [(0, 1, "A"), (2, 4, "B")])
    r = c.report()
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 1) and r["f1"] == pytest.approx(0.5)


def test_silver_nesting_uses_gazetteer_of_training_names():
    train = [
        Record("Tới Đà Nẵng hôm qua .", [(4, 11, "LOCATION")]),
        Record("ở quận 2 .", [(2, 8, "LOCATION")]),
    ]  # lower-case head: not a name, not in the gazetteer
    gaz = Gazetteer.from_records(train)
    assert ("Đà", "Nẵng") in gaz.entries and ("quận", "2") not in gaz.entries
    text = "Chuyển tới Bệnh viện Đà Nẵng và Sở Y tế Đà Nẵng , Đà Nẵng ."
    spans = spans_of(text, ("Bệnh viện Đà Nẵng", "LOCATION"), ("Sở Y tế Đà Nẵng", "ORGANIZATION"))
    spans.append((text.rindex("Đà Nẵng"), text.rindex("Đà Nẵng") + 7, "LOCATION"))
    nested = add_inner_locations(Record(text, spans), gaz)
    inner = set(nested.spans) - set(spans)
    assert {text[a:b] for a, b, _ in inner} == {"Đà Nẵng"} and len(inner) == 2  # not the standalone one
    assert all(label == "LOCATION" for _, _, label in inner)


def test_instruction_jsonl_round_trip(tmp_path):
    recs = [Record(TEXT, spans_of(TEXT, ("Đà Nẵng", "LOCATION"))), Record("Không có gì .", [])]
    write_instruction_jsonl(tmp_path / "x.jsonl", recs)
    first = json.loads((tmp_path / "x.jsonl").read_text().splitlines()[0])
    assert "&amp; có chỉ số &lt; 5" in first["instruction"]  # the prompt is escaped as the answer is
    back = read_instruction_jsonl(tmp_path / "x.jsonl")
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in recs]


def test_phoner_conversion_record_from_bio():
    path = Path(__file__).resolve().parents[1] / "scripts" / "phoner_to_instruction.py"
    spec = importlib.util.spec_from_file_location("phoner_to_instruction", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    words = ["Bệnh", "nhân", "BN", "5", "ở", "Hà", "Nội", "."]
    tags = ["O", "O", "B-PATIENT_ID", "I-PATIENT_ID", "O", "B-LOCATION", "I-LOCATION", "O"]
    r = mod.bio_record(words, tags)
    assert r.text == "Bệnh nhân BN 5 ở Hà Nội ."
    assert [r.text[a:b] for a, b, _ in r.spans] == ["BN 5", "Hà Nội"]
    # Decomposed input comes out NFC, as the workbench stores text.
    r2 = mod.bio_record(["la\u0300"], ["O"])
    assert r2.text == "l\u00e0"
    assert escape("<&>") == "&lt;&amp;&gt;"


def test_a_words_later_pieces_follow_its_first_as_the_engine_reads_them():
    # "đục thủy tinh thể." as the tokenizer's pieces đ|ục thủ|y tinh thể . (test/unit/model-package/aligned-bio.test.ts)
    text = "đục thủy tinh thể."
    offsets = [(0, 1), (1, 3), (4, 7), (7, 8), (9, 13), (14, 17), (17, 18)]
    continues = continues_word(text, offsets)
    assert continues == [False, True, False, True, False, False, False]
    tags = ["B-SYM", "B-DIS", "I-DIS", "B-SYM", "I-SYM", "I-SYM", "O"]
    spans = token_spans_to_char_spans(stacked_to_token_spans(tags_by_word(tags, continues)), offsets)
    assert [(text[s:e], label) for s, e, label in spans] == [("đục", "SYM"), ("thủy", "DIS"), ("tinh thể", "SYM")]
    assert tags_by_word(["B-ORG|B-LOC", "O"], [False, True]) == ["B-ORG|B-LOC", "I-ORG|I-LOC"]
    # A word tagged from its second piece on ("N|133") counts whole.
    assert tags_by_word(["O", "B-ID", "O"], [False, True, False]) == ["B-ID", "I-ID", "O"]
    assert continues_word("COVID-19 ở", [(0, 5), (5, 6), (6, 8), (9, 10)]) == [False, False, False, False]
