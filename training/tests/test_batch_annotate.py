"""dnw.package.batch_annotate on a local Ray cluster (two CPU actors) with the embedded model: the sharded output equals the
single-process engine's for the same texts and settings, every document comes back exactly once, and
`workbench import --as-suggestions` stores them as suggestions with the model's version (docs/scale-out.md)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import unicodedata

import pytest

ray = pytest.importorskip(
    "ray", reason="Ray is not installed (pip install -r training/requirements.txt): batch pre-annotation is not tested"
)
pytest.importorskip("ray.data", reason="Ray Data is not installed (ray[data]): batch pre-annotation is not tested")

from dnw.package.batch_annotate import EngineProcess, check_once, decode_input, parse_args, repo_root, run  # noqa: E402

REPO = repo_root()
PACKAGE = REPO / "assets" / "model"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None or not (REPO / "node_modules" / "tsx").exists(),
    reason="Node and node_modules are needed: the engine runs in Node (npm install)",
)

TEXTS = [
    "Bệnh nhân 91 ở Hà Nội , sốt cao .",
    "Chị N.T.H 35 tuổi làm việc tại Bệnh viện Bạch Mai .",
    unicodedata.normalize("NFD", "Bệnh nhân 416 đang điều trị tại Bệnh viện Chợ Rẫy , TP. HCM ."),  # NFD in, NFC stored
    "Ngày 29 - 2 , bệnh nhân số 34 từ Mỹ về Việt Nam 🙂 , quá cảnh Qatar .",
    "Bác sĩ Trần Thanh Linh cho biết bệnh nhân vẫn thở máy , xơ phổi .",
    "Không có ca mắc mới .",
    "Bệnh nhân 91 ở Hà Nội , sốt cao .",  # a duplicate text is still its own document
    "Sở Y tế Bình Thuận khoanh vùng , khử khuẩn phường Phú Thủy .",
    "Nam giới 27 tuổi , phi công người Anh , ho , sốt , khó thở .",
    "Ca bệnh được cách ly tại Trung tâm Y tế quận Tân Bình từ ngày 15 - 3 .",
    "Chuyến bay VN0054 từ London về Nội Bài ngày 2 - 3 .",
    "Bệnh nhân 188 , nữ , 29 tuổi , ở xã Hạ Lôi , huyện Mê Linh .",
    "Kết quả xét nghiệm âm tính lần thứ ba .",
    "Hai bệnh nhân được xuất viện sáng nay tại Bệnh viện Bệnh Nhiệt đới Trung ương cơ sở 2 .",
    "Bệnh nhân 243\u2028ở Mê Linh\u0085sốt .",  # line separators Python's splitlines would cut at
]
IDS = {3: "007"}  # a record's own id is its name, kept as a string


@pytest.fixture(scope="module")
def cluster():
    # One local cluster for the module: Ray takes seconds to start. Its two GPUs are only declared (Ray schedules by
    # logical resources): GPU actors get one each and their engines fall back to the CPU, as on a machine without CUDA.
    ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def batch_run(cluster, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    corpus = tmp / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({**({"id": IDS[i]} if i in IDS else {}), "text": t}, ensure_ascii=False) + "\n"
            for i, t in enumerate(TEXTS)
        ),
        encoding="utf-8",
    )
    out = tmp / "out"
    summary = run(
        parse_args(
            [
                "--package",
                str(PACKAGE),
                "--input",
                str(corpus),
                "--out",
                str(out),
                "--workers",
                "2",
                "--device",
                "cpu",
                "--batch-size",
                "1",
                "--shard-size",
                "5",
            ]
        )
    )
    records = [
        json.loads(line)
        for shard in summary["shards"]
        for line in (out / shard).read_text(encoding="utf-8").splitlines()
    ]  # any splitter
    return {"tmp": tmp, "corpus": corpus, "out": out, "summary": summary, "records": records}


def test_every_document_comes_back_once_with_the_model(batch_run):
    summary, records = batch_run["summary"], batch_run["records"]
    assert summary["documents"] == len(TEXTS) and summary["workers"] == 2
    assert len(summary["shards"]) == 3  # 15 records, 5 per shard
    assert sorted(r["index"] for r in records) == list(range(len(TEXTS)))
    assert {r["index"]: r["name"] for r in records} == {
        i: IDS.get(i, str(i + 1)) for i in range(len(TEXTS))
    }  # doccano: id, else record number
    manifest = json.loads((PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    for r in records:
        assert r["model"] == {"name": manifest["name"], "version": manifest["version"]}
        assert r["source"] == "corpus.jsonl"
        assert r["text"] == unicodedata.normalize("NFC", TEXTS[r["index"]])
    assert (batch_run["out"] / "run.json").exists() and not (batch_run["out"] / "documents").exists()
    assert sum(len(r["entities"]) for r in records) > 0


def test_output_equals_the_single_process_engine(batch_run, tmp_path):
    decoded = decode_input(str(batch_run["corpus"]), tmp_path / "docs", None, None, 1000)
    docs = [
        json.loads(line) for line in (tmp_path / "docs" / decoded["shards"][0]).read_text(encoding="utf-8").splitlines()
    ]
    engine = EngineProcess(str(PACKAGE), device="cpu", threads=1)
    try:
        expected = [engine.annotate([d["text"]])[0] for d in docs]  # one text per call, as the actors were given them
    finally:
        engine.close()
    by_index = {r["index"]: r for r in batch_run["records"]}
    for doc, want in zip(docs, expected):
        got = by_index[doc["index"]]
        assert (got["name"], got["text"]) == (doc["name"], doc["text"])
        # Exactly equal, scores included: the same engine call on each text. (Texts batched together in one call
        # share a padded length, and the embedded model's int8 dynamic quantisation scales activations per batch, so
        # scores then move by ~1e-5: docs/scale-out.md.)
        assert got["entities"] == want["entities"], doc["text"]
        assert got["problems"] == want["problems"]
        assert got["signals"] == want["signals"]


def test_import_gives_suggestions_with_the_model_version(batch_run, tmp_path):
    workbench = [NODE, str(REPO / "bin" / "workbench.js")]
    db = tmp_path / "w.sqlite"
    subprocess.run([*workbench, "init", str(db)], check=True, capture_output=True)
    # The corpus is in the project first: the suggestions land on its documents, which stay unannotated.
    subprocess.run(
        [*workbench, "import", str(db), str(batch_run["corpus"]), "--format", "doccano"],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [*workbench, "import", str(db), str(batch_run["out"]), "--as-suggestions"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(TEXTS)} runs added" in done.stdout
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT d.source_ref, d.status, s.model_name, s.model_version, s.model_id, "
            "(SELECT count(*) FROM suggested_spans p WHERE p.suggestion_id = s.id) "
            "FROM suggestions s JOIN documents d ON d.id = s.document_id"
        ).fetchall()
        revisions = con.execute("SELECT count(*) FROM annotation_revisions").fetchone()[0]
    finally:
        con.close()
    assert len(rows) == len(TEXTS) and len({r[0] for r in rows}) == len(TEXTS)
    summary = batch_run["summary"]
    assert {(r[2], r[3]) for r in rows} == {(summary["model"]["name"], summary["model"]["version"])}
    assert all(r[4] is not None for r in rows)  # the package is in the model registry
    assert {r[1] for r in rows} == {"pre-annotated"}
    assert sum(r[5] for r in rows) == sum(len(r["entities"]) for r in batch_run["records"])
    assert revisions == 0  # suggestions, not annotations
    again = subprocess.run(
        [*workbench, "import", str(db), str(batch_run["out"]), "--as-suggestions"], capture_output=True, text=True
    )
    assert again.returncode == 0 and f"{len(TEXTS)} already there" in again.stdout


def test_gpu_actors_one_per_gpu(batch_run, tmp_path):
    corpus = tmp_path / "few.txt"
    corpus.write_text("\n".join(TEXTS[:3]) + "\n", encoding="utf-8")  # plain text: one document per line
    summary = run(
        parse_args(
            ["--package", str(PACKAGE), "--input", str(corpus), "--out", str(tmp_path / "out"), "--batch-size", "1"]
        )
    )
    assert (summary["gpus"], summary["workers"]) == (2, 2)  # no --workers: one actor per GPU
    records = [
        json.loads(line) for line in (tmp_path / "out" / summary["shards"][0]).read_text(encoding="utf-8").splitlines()
    ]
    assert sorted((r["index"], r["name"]) for r in records) == [(i, str(i + 1)) for i in range(3)]
    cpu = {r["index"]: r["entities"] for r in batch_run["records"]}
    assert {r["index"]: r["entities"] for r in records} == {i: cpu[i] for i in range(3)}


def test_check_once_names_what_is_wrong():
    check_once([2, 0, 1], 3)
    with pytest.raises(RuntimeError, match="came back twice"):
        check_once([0, 1, 1], 3)
    with pytest.raises(RuntimeError, match="1 of 3 documents"):
        check_once([0, 2], 3)
