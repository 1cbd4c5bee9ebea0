"""Ranking: dense and lexical signals per unit, fused; then the query's references, quoted phrases and
named documents; near-identical paragraphs shown once."""

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from rag.ingest.paragraphs import BODY_KINDS
from rag.retrieval import acronyms
from rag.retrieval.evidence import Evidence, gather
from rag.retrieval.fusion import Settings, best_per_unit, reciprocal_rank_fusion, score_fusion, top
from rag.retrieval.language import foreign_language
from rag.retrieval.phrases import comparable, only_in_names, quoted_phrases
from rag.retrieval.query import without_markup
from rag.retrieval.references import Reference, ReferenceResolver
from rag.retrieval.spelling import Speller
from rag.store.dense import VectorSearch

FOOTNOTE_QUESTION = re.compile(r"\b(?:foot)?notes?\b", re.IGNORECASE)


@dataclass
class Ranking:
    rows: list[tuple[int, float]]  # (unit row, score), best first
    similarity: float | None  # the best similarity of any sentence or paragraph to the query (None: no dense)
    resolved: bool  # the query pointed at paragraphs or a section that exist, and they lead the ranking
    phrases: list[str] = field(default_factory=list)  # quoted in the query
    missing_phrases: list[str] = field(default_factory=list)  # quoted, and in no searchable paragraph
    query_vector: np.ndarray | None = None
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (query word, corpus word) read instead
    language: str = ""  # the language the question is in when it is not English ("French")
    referenced: set[int] = field(default_factory=set)  # rows of the paragraphs or section the query names
    phrase_rows: set[int] = field(default_factory=set)  # rows holding every quoted phrase
    phrase_total: int = 0  # how many paragraphs of the documents searched hold every quoted phrase
    reference: Reference = field(default_factory=Reference)
    searched: str = ""  # the question as searched: misspelt words read as the documents' own
    unit_similarity: np.ndarray | None = None  # per unit, its paragraph's or best sentence's (-inf: not near)


