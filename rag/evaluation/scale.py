"""The scale benchmark (`rag bench --scale`): the dense (FAISS) and lexical (BM25) indexes at 100k and 1M chunks.

Per corpus size and FAISS index type it measures: build seconds (train on up to 200k rows, then add), memory
(bytes of the serialised index, and the process's resident-memory growth while building), the latency of one
question at a time as the product searches (p50 and p95 in ms, embedding excluded, FAISS threads at their
default; p50 also with one thread), recall@10 against exact search (Flat), and the same with a document
filter: an IDSelectorBatch allowing a random 1% of rows, recall against exact search over those rows. Each
approximate type is tuned: its efSearch or nprobe is the smallest tried whose recall@10 reaches 0.95 (else
the largest tried), and the filtered search uses the same value. BM25 is timed at the same sizes, with
bm25s itself and with the product's LexicalIndex (numpy over the bm25s arrays, then the top 100).

Corpora. The real set is the chunk vectors of a built index (dense.faiss: one vector per chunk, the index the
product searches for passages; sentences.faiss is a second index of the same size and kind). A synthetic set
of N vectors draws N real vectors with replacement, adds Gaussian noise of standard deviation sigma to each
coordinate and normalises. Sigma is chosen per size from SIGMAS: the one whose N-vector set gives the
questions median top-1 and 10th-best cosine similarities closest to the real set's (the sum of the two gaps).
Over 1,190 UN documents (72,621 chunks: median 0.622 and 0.565) that kept sigma = 0.005 at 100k (0.615,
0.571) and 0.025 at 1M (0.597, 0.569): a synthetic vector keeps a cosine of 1 / sqrt(1 + 384 sigma^2) with
its source, 0.995 and 0.93, and two copies of one chunk about 0.81 with each other at 1M. Less noise at 1M
makes each chunk ~14 near-identical copies, so a question's 10th-best similarity equals its top-1 (0.62 and
0.62): growing a real subset by N / 72,621 and matching the real set picks that, and HNSW recall then falls
to 0.76. eval/reports/scale.json holds every sigma tried. The synthetic texts for BM25 are real chunk texts,
each the first half of one random chunk followed by the second half of another: posting lists grow with N as
in a real corpus; the vocabulary does not (it would, slowly).
The queries are the reference questions (eval/*.jsonl) embedded with the product's model.
"""

import gc
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from rag.store.dense import lists_for as nlist_for  # the store's own rule: the bench measures it

K = 10
TARGET = {"p50_ms": 10.0, "recall10": 0.95, "bytes": 2**30}  # what a type must meet at 1M
FLAT_P50_MS = 5.0  # Flat is fast enough while its p50 stays under this
SIGMAS = tuple(round(0.005 * i, 3) for i in range(11))  # 0 to 0.05 per coordinate
EF_SEARCH = (16, 32, 64, 128, 256, 512)
NPROBE = (8, 16, 32, 64, 128, 256, 512)
EF_CONSTRUCTION = 40
REFINE_K_FACTOR = 16  # IVF-PQ returns 16k candidates, re-scored on their SQ8 codes (4k: recall 0.88 at most)
TRAIN_MAX = 200_000
FILTER_SHARE = 0.01
BUILD_LIMIT_S = 1200.0  # a build still adding vectors after 20 minutes is stopped and reported as such
LEXICAL_K = 100
TIE = 1e-5  # similarities this close count as tied (FAISS and numpy sum in different orders)
TYPES = (  # name, factory string ({nlist} filled in per size), tuned parameter and the values tried
    ("Flat", "Flat", None, ()),
    ("HNSW32", "HNSW32", "efSearch", EF_SEARCH),
    ("HNSW32,SQ8", "HNSW32,SQ8", "efSearch", EF_SEARCH),
    ("IVF,SQ8", "IVF{nlist},SQ8", "nprobe", NPROBE),
    ("IVF,PQ48", "IVF{nlist},PQ48np", "nprobe", NPROBE),  # np: no polysemous training (minutes, unused here)
    ("IVF,PQ48,Refine(SQ8)", "IVF{nlist},PQ48np,Refine(SQ8)", "nprobe", NPROBE),
)
Progress = Callable[[str], None]


