"""Index: the one object scripts hold. Opens (building when stale) and searches."""

import functools
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag.citations import citation, full_citation, label_phrase, original_url, pages_of, source_url
from rag.errors import IndexStoreError, ModelError, NotFoundError
from rag.ingest.folder import Document, read_text
from rag.ingest.paragraphs import Unit
from rag.memory import release_freed_memory
from rag.passage import Answer, Passage, SameAs
from rag.quote_text import plain_text
from rag.retrieval import language, spelling
from rag.retrieval import notices as notices_
from rag.retrieval.decision import BUNDLED, Decision, abstains
from rag.retrieval.examples import example_questions
from rag.retrieval.fusion import DEFAULT, Settings
from rag.retrieval.highlights import highlights
from rag.retrieval.lookup import Lookup
from rag.retrieval.query import DEFAULT_K, check_document_names, check_k, check_query
from rag.retrieval.ranking import Ranker, Ranking
from rag.store import abstention, files, stores
from rag.store.build import build, index_model, is_current
from rag.store.encoder import Embedder, OnnxEmbedder, export_folder, open_embedder
from rag.store.model import Model
from rag.store.progress import say
from rag.store.reuse import ReuseIndex

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PARTLY_HELD = 0.5  # an answer whose passages hold less of the question's key words (by IDF) says which they lack


def default_docs_dir() -> Path:
    return Path(os.environ.get("RAG_DOCS") or PROJECT_ROOT / "seeds")


def default_index_dir() -> Path:
    return Path(os.environ.get("RAG_INDEX") or PROJECT_ROOT / "index")


