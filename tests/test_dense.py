"""The FAISS index type chosen by size, approximate search against exact, and an approximate build end to end."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import SEEDS

from rag import Index
from rag.evaluation.questions import load_questions
from rag.store import dense, files
from rag.store.build import build

QUESTIONS = load_questions(Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl")


def clustered(count: int, dimensions: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors around the same 40 centres whatever the seed: nearest neighbours not trivially far apart."""
    centres = np.random.default_rng(0).normal(size=(40, dimensions)).astype(np.float32)
    generator = np.random.default_rng(seed)
    vectors = centres[generator.integers(0, 40, count)] + 0.6 * generator.normal(size=(count, dimensions))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_exact_while_small_then_ivf():
    assert dense.choose(1) == dense.choose(dense.FLAT_UP_TO) == dense.FLAT
    assert dense.choose(dense.FLAT_UP_TO + 1) == dense.IVF
    assert dense.choose(10, "ivf") == dense.IVF and dense.choose(10**7, "flat") == dense.FLAT
    with pytest.raises(ValueError, match="Unknown dense index"):
        dense.choose(10, "hnsw")


def test_ivf_finds_what_exact_search_finds():
    vectors, queries = clustered(5000), clustered(50, seed=1)
    docs = np.array([f"doc{i % 25}" for i in range(len(vectors))])
    exact = dense.FaissVectors(dense.make(vectors, dense.FLAT), docs)
    approximate = dense.FaissVectors(dense.make(vectors, dense.IVF), docs, vectors)
    recall = np.mean(
        [len(set(exact.search(q[None], 10)[1]) & set(approximate.search(q[None], 10)[1])) / 10 for q in queries]
    )
    assert recall >= 0.95
    scores, rows = approximate.search(queries[:1], 10)
    assert np.all(np.diff(scores) <= 1e-6) and rows.dtype == np.int64  # best first


def test_a_document_filter_searches_only_those_documents_and_exactly_when_few():
    vectors, query = clustered(3000), clustered(1, seed=2)
    docs = np.array([f"doc{i % 30}" for i in range(len(vectors))])
    exact = dense.FaissVectors(dense.make(vectors, dense.FLAT), docs)
    approximate = dense.FaissVectors(dense.make(vectors, dense.IVF), docs, vectors)
    wanted = ["doc3", "doc17"]
    for search in (exact, approximate):
        scores, rows = search.search(query, 20, wanted)
        assert len(rows) == 20 and set(docs[rows]) <= set(wanted)
    assert np.array_equal(exact.search(query, 20, wanted)[1], approximate.search(query, 20, wanted)[1])
    assert len(exact.search(query, 500, ["doc3"])[1]) == 100  # fewer than asked: all the document has
    assert len(exact.search(query, 5, ["nowhere"])[1]) == 0


def test_vectors_are_given_back_exactly_by_row():
    vectors = clustered(200)
    docs = np.array(["d"] * 200)
    flat, ivf = dense.make(vectors, dense.FLAT), dense.make(vectors, dense.IVF)
    for search in (dense.FaissVectors(flat, docs), dense.FaissVectors(ivf, docs, vectors)):
        assert np.array_equal(search.vectors([5, 3, 199]), vectors[[5, 3, 199]])


def test_an_ivf_build_answers_as_the_flat_one_and_keeps_its_exact_vectors(tmp_path, embedder, seed_index):
    report = build(SEEDS, tmp_path / "index", embedder=embedder, dense_index="ivf")
    manifest = json.loads((report.folder / "manifest.json").read_text())
    assert manifest["dense"]["dense"]["type"] == manifest["dense"]["sentences"]["type"] == dense.IVF
    assert (report.folder / "dense.npy").is_file() and (report.folder / "sentences.npy").is_file()
    approximate = Index.open(SEEDS, tmp_path / "index", embedder=embedder)
    assert approximate.manifest["dense"]["dense"]["type"] == dense.IVF  # opened as built, not rebuilt
    differing = [
        q.question
        for q in QUESTIONS
        if [(p.doc_id, p.label) for p in approximate.search(q.question)]
        != [(p.doc_id, p.label) for p in seed_index.search(q.question)]
    ]
    assert differing == []  # a few hundred vectors: every list is searched
    stored = files.load(report.folder)
    flat = files.load(files.live_build(Path(os.environ["RAG_INDEX"])))
    assert np.array_equal(stored.vectors("dense"), flat.vectors("dense"))
    again = build(SEEDS, tmp_path / "index", embedder=embedder, dense_index="ivf")
    assert again.embedded == 0  # the exact vectors kept beside the lists are reused


def test_a_wide_document_filter_is_searched_in_the_lists_and_still_only_those_documents(monkeypatch):
    monkeypatch.setattr(dense, "EXACT_SUBSET", 0)  # as if the documents chosen held too many rows to score all
    vectors, queries = clustered(5000), clustered(20, seed=3)
    docs = np.array([f"doc{i % 10}" for i in range(len(vectors))])
    exact = dense.FaissVectors(dense.make(vectors, dense.FLAT), docs)
    approximate = dense.FaissVectors(dense.make(vectors, dense.IVF), docs, vectors)
    wanted = ["doc1", "doc2", "doc3"]
    overlap = []
    for query in queries:
        scores, rows = approximate.search(query[None], 10, wanted)
        assert set(docs[rows]) <= set(wanted) and np.allclose(scores, vectors[rows] @ query, atol=1e-6)
        overlap.append(len(set(rows) & set(exact.search(query[None], 10, wanted)[1])) / 10)
    assert np.mean(overlap) >= 0.95
