"""Ranking: dense and lexical signals per unit, fused, then the query's references and named documents."""

import faiss
import numpy as np

from rag.references import ReferenceResolver
from rag.retrieval import Settings, best_per_unit, reciprocal_rank_fusion, top


class Ranker:
    def __init__(self, stored, embed):
        self._stored = stored
        self._embed = embed  # query text -> vector, loaded on first use
        self._chunk_unit = np.array([c.unit for c in stored.chunks], dtype=np.int64)
        self._sentence_unit = np.array([c.unit for c in stored.sentences], dtype=np.int64)
        self._unit_doc = np.array([u.doc_id for u in stored.units])
        self._references = ReferenceResolver(list(stored.documents.values()), stored.units)

    def rank(self, query: str, k: int, docs: list[str] | None, settings: Settings) -> list[tuple[int, float]]:
        """(unit row, score) of the k best units, best first."""
        depth = max(k, settings.candidates)
        allowed = None if docs is None else np.isin(self._unit_doc, docs)
        scores = self._fused(query, allowed, settings, depth)
        pinned: list[int] = []
        if settings.references:
            reference = self._references.resolve(query)
            bonus = 1.0 / (settings.rrf_k + 1)  # what a first rank earns in one ranking
            if reference.docs and settings.document_prior:
                scores[np.isin(self._unit_doc, reference.docs) & np.isfinite(scores)] += settings.document_prior * bonus
            hinted = list(reference.hinted)
            scores[hinted] = np.where(np.isfinite(scores[hinted]), scores[hinted], 0.0) + bonus
            pinned = self._ordered_pins(reference, scores, allowed)
        if allowed is not None:
            scores[~allowed] = -np.inf
        ceiling = np.max(scores[np.isfinite(scores)], initial=0.0)
        ranked = [(row, ceiling + len(pinned) - i) for i, row in enumerate(pinned)]
        scores[pinned] = -np.inf
        ranked += [(int(row), float(scores[row])) for row in top(scores, k)]
        return ranked[:k]

    def _ordered_pins(self, reference, scores: np.ndarray, allowed) -> list[int]:
        pins = [row for row in reference.pinned if allowed is None or allowed[row]]
        if reference.section and len(pins) > 1:  # a section: its opening, then its units by relevance
            rest = sorted(pins[1:], key=lambda row: -scores[row] if np.isfinite(scores[row]) else np.inf)
            pins = [pins[0], *rest]
        return pins

    def _fused(self, query: str, allowed, settings: Settings, depth: int) -> np.ndarray:
        """One score per unit in reciprocal-rank space (-inf: not a candidate)."""
        units = len(self._stored.units)
        rankings = []
        if settings.dense:
            vector = self._embed(query)
            paragraphs = self._similarity(self._stored.dense, self._chunk_unit, vector, allowed, depth)
            if settings.sentences != "off":
                best = self._similarity(self._stored.sentence_vectors, self._sentence_unit, vector, allowed, depth)
                if settings.sentences == "max":
                    paragraphs = np.maximum(paragraphs, best)
                else:
                    rankings.append(top(best, depth))
            rankings.append(top(paragraphs, depth))
        if settings.lexical:
            rankings.append(top(self._lexical(query, allowed), depth))
        return reciprocal_rank_fusion(rankings, units, settings.rrf_k)

    def _similarity(self, vectors: faiss.Index, owner: np.ndarray, query: np.ndarray, allowed, depth: int):
        """Each unit's best similarity to the query among its rows in `vectors` (chunks or sentences)."""
        params, available = None, vectors.ntotal
        if allowed is not None:
            rows = np.flatnonzero(allowed[owner])
            params, available = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows)), len(rows)
        scores, ids = vectors.search(query, min(available, 4 * depth), params=params)
        found = ids[0] >= 0
        return best_per_unit(scores[0][found], owner[ids[0][found]], len(self._stored.units))

    def _lexical(self, query: str, allowed) -> np.ndarray:
        scores = self._stored.lexical.scores(query)
        scores[scores <= 0] = -np.inf  # no query term: not a lexical candidate
        if allowed is not None:
            scores[~allowed[self._chunk_unit]] = -np.inf
        return best_per_unit(scores, self._chunk_unit, len(self._stored.units))
