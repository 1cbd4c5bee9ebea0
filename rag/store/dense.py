"""Dense vectors and how they are searched: the store-independent interface, and FAISS behind it.

FAISS searches exactly (a flat index) while that is fast enough, and approximately beyond: `choose()` picks
the index type by the number of vectors, the build records the choice in the manifest, and
`rag bench --scale` measures where each choice starts (docs/scale.md). An approximate index
keeps the exact vectors beside it (`.npy`, memory-mapped): the rows it finds are scored exactly (so fusion
and abstention see true similarities), a search confined to a few documents scores their rows exactly, a
passage's sentences are compared with the question exactly, and a rebuild reuses them.
"""

import math
from collections.abc import Sequence
from typing import Protocol

import faiss
import numpy as np

FLAT = "Flat"
IVF = "IVF,SQ8"  # inverted lists of 8-bit scalar-quantised vectors: 384 bytes a vector
# Searched exactly up to this many vectors (a question searches two indexes, chunks and sentences, 400 rows
# deep: about 3 ms each at 25,000). Above, IVF,SQ8: over the 1,190 GA documents (72,621 chunks, 75,824
# sentences) it gave the same quality as exact search on 105 reference questions with a warm answer of
# 9.9 ms instead of 26.8; at 1M it is the type that met the targets of `rag bench --scale` (docs/scale.md).
FLAT_UP_TO = 25_000
PROBED = 16  # one list in 16 is searched (nprobe = nlist / 16), and at least 32 (all of a small index's)
TRAINING_SAMPLE = 200_000  # vectors the lists' centroids are trained on
EXACT_SUBSET = 20_000  # a document filter allowing at most this many rows is searched exactly


class VectorSearch(Protocol):
    """A store's searchable vectors; row i is line i of chunks.jsonl (or sentences.jsonl) of a build."""

    def search(self, query: np.ndarray, n: int, docs: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows): inner products (float32) and int64 rows of the n best rows, best first; only rows
        of `docs` when given. Fewer than n when fewer rows qualify. `query` is float32 (1, d), unit norm."""

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The exact vectors of these rows, in that order."""


def choose(count: int, kind: str = "auto") -> str:
    """The FAISS index type for `count` vectors: "auto" is exact up to FLAT_UP_TO, or "flat" or "ivf"."""
    if kind not in ("auto", "flat", "ivf"):
        raise ValueError(f"Unknown dense index {kind!r}; use 'auto', 'flat' or 'ivf'.")
    if kind == "auto":
        return FLAT if count <= FLAT_UP_TO else IVF
    return FLAT if kind == "flat" else IVF


def lists_for(count: int) -> int:
    """IVF lists for `count` vectors: about 4 * sqrt(count) (the usual rule), a power of two, with at least
    39 training vectors a list (FAISS's minimum; it binds below about 24,000 vectors)."""
    wanted = 2 ** round(math.log2(4 * math.sqrt(max(count, 1))))
    return max(1, min(wanted, 2 ** int(math.log2(max(1, count // 39)))))


def make(vectors: np.ndarray, index_type: str) -> faiss.Index:
    """A FAISS inner-product index of `index_type` holding `vectors` (row i is vector i)."""
    dimensions = vectors.shape[1]
    if index_type == FLAT:
        index = faiss.IndexFlatIP(dimensions)
    elif index_type == IVF:
        lists = lists_for(len(vectors))
        index = faiss.index_factory(dimensions, f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).permutation(len(vectors))[:TRAINING_SAMPLE]
        index.train(np.ascontiguousarray(vectors[np.sort(sample)]))
        faiss.extract_index_ivf(index).nprobe = max(lists // PROBED, min(lists, 32))  # saved with the index
    else:
        raise ValueError(f"Unknown FAISS index type {index_type!r}.")
    index.add(vectors)
    return index


def describe(index: faiss.Index) -> dict:
    """What the manifest records of an index."""
    if isinstance(index, faiss.IndexFlat):
        return {"type": FLAT}
    ivf = faiss.extract_index_ivf(index)
    return {"type": IVF, "nlist": ivf.nlist, "nprobe": ivf.nprobe}


def flat_vectors(index: faiss.IndexFlat) -> np.ndarray:
    """The vectors a flat index holds, as an array over its own memory: no copy, valid while the index lives
    (copy it to keep it longer)."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), np.float32)
    return faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)


class FaissVectors:
    """VectorSearch over a FAISS index; `row_docs[i]` is the document of row i."""

    def __init__(self, index: faiss.Index, row_docs: np.ndarray, exact: np.ndarray | None = None):
        # One question is searched on one thread: on 2 cores with other work running, FAISS's OpenMP threads
        # spent more time waiting for each other than searching (72,621 vectors: 34 ms on two, 8.5 ms on one),
        # and concurrent questions run side by side anyway. The setting is the process's.
        faiss.omp_set_num_threads(1)
        self._index = index
        self._row_docs = row_docs
        self._flat = exact is None  # a flat index holds the exact vectors: read in place, never copied
        self._exact = flat_vectors(index) if exact is None else exact

    def __len__(self) -> int:
        return self._index.ntotal

    def search(self, query: np.ndarray, n: int, docs: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        rows = None if docs is None else np.flatnonzero(np.isin(self._row_docs, list(docs)))
        if rows is not None and len(rows) == len(self._row_docs):
            rows = None
        if rows is not None and len(rows) == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        if rows is not None and not self._flat and len(rows) <= EXACT_SUBSET:
            return _exact_search(self._exact, rows, query, n)
        n = min(n, len(self) if rows is None else len(rows))
        params = None if rows is None else _filtered(self._index, faiss.IDSelectorBatch(rows))
        scores, ids = self._index.search(query, n, params=params)
        found = ids[0][ids[0] >= 0].astype(np.int64)
        if self._flat:
            return scores[0][: len(found)], found
        return _exact_search(self._exact, found, query, n)  # the quantised scores re-scored exactly

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        return np.asarray(self._exact[np.asarray(rows, dtype=np.int64)], dtype=np.float32)


def _filtered(index: faiss.Index, selector: faiss.IDSelector) -> faiss.SearchParameters:
    """Search parameters confining a search to the selected rows (each index type has its own kind)."""
    if isinstance(index, faiss.IndexFlat):
        return faiss.SearchParameters(sel=selector)
    return faiss.SearchParametersIVF(sel=selector, nprobe=faiss.extract_index_ivf(index).nprobe)


def _exact_search(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray, n: int):
    scores = np.asarray(vectors[rows], dtype=np.float32) @ query[0]
    best = np.argsort(-scores, kind="stable")[:n]
    return scores[best], rows[best].astype(np.int64)
