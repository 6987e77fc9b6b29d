"""What a package was trained on, as fingerprints of its training texts' lines, so that a comparison of two models
on held-out documents can leave out the documents either of them learnt from (a refit version trained on the
held-out fifth, an embedded model trained on the corpus a project imports).

A fingerprint is the first 16 hex digits of the SHA-256 of one line of text, NFC, lower-cased, with every whitespace
character removed: the same sentence matches whether it was joined from CoNLL syllables, read lower-cased for a
lower-case schema, or imported with other spacing. A package lists its lineage's fingerprints (its base's and its
own training data's) in TRAINING_TEXTS_FILE, one per line, sorted, and names the file in the manifest's
`provenance.trainingTexts`."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

TRAINING_TEXTS_FILE = "training-texts.txt"
FINGERPRINT = "sha256 of each line (NFC, lower-cased, whitespace removed), first 16 hex digits"
_SPACE = re.compile(r"\s+")


def fingerprint(line: str) -> str | None:
    """The line's fingerprint; None for a line with no text."""
    key = _SPACE.sub("", unicodedata.normalize("NFC", line).lower())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16] if key else None


def fingerprints(texts: Iterable[str]) -> set[str]:
    """Fingerprints of every line of every text."""
    return {fp for text in texts for line in text.splitlines() if (fp := fingerprint(line))}


def seen(text: str, known: set[str]) -> bool:
    """Whether any line of `text` is one a model with fingerprints `known` trained on."""
    return any(fingerprint(line) in known for line in text.splitlines())


def read(package: Path, manifest: dict) -> set[str] | None:
    """The package's fingerprints; None when it does not list them (what it trained on is unknown)."""
    entry = (manifest.get("provenance") or {}).get("trainingTexts")
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        return None
    path = package / entry["file"]
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    except OSError:
        return None


def write(folder: Path, known: set[str], complete: bool) -> dict:
    """Writes the fingerprints into `folder`; returns the manifest's `provenance.trainingTexts` entry. `complete` is
    False when the base's own training texts are unknown (a package from before this file)."""
    (folder / TRAINING_TEXTS_FILE).write_text("".join(f"{fp}\n" for fp in sorted(known)), encoding="utf-8")
    return {"file": TRAINING_TEXTS_FILE, "lines": len(known), "fingerprint": FINGERPRINT, "complete": complete}


def main(argv: list[str] | None = None) -> int:
    """`python -m dnw.package.training_texts PACKAGE TRAIN.jsonl...`: adds the texts of instruction files (the
    trainer's --train format) to what PACKAGE lists as trained on, for a package built elsewhere (the embedded model,
    a model trained outside the workbench), so that comparisons on held-out documents leave them out."""
    import argparse
    import json

    from .finetune_data import DataError, read_training_jsonl

    ap = argparse.ArgumentParser(prog="python -m dnw.package.training_texts", description=main.__doc__)
    ap.add_argument("package", type=Path)
    ap.add_argument("data", type=Path, nargs="+")
    ap.add_argument("--complete", action="store_true", help="with these files the list holds all its training data")
    args = ap.parse_args(argv)
    manifest_path = args.package / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    known = read(args.package, manifest) or set()
    for path in args.data:
        try:
            records, _ = read_training_jsonl(path)
        except DataError as e:
            ap.error(str(e))
        known |= fingerprints(r.text for r in records)
    prov = manifest.setdefault("provenance", {})
    was = prov.get("trainingTexts") or {}
    prov["trainingTexts"] = write(args.package, known, complete=args.complete or bool(was.get("complete")))
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.package}: {len(known)} training lines listed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
