"""Batch pre-annotation over Ray Data: the workbench's own engine, one long-lived copy per actor.

    python -m dnw.package.batch_annotate --package PKG --input IN --out OUT_DIR [--workers N] [--address auto]

The input is decoded by the workbench's codecs (main/batch/decode-documents.ts: every import format, the same record
names and NFC text as `workbench import`) into numbered JSONL shards; Ray Data reads them and hands batches to a pool
of actors. Each actor starts one engine process (main/batch/engine-pipe.ts: the TypeScript engine and sampler, on
whichever backend the package uses) and keeps it for its whole life, so a model is loaded once per actor: with GPUs,
one actor per GPU (num_gpus=1 each); without, --workers CPU actors. The results are written as sharded JSONL, one
record per document with the model's name and version, plus OUT_DIR/run.json (written last: the run is complete);
`workbench import DB OUT_DIR --as-suggestions` stores them as suggestions. See docs/scale-out.md.

Sampling itself is never done here: Python only moves texts and results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RUN_FORMAT = "dnw-batch-suggestions"
RUN_FORMAT_VERSION = 1


def repo_root() -> Path:
    """The workbench checkout this `dnw` lives in (training/dnw/..), or $DNW_REPO."""
    env = os.environ.get("DNW_REPO")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[3]


def node_binary() -> str:
    """Node for the engine: $DNW_NODE, else `node` on the PATH."""
    node = os.environ.get("DNW_NODE") or shutil.which("node")
    if not node:
        raise RuntimeError(
            "Node.js is not on the PATH (set DNW_NODE): the engine runs in Node on every node of the cluster"
        )
    return node


def node_script(script: str, repo: Path) -> list[str]:
    # `--import tsx` resolves from the working directory, so every Node child runs with cwd=repo.
    return [node_binary(), "--import", "tsx", str(repo / "main" / "batch" / script)]


class EngineProcess:
    """One engine process (engine-pipe.ts) spoken to over its stdin/stdout; its stderr goes to ours."""

    def __init__(
        self,
        package: str,
        *,
        device: str = "auto",
        threads: int | None = None,
        sampler: dict[str, Any] | None = None,
        repo: Path | None = None,
    ):
        repo = repo or repo_root()
        cmd = node_script("engine-pipe.ts", repo) + ["--package", str(Path(package).resolve()), "--device", device]
        if threads:
            cmd += ["--threads", str(threads)]
        if sampler:
            cmd += ["--sampler", json.dumps(sampler)]
        self.proc = subprocess.Popen(
            cmd, cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1
        )
        self.next_id = 0
        ready = self._read()
        if "fatal" in ready or not ready.get("ready"):
            self.close()
            raise RuntimeError(f"the engine did not start on {package}: {ready.get('fatal', ready)}")
        self.model: dict[str, str] = ready["model"]
        self.device: str = ready["device"]
        self.backend: str = ready.get("backend", "onnxruntime")
        self.runtime: str | None = ready.get("runtime")
        self.fallback_reason: str | None = ready.get("fallbackReason")

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if line == "":
                code = self.proc.wait()
                raise RuntimeError(
                    f"the engine process ended (exit code {code}); its messages are in this worker's log"
                )
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                return value
            sys.stderr.write(line)  # something other than the protocol wrote to stdout: keep it visible

    def annotate(self, texts: list[str]) -> list[dict[str, Any]]:
        """The engine's result for each text, in order: {"entities", "problems", "signals"}."""
        assert self.proc.stdin is not None
        request_id = self.next_id
        self.next_id += 1
        self.proc.stdin.write(json.dumps({"id": request_id, "texts": texts}, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        reply = self._read()
        if reply.get("id") != request_id or "error" in reply:
            raise RuntimeError(f"the engine failed on a batch of {len(texts)} texts: {reply.get('error', reply)}")
        results = reply["results"]
        if len(results) != len(texts):
            raise RuntimeError(f"the engine answered {len(results)} results for {len(texts)} texts")
        return results

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def output_record(doc: dict[str, Any], model: dict[str, str], result: dict[str, Any]) -> dict[str, Any]:
    """One line of the output: the document as decoded, the model that read it, and what it suggested."""
    return {
        "index": int(doc["index"]),
        "source": str(doc["source"]),
        "name": str(doc["name"]),
        "text": str(doc["text"]),
        "model": {"name": model["name"], "version": model["version"]},
        "entities": result["entities"],
        "problems": result["problems"],
        "signals": result["signals"],
    }


# Characters str.splitlines breaks at that json.dumps(ensure_ascii=False) leaves raw: escaped, so a line is a record
# whoever splits the file.
_LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def json_line(value: Any) -> str:
    """`value` as one line of JSON (UTF-8 text, no character any line splitter breaks at)."""
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)


class EngineActor:
    """A Ray Data actor: one engine process for its whole life (one model copy per actor, per GPU on a GPU cluster)."""

    def __init__(self, package: str, device: str, threads: int | None, sampler: dict[str, Any] | None):
        self.engine = EngineProcess(package, device=device, threads=threads, sampler=sampler)
        note = f" ({self.engine.fallback_reason})" if self.engine.fallback_reason else ""
        e = self.engine
        print(
            f"engine {e.model['name']} {e.model['version']}: {e.backend} on {e.runtime or e.device}{note}",
            file=sys.stderr,
        )

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        docs = [json.loads(line) for line in batch["text"]]  # the decoder's JSON lines, as written
        results = self.engine.annotate([str(d["text"]) for d in docs])
        records = [output_record(d, self.engine.model, r) for d, r in zip(docs, results)]
        return {"index": [r["index"] for r in records], "record": [json_line(r) for r in records]}

    def __del__(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.close()


def decode_input(
    input_path: str, out_dir: Path, fmt: str | None, variant: str | None, shard_size: int
) -> dict[str, Any]:
    """Decodes the input with the workbench's codecs into out_dir/documents-*.jsonl; returns the decoder's summary."""
    repo = repo_root()
    cmd = node_script("decode-documents.ts", repo) + [
        "--input",
        str(Path(input_path).resolve()),
        "--out",
        str(out_dir),
        "--shard-size",
        str(shard_size),
    ]
    if fmt:
        cmd += ["--format", fmt]
    if variant:
        cmd += ["--variant", variant]
    done = subprocess.run(cmd, cwd=repo, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"could not decode {input_path} (exit code {done.returncode}; the reason is above)")
    return json.loads(done.stdout.strip().splitlines()[-1])


class ShardWriter:
    """Output records into suggestions-NNNNN.jsonl files of at most `size` records each."""

    def __init__(self, out_dir: Path, size: int):
        self.out_dir, self.size = out_dir, size
        self.shards: list[str] = []
        self.count = 0
        self.file = None

    def write(self, line: str) -> None:
        if self.count % self.size == 0:
            self.close()
            name = f"suggestions-{len(self.shards):05d}.jsonl"
            self.shards.append(name)
            self.file = open(self.out_dir / name, "w", encoding="utf-8")
        assert self.file is not None
        self.file.write(line + "\n")
        self.count += 1

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def check_once(indices: Iterable[int], total: int) -> None:
    """Raises unless every document index in [0, total) came back exactly once."""
    seen = bytearray(total)
    for i in indices:
        if not 0 <= i < total:
            raise RuntimeError(f"a result for document {i}, which is not in the input ({total} documents)")
        if seen[i]:
            raise RuntimeError(f"document {i} came back twice")
        seen[i] = 1
    missing = total - sum(seen)
    if missing:
        raise RuntimeError(f"{missing} of {total} documents came back without a result")


def run(args: argparse.Namespace) -> dict[str, Any]:
    import ray  # imported here so `--help` works without Ray

    started = time.time()
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob("suggestions-*.jsonl"), out_dir / "run.json"]:
        stale.unlink(missing_ok=True)  # a run writes its own shards; none of an earlier run may be mixed in
    staging = Path(args.stage_dir).resolve() if args.stage_dir else out_dir / "documents"
    if staging.exists():
        shutil.rmtree(staging)
    decoded = decode_input(args.input, staging, args.format, args.variant, args.shard_size)
    total = decoded["documents"]
    if total == 0:
        raise RuntimeError(f"{args.input} holds no usable document")

    if not ray.is_initialized():
        try:
            ray.init(address=args.address, include_dashboard=False, log_to_driver=True)
        except ConnectionError as error:
            raise RuntimeError(
                f"no Ray cluster at --address {args.address} ({error}); start one with `ray start --head`"
            ) from error
    gpus = int(ray.cluster_resources().get("GPU", 0))
    use_gpus = gpus > 0 and args.device != "cpu"
    workers = args.workers or (gpus if use_gpus else 1)
    resources: dict[str, Any] = {"num_gpus": 1} if use_gpus else {"num_cpus": args.threads}
    print(f"{total} documents; {workers} {'GPU' if use_gpus else 'CPU'} engine actor(s)", file=sys.stderr)

    sampler = json.loads(args.sampler) if args.sampler else None
    # Lines, parsed by the actors: a JSON reader would guess types ("007" as 7). Reading is light next to the engine,
    # so it takes none of the actors' CPUs (with as many actors as CPUs it would otherwise never run).
    ds = ray.data.read_text([str(staging / s) for s in decoded["shards"]], drop_empty_lines=True, num_cpus=0)
    ds = ds.map_batches(
        EngineActor,
        # `auto` on a CPU actor would only try CUDA and print why it fell back.
        fn_constructor_kwargs={
            "package": str(Path(args.package).resolve()),
            "device": args.device if use_gpus or args.device != "auto" else "cpu",
            "threads": None if use_gpus else args.threads,
            "sampler": sampler,
        },
        batch_size=args.batch_size,
        concurrency=workers,
        batch_format="numpy",
        **resources,
    )

    writer = ShardWriter(out_dir, args.shard_size)
    indices: list[int] = []
    models: set[tuple[str, str]] = set()
    try:
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for index, line in zip(batch["index"], batch["record"]):
                writer.write(str(line))
                indices.append(int(index))
                if len(models) == 0 or len(indices) % 1000 == 1:
                    model = json.loads(str(line))["model"]
                    models.add((model["name"], model["version"]))
    finally:
        writer.close()
    check_once(indices, total)
    if len(models) != 1:
        raise RuntimeError(f"the actors ran different models: {sorted(models)}")
    name, version = models.pop()
    if not args.keep_documents and not args.stage_dir:
        shutil.rmtree(staging)

    manifest_path = Path(args.package) / "manifest.json"
    seconds = time.time() - started
    summary = {
        "format": RUN_FORMAT,
        "formatVersion": RUN_FORMAT_VERSION,
        "model": {
            "name": name,
            "version": version,
            "package": str(Path(args.package).resolve()),
            "manifest": json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None,
        },
        "sampler": sampler or {},
        "input": {
            "path": str(Path(args.input).resolve()),
            "format": decoded["format"],
            "errors": decoded["errors"],
            "warnings": decoded["warnings"],
        },
        "documents": total,
        "shards": writer.shards,
        "workers": workers,
        "gpus": gpus if use_gpus else 0,
        "batchSize": args.batch_size,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(seconds, 2),
    }
    # Written last, through a rename: its presence says the shards beside it are complete.
    tmp = out_dir / "run.json.tmp"
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out_dir / "run.json")
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m dnw.package.batch_annotate", description=__doc__.split("\n\n")[0])
    p.add_argument("--package", required=True, help="model package folder (present at the same path on every node)")
    p.add_argument("--input", required=True, help="file or folder in a format `workbench import` reads")
    p.add_argument("--out", required=True, help="output folder: suggestions-*.jsonl and run.json")
    p.add_argument(
        "--format", help='input format (default: what the name says; .jsonl: doccano, i.e. {"text": ...} lines)'
    )
    p.add_argument("--variant", help="the format's variant (text: lines | file, ...)")
    p.add_argument("--workers", type=int, help="engine actors (default: one per GPU, else 1)")
    p.add_argument(
        "--address", help="Ray cluster to join (`auto`: the one this machine belongs to); default: a local one"
    )
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="engine device (default auto)")
    p.add_argument(
        "--threads", type=int, default=1, help="CPUs per CPU actor (its engine's intra-op threads; default 1)"
    )
    p.add_argument("--batch-size", type=int, default=256, help="documents per engine call (default 256)")
    p.add_argument("--sampler", help="sampler settings over the package's defaults, as JSON")
    p.add_argument("--shard-size", type=int, default=10_000, help="records per output file (default 10000)")
    p.add_argument(
        "--stage-dir", help="where decoded documents go for Ray to read (default OUT/documents, removed after)"
    )
    p.add_argument("--keep-documents", action="store_true", help="keep OUT/documents")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = run(args)
    except RuntimeError as error:
        print(f"batch_annotate: {error}", file=sys.stderr)
        return 1
    print(
        f"annotated {summary['documents']} documents with {summary['model']['name']} {summary['model']['version']} "
        f"in {summary['seconds']} s; wrote {len(summary['shards'])} shard(s) and run.json to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
