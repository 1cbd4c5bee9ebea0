"""The Milvus part of `rag bench --scale`: the real chunk vectors written to a throwaway Milvus server (and to
Milvus Lite), then the same questions as the FAISS part, one at a time: write seconds, server memory,
search p50/p95, recall@10 against exact search, and the same with a document filter applied in the engine.

Rows are given to 100 made-up documents in turn, so a one-document filter allows 1% of them, as the FAISS
part's filter does.
"""

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from rag.evaluation.milvus_server import executable, milvus_server
from rag.evaluation.scale import TIE, K
from rag.store.milvus import MilvusStore

DOCUMENTS = 100


def run_and_report(vectors: np.ndarray, queries: np.ndarray, out: Path, progress=print) -> tuple[str, Path]:
    """Measure, write out/scale-milvus.json; the table and the file written."""
    results = measure(vectors, queries, progress)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "scale-milvus.json"
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return table(results), path


def measure(vectors: np.ndarray, queries: np.ndarray, progress=print) -> list[dict]:
    """One row per engine: a Milvus server (HNSW) when `milvus-server` is installed, and Milvus Lite."""
    rows = [{"doc_id": f"doc{i % DOCUMENTS}", "unit": i, "label": str(i), "text": ""} for i in range(len(vectors))]
    results = []
    if executable() is not None:
        began = time.perf_counter()
        with milvus_server() as uri:
            started = time.perf_counter() - began
            progress(f"Milvus server: writing {len(vectors):,} vectors ...")
            result = _measure(uri, rows, vectors, queries)
            result["engine"], result["start_s"] = "Milvus 2.3.5 server, HNSW", round(started, 1)
            result["server_rss_mib"] = round(_children_rss() / 2**20)
            results.append(result)
    with tempfile.TemporaryDirectory() as folder:
        progress(f"Milvus Lite: writing {len(vectors):,} vectors ...")
        result = _measure(str(Path(folder) / "bench.db"), rows, vectors, queries)
        results.append({"engine": "Milvus Lite, exact (FLAT)", **result})
    return results


def _measure(uri: str, rows: list[dict], vectors: np.ndarray, queries: np.ndarray) -> dict:
    scores = vectors @ queries.T  # exact similarities, row by question
    with MilvusStore(uri, timeout=60.0) as store:
        began = time.perf_counter()
        store.write("scale_bench", rows, vectors)
        written = time.perf_counter() - began
        search = store.open("scale_bench")
        plain = _run(lambda q: search.search(q, K), queries, scores, None)
        only = _run(lambda q: search.search(q, K, ["doc7"]), queries, scores, np.arange(len(vectors)) % DOCUMENTS == 7)
        store.drop("scale_bench")
    return {
        "vectors": len(vectors),
        "write_s": round(written, 1),
        **plain,
        **{f"filtered_{key}": value for key, value in only.items()},
    }


def _run(search, queries: np.ndarray, scores: np.ndarray, allowed: np.ndarray | None) -> dict:
    """p50, p95 and recall@10, ties counted as scale.recall_at_k counts them (a row as similar as the 10th
    best is found), over the rows the filter allows when they are fewer than 10."""
    if allowed is not None:
        scores = np.where(allowed[:, None], scores, -np.inf)
    kth = -np.sort(-scores, axis=0)[K - 1]
    wanted = min(K, len(scores) if allowed is None else int(allowed.sum()))  # a small filter allows fewer
    times, recalls = [], []
    for i, query in enumerate(queries):
        began = time.perf_counter()
        _, found = search(query[None])
        times.append((time.perf_counter() - began) * 1000)
        recalls.append(np.sum(scores[found, i] >= kth[i] - TIE) / wanted)
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "recall10": round(float(np.mean(recalls)), 3),
    }


def table(results: list[dict]) -> str:
    lines = [
        "| engine | vectors | write s | p50 ms | p95 ms | R@10 | 1-document filter p50 ms | filtered R@10 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['vectors']:,} | {r['write_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['recall10']} "
            f"| {r['filtered_p50_ms']} | {r['filtered_recall10']} |"
        )
    return "\n".join(lines)


def _children_rss() -> int:
    return sum(child.memory_info().rss for child in psutil.Process().children(recursive=True))