class Index:
    """A loaded index over one documents folder. Load once, search many times, from any thread."""

    def __init__(
        self,
        stored: files.StoredIndex,
        *,
        embedder: Embedder | None = None,
        docs_dir: Path | None = None,
        index_dir: Path | None = None,
    ):
        self._stored = stored
        self._docs_dir = docs_dir if docs_dir is not None else default_docs_dir()
        self._index_dir = index_dir if index_dir is not None else default_index_dir()
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._reuse_lock = threading.Lock()
        self._reuse: ReuseIndex | None = None
        paragraphs, self._sentence_vectors = stores.open_vectors(stored)
        self._ranker = Ranker(stored, lambda text: self.embedder.embed([text]), paragraphs, self._sentence_vectors)
        self._sentence_matrix = stored.vectors("sentences")  # for highlights: never fetched from Milvus
        self._row_of = {(unit.doc_id, unit.label): row for row, unit in enumerate(stored.units)}
        self._ranges = notices_.numbering_ranges(stored.units)
        # Per index, not on the method: a cache on the class would keep every Index ever opened alive.
        self._quoted = functools.lru_cache(maxsize=4096)(self._quote)
        self._sentences_of: dict[int, list[int]] = {}
        for i, sentence in enumerate(stored.sentences):
            self._sentences_of.setdefault(sentence.unit, []).append(i)

    @classmethod
    def open(
        cls,
        docs_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        *,
        embedder: Embedder | None = None,
        progress: bool = False,
        store: str | None = None,
        model: Model | str | Path | None = None,
    ) -> "Index":
        """Load the index of `docs_dir` from `index_dir`, building or rebuilding it first when stale.
        `store` is where the vectors are searched: "faiss" (in this process), "milvus://HOST:PORT" (a
        Milvus server) or a file ending ".db" (Milvus Lite); an index built for another store is rebuilt.
        `model` is the embedding model: a sentence-transformers model folder, "bundled", or None for the
        one the index was built with (the bundled all-MiniLM-L6-v2 when there is no index yet); an index
        built with another model is rebuilt. `embedder`, when given, must be of that model.

        Defaults: the bundled seeds/ and index/ folders, FAISS (or $RAG_DOCS, $RAG_INDEX and $RAG_STORE).
        """
        docs = Path(docs_dir) if docs_dir is not None else default_docs_dir()
        folder = Path(index_dir) if index_dir is not None else default_index_dir()
        store = stores.resolve(store)
        model = index_model(folder, model)  # read from the manifest when not given: no weights are hashed
        running = embedder or _start_embedder(folder, model)  # it loads in the background while the index is read
        stored = _load_current(docs, folder, store, model)
        if stored is None:
            with files.build_lock(folder):
                stored = _load_current(docs, folder, store, model, warn=False)  # another process may have built it
                if stored is None:
                    log.info("Building the index of %s in %s", docs, folder)
                    say(f"Building the index of {docs} in {folder} (new or changed documents) ...", progress)
                    report = build(docs, folder, model=model, embedder=embedder, progress=progress, store=store)
                    stored = files.load(report.folder)
                    running = embedder or _start_embedder(folder, model)
        return cls(stored, embedder=running, docs_dir=docs, index_dir=folder)

    @property
    def documents(self) -> list[Document]:
        return list(self._stored.documents.values())

    @property
    def manifest(self) -> dict:
        return self._stored.manifest

    def document(self, doc_id: str) -> Document:
        self._check_docs([doc_id])
        return self._stored.documents[doc_id]

    def find_document(self, name: str) -> Document:
        """The document `name` names: its id, its UN symbol ("A/RES/70/125"), its short name or an alias."""
        return self._lookup.document(name)

    def document_ids(self, names: list[str] | None) -> list[str] | None:
        """The ids of the documents `names` names, each by id, symbol or short name; None (every document)
        for None. QueryError for a list that is not one (query.check_document_names), NotFoundError for a
        name no document has."""
        names = check_document_names(names)
        return None if names is None else list(dict.fromkeys(self.find_document(name).id for name in names))

    def paragraph(self, document: str, label: str) -> Passage:
        """One paragraph, named as a reader names it: the document by id, symbol or short name, the paragraph
        by its own label ("A/RES/70/125", "32"; "48(a)", "PP3", "para. 12", "¶3"). Quoted and cited as a
        search returns it, with score 0. NotFoundError when either is not there."""
        return self._quoted(self._lookup.row(self._lookup.document(document), label))

    @functools.cached_property
    def _lookup(self) -> Lookup:
        return Lookup(self._stored.documents, self._ranker.references, self._ranges)

    def text(self, doc_id: str) -> str:
        """The text a document's spans point into: the file itself for .txt and .md, else the text the index
        extracted from the PDF, Word file or web page."""
        self._check_docs([doc_id])
        if doc_id in self._stored.texts:
            return self._stored.texts[doc_id]
        return read_text(self._docs_dir / self._stored.documents[doc_id].file)

    def original(self, doc_id: str) -> Path:
        """The document's original file in the documents folder (for serving a PDF as it was published)."""
        self._check_docs([doc_id])
        return self._docs_dir / self._stored.documents[doc_id].file

    def example_questions(self, n: int = 4) -> list[str]:
        """Questions this corpus can answer, drawn from its own headings, titles and paragraph numbers."""
        return example_questions(self.documents, self._stored.units, n)

    def units(self, doc_id: str) -> list[Unit]:
        """Every unit of a document in reading order (headings and markup included), for display."""
        self._check_docs([doc_id])
        return [u for u in self._stored.units if u.doc_id == doc_id]

    @property
    def reuse(self) -> ReuseIndex:
        """Every paragraph's word 5-grams, for finding where a draft's wording was used before (made on first
        use: a few seconds for 100,000 paragraphs)."""
        with self._reuse_lock:
            if self._reuse is None:
                self._reuse = ReuseIndex(self._stored.units)
            return self._reuse

    def unit_at(self, row: int) -> Unit:
        """The unit at a row of the index (the rows ReuseIndex gives)."""
        return self._stored.units[row]

    def passage_at(self, row: int) -> Passage:
        """The unit at a row, quoted and cited as a search returns it, with score 0."""
        return self._quoted(row)

    def rows_of(self, doc_ids: set[str]) -> frozenset[int]:
        """The rows of these documents' units."""
        return frozenset(row for row, unit in enumerate(self._stored.units) if unit.doc_id in doc_ids)

    def paragraph_counts(self) -> dict[str, int]:
        """How many paragraphs, list items and tables each document has (for the library's list)."""
        counts: dict[str, int] = {}
        for unit in self._stored.units:
            if unit.kind in ("paragraph", "item", "table"):
                counts[unit.doc_id] = counts.get(unit.doc_id, 0) + 1
        return counts

    def warm_up(self) -> None:
        """Load now what the first questions would otherwise wait for (the model, the English word list,
        the language profiles, the texts quoted phrases are matched in), then hand the memory the loading
        freed back to the system. For servers."""
        self.embedder.embed(["warm up"])
        _ = self._ranker.comparable_texts
        spelling.preload()
        language.preload()
        release_freed_memory()

    def search(
        self, query: str, k: int = DEFAULT_K, *, documents: list[str] | None = None, settings: Settings = DEFAULT
    ) -> list[Passage]:
        """The k paragraphs that best answer `query`, best first, each paragraph at most once; only from
        `documents` when given (each named by id, UN symbol or short name)."""
        query = check_query(query)
        return self._passages(self._rank(query, k, self.document_ids(documents), settings), query)

    def answer(
        self, query: str, k: int = DEFAULT_K, *, documents: list[str] | None = None, settings: Settings = DEFAULT
    ) -> Answer:
        """Like search(), and says whether the documents answer the query at all: when they do not, the
        answer abstains and its passages are the nearest ones, marked weak. Its notices say why (a paragraph
        or a document the documents do not have, words no passage holds) and how the question was read."""
        query = check_query(query)
        docs = self.document_ids(documents)
        ranking = self._rank(query, k, docs, settings)
        passages = self._passages(ranking, query)
        evidence = self._ranker.evidence(ranking, passages, docs)
        said = self._notices(ranking)
        reference = ranking.reference
        lacks = reference.missing or reference.misplaced or reference.absent_paragraph or ranking.language
        abstained = abstains(ranking, evidence, self._decision(settings), bool(lacks))
        if abstained:
            passages = [replace(p, weak=True) for p in passages]
            said += notices_.unanswered(evidence, bool(lacks or ranking.missing_phrases))
        elif not ranking.resolved and not ranking.phrases and evidence.shown < PARTLY_HELD:
            said += notices_.words_missing(evidence)  # related by meaning, not by the question's own words
        return Answer(
            query,
            tuple(passages),
            abstained,
            missing_phrases=tuple(ranking.missing_phrases),
            confidence=ranking.similarity,
            notices=tuple(said),
            phrases=tuple(ranking.phrases),
            corrections=tuple(ranking.corrections),
            phrase_total=ranking.phrase_total,
            evidence=evidence,
        )

    def _notices(self, ranking: Ranking) -> list[str]:
        """What the question asks for that the documents do not have, or cannot read."""
        reference, said = ranking.reference, []
        named = [self._stored.documents[d] for d in reference.docs]
        for label in reference.missing:
            said.append(notices_.missing_paragraph(label, named, self._ranges))
        for doc_id, kind, label in reference.misplaced:
            said.append(notices_.misplaced(self._stored.documents[doc_id], kind, label))
        if reference.absent:
            said.append(notices_.not_held(reference.absent, [self._stored.documents[d] for d in reference.drafts]))
        if ranking.language and not ranking.resolved:
            said.append(notices_.other_language(ranking.language))
        return said

    def _decision(self, settings: Settings) -> Decision:
        if settings.decision is not None:
            return settings.decision
        if settings.abstain_below is not None:
            return Decision.threshold(settings.abstain_below)
        return self.decision

    def containing(self, phrases: str | list[str], *, documents: list[str] | None = None) -> list[Passage]:
        """Every paragraph that holds the phrase (or every one of the phrases), after normalising case,
        hyphens, markup and line breaks, in reading order: the whole list behind "28 passages contain
        “multistakeholder”"."""
        phrases = [phrases] if isinstance(phrases, str) else phrases
        wanted = [check_query(phrase).strip().strip('"“”').strip() for phrase in phrases]
        docs = self.document_ids(documents)
        return [replace(self._quoted(row), match="phrase") for row in self._ranker.holders(wanted, docs)]

    def same_language(self, doc_id: str) -> dict[str, tuple[SameAs, ...]]:
        """For the source viewer: each paragraph's near-verbatim twins in other documents, by label."""
        self._check_docs([doc_id])
        return {
            unit.label: self._twins_of(row)
            for row, unit in enumerate(self._stored.units)
            if unit.doc_id == doc_id and self._ranker.twins(row)
        }

    @property
    def model(self) -> Model:
        """The embedding model the index was built with."""
        return Model.from_record(self.manifest.get("model"))

    @functools.cached_property
    def decision(self) -> Decision:
        """How answer() tells answered from not: fitted for this index's model by `rag eval --calibrate
        --save`, else the bundled model's (rag/retrieval/decision.py)."""
        fitted = Decision.from_record(abstention.saved(self._index_dir, self.model) or {})
        return fitted or BUNDLED

    @property
    def embedder(self) -> Embedder:
        with self._embedder_lock:  # loaded on first use: opening an index for display needs no model
            if self._embedder is None:
                self._embedder = open_embedder(self._index_dir, self.model)
            return self._embedder

    def _rank(self, query: str, k: int, docs: list[str] | None, settings: Settings) -> Ranking:
        """`query` as check_query() returns it."""
        check_k(k)
        return self._ranker.rank(query, k, docs, settings)

    def _passages(self, ranking: Ranking, query: str) -> list[Passage]:
        return [self._passage(row, score, ranking, query) for row, score in ranking.rows]

    def _passage(self, row: int, score: float, ranking: Ranking, query: str) -> Passage:
        unit = self._stored.units[row]
        sentences = self._sentences_of.get(row, [])
        similarities = None
        if ranking.query_vector is not None and sentences:
            similarities = np.asarray(self._sentence_matrix[sentences], dtype=np.float32) @ ranking.query_vector[0]
        spans = [(self._stored.sentences[i].start, self._stored.sentences[i].end) for i in sentences]
        return replace(
            self._quoted(row),
            score=score,
            similarity=_similarity(ranking, row, similarities),
            highlights=highlights(unit.text, spans, similarities, query, ranking.phrases, self._stored.lexical.terms),
            match="reference" if row in ranking.referenced else "phrase" if row in ranking.phrase_rows else "",
        )

    def _quote(self, row: int) -> Passage:
        """What a passage of this paragraph always says (quote, citations, links, footnotes), before the
        question adds its score and highlights."""
        unit = self._stored.units[row]
        document = self._stored.documents[unit.doc_id]
        pages = pages_of(document, unit)
        return Passage(
            doc_id=unit.doc_id,
            doc_title=document.title,
            label=unit.label,
            section=unit.section,
            text=unit.text,
            spans=unit.spans,
            score=0.0,
            citation=citation(document, unit),
            full_citation=full_citation(document, unit),
            url=source_url(unit.doc_id, unit.label),
            kind=unit.kind,
            doc_short_name=document.short_name,
            place=label_phrase(unit),
            rows=unit.rows,
            same_as=self._twins_of(row),
            pages=pages,
            original_url=original_url(document, pages),
            footnotes=tuple(self._stored.units[self._row_of[(unit.doc_id, note)]].text for note in unit.notes),
            marks=unit.marks,
            plain_text=plain_text(unit.text, unit.marks),
        )

    def _twins_of(self, row: int) -> tuple[SameAs, ...]:
        twins = []
        for other, similarity in self._ranker.twins(row):
            unit = self._stored.units[other]
            document = self._stored.documents[unit.doc_id]
            twins.append(
                SameAs(
                    unit.doc_id, unit.label, citation(document, unit), source_url(unit.doc_id, unit.label), similarity
                )
            )
        return tuple(twins)

    def _check_docs(self, docs: list[str]) -> None:
        """Document ids, as the viewer and the compilation hold them."""
        unknown = [d for d in docs if d not in self._stored.documents]
        if unknown:
            known = ", ".join(sorted(self._stored.documents))
            raise NotFoundError(f"Unknown document id {unknown[0]!r}; known ids: {known}.")


