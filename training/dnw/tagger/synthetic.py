"""Synthetic Vietnamese medical NER sentences (our own templates, no PhoNER text) for tests and smoke runs."""

from __future__ import annotations

import random
from pathlib import Path

from .data import Record, write_instruction_jsonl

_VALUES = {
    "PATIENT_ID": ["BN{n}", "{n}", "BN {n}"],
    "AGE": ["{a}"],
    "GENDER": ["nam", "nữ", "bé trai", "bé gái"],
    "LOCATION": [
        "Đà Nẵng",
        "Hà Nội",
        "quận Hải Châu",
        "phường Hoà Cường",
        "thôn Phú Lộc",
        "Bệnh viện Đà Nẵng",
        "TP. HCM",
        "Quảng Nam",
        "chợ Cồn",
        "sân bay Nội Bài",
    ],
    "ORGANIZATION": ["Sở Y tế Đà Nẵng", "Bộ Y tế", "Trung tâm Kiểm soát bệnh tật Hà Nội", "Bệnh viện Bạch Mai"],
    "DATE": ["{d}/{m}", "ngày {d} - {m}", "{d} - {m}"],
    "SYMPTOM_AND_DISEASE": ["sốt", "ho", "khó thở", "viêm phổi", "mệt mỏi", "đau họng"],
    "NAME": ["Nguyễn Văn An", "Trần Thị Bích", "L.T.H."],
    "JOB": ["bác sĩ", "giáo viên", "nhân viên bán hàng", "tài xế"],
    "TRANSPORTATION": ["VN{f}", "VJ {f}", "xe khách"],
}
_TEMPLATES = [
    "Bệnh nhân {PATIENT_ID} ( {GENDER} , {AGE} tuổi ) trú tại {LOCATION} .",
    "Ngày {DATE} , {ORGANIZATION} thông báo ca bệnh {PATIENT_ID} có triệu chứng {SYMPTOM_AND_DISEASE} .",
    "{NAME} , {JOB} , đi chuyến bay {TRANSPORTATION} về {LOCATION} ngày {DATE} .",
    "Theo {ORGANIZATION} , bệnh nhân {PATIENT_ID} đang điều trị tại {LOCATION} & sức khoẻ ổn định .",
    "Các chỉ số < 5 % , bệnh nhân hết {SYMPTOM_AND_DISEASE} và {SYMPTOM_AND_DISEASE} .",
]


def _fill(kind: str, rng: random.Random) -> str:
    v = rng.choice(_VALUES[kind])
    return v.format(
        n=rng.randint(1, 3000),
        a=rng.randint(1, 95),
        d=rng.randint(1, 28),
        m=rng.randint(1, 12),
        f=rng.randint(100, 9999),
    )


def synthetic_records(n: int, seed: int = 0) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        tpl = rng.choice(_TEMPLATES)
        text, spans = "", []
        for piece in tpl.replace("{", "\x00{").replace("}", "}\x00").split("\x00"):
            if piece.startswith("{") and piece.endswith("}"):
                kind = piece[1:-1]
                value = _fill(kind, rng)
                spans.append((len(text), len(text) + len(value), kind))
                text += value
            else:
                text += piece
        out.append(Record(text, spans))
    return out


def write_synthetic(folder: str | Path, n_train: int = 64, n_dev: int = 16, seed: int = 0) -> tuple[Path, Path]:
    folder = Path(folder)
    from .silver_nesting import nest_corpus

    train, dev = synthetic_records(n_train, seed), synthetic_records(n_dev, seed + 1)
    _, nested = nest_corpus(train, {"train": train, "dev": dev})
    write_instruction_jsonl(folder / "train.jsonl", nested["train"])
    write_instruction_jsonl(folder / "dev.jsonl", nested["dev"])
    return folder / "train.jsonl", folder / "dev.jsonl"