class Ranker:
    def __init__(self, stored, embed, paragraphs: VectorSearch, sentences: VectorSearch):
        self._stored = stored
        self._embed = embed  # query text -> vector, loaded on first use
        self._paragraph_vectors, self._sentence_vectors = paragraphs, sentences  # rows: chunks, sentences
        self._twins: dict[int, list[tuple[int, float]]] = {}  # unit row -> near-identical units elsewhere
        for a, b, similarity in stored.same_as:
            self._twins.setdefault(a, []).append((b, similarity))
            self._twins.setdefault(b, []).append((a, similarity))
        self._chunk_unit = np.array([c.unit for c in stored.chunks], dtype=np.int64)
        self._sentence_unit = np.array([c.unit for c in stored.sentences], dtype=np.int64)
        self._unit_doc = np.array([u.doc_id for u in stored.units])
        self._footnotes = np.array([u.kind == "footnote" for u in stored.units], dtype=bool)
        authority = {doc_id: _authority(d) for doc_id, d in stored.documents.items()}
        self._authority = np.array([authority[u.doc_id] for u in stored.units], dtype=np.int8)
        self._references = ReferenceResolver(list(stored.documents.values()), stored.units)
        self._speller = Speller(stored.vocabulary)
        self._acronyms = acronyms.learn(u.text for u in stored.units if u.kind in BODY_KINDS)
        self._chunk_doc = self._unit_doc[self._chunk_unit]

    def rank(self, query: str, k: int, docs: list[str] | None, settings: Settings) -> Ranking:
        depth = max(k, settings.candidates)
        query = without_markup(query)
        allowed = np.isin(self._unit_doc, docs) if docs is not None else np.ones(len(self._unit_doc), bool)
        ranking = Ranking([], None, False, quoted_phrases(query) if settings.phrases else [])
        searched = query
        ranking.language = foreign_language(query, self._stored.vocabulary)
        if settings.spelling and not ranking.language:  # "Govrnance" is searched as "governance"
            searched, ranking.corrections = self._speller.correct(query)
        ranking.searched = searched
        scores = self._fused(searched, allowed, docs, settings, depth, ranking)
        reference = ranking.reference = self._references.resolve(query) if settings.references else Reference()
        self._apply_hints(scores, reference, settings)
        scores[~allowed] = -np.inf
        if not FOOTNOTE_QUESTION.search(query):  # a footnote holds a reference, rarely an answer
            scores[self._footnotes] *= np.where(scores[self._footnotes] > 0, settings.footnote_weight, 1.0)
        pinned = self._pinned(reference, scores, allowed)
        ranking.resolved, ranking.referenced = bool(pinned), set(pinned)
        holders = self._phrase_holders(ranking, scores, allowed, pinned)
        ranking.phrase_rows = set(holders)
        pinned += holders
        ceiling = np.max(scores[np.isfinite(scores)], initial=0.0)
        ranked = [(row, float(ceiling + len(pinned) - i)) for i, row in enumerate(pinned)]  # pins above the rest
        scores[pinned] = -np.inf
        if ranking.resolved:  # after the paragraphs named, related paragraphs, not their footnotes
            scores[self._footnotes] = -np.inf
        ranked += [(int(row), float(scores[row])) for row in top(scores, 3 * k)]
        # Every paragraph the question asks of the documents it names ("paragraphs 55 to 65 of the outcome
        # document"), whatever k; then related ones up to k. Without a document named, k of them.
        asked = len(ranking.referenced) if reference.docs else 0
        ranking.rows = self._without_twins(ranked, settings, set(pinned))[: max(k, asked)]
        return ranking

    @functools.cached_property
    def comparable_texts(self) -> list[str]:
        """Each unit's text as quoted phrases are matched against it. Made on the first quoted phrase (or by
        Index.warm_up()), not on opening: 2 s for the 128,695 units of 1,190 documents."""
        return [comparable(u.text) for u in self._stored.units]

    @property
    def references(self) -> ReferenceResolver:
        return self._references

    def twins(self, row: int) -> list[tuple[int, float]]:
        return self._twins.get(row, [])

    def _fused(self, query: str, allowed: np.ndarray, docs, settings: Settings, depth: int, ranking: Ranking):
        """One fused score per unit (-inf: not a candidate); notes the best similarity for abstention."""
        signals = []
        if settings.dense:
            vector = ranking.query_vector = self._embed(query)
            paragraphs = self._similarity(self._paragraph_vectors, self._chunk_unit, vector, docs, depth)
            best = self._similarity(self._sentence_vectors, self._sentence_unit, vector, docs, depth)
            ranking.unit_similarity = np.maximum(paragraphs, best)
            ranking.similarity = float(np.max(ranking.unit_similarity, initial=-1.0))
            if settings.sentences == "max":
                paragraphs = np.maximum(paragraphs, best)
            elif settings.sentences == "ranking":
                signals.append(best)
            signals.append(paragraphs)
        if settings.lexical:
            signals.append(self._lexical(query, allowed))
        if settings.fusion == "score":
            return score_fusion(signals, depth)
        return reciprocal_rank_fusion([top(s, depth) for s in signals], len(self._stored.units), settings.rrf_k)

    def _apply_hints(self, scores: np.ndarray, reference: Reference, settings: Settings) -> None:
        """Documents the query names (or drafts of the ones it names that are not held) lift their units, as
        one first rank."""
        bonus = 1.0 if settings.fusion == "score" else 1.0 / (settings.rrf_k + 1)
        named = reference.docs + reference.drafts  # a draft held of a text named but not held
        if named and settings.document_prior:
            scores[np.isin(self._unit_doc, named) & np.isfinite(scores)] += settings.document_prior * bonus

    def _pinned(self, reference: Reference, scores: np.ndarray, allowed: np.ndarray) -> list[int]:
        pins = [row for row in reference.pinned if allowed[row]]
        if reference.section and len(pins) > 1:  # a section: its opening, then its units by relevance
            rest = sorted(pins[1:], key=lambda row: -scores[row] if np.isfinite(scores[row]) else np.inf)
            pins = [pins[0], *rest]
        elif len({self._unit_doc[row] for row in pins}) > 1:  # "paragraph 32" in several documents
            best = {}
            for row in pins:
                score = scores[row] if np.isfinite(scores[row]) else -np.inf
                best[self._unit_doc[row]] = max(best.get(self._unit_doc[row], -np.inf), score)
            pins = sorted(pins, key=lambda row: -best[self._unit_doc[row]])  # stable: each document's own order
        return pins

    def _phrase_holders(
        self, ranking: Ranking, scores: np.ndarray, allowed: np.ndarray, pinned: list[int]
    ) -> list[int]:
        """Units holding every quoted phrase, best scored first; notes phrases found nowhere, and how many
        paragraphs hold them all."""
        if not ranking.phrases:
            return []
        searchable = [row for row in np.flatnonzero(allowed) if self._stored.units[row].kind in BODY_KINDS]
        wanted = {p: comparable(p) for p in ranking.phrases}  # once, not once per paragraph
        texts = [self.comparable_texts[row] for row in searchable]
        ranking.missing_phrases = [p for p, w in wanted.items() if not any(w in text for text in texts)]
        every = [row for row, text in zip(searchable, texts, strict=True) if all(w in text for w in wanted.values())]
        ranking.phrase_total = len(every)
        holders = [row for row in every if row not in pinned]
        # A phrase that only names something ("Working Group on Enhanced Cooperation") ranks after
        # paragraphs that use it as words, unless the question capitalises it too.
        return sorted(holders, key=lambda row: (self._names_only(row, ranking.phrases), -_finite(scores[row])))

    def holders(self, phrases: list[str], docs: list[str] | None) -> list[int]:
        """Every unit of the documents (all, or `docs`) holding every phrase, in reading order."""
        allowed = np.isin(self._unit_doc, docs) if docs is not None else np.ones(len(self._unit_doc), bool)
        ranking = Ranking([], None, False, list(phrases))
        return sorted(self._phrase_holders(ranking, np.zeros(len(self._unit_doc)), allowed, []))

    def _names_only(self, row: int, phrases: list[str]) -> bool:
        return any(only_in_names(self._stored.units[row].text, phrase) for phrase in phrases)

    def _without_twins(self, ranked: list[tuple[int, float]], settings: Settings, pinned: set[int]):
        """A paragraph repeated nearly verbatim in another document is shown once, at its best rank, in the
        document of most standing: an adopted resolution's paragraph is never folded under a draft's or a
        user's note's. A paragraph the question names or whose wording it quotes is shown as it is."""
        if not settings.same_language:
            return ranked
        kept, hidden = [], set()
        for row, score in ranked:
            if row in hidden:
                continue
            twins = [twin for twin, _ in self._twins.get(row, [])]
            if row not in pinned and twins:
                row = max([row, *twins], key=lambda r: self._authority[r])  # stable: ties keep the ranked one
            kept.append((row, score))
            hidden.update([row, *(twin for twin, _ in self._twins.get(row, []))])
        return kept

    def _similarity(self, vectors: VectorSearch, owner: np.ndarray, query: np.ndarray, docs, depth: int):
        """Each unit's best similarity to the query among its rows in `vectors` (chunks or sentences)."""
        scores, rows = vectors.search(query, 4 * depth, docs)
        return best_per_unit(scores, owner[rows], len(self._stored.units))

    def evidence(self, ranking: Ranking, passages, docs: list[str] | None) -> Evidence:
        """What the index knows of whether `passages`, the answer's, answer the question (evidence.py)."""
        lexical = self._stored.lexical
        searched = None if docs is None else np.isin(self._chunk_doc, docs)

        def frequency(term: str | None) -> int:
            if term is None:
                return len(self._chunk_doc) if searched is None else int(searched.sum())
            chunks = lexical.chunks_with(term)
            return len(chunks) if searched is None else int(searched[chunks].sum())

        named = ranking.reference.naming
        return gather(ranking.searched, named, passages, ranking.similarity, lexical, self._acronyms, frequency)

    def _lexical(self, query: str, allowed: np.ndarray) -> np.ndarray:
        query = acronyms.expanded(query, self._acronyms)  # "IGF" also finds "Internet Governance Forum"
        scores = self._stored.lexical.scores(query)
        scores[scores <= 0] = -np.inf  # no query term: not a lexical candidate
        scores[~allowed[self._chunk_unit]] = -np.inf
        return best_per_unit(scores, self._chunk_unit, len(self._stored.units))


def _authority(document) -> int:
    """How much a document's wording stands as agreed language: an adopted resolution (3), another official
    document with a symbol (2), a draft (1), anything else, such as a delegation's own notes (0)."""
    if document.adopted or "/RES/" in document.symbol:
        return 3
    if document.symbol:
        return 2
    return 1 if document.status or "draft" in document.kind.lower() else 0


def _finite(score: float) -> float:
    return score if np.isfinite(score) else -np.inf