def _start_embedder(folder: Path, model: Model) -> OnnxEmbedder | None:
    """The index folder's export of `model`, starting to load; None when there is none yet (the build makes it)."""
    if not (export_folder(folder, model) / "export.json").is_file():
        return None
    try:
        return OnnxEmbedder(export_folder(folder, model), key=model.key)
    except ModelError:
        return None  # an unreadable record: made again on first use


def _load_current(docs: Path, folder: Path, store: str, model: Model, *, warn: bool = True) -> files.StoredIndex | None:
    build_folder = files.live_build(folder)
    if build_folder is None:
        return None
    try:
        current = is_current(files.read_manifest(build_folder), docs, store, model)
        return files.load(build_folder) if current else None
    except IndexStoreError as error:
        if warn:  # said once, on the first look
            log.warning("%s Rebuilding.", error)
        return None


def _similarity(ranking: Ranking, row: int, sentences: np.ndarray | None) -> float | None:
    """The question's cosine similarity to the paragraph or its nearest sentence; None without dense vectors."""
    found = [float(np.max(sentences))] if sentences is not None and len(sentences) else []
    if ranking.unit_similarity is not None and np.isfinite(ranking.unit_similarity[row]):
        found.append(float(ranking.unit_similarity[row]))
    return round(max(found), 4) if found else None


_default_index: Index | None = None
_default_lock = threading.Lock()


def default_index() -> Index:
    """The index of the bundled seeds/ in index/ (or $RAG_DOCS, $RAG_INDEX), opened on first call."""
    global _default_index
    with _default_lock:
        if _default_index is None:
            _default_index = Index.open()
    return _default_index


def search(query: str, k: int = DEFAULT_K, *, documents: list[str] | None = None) -> list[Passage]:
    """Index.search() on the default index, for one-off scripts."""
    return default_index().search(query, k, documents=documents)


def answer(query: str, k: int = DEFAULT_K, *, documents: list[str] | None = None) -> Answer:
    """Index.answer() on the default index, for one-off scripts."""
    return default_index().answer(query, k, documents=documents)
