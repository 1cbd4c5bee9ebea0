"""The scale benchmark's statistics and report, on corpora of a few thousand vectors (the full run is
`rag bench --scale`, about an hour)."""

import json

import numpy as np
import pytest

from rag.cli import main
from rag.evaluation import scale

WORDS = "digital divide gender internet governance access women youth broadband the of and for".split()


@pytest.fixture(scope="module")
def real() -> np.ndarray:
    """2,000 unit vectors in 50 clusters, as embeddings of paragraphs on a few subjects are."""
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((50, 384), dtype=np.float32)
    vectors = centres[rng.integers(50, size=2000)] + 0.6 * rng.standard_normal((2000, 384), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def queries(real) -> np.ndarray:
    return scale.synthetic(real, 40, 0.05, seed=3)


def test_recall_counts_the_rows_found_that_reach_the_kth_similarity_so_twins_count():
    corpus = np.array([[1, 0], [0.6, 0.8], [1, 0], [0, 1]], dtype=np.float32)  # rows 0 and 2 are twins
    queries = np.array([[1, 0], [0, 1]], dtype=np.float32)
    kth = scale.exact(corpus, queries, 2)[0][:, 1]
    assert kth.tolist() == pytest.approx([1.0, 0.8])
    assert scale.recall_at_k(np.array([[2, 0], [3, 1]]), corpus, queries, kth) == 1.0
    assert scale.recall_at_k(np.array([[0, 1], [3, -1]]), corpus, queries, kth) == 0.5
    assert scale.recall_at_k(np.array([[3, -1], [0, 2]]), corpus, queries, kth) == 0.0


def test_synthetic_vectors_are_unit_norm_seeded_and_as_near_their_source_as_sigma_says(real):
    vectors = scale.synthetic(real, 5000, 0.03, seed=1, batch=1024)
    assert vectors.dtype == np.float32 and vectors.shape == (5000, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors, scale.synthetic(real, 5000, 0.03, seed=1, batch=1024))
    nearest = (vectors[:300] @ real.T).max(axis=1)  # the source row: cosine 1 / sqrt(1 + 384 sigma^2)
    assert np.median(nearest) == pytest.approx(1 / np.sqrt(1 + 384 * 0.03**2), abs=0.02)
    copies = scale.synthetic(real, 100, 0.0)
    np.testing.assert_allclose((copies @ real.T).max(axis=1), 1.0, atol=1e-5)


def test_calibration_keeps_the_sigma_whose_similarity_medians_are_closest_to_the_real_sets(real, queries):
    found = scale.calibrate(real, queries, 4000, sigmas=(0.0, 0.03, 0.2))
    tried = {row["sigma"]: row for row in found["tried"]}
    assert found["real"] == scale.similarity_medians(real, queries)
    assert found["sigma"] == min(tried, key=lambda sigma: tried[sigma]["gap"]) != 0.2
    assert tried[0.0]["top1_median"] > tried[0.03]["top1_median"] > tried[0.2]["top1_median"]
    assert tried[0.2]["gap"] == pytest.approx(
        sum(abs(tried[0.2][key] - found["real"][key]) for key in ("top1_median", "top10_median"))
    )


def test_inverted_lists_grow_as_four_square_roots_in_powers_of_two():
    assert [scale.nlist_for(n) for n in (2_000, 72_621, 100_000, 1_000_000)] == [32, 1024, 1024, 4096]


def test_every_index_type_returns_results_and_flat_is_exact(real, queries):
    rows = scale.measure_dense(real, queries, progress=lambda message: None)
    assert [r["type"] for r in rows] == [name for name, *_ in scale.TYPES]
    assert [r["factory"] for r in rows][3:] == ["IVF32,SQ8", "IVF32,PQ48np", "IVF32,PQ48np,Refine(SQ8)"]
    assert rows[0]["recall10"] == rows[0]["filtered_recall10"] == 1.0
    for row in rows:
        assert row["recall10"] > 0.5 and row["filtered_recall10"] > 0, row["factory"]
        assert row["bytes"] > 0 and 0 < row["p50_ms"] <= row["p95_ms"] and row["filtered_p50_ms"] > 0
    hnsw = rows[1]["params"]
    assert hnsw["efConstruction"] == 40 and hnsw["efSearch"] in scale.EF_SEARCH
    assert list(hnsw["recall_by_efSearch"])[-1] == hnsw["efSearch"]
    assert rows[5]["params"]["k_factor"] == 16 and rows[5]["params"]["nprobe"] in scale.NPROBE


def test_a_build_past_its_time_limit_is_stopped_and_reported(real, queries):
    row = scale.measure("HNSW32", "HNSW32", "efSearch", (16,), real, queries, None, None, None, limit_s=0)
    assert row["stopped"].endswith("with 0 rows added") and "p50_ms" not in row


def test_the_report_has_every_figure_and_a_plot(real, queries, tmp_path, monkeypatch):
    monkeypatch.setattr(scale, "TYPES", scale.TYPES[:1] + scale.TYPES[3:4])  # Flat and IVF-SQ8: fast enough
    texts = [" ".join(np.random.default_rng(i).choice(WORDS, 30)) for i in range(1000)]
    questions = ["What about the gender digital divide?", "internet governance", "the of and"]
    report = scale.run(real[:1000], queries, texts, questions, [2000], sigmas=(0.0, 0.03), progress=lambda m: None)
    paths = scale.write(report, tmp_path)
    saved = json.loads(paths[0].read_text())
    assert {"cpu", "cores", "faiss", "numpy"} <= set(saved["machine"])
    assert saved["synthetic"]["2000"]["sigma"] in (0.0, 0.03) and saved["real_size"] == 1000
    assert [(r["size"], r["corpus"], r["type"]) for r in saved["dense"]] == [
        (1000, "real", "Flat"), (1000, "real", "IVF,SQ8"), (2000, "synthetic", "Flat"), (2000, "synthetic", "IVF,SQ8")
    ]  # fmt: skip
    figures = {"params", "build_s", "bytes", "rss_mb", "p50_ms", "p95_ms", "p50_ms_1thread", "recall10"}
    assert all(figures | {"filtered_p50_ms", "filtered_recall10", "meets_targets"} <= set(r) for r in saved["dense"])
    assert [(r["size"], r["library"]) for r in saved["bm25"]] == [
        (1000, "bm25s"), (1000, "LexicalIndex"), (2000, "bm25s"), (2000, "LexicalIndex")
    ]  # fmt: skip
    assert saved["bm25"][0]["questions"] == 2  # "the of and" is all stop words for bm25s
    assert saved["recommendation"]["at_size"] == 2000 and saved["recommendation"]["flat_up_to"] > 0
    assert paths[1].read_bytes().startswith(b"\x89PNG")
    assert "| 2,000 | synthetic | Flat |" in scale.table(saved)


@pytest.mark.parametrize("sizes", ["100k", "0", "1000,,2000"])
def test_the_cli_refuses_sizes_that_are_not_positive_numbers(sizes, capsys):
    assert main(["bench", "--scale", "--sizes", sizes]) == 2
    assert "--sizes takes positive whole numbers" in capsys.readouterr().err


def test_the_cli_says_when_there_is_no_index(tmp_path, capsys):
    assert main(["bench", "--scale", "--sizes", "2000", "--index", str(tmp_path)]) == 1
    assert f"No built index in {tmp_path}" in capsys.readouterr().err


def test_flat_is_fast_enough_up_to_where_its_latency_crosses_the_limit():
    flat = [{"type": "Flat", "size": n, "p50_ms": ms} for n, ms in ((1000, 1.0), (3000, 9.0), (9000, 30.0))]
    ivf = {"type": "IVF,SQ8", "size": 9000, "p50_ms": 2.0, "meets_targets": True}
    ivf |= {"factory": "IVF64,SQ8", "params": {"nprobe": 32, "recall_by_nprobe": {"32": 0.96}}}
    advice = scale.recommend([*flat, ivf])
    assert advice["flat_up_to"] == 2000  # between 1,000 (1 ms) and 3,000 (9 ms)
    assert advice["beyond"] == {"factory": "IVF64,SQ8", "nprobe": 32} and advice["meeting_targets"] == ["IVF,SQ8"]
    assert scale.recommend(flat[:1])["flat_up_to"] == 5000  # all under the limit: in proportion
