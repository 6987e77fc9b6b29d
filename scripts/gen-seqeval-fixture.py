"""Writes test/fixtures/seqeval/strict-iob2.json: random BIO gold/pred sequences and the numbers seqeval's
classification_report(mode='strict', scheme=IOB2) gives for them, so core/metrics can be checked for exact parity.

The sequences are synthetic (random tags), not PhoNER data. Run from the repository root in a scratch venv:
    python3 -m venv /tmp/seqeval-venv && /tmp/seqeval-venv/bin/pip install seqeval
    /tmp/seqeval-venv/bin/python scripts/gen-seqeval-fixture.py
"""

import json
import random
import warnings
from importlib.metadata import version

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

LABELS = ["PATIENT_ID", "NAME", "LOCATION", "SYMPTOM_AND_DISEASE", "DATE"]
OUT = "test/fixtures/seqeval/strict-iob2.json"


def random_gold(rng, length, labels):
    """Mostly valid IOB2, with the occasional stray I- tag that strict mode must ignore."""
    tags, i = [], 0
    while i < length:
        r = rng.random()
        if r < 0.45:
            tags.append("O")
            i += 1
        elif r < 0.93:
            label = rng.choice(labels)
            span = min(length - i, rng.randint(1, 4))
            tags += ["B-" + label] + ["I-" + label] * (span - 1)
            i += span
        else:
            tags.append("I-" + rng.choice(labels))
            i += 1
    return tags


def corrupt(rng, gold, labels):
    """A prediction: gold with label switches (also mid-span), dropped or shifted spans, stray I- tags."""
    pred = list(gold)
    for i in range(len(pred)):
        r = rng.random()
        if r < 0.06:
            pred[i] = "O"
        elif r < 0.12:
            pred[i] = "I-" + rng.choice(labels)
        elif r < 0.17:
            pred[i] = "B-" + rng.choice(labels)
        elif r < 0.22 and pred[i] != "O":
            pred[i] = pred[i][:2] + rng.choice(labels)
    return pred


def make_case(rng, case_no):
    labels = rng.sample(LABELS, rng.randint(1, len(LABELS)))
    gold, pred = [], []
    for _ in range(rng.randint(1, 25)):
        length = rng.choice([0, 1, 2, 3, 5, 8, 13, 21])
        g = random_gold(rng, length, labels)
        style = rng.random()
        if style < 0.1:
            p = ["O"] * length  # an empty prediction
        elif style < 0.2:
            p = random_gold(rng, length, LABELS)  # unrelated, may bring labels gold does not have
        else:
            p = corrupt(rng, g, LABELS)
        gold.append(g)
        pred.append(p)
    return {"name": f"case-{case_no:02d}", "gold": gold, "pred": pred}


def main():
    rng = random.Random(20240601)
    cases = []
    while len(cases) < 60:
        case = make_case(rng, len(cases))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zero-division warnings: seqeval then reports 0, which is what we test
            report = classification_report(case["gold"], case["pred"], mode="strict", scheme=IOB2, output_dict=True)
        if not any(k not in ("micro avg", "macro avg", "weighted avg") for k in report):
            continue  # no entity anywhere: seqeval's macro average is NaN, nothing to compare
        case["report"] = {
            k: {m: (int(v) if m == "support" else float(v)) for m, v in row.items()} for k, row in report.items()
        }
        cases.append(case)
    fixture = {
        "generator": "scripts/gen-seqeval-fixture.py",
        "seqeval": version("seqeval"),
        "call": "classification_report(gold, pred, mode='strict', scheme=IOB2, output_dict=True)",
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
