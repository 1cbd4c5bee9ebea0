"""How a query is answered: which signals are used and how they are fused. Pure functions over scores."""

from dataclasses import dataclass

import numpy as np

from rag.retrieval.decision import Decision


@dataclass(frozen=True)
class Settings:
    """Retrieval settings; the defaults are the product's, other values exist for the evaluation's ablations."""

    dense: bool = True  # embedding similarity (FAISS)
    sentences: str = "ranking"  # best-sentence similarity: "ranking" (its own list in the fusion), "max", "off"
    lexical: bool = True  # BM25 on normalised words (bm25s)
    fusion: str = "score"  # "score" (sum of scores scaled to 0-1 per query) or "rrf" (reciprocal rank fusion)
    rrf_k: int = 10  # for RRF: Cormack, Clarke & Buettcher (2009) use 60; 10 lets a strong single signal count more
    candidates: int = 100  # units taken from each signal before fusing
    references: bool = True  # resolve "paragraph 32", "section 1.1", "Annex 2" to those units
    document_prior: float = 1.0  # boost for documents the query names, in first-rank units (0: off)
    phrases: bool = True  # a "quoted phrase" must appear literally (after normalisation)
    same_language: bool = True  # a paragraph repeated nearly verbatim elsewhere is shown once
    footnote_weight: float = 0.5  # footnotes' fused scores are scaled by this unless the question asks for notes
    spelling: bool = True  # a word the documents never use is read as the corpus word one or two edits away
    # How answer() tells answered from not (decision.py); None: the index's own (Index.decision), fitted for
    # its model by `rag eval --calibrate --save`, else the bundled model's.
    decision: Decision | None = None
    # The rule before the evidence, for comparison: abstain when no sentence or paragraph is at least this
    # similar to the question (0.459 was the bundled model's). Used when `decision` is None.
    abstain_below: float | None = None

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


def score_fusion(signals: list[np.ndarray], depth: int) -> np.ndarray:
    """Sum of each signal's scores, scaled to 0-1 over its `depth` best candidates (min-max per query)."""
    fused = np.full(len(signals[0]), -np.inf)
    for scores in signals:
        best = top(scores, depth)
        if len(best) == 0:
            continue
        low, high = scores[best[-1]], scores[best[0]]
        scaled = (scores[best] - low) / (high - low) if high > low else np.ones(len(best))
        fused[best] = np.where(np.isfinite(fused[best]), fused[best], 0.0) + scaled
    return fused


def reciprocal_rank_fusion(rankings: list[np.ndarray], size: int, k: int) -> np.ndarray:
    """sum over rankings of 1 / (k + rank); units missing from every ranking get -inf."""
    fused = np.full(size, -np.inf, dtype=np.float64)
    for ranking in rankings:
        contribution = 1.0 / (k + np.arange(1, len(ranking) + 1))
        fused[ranking] = np.where(np.isfinite(fused[ranking]), fused[ranking], 0.0) + contribution
    return fused