def real_vectors(build: Path, stem: str = "dense") -> np.ndarray:
    """The exact vectors of a build: its .npy where it keeps one (approximate index), else the flat index's."""
    if (build / f"{stem}.npy").exists():
        return np.load(build / f"{stem}.npy")
    index = faiss.read_index(str(build / f"{stem}.faiss"))
    return index.reconstruct_n(0, index.ntotal)


def chunk_texts(build: Path) -> list[str]:
    with open(build / "chunks.jsonl", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def question_texts(folder: Path, limit: int = 300) -> list[str]:
    """The distinct questions of every eval/*.jsonl file, the first `limit` of them."""
    from rag.evaluation.questions import load_questions

    texts = dict.fromkeys(q.question for path in sorted(folder.glob("*.jsonl")) for q in load_questions(path))
    return list(texts)[:limit]


def synthetic(base: np.ndarray, n: int, sigma: float, seed: int = 0, batch: int = 65_536) -> np.ndarray:
    """N unit vectors, each a random row of `base` plus N(0, sigma^2) noise per coordinate, made in batches."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, batch):
        rows = base[rng.integers(len(base), size=min(batch, n - start))]  # a copy: the noise goes into it
        rows += np.float32(sigma) * rng.standard_normal(rows.shape, dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        out[start : start + len(rows)] = rows
    return out


def exact(corpus: np.ndarray, queries: np.ndarray, k: int = K) -> tuple[np.ndarray, np.ndarray]:
    """Scores and rows of the k most similar corpus rows for each query (no copy of the corpus)."""
    return faiss.knn(queries, corpus, k, metric=faiss.METRIC_INNER_PRODUCT)


def similarity_medians(corpus: np.ndarray, queries: np.ndarray) -> dict:
    scores, _ = exact(corpus, queries)
    return {"top1_median": float(np.median(scores[:, 0])), "top10_median": float(np.median(scores[:, K - 1]))}


def calibrate(real: np.ndarray, queries: np.ndarray, size: int, sigmas=SIGMAS, seed: int = 0) -> dict:
    """The sigma whose synthetic set of `size` rows gives the questions median top-1 and 10th-best similarities
    closest to the real set's (the sum of the two gaps), and what each sigma tried gave."""
    aim = similarity_medians(real, queries)
    tried = []
    for sigma in sigmas:
        got = similarity_medians(synthetic(real, size, sigma, seed), queries)
        tried.append({"sigma": sigma, **got, "gap": sum(abs(got[key] - aim[key]) for key in aim)})
    return {"sigma": min(tried, key=lambda row: row["gap"])["sigma"], "real": aim, "tried": tried}


def recall_at_k(found: np.ndarray, corpus: np.ndarray, queries: np.ndarray, kth: np.ndarray) -> float:
    """Share of the rows found (k per query, -1 for none) whose exact similarity reaches the query's k-th best,
    as ann-benchmarks counts: a row tied with a true neighbour is as good as it (58% of the real chunks have
    an exact twin, since resolutions repeat agreed paragraphs verbatim), where comparing row ids would not."""
    similarity = np.einsum("qkd,qd->qk", corpus[np.where(found >= 0, found, 0)], queries)
    return float(np.mean((found >= 0) & (similarity >= kth[:, None] - TIE)))


def build(factory: str, corpus: np.ndarray, *, limit_s: float = BUILD_LIMIT_S, seed: int = 0) -> faiss.Index:
    """Train on a sample of up to TRAIN_MAX rows, then add in batches until done or `limit_s` has passed."""
    index = faiss.index_factory(corpus.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efConstruction = EF_CONSTRUCTION
    began = time.perf_counter()
    if not index.is_trained:
        sample = np.random.default_rng(seed).choice(len(corpus), min(len(corpus), TRAIN_MAX), replace=False)
        index.train(corpus[np.sort(sample)])
    for start in range(0, len(corpus), 100_000):
        if time.perf_counter() - began > limit_s:
            break
        index.add(corpus[start : start + 100_000])
    return index


def search_params(index: faiss.Index, value: int | None, sel=None) -> faiss.SearchParameters | None:
    """The tuned value (efSearch or nprobe) and an optional selector, as the index's kind of parameters."""
    extra = {} if sel is None else {"sel": sel}
    if isinstance(index, faiss.IndexRefine):
        base = faiss.SearchParametersIVF(nprobe=value, **extra)
        return faiss.IndexRefineSearchParameters(k_factor=REFINE_K_FACTOR, base_index_params=base)
    if isinstance(index, faiss.IndexHNSW):
        return faiss.SearchParametersHNSW(efSearch=value, **extra)
    if isinstance(index, faiss.IndexIVF):
        return faiss.SearchParametersIVF(nprobe=value, **extra)
    return faiss.SearchParameters(**extra) if extra else None


def latencies_ms(search: Callable[[int], object], count: int) -> np.ndarray:
    """Milliseconds of search(i) for each query i, one at a time, after a warm-up on the first five."""
    for i in range(min(5, count)):
        search(i)
    times = []
    for i in range(count):
        began = time.perf_counter()
        search(i)
        times.append((time.perf_counter() - began) * 1000)
    return np.array(times)


def tune(index: faiss.Index, values, corpus: np.ndarray, queries: np.ndarray, kth) -> tuple[int | None, dict]:
    """The smallest value whose recall@10 reaches the target (else the largest tried), and each one's recall."""
    curve = {}
    for value in values or (None,):
        found = index.search(queries, K, params=search_params(index, value))[1]
        curve[value] = recall_at_k(found, corpus, queries, kth)
        if curve[value] >= TARGET["recall10"]:
            break
    return list(curve)[-1], curve


def measure(name, factory, knob, values, corpus, queries, kth, rows, row_kth, *, limit_s=BUILD_LIMIT_S) -> dict:
    """Every figure of one index type over one corpus (see the module's docstring)."""
    import psutil

    gc.collect()
    rss, began = psutil.Process().memory_info().rss, time.perf_counter()
    index = build(factory, corpus, limit_s=limit_s)
    row = {"type": name, "factory": factory, "build_s": time.perf_counter() - began}
    row["rss_mb"] = (psutil.Process().memory_info().rss - rss) / 2**20
    if index.ntotal < len(corpus):
        return {**row, "stopped": f"stopped after {row['build_s']:.0f} s with {index.ntotal:,} rows added"}
    value, curve = tune(index, values, corpus, queries, kth)
    row["params"] = {"efConstruction": EF_CONSTRUCTION} if "HNSW" in factory else {}
    row["params"] |= {"k_factor": REFINE_K_FACTOR} if "Refine" in factory else {}
    row["params"] |= {knob: value, f"recall_by_{knob}": curve} if knob else {}
    row |= {"bytes": int(faiss.serialize_index(index).size), **timings(index, queries, search_params(index, value))}
    filtered = search_params(index, value, faiss.IDSelectorBatch(rows))
    ms = latencies_ms(lambda i: index.search(queries[i : i + 1], K, params=filtered), len(queries))
    row |= {"recall10": curve[value], "filtered_p50_ms": np.median(ms)}
    row["filtered_recall10"] = recall_at_k(index.search(queries, K, params=filtered)[1], corpus, queries, row_kth)
    meets = row["p50_ms"] <= TARGET["p50_ms"] and row["recall10"] >= TARGET["recall10"]
    return {**row, "meets_targets": bool(meets and row["bytes"] <= TARGET["bytes"])}


def timings(index: faiss.Index, queries: np.ndarray, params) -> dict:
    """p50 and p95 of one question at a time with FAISS's default threads, and p50 with one thread."""
    ms = latencies_ms(lambda i: index.search(queries[i : i + 1], K, params=params), len(queries))
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        one = latencies_ms(lambda i: index.search(queries[i : i + 1], K, params=params), len(queries))
    finally:
        faiss.omp_set_num_threads(threads)
    return {"p50_ms": np.percentile(ms, 50), "p95_ms": np.percentile(ms, 95), "p50_ms_1thread": np.median(one)}


def measure_dense(corpus, queries, *, limit_s=BUILD_LIMIT_S, seed=0, progress: Progress = print) -> list[dict]:
    """measure() of every type in TYPES over one corpus, against its exact neighbours."""
    kth = exact(corpus, queries)[0][:, K - 1]
    allowed = min(len(corpus), max(K, round(FILTER_SHARE * len(corpus))))
    rows = np.sort(np.random.default_rng(seed).choice(len(corpus), allowed, replace=False)).astype("int64")
    row_kth = exact(corpus[rows], queries)[0][:, K - 1]
    results = []
    for name, template, knob, values in TYPES:
        factory = template.format(nlist=nlist_for(len(corpus)))
        progress(f"  {len(corpus):,} vectors: {factory} ...")
        results.append(measure(name, factory, knob, values, corpus, queries, kth, rows, row_kth, limit_s=limit_s))
        gc.collect()
    return results


def mixed_texts(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """N texts, each the first half of one random real text followed by the second half of another."""
    rng = np.random.default_rng(seed)
    words = [t.split() for t in texts]
    pairs = rng.integers(len(texts), size=(n, 2))
    return [" ".join(words[a][: len(words[a]) // 2] + words[b][len(words[b]) // 2 :]) for a, b in pairs]


def measure_bm25(texts: list[str], questions: list[str]) -> list[dict]:
    """Index seconds, memory and the latency of one question (top 100) with bm25s and with LexicalIndex."""
    import psutil

    results, process = [], psutil.Process()
    for library, make in (("bm25s", _bm25s), ("LexicalIndex", _lexical)):
        gc.collect()
        rss, began = process.memory_info().rss, time.perf_counter()
        model, search, count = make(texts, questions)
        row = {"library": library, "size": len(texts), "index_s": time.perf_counter() - began}
        row["rss_mb"] = (process.memory_info().rss - rss) / 2**20
        with tempfile.TemporaryDirectory() as folder:
            model.save(Path(folder) / "index")
            row["bytes"] = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
        ms = latencies_ms(search, count)
        results.append({**row, "p50_ms": np.percentile(ms, 50), "p95_ms": np.percentile(ms, 95), "questions": count})
    return results


def _bm25s(texts: list[str], questions: list[str]):
    """bm25s as its README shows it: English stop words, no stemming; questions left with no word are skipped."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # its INFO lines would interleave with the progress
    model = bm25s.BM25()
    model.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    asked = [q for q in bm25s.tokenize(questions, stopwords="en", return_ids=False, show_progress=False) if q]
    k = min(LEXICAL_K, len(texts))
    return model, lambda i: model.retrieve([asked[i]], k=k, show_progress=False, n_threads=1), len(asked)


def _lexical(texts: list[str], questions: list[str]):
    """The product's path: its terms (stemmed), bm25s's arrays, a question's rows summed with numpy, top 100."""
    from rag.store.lexical import LexicalIndex

    model = LexicalIndex.build(texts)
    return model, lambda i: _top(model.scores(questions[i]), LEXICAL_K), len(questions)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    best = np.argpartition(-scores, min(k, len(scores)) - 1)[:k]
    return best[np.argsort(-scores[best])]


def load(index_dir: Path, eval_dir: Path, limit: int = 300) -> tuple:
    """The live build's chunk vectors and texts, and the questions, as text and embedded with its model."""
    from rag.errors import IndexStoreError
    from rag.store.build import live_model
    from rag.store.encoder import open_embedder
    from rag.store.files import live_build

    build_dir = live_build(index_dir)
    if build_dir is None:
        raise IndexStoreError(f"No built index in {index_dir}; run `rag build --index {index_dir}` first.")
    questions = question_texts(eval_dir, limit)
    queries = open_embedder(index_dir, live_model(index_dir)).embed(questions)
    return real_vectors(build_dir), queries, chunk_texts(build_dir), questions


def run_and_report(index_dir: Path, eval_dir: Path, sizes, out: Path, progress: Progress = print):
    """`rag bench --scale`: the benchmark over the index in `index_dir`; its table and the files written."""
    report = {"index": str(index_dir), **run(*load(index_dir, eval_dir), sizes, progress=progress)}
    return table(report), write(report, out)


def run(real, queries, texts, questions, sizes, *, sigmas=SIGMAS, limit_s=BUILD_LIMIT_S, progress: Progress = print):
    """The whole benchmark: the real set, then a synthetic set of each size; the report as a dict."""
    medians = similarity_medians(real, queries)
    report = {"machine": machine(), "questions": len(queries), "real_size": len(real), "k": K, "targets": TARGET}
    report |= {"synthetic": {"method": METHOD, "real": medians}, "dense": [], "bm25": []}
    progress(_medians(f"Real set, {len(real):,} vectors", medians))
    for size in sorted({len(real), *sizes}):
        corpus, origin = _corpus(real, queries, size, sigmas, report["synthetic"], progress)
        rows = measure_dense(corpus, queries, limit_s=limit_s, progress=progress)
        report["dense"] += [{"size": size, **origin, **row} for row in rows]
        del corpus
        progress(f"  {size:,} texts: BM25 ...")
        origin = {"corpus": "real"} if size == len(texts) else {"corpus": "synthetic"}
        rows = measure_bm25(texts if size == len(texts) else mixed_texts(texts, size), questions)
        report["bm25"] += [{**origin, **row} for row in rows]
    report["machine"]["load_after"] = [round(value, 2) for value in os.getloadavg()]
    report = json.loads(json.dumps(report, default=lambda value: value.item()))  # numpy scalars as numbers
    return {**report, "recommendation": recommend(report["dense"])}


METHOD = "a random real chunk vector + N(0, sigma^2) noise per coordinate, normalised; sigma calibrated per size"


def _corpus(real, queries, size, sigmas, notes: dict, progress: Progress):
    """The real set at its own size, else a synthetic set grown from it with a calibrated sigma."""
    if size == len(real):
        return real, {"corpus": "real"}
    found = calibrate(real, queries, size, sigmas)
    notes[str(size)] = found
    chosen = next(row for row in found["tried"] if row["sigma"] == found["sigma"])
    progress(_medians(f"{size:,} vectors, sigma {found['sigma']} (of {len(sigmas)} tried)", chosen))
    return synthetic(real, size, found["sigma"]), {"corpus": "synthetic", "sigma": found["sigma"]}


def _medians(what: str, medians: dict) -> str:
    return f"{what}: median top-1 similarity {medians['top1_median']:.3f}, 10th {medians['top10_median']:.3f}"


def recommend(dense: list[dict]) -> dict:
    """Up to what size Flat stays under FLAT_P50_MS (interpolated between the sizes measured either side, else
    in proportion to the nearest), and the fastest type but Flat that meets every target at the largest size."""
    flat = sorted((r["size"], r["p50_ms"]) for r in dense if r["type"] == "Flat" and "p50_ms" in r)
    under, over = [f for f in flat if f[1] <= FLAT_P50_MS], [f for f in flat if f[1] > FLAT_P50_MS]
    (n0, t0), (n1, t1) = under[-1] if under and over else (0, 0.0), over[0] if over else flat[-1]
    largest = max(r["size"] for r in dense)
    meeting = sorted((r for r in dense if r["size"] == largest and r.get("meets_targets")), key=lambda r: r["p50_ms"])
    beyond = next((r for r in meeting if r["type"] != "Flat"), None)
    return {
        "flat_up_to": int(n0 + (n1 - n0) * (FLAT_P50_MS - t0) / (t1 - t0)),
        "flat_p50_limit_ms": FLAT_P50_MS,
        "at_size": largest,
        "meeting_targets": [r["type"] for r in meeting],
        "beyond": {"factory": beyond["factory"], **_knobs(beyond)} if beyond else None,
    }


def _knobs(row: dict) -> dict:
    return {k: v for k, v in row.get("params", {}).items() if not k.startswith("recall_by")}


def machine() -> dict:
    """`rag bench`'s description of the machine (CPU, cores, RAM, packages, commit), and FAISS's threads."""
    import bm25s

    from rag.evaluation.bench_report import machine as described

    versions = {"faiss": faiss.__version__, "numpy": np.__version__, "bm25s": bm25s.__version__}
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = [round(value, 2) for value in os.getloadavg()]  # other work on the machine skews every latency
    return {**described(), **versions, "faiss_threads": faiss.omp_get_max_threads(), "date": date, "load": load}


DENSE_COLUMNS = (  # heading, key, format ("MiB": bytes shown in MiB)
    ("build s", "build_s", ".1f"), ("MiB", "bytes", "MiB"), ("RSS MiB", "rss_mb", ".0f"), ("p50 ms", "p50_ms", ".2f"),
    ("p95 ms", "p95_ms", ".2f"), ("p50 1 thread", "p50_ms_1thread", ".2f"), ("R@10", "recall10", ".3f"),
    ("filtered p50", "filtered_p50_ms", ".2f"), ("filtered R@10", "filtered_recall10", ".3f"),
)  # fmt: skip
BM25_COLUMNS = (
    ("index s", "index_s", ".1f"), ("on disk MiB", "bytes", "MiB"), ("RSS MiB", "rss_mb", ".0f"),
    ("p50 ms", "p50_ms", ".2f"), ("p95 ms", "p95_ms", ".2f"),
)  # fmt: skip


def table(report: dict) -> str:
    """The figures as two Markdown tables, then the recommendation."""
    advice, aim = report["recommendation"], report["targets"]
    dense_heading = ["size", "corpus", "index", "params", *(c[0] for c in DENSE_COLUMNS), "meets targets"]
    bm25 = [[f"{r['size']:,}", r["corpus"], r["library"], *_cells(r, BM25_COLUMNS)] for r in report["bm25"]]
    return "\n\n".join([
        _markdown(dense_heading, [_dense_cells(r) for r in report["dense"]]),
        _markdown(["size", "corpus", "BM25", *(c[0] for c in BM25_COLUMNS)], bm25),
        f"Flat p50 <= {advice['flat_p50_limit_ms']} ms up to about {advice['flat_up_to']:,} vectors. "
        f"At {advice['at_size']:,} vectors, p50 <= {aim['p50_ms']} ms, recall@10 >= {aim['recall10']} and "
        f"<= {aim['bytes'] / 2**30:.0f} GiB: {', '.join(advice['meeting_targets']) or 'none'}. "
        f"Beyond Flat: {advice['beyond']}.",
    ])  # fmt: skip


def _dense_cells(row: dict) -> list[str]:
    params = row.get("stopped") or ", ".join(f"{k}={v}" for k, v in _knobs(row).items())
    meets = {True: "yes", False: "no"}.get(row.get("meets_targets"), "-")
    return [f"{row['size']:,}", row["corpus"], row["factory"], params, *_cells(row, DENSE_COLUMNS), meets]


def _cells(row: dict, columns) -> list[str]:
    shown = {key: row[key] / 2**20 if spec == "MiB" else row[key] for _, key, spec in columns if key in row}
    return [format(shown[key], ".0f" if spec == "MiB" else spec) if key in shown else "-" for _, key, spec in columns]


def _markdown(heading: list[str], rows: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [heading, ["---"] * len(heading), *rows])


def write(report: dict, folder: Path) -> list[Path]:
    """scale.json and scale.png (p50 latency and recall@10 against size, one line per type) in `folder`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "scale.json", folder / "scale.png"]
    paths[0].write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    figure, (latency, recall) = plt.subplots(1, 2, figsize=(12, 4.5))
    lines = [(r["type"], r) for r in report["dense"] if "p50_ms" in r]
    lines += [(f"BM25 ({r['library']}, k={LEXICAL_K})", r) for r in report["bm25"]]
    for name in dict.fromkeys(name for name, _ in lines):
        points = sorted((r["size"], r["p50_ms"], r.get("recall10")) for n, r in lines if n == name)
        style = {"label": name, "marker": "o", "linestyle": "--" if name.startswith("BM25") else "-"}
        latency.plot([p[0] for p in points], [p[1] for p in points], **style)
        if not name.startswith("BM25"):
            recall.plot([p[0] for p in points], [p[2] for p in points], **style)
    latency.axhline(TARGET["p50_ms"], color="grey", linestyle=":", linewidth=1)
    recall.axhline(TARGET["recall10"], color="grey", linestyle=":", linewidth=1)
    latency.set(xscale="log", yscale="log", xlabel="vectors (texts for BM25)", ylabel="p50 ms, one question at a time")
    recall.set(xscale="log", xlabel="vectors", ylabel="recall@10 against Flat")
    for axes in (latency, recall):
        axes.legend(fontsize=7)
    figure.suptitle(f"Scale benchmark: {report['questions']} questions, real set of {report['real_size']:,} vectors")
    figure.tight_layout()
    figure.savefig(paths[1], dpi=110)
    plt.close(figure)
    return paths
