"""Writes test/fixtures/crf/parity.json: a small CRF (trained by dnw.crf on synthetic sentences, not corpus data),
word lists with awkward text (Vietnamese NFC, upper case, digits, emoji, a dotted capital I, punctuation), and the
features and marginals dnw.crf gives for them. test/unit/crf/ checks the engine against it; training/tests/test_crf.py
checks that dnw.crf still gives what it holds. Run from the repository root:
    .venv/bin/python scripts/gen-crf-fixture.py
"""

import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
from dnw.crf.features import features  # noqa: E402
from dnw.crf.model import train_crf  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "test" / "fixtures" / "crf" / "parity.json"
WORDS = [
    ["Bệnh", "nhân", "bị", "sốt", "37,5", "độ", "tại", "BV", "Bạch", "Mai", "."],
    ["COVID", "-", "19", "😷", "ho", "khan", "İstanbul", "xét", "nghiệm", "PCR"],
    ["đau", "đầu", "ÂM", "TÍNH", "x2", "(", "Hà", "Nội", ")"],
    ["một"],
]


def sentences(n: int, seed: int = 0):
    rng = random.Random(seed)
    disease, place = ["sốt", "ho", "viêm", "phổi", "đau", "đầu"], ["Hà", "Nội", "Bạch", "Mai", "BV"]
    out = []
    for _ in range(n):
        words, tags = [], []
        for _ in range(rng.randint(3, 9)):
            kind = rng.random()
            if kind < 0.3:
                span = rng.sample(disease, rng.randint(1, 2))
                words += span
                tags += ["B-benh"] + ["I-benh"] * (len(span) - 1)
            elif kind < 0.5:
                span = rng.sample(place, rng.randint(1, 2))
                words += span
                tags += ["B-noi%20chon"] + ["I-noi%20chon"] * (len(span) - 1)
            else:
                words.append(rng.choice(["bệnh", "nhân", "tại", "và", "37,5", "x2", "."]))
                tags.append("O")
        out.append((words, tags))
    return out


def fixture() -> dict:
    crf = train_crf(sentences(60), iterations=50)
    with tempfile.TemporaryDirectory() as tmp:
        crf.save(Path(tmp) / "crf.json")
        body = json.loads((Path(tmp) / "crf.json").read_text(encoding="utf-8"))
    return {
        "crf": body,
        "cases": [
            {"words": w, "features": features(w), "marginals": crf.marginals(w).round(12).tolist()} for w in WORDS
        ],
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(fixture(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
