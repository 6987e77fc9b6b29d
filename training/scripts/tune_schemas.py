#!/usr/bin/env python
"""Chooses the decoding threshold of each schema a package was trained on, on that schema's own held-out sentences,
and writes the schemas into the manifest's output.schemas: a decode whose labels all lie in one schema uses its
sampler settings (core/model-package/manifest.ts samplerDefaultsFor; docs/model-package.md).

    python training/scripts/tune_schemas.py PACKAGE --schema NAME HELDOUT.jsonl [--schema NAME HELDOUT.jsonl ...]
                                            [--threads 2]

HELDOUT: instruction JSON lines (never a test split). A schema's labels are the package labels its held-out sentences
use; when their text is all lower case (ViMedNER's corpus is), the schema is marked `lowercase` and the engine reads
a project's text lower-cased for it, as it is here. Each is decoded as a project of that schema would decode it (only its labels, dnw.tagger.decode), at every
threshold the trainer tries; the best F1 wins (ties: the higher threshold). Prints one JSON line per schema and
rewrites PACKAGE/manifest.json in place.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dnw.graph_export import session_for  # noqa: E402
from dnw.package.export import lower_case_in_place  # noqa: E402
from dnw.package.finetune_data import read_training_jsonl  # noqa: E402
from dnw.package.finetune_package import THRESHOLDS  # noqa: E402
from dnw.package.package_checkpoint import load_package  # noqa: E402
from dnw.package.project_labels import escape_label, escape_records  # noqa: E402
from dnw.tagger.data import Counts  # noqa: E402
from dnw.tagger.decode import decode_items  # noqa: E402
from dnw.tagger.encode import encode_record  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", type=Path)
    ap.add_argument("--schema", nargs=2, action="append", required=True, metavar=("NAME", "HELDOUT"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    _, vocab, _, _, manifest = load_package(args.package)
    output = manifest["output"]
    written = {escape_label(label): label for label in output["labels"]}
    session = session_for(args.package / manifest["graph"]["file"], args.threads)
    steps = int(manifest["sampler"].get("steps", 8))
    schemas = []
    for name, path in args.schema:
        records, _ = read_training_jsonl(Path(path))
        records = escape_records(records)
        used = {lab for r in records for _, _, lab in r.spans}
        unknown = sorted(used - set(written))
        if unknown:
            sys.exit(f"{path}: labels {unknown} are not the package's ({', '.join(output['labels'])})")
        lowercase = all(r.text == lower_case_in_place(r.text) for r in records)
        items = [encode_record(r, vocab, "aligned") for r in records]
        scores = {}
        for t in THRESHOLDS:
            preds, _ = decode_items(None, vocab, items, "aligned", t, steps, 8192, session, labels=used)
            counts = Counts()
            for it, pred in zip(items, preds):
                counts.add(it.record.spans, pred)
            scores[t] = round(counts.report()["f1"], 4)
        best = max(THRESHOLDS, key=lambda t: (scores[t], t))
        labels = [label for label in output["labels"] if escape_label(label) in used]
        schemas.append(
            {
                "name": name,
                "labels": labels,
                "sampler": {"threshold": best},
                **({"lowercase": True} if lowercase else {}),
            }
        )
        print(
            json.dumps(
                {
                    "schema": name,
                    "heldout": path,
                    "sentences": len(items),
                    "threshold": best,
                    "lowercase": lowercase,
                    "f1": scores,
                }
            )
        )
    output["schemas"] = schemas
    (args.package / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
