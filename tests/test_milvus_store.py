"""The Index over a real Milvus server: the same passages as FAISS, filtering in the engine, a rebuild that
leaves no stale collections, and a clear error when the server is down."""

import shutil
import time
from pathlib import Path

import pytest
from conftest import SEEDS

from rag import Index
from rag.errors import IndexStoreError
from rag.evaluation.milvus_server import free_port
from rag.evaluation.questions import load_questions
from rag.store import files, stores
from rag.store.milvus import MilvusStore

pytestmark = pytest.mark.slow

QUESTIONS = load_questions(Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl")


def top5(index: Index, question: str, docs=None) -> list[tuple[str, str]]:
    return [(p.doc_id, p.label) for p in index.search(question, k=5, documents=docs)]


@pytest.fixture(scope="module")
def milvus_index(milvus_uri, embedder, tmp_path_factory):
    folder = tmp_path_factory.mktemp("milvus-index")
    return Index.open(SEEDS, folder, embedder=embedder, store=milvus_uri), folder


def test_milvus_gives_the_passages_faiss_gives(milvus_index, seed_index):
    index, folder = milvus_index
    manifest = files.read_manifest(files.live_build(folder))
    assert manifest["dense"]["dense"]["type"] == "milvus" and not (files.live_build(folder) / "dense.faiss").exists()
    differing = [q.question for q in QUESTIONS if top5(index, q.question) != top5(seed_index, q.question)]
    assert differing == []  # HNSW over a few hundred vectors finds every nearest one
    answer, reference = index.answer(QUESTIONS[0].question), seed_index.answer(QUESTIONS[0].question)
    assert answer.confidence == pytest.approx(reference.confidence, abs=1e-5)  # the engine's scores are exact


def test_a_document_filter_is_applied_in_the_engine(milvus_index, seed_index):
    index, _ = milvus_index
    only = ["001_0e57f4d588244c4d"]
    for question in ("enhanced cooperation working group", "gender digital divide"):
        passages = index.search(question, k=5, documents=only)
        assert passages and {p.doc_id for p in passages} == set(only)
        assert top5(index, question, only) == top5(seed_index, question, only)


def test_a_rebuild_replaces_the_collections(milvus_uri, embedder, tmp_path):
    docs, folder = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(SEEDS, docs)
    first = Index.open(docs, folder, embedder=embedder, store=milvus_uri)
    old = {entry["collection"] for entry in first.manifest["dense"].values()}
    next(path for path in sorted(docs.iterdir()) if path.suffix == ".txt").unlink()
    second = Index.open(docs, folder, embedder=embedder, store=milvus_uri)
    new = {entry["collection"] for entry in second.manifest["dense"].values()}
    assert len(second.documents) == len(first.documents) - 1 and not old & new
    with MilvusStore(milvus_uri) as milvus:
        assert set(milvus.collections(stores._prefix(folder))) == new  # the old build's are dropped
    assert second.search("Internet governance", k=3)


def test_an_index_built_for_faiss_is_rebuilt_for_milvus_and_back(milvus_uri, embedder, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Note\n\n1. Broadband for every school.\n\n2. Libraries open late.\n")
    faiss_index = Index.open(docs, tmp_path / "index", embedder=embedder)
    assert faiss_index.manifest["store"] == "faiss"
    milvus_index = Index.open(docs, tmp_path / "index", embedder=embedder, store=milvus_uri)
    assert milvus_index.manifest["store"] == milvus_uri
    assert milvus_index.search("libraries", k=1)[0].label == "2"


def test_a_server_that_is_down_is_a_clear_error_not_a_hang(milvus_index, embedder, tmp_path):
    _, folder = milvus_index
    down = f"milvus://127.0.0.1:{free_port()}"
    began = time.monotonic()
    with pytest.raises(IndexStoreError, match=r"Cannot reach Milvus at 127\.0\.0\.1:\d+"):
        Index.open(SEEDS, tmp_path / "elsewhere", embedder=embedder, store=down)
    assert time.monotonic() - began < 30


def test_an_unknown_store_is_refused():
    from rag.errors import QueryError

    with pytest.raises(QueryError, match="Unknown store"):
        stores.resolve("redis://localhost")
