"""The Milvus store against a real Milvus 2.3.5 server (one per session) and against Milvus Lite."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

from rag.errors import IndexStoreError, QueryError
from rag.evaluation.milvus_server import free_port, milvus_server
from rag.store import stores
from rag.store.milvus import MilvusStore

pytestmark = pytest.mark.slow

DOCS = ["A_RES_78_1", "004_7b6cb249c0a88164", 'odd "quoted" \\ id', "E_2016_L.23", "Déclaration_de_Genève"]


def unit_vectors(count: int, seed: int, dimensions: int = 384) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, dimensions)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def corpus(count: int) -> tuple[list[dict], np.ndarray]:
    rows = [{"doc_id": DOCS[i % len(DOCS)], "unit": i // 2, "label": f"{i}", "text": f"para {i}"} for i in range(count)]
    return rows, unit_vectors(count, seed=count)


def exact_top(vectors: np.ndarray, query: np.ndarray, n: int, allowed: np.ndarray | None = None) -> list[int]:
    scores = vectors @ query[0]
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return [int(i) for i in np.argsort(-scores, kind="stable")[:n] if scores[i] > -np.inf]


@pytest.fixture(scope="module")
def store(milvus_uri):
    with MilvusStore(milvus_uri) as store:
        yield store


@pytest.fixture(scope="module")
def written(store):
    """400 random unit vectors of five documents, written once for the read-only tests."""
    rows, vectors = corpus(400)
    store.write("t_corpus", rows, vectors)
    return store.open("t_corpus"), vectors, np.array([row["doc_id"] for row in rows])


def test_a_store_is_faiss_a_milvus_server_or_a_milvus_lite_file():
    milvus = ("milvus://127.0.0.1:19530", "index/vectors.db")
    assert [stores.is_milvus(stores.resolve(store)) for store in milvus] == [True, True]
    assert stores.resolve("index/vectors.db") == str(Path("index/vectors.db").absolute())
    assert not stores.is_milvus(stores.resolve("faiss"))
    for other in ("index", "x.dbx"):
        with pytest.raises(QueryError, match=f"Unknown store '{other}'"):
            stores.resolve(other)


def test_search_matches_exact_inner_product(written):
    found, vectors, _ = written
    assert len(found) == 400
    for seed in range(5):
        query = unit_vectors(1, seed=1000 + seed)
        scores, rows = found.search(query, 10)
        assert scores.dtype == np.float32 and rows.dtype == np.int64
        assert set(rows[:5].tolist()) == set(exact_top(vectors, query, 5))
        assert np.allclose(scores, vectors[rows] @ query[0], atol=1e-4)
        assert scores.tolist() == sorted(scores.tolist(), reverse=True)


def test_search_filters_by_document_in_the_engine(written):
    found, vectors, doc_ids = written
    query = unit_vectors(1, seed=7)
    for docs in (["A_RES_78_1"], ['odd "quoted" \\ id', "Déclaration_de_Genève"]):
        rows = found.search(query, 10, docs=docs)[1]
        assert rows.tolist() == exact_top(vectors, query, 10, np.isin(doc_ids, docs))
    assert found.search(query, 10, docs=["not a document"])[1].tolist() == []
    assert found.search(query, 10, docs=[])[1].tolist() == []
    assert len(found.search(query, 500, docs=["A_RES_78_1"])[1]) == 80  # fewer than n qualify


def test_vectors_come_back_in_the_order_asked(written):
    found, vectors, _ = written
    asked = [399, 3, 250, 3, 0]
    assert np.array_equal(found.vectors(asked), vectors[asked])
    assert found.vectors([]).shape == (0, 384)
    with pytest.raises(IndexStoreError, match="has no row 400"):
        found.vectors([1, 400])


def test_writing_again_replaces_the_collection(store):
    rows, vectors = corpus(300)
    store.write("t_again", rows, vectors)
    store.write("t_again", rows[:120], vectors[:120])
    found = store.open("t_again")
    assert len(found) == 120
    assert found.search(vectors[200:201], 300)[1].max() < 120


def test_collections_and_drop(store):
    rows, vectors = corpus(20)
    for name in ("b_1_dense", "b_2_dense"):
        store.write(name, rows, vectors)
    assert store.collections("b_") == ["b_1_dense", "b_2_dense"]
    store.drop("b_1_dense")
    store.drop("b_1_dense")  # dropping what is gone is not an error
    assert store.collections("b_") == ["b_2_dense"]
    with pytest.raises(IndexStoreError, match="has no collection b_1_dense"):
        store.open("b_1_dense")


def test_a_text_too_long_for_milvus_is_refused(store):
    rows, vectors = corpus(2)
    rows[1] = {**rows[1], "text": "é" * 40_000}
    with pytest.raises(IndexStoreError, match="has a text of 80,000 bytes; Milvus stores at most 65,535"):
        store.write("t_long", rows, vectors)


def test_a_server_that_is_down_fails_quickly_with_its_address():
    port = free_port()
    started = time.monotonic()
    with pytest.raises(IndexStoreError, match=rf"Cannot reach Milvus at 127\.0\.0\.1:{port} \(connection refused\)"):
        MilvusStore(f"milvus://127.0.0.1:{port}", timeout=5.0)
    assert time.monotonic() - started < 15


def test_a_malformed_address_is_refused():
    with pytest.raises(IndexStoreError, match="is not a Milvus address"):
        MilvusStore("milvus://127.0.0.1")


def test_a_server_that_stops_fails_the_next_call_quietly(capfd):
    with milvus_server() as uri, MilvusStore(uri, timeout=5.0) as store:
        port = uri.rsplit(":", 1)[1]
        (server,) = [p for p in psutil.Process().children() if port in p.cmdline()]
        os.killpg(server.pid, signal.SIGKILL)
        started = time.monotonic()
        with pytest.raises(IndexStoreError, match=rf"Cannot reach Milvus at 127\.0\.0\.1:{port} to list collections"):
            store.collections()
        assert time.monotonic() - started < 15
    assert "Traceback" not in capfd.readouterr().err


def test_milvus_lite(tmp_path):
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed")
    rows, vectors = corpus(400)
    doc_ids = np.array([row["doc_id"] for row in rows])
    with MilvusStore(str(tmp_path / "vectors.db")) as store:
        store.write("lite_dense", rows, vectors)
        found = store.open("lite_dense")
        query = unit_vectors(1, seed=3)
        assert found.search(query, 10)[1].tolist() == exact_top(vectors, query, 10)
        docs = ["004_7b6cb249c0a88164", 'odd "quoted" \\ id']
        assert found.search(query, 10, docs)[1].tolist() == exact_top(vectors, query, 10, np.isin(doc_ids, docs))
        assert np.array_equal(found.vectors([5, 1]), vectors[[5, 1]])
        assert store.collections("lite_") == ["lite_dense"]
        assert len(found) == 400


def test_milvus_lite_in_a_missing_folder_is_refused(tmp_path):
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed")
    with pytest.raises(
        IndexStoreError, match="Cannot open Milvus Lite at .*missing/vectors.db: its folder does not exist"
    ):
        MilvusStore(str(tmp_path / "missing" / "vectors.db"))


def test_milvus_lite_open_in_another_process_is_refused(tmp_path):
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed")
    path = str(tmp_path / "vectors.db")
    other = (
        "from rag.store.milvus import MilvusStore\ntry:\n    MilvusStore({!r})\nexcept Exception as e:\n    print(e)"
    )
    with MilvusStore(path) as store:
        store.write("lite_dense", *corpus(4))
        result = subprocess.run([sys.executable, "-c", other.format(path)], capture_output=True, text=True, timeout=120)
    assert "only one process at a time can use it" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_scale_bench_measures_milvus_lite_against_exact_search(tmp_path):
    from rag.evaluation import scale_milvus

    vectors, queries = unit_vectors(500, seed=5), unit_vectors(8, seed=6)
    rows = [{"doc_id": f"doc{i % scale_milvus.DOCUMENTS}", "unit": i, "label": str(i), "text": ""} for i in range(500)]
    result = scale_milvus._measure(str(tmp_path / "bench.db"), rows, vectors, queries)
    assert result["vectors"] == 500 and result["recall10"] == 1.0  # Lite searches exactly
    assert result["filtered_recall10"] == 1.0 and result["p50_ms"] > 0
    assert "Milvus Lite" in scale_milvus.table([{"engine": "Milvus Lite", **result}])
