"""Index: the one object scripts hold. Opens (building when stale) and searches."""

import logging
import os
import threading
from pathlib import Path

import faiss
import numpy as np

from rag import store
from rag.build import build, is_current
from rag.citations import citation, label_phrase, source_url
from rag.documents import Document
from rag.embedding import Embedder
from rag.errors import IndexStoreError, QueryError
from rag.paragraphs import Unit
from rag.passage import Passage
from rag.retrieval import DEFAULT, Settings, best_per_unit, reciprocal_rank_fusion, top

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_QUERY_CHARS = 4000  # far past the model's 256 word pieces; the model cuts the rest


def default_docs_dir() -> Path:
    return Path(os.environ.get("RAG_DOCS") or PROJECT_ROOT / "seeds")


def default_index_dir() -> Path:
    return Path(os.environ.get("RAG_INDEX") or PROJECT_ROOT / "index")


class Index:
    """A loaded index over one documents folder. Load once, search many times, from any thread."""

    def __init__(self, stored: store.StoredIndex, *, embedder: Embedder | None = None):
        self._stored = stored
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._chunk_unit = np.array([c.unit for c in stored.chunks], dtype=np.int64)
        self._chunks_of_doc: dict[str, np.ndarray] = {
            doc_id: np.flatnonzero([stored.units[c.unit].doc_id == doc_id for c in stored.chunks]).astype(np.int64)
            for doc_id in stored.documents
        }

    @classmethod
    def open(
        cls,
        docs_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        *,
        embedder: Embedder | None = None,
        progress: bool = False,
    ) -> "Index":
        """Load the index of `docs_dir` from `index_dir`, building or rebuilding it first when stale.

        Defaults: the bundled seeds/ and index/ folders (or $RAG_DOCS and $RAG_INDEX).
        """
        docs = Path(docs_dir) if docs_dir is not None else default_docs_dir()
        folder = Path(index_dir) if index_dir is not None else default_index_dir()
        stored = _load_current(docs, folder)
        if stored is None:
            with store.build_lock(folder):
                stored = _load_current(docs, folder)  # another process may have built it meanwhile
                if stored is None:
                    log.info("Building the index of %s in %s", docs, folder)
                    embedder = embedder or Embedder()
                    report = build(docs, folder, embedder=embedder, progress=progress)
                    stored = store.load(report.folder)
        return cls(stored, embedder=embedder)

    @property
    def documents(self) -> list[Document]:
        return list(self._stored.documents.values())

    @property
    def manifest(self) -> dict:
        return self._stored.manifest

    def document(self, doc_id: str) -> Document:
        self._check_docs([doc_id])
        return self._stored.documents[doc_id]

    def units(self, doc_id: str) -> list[Unit]:
        """Every unit of a document in reading order (headings and markup included), for display."""
        self._check_docs([doc_id])
        return [u for u in self._stored.units if u.doc_id == doc_id]

    def search(
        self, query: str, k: int = 5, *, docs: list[str] | None = None, settings: Settings = DEFAULT
    ) -> list[Passage]:
        """The k paragraphs that best answer `query`, best first, each paragraph at most once."""
        query = _check_query(query)
        _check_k(k)
        if docs is not None:
            self._check_docs(docs)
        scores = self._unit_scores(query, docs, settings, max(k, settings.candidates))
        return [self._passage(row, float(scores[row])) for row in top(scores, k)]

    @property
    def embedder(self) -> Embedder:
        with self._embedder_lock:  # loaded on first use: opening an index for display needs no model
            if self._embedder is None:
                self._embedder = Embedder()
            return self._embedder

    def _unit_scores(self, query: str, docs: list[str] | None, settings: Settings, depth: int) -> np.ndarray:
        """One score per unit (-inf: not a candidate): each signal's best chunk per unit, then fused."""
        units = len(self._stored.units)
        allowed = self._allowed_chunks(docs)
        signals = []
        if settings.dense:
            signals.append(best_per_unit(*self._dense_chunks(query, allowed, depth), units))
        if settings.lexical:
            lexical = self._stored.lexical.scores(query)
            lexical[lexical <= 0] = -np.inf  # no query term: not a lexical candidate
            if allowed is not None:
                lexical[~allowed] = -np.inf
            signals.append(best_per_unit(lexical, self._chunk_unit, units))
        if len(signals) == 1:
            return signals[0]
        return reciprocal_rank_fusion([top(s, depth) for s in signals], units, settings.rrf_k)

    def _allowed_chunks(self, docs: list[str] | None) -> np.ndarray | None:
        if docs is None:
            return None
        allowed = np.zeros(len(self._stored.chunks), dtype=bool)
        for doc in docs:
            allowed[self._chunks_of_doc[doc]] = True
        return allowed

    def _dense_chunks(self, query: str, allowed: np.ndarray | None, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """Similarity of the query to the best chunks (enough of them to cover `depth` units)."""
        vector = self.embedder.embed([query])
        params = None if allowed is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.flatnonzero(allowed)))
        available = self._stored.dense.ntotal if allowed is None else int(allowed.sum())
        scores, ids = self._stored.dense.search(vector, min(available, 2 * depth), params=params)
        found = ids[0] >= 0
        return scores[0][found], self._chunk_unit[ids[0][found]]

    def _passage(self, row: int, score: float) -> Passage:
        unit = self._stored.units[row]
        document = self._stored.documents[unit.doc_id]
        return Passage(
            doc_id=unit.doc_id,
            doc_title=document.title,
            label=unit.label,
            section=unit.section,
            text=unit.text,
            spans=unit.spans,
            score=score,
            citation=citation(document, unit),
            url=source_url(unit.doc_id, unit.label),
            kind=unit.kind,
            doc_short_name=document.short_name,
            place=label_phrase(unit),
            rows=unit.rows,
        )

    def _check_docs(self, docs: list[str]) -> None:
        if isinstance(docs, str) or not all(isinstance(d, str) for d in docs):
            raise QueryError("docs must be a list of document ids, e.g. ['004_7b6cb249c0a88164'].")
        unknown = [d for d in docs if d not in self._stored.documents]
        if unknown:
            known = ", ".join(sorted(self._stored.documents))
            raise QueryError(f"Unknown document id {unknown[0]!r}; known ids: {known}.")


def _load_current(docs: Path, folder: Path) -> store.StoredIndex | None:
    build_folder = store.live_build(folder)
    if build_folder is None:
        return None
    try:
        return store.load(build_folder) if is_current(store.read_manifest(build_folder), docs) else None
    except IndexStoreError as error:
        log.warning("%s Rebuilding.", error)
        return None


def _check_query(query: str) -> str:
    if not isinstance(query, str):
        raise QueryError(f"The query must be text, not {type(query).__name__}.")
    if not query.strip():
        raise QueryError("The query is empty; ask a question or give some words to search for.")
    return query.strip()[:MAX_QUERY_CHARS]


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise QueryError(f"k must be a whole number of passages, 1 or more (got {k!r}).")


_default_index: Index | None = None
_default_lock = threading.Lock()


def search(query: str, k: int = 5, *, docs: list[str] | None = None) -> list[Passage]:
    """Search the default index (bundled seeds/ and index/), opened on first call."""
    global _default_index
    with _default_lock:
        if _default_index is None:
            _default_index = Index.open()
    return _default_index.search(query, k, docs=docs)
