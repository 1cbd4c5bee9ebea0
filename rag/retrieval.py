"""How a query is answered: which signals are used and how they are fused. Pure functions over scores."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Settings:
    """Retrieval settings; the defaults are the product's, other values exist for the evaluation's ablations."""

    dense: bool = True  # embedding similarity (FAISS)
    sentences: str = "ranking"  # best-sentence similarity: "ranking" (its own list in the fusion), "max", "off"
    lexical: bool = True  # BM25 on normalised words (bm25s)
    fusion: str = "rrf"  # "rrf" (reciprocal rank fusion) or "score" (weighted, calibrated scores)
    rrf_k: int = 10  # Cormack, Clarke & Buettcher (2009) use 60; 10 lets a strong single signal count more
    candidates: int = 100  # units taken from each signal before fusing
    references: bool = True  # resolve "paragraph 32", "section 1.1", "Annex 2" to those units
    document_prior: float = 1.0  # boost for documents the query names, in first-rank units (0: off)

    def __post_init__(self):
        if not (self.dense or self.lexical):
            raise ValueError("At least one of dense and lexical retrieval must be on.")
        if self.sentences not in ("ranking", "max", "off"):
            raise ValueError(f"Unknown sentences mode {self.sentences!r}; use 'ranking', 'max' or 'off'.")
        if self.fusion not in ("rrf", "score"):
            raise ValueError(f"Unknown fusion {self.fusion!r}; use 'rrf' or 'score'.")


DEFAULT = Settings()


def best_per_unit(chunk_scores: np.ndarray, chunk_unit: np.ndarray, units: int) -> np.ndarray:
    """Each unit's best chunk score (-inf for units without chunks): a long paragraph counts once."""
    best = np.full(units, -np.inf, dtype=np.float32)
    np.maximum.at(best, chunk_unit, chunk_scores)
    return best


def top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n highest finite scores, best first."""
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > n:
        finite = finite[np.argpartition(-scores[finite], n - 1)[:n]]
    return finite[np.argsort(-scores[finite], kind="stable")]


def reciprocal_rank_fusion(rankings: list[np.ndarray], size: int, k: int) -> np.ndarray:
    """sum over rankings of 1 / (k + rank); units missing from every ranking get -inf."""
    fused = np.full(size, -np.inf, dtype=np.float64)
    for ranking in rankings:
        contribution = 1.0 / (k + np.arange(1, len(ranking) + 1))
        fused[ranking] = np.where(np.isfinite(fused[ranking]), fused[ranking], 0.0) + contribution
    return fused
