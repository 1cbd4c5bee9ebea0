"""Build the index: documents -> units -> chunks -> vectors -> index folder."""

import functools
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from rag.errors import IndexStoreError, ModelError
from rag.ingest.folder import catalog_sha256, document_files, file_sha256, read_catalog, read_documents
from rag.ingest.identity import IDENTITY_VERSION, describe
from rag.ingest.normalise import words
from rag.ingest.paragraphs import BODY_KINDS, PARSER_VERSION, parse_document
from rag.store import dense, files, stores
from rag.store.agreed import LONGER_SHARE, SHINGLE, THRESHOLD, same_language
from rag.store.checksums import verify
from rag.store.chunking import CHUNKER_VERSION, Chunk, chunk_units, lexical_text, sentence_chunks
from rag.store.encoder import Embedder, OnnxEmbedder, ensure_export
from rag.store.extracted import ExtractionCache
from rag.store.lexical import LEXICAL_VERSION, LexicalIndex
from rag.store.model import MODEL_ID, MODEL_SHA256, Model, bundled, resolve, verified
from rag.store.ocr import OcrRepairer, lexicon
from rag.store.progress import Meter
from rag.store.vector_cache import VectorCache, text_digest

log = logging.getLogger(__name__)
# How manifests recorded the model before it could be chosen: always the bundled one.
LEGACY_BUNDLED = {"id": MODEL_ID, "sha256": MODEL_SHA256}

EMBED_BATCH = 2048  # texts embedded, then kept on disk, at a time: what a stopped build can lose at most


@dataclass(frozen=True)
class BuildReport:
    documents: int
    units: int
    chunks: int
    sentences: int
    embedded: int  # distinct texts (chunks and sentences) embedded now
    reused: int  # distinct texts whose vectors came from the previous build or an interrupted one
    seconds: float
    folder: Path
    skipped: dict[str, str]  # file name -> why it could not be read
    catalog_notes: tuple[str, ...] = ()  # catalog fields the documents do not bear out, so not stated
    extracted: int = 0  # PDF, Word and web page files whose text was extracted now (new or changed)
    extracted_before: int = 0  # ... whose text an earlier build had extracted


def live_model(index_dir: Path) -> Model | None:
    """The model the live build was made with, as its manifest records it (its folder is not read); None when
    there is no build, or its manifest records no model in today's form."""
    return _model_of(files.live_build(index_dir))


def _model_of(build_folder: Path | None) -> Model | None:
    if build_folder is None:
        return None
    try:
        record = files.read_manifest(build_folder).get("model")
        if record == LEGACY_BUNDLED:  # an index from before the choice of model: rebuilt, its vectors reused
            return bundled()
        return Model.from_record(record)
    except (IndexStoreError, ModelError):
        return None


def index_model(index_dir: Path, model: Model | str | Path | None = None) -> Model:
    """The model to build or open with: the one asked for (a Model, a folder, or "bundled"), else the one the
    live build was made with, else the bundled one. Without asking, an index keeps its model."""
    return resolve(model) or live_model(index_dir) or bundled()


def expected_manifest(docs_dir: Path, store: str = stores.FAISS, model: Model | None = None) -> dict:
    """What the manifest of an up-to-date index of `model` (default: the bundled one) says; cheap to compute
    (hashes of the documents, no parsing)."""
    return {
        "format": files.FORMAT,
        "store": store,  # where the vectors are searched: "faiss", or a Milvus address or Milvus Lite file
        "model": (model or bundled()).record(),
        "parser_version": PARSER_VERSION,
        "identity_version": IDENTITY_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "lexical_version": LEXICAL_VERSION,
        "same_language": {"shingle": SHINGLE, "threshold": THRESHOLD, "longer_share": LONGER_SHARE},
        "sources": {path.name: file_sha256(path) for path in document_files(docs_dir)},
        "catalog_sha256": catalog_sha256(docs_dir),
    }


def is_current(manifest: dict, docs_dir: Path, store: str = stores.FAISS, model: Model | None = None) -> bool:
    expected = expected_manifest(docs_dir, store, model)
    manifest = {"store": stores.FAISS, **manifest}  # a build from before the choice of store is a FAISS one
    return all(manifest.get(key) == value for key, value in expected.items())


def up_to_date(docs_dir: Path, index_dir: Path, store: str = stores.FAISS, model: Model | None = None) -> bool:
    """Whether the live build is of these documents, of `model` (default: its own) and intact (each file the
    one it wrote), so a build would change nothing; a damaged or unreadable build is not up to date."""
    folder = files.live_build(index_dir)
    if folder is None:
        return False
    try:
        if not is_current(files.read_manifest(folder), docs_dir, store, index_model(index_dir, model)):
            return False
        verify(folder)
    except IndexStoreError:
        return False
    return True


def build(
    docs_dir: Path,
    index_dir: Path,
    *,
    model: Model | str | Path | None = None,
    embedder: Embedder | None = None,
    progress: bool = False,
    repair_ocr: bool = True,
    stem: bool = True,
    dense_index: str = "auto",
    store: str = stores.FAISS,
) -> BuildReport:
    """Parse, chunk, embed and save; vectors of unchanged chunks are reused from the previous build.
    `store` is where the vectors are searched (see stores.py); for FAISS, `dense_index` is the index type:
    "auto" (by size, see dense.choose), "flat" or "ivf". `model` is the embedding model (see index_model:
    by default the one the index already has); `embedder`, when given, must be of it.
    `repair_ocr=False` and `stem=False` exist for the evaluation's ablations."""
    began = time.perf_counter()
    model = verified(index_model(index_dir, model))  # a model whose files changed is refused, not mixed in
    manifest = expected_manifest(docs_dir, store, model)
    catalog = read_catalog(docs_dir)
    extractions = ExtractionCache(index_dir)  # only new or changed PDFs, Word files and web pages are read
    readable, skipped = read_documents(docs_dir, reader=extractions.read)
    documents, units, texts, catalog_notes = {}, [], {}, []
    meter = Meter("Parsing", len(readable), "documents", enabled=progress)
    for path, extracted in readable.items():
        doc_units, masthead = parse_document(path.stem, extracted.text)
        documents[path.stem], notes = describe(path, extracted, doc_units, catalog.get(path.stem, {}), masthead)
        for note in notes:
            log.warning("Catalog: %s", note)
        catalog_notes += notes
        units.extend(doc_units)
        if extracted.stored:  # a PDF's, Word file's or web page's text: quotes and spans point into it
            texts[path.stem] = extracted.text
        meter.advance(1, f"{len(units):,} units")
    meter.close()
    repairer = OcrRepairer([u.text for u in units], lexicon(model.folder)) if repair_ocr else None
    chunks, sentences = _repaired(chunk_units(units, model), repairer), _repaired(sentence_chunks(units), repairer)
    # Without an embedder, the export the query path needs is checked (or made) beside the build, and loaded
    # only if there is something to embed: a process that exits while onnxruntime loads aborts.
    exported = None if embedder else ensure_export(index_dir, model, progress=progress)
    load_embedder = (lambda: embedder) if embedder else functools.partial(OnnxEmbedder, exported, key=model.key)
    embedded_texts = [c.text for c in chunks + sentences]
    vectors, embedded, reused = _vectors(embedded_texts, index_dir, model, load_embedder, progress)
    vector_sets = {"dense": vectors[: len(chunks)], "sentences": vectors[len(chunks) :]}
    if stores.is_milvus(store):  # the vectors are searched there; the build keeps them exactly for reuse
        indexes, exact = {"dense": None, "sentences": None}, vector_sets
        rows = {"dense": chunks, "sentences": sentences}
        manifest["dense"] = stores.write_milvus(store, index_dir, vector_sets, rows, units)
    else:
        indexes, exact, manifest["dense"] = _faiss_indexes(vector_sets, dense_index)
    lexical_texts = [lexical_text(c, units, documents) for c in chunks]
    if repairer:  # both spellings: "leT ICT gaps" matches a question about ICT and one that copies the print
        lexical_texts = [repairer.repaired(text, keep_original=True) for text in lexical_texts]
    lexical = LexicalIndex.build(lexical_texts, stem=stem)
    manifest["counts"] = {"documents": len(documents), "units": len(units), "chunks": len(chunks)}
    manifest["skipped"] = skipped
    manifest["catalog_notes"] = catalog_notes
    manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    same_as = same_language(units, BODY_KINDS)
    vocabulary = dict(Counter(word for unit in units if unit.kind in BODY_KINDS for word in words(unit.text)))
    stored = files.StoredIndex(
        manifest,
        documents,
        units,
        chunks,
        indexes["dense"],
        lexical,
        sentences,
        indexes["sentences"],
        same_as,
        texts,
        vocabulary,
        exact=exact,
    )
    try:
        folder = files.save(index_dir, stored)
    finally:
        stores.drop_unused(store, index_dir)  # the previous build's collections, or this one's if not published
    VectorCache(index_dir, model).clear()  # the new build holds the vectors the cache kept for a resumed build
    extractions.prune()
    seconds = time.perf_counter() - began
    log.info(
        "Built %s: %d documents, %d units, %d chunks in %.1f s",
        folder,
        len(documents),
        len(units),
        len(chunks),
        seconds,
    )
    return BuildReport(
        len(documents),
        len(units),
        len(chunks),
        len(sentences),
        embedded,
        reused,
        seconds,
        folder,
        skipped,
        tuple(catalog_notes),
        extractions.misses,
        extractions.hits,
    )


def _repaired(chunks: list[Chunk], repairer: OcrRepairer | None) -> list[Chunk]:
    """Chunks embedded with OCR damage repaired ("leT" as "ICT"); their spans still point at the print."""
    if repairer is None:
        return chunks
    return [replace(c, text=repairer.repaired(c.text, keep_original=False)) for c in chunks]


def _faiss_indexes(vector_sets: dict[str, np.ndarray], kind: str) -> tuple[dict, dict, dict]:
    """For chunks' and sentences' vectors: the FAISS index, the exact vectors an approximate index keeps
    beside it, and what the manifest says of each index."""
    indexes, exact, described = {}, {}, {}
    for stem, vectors in vector_sets.items():
        index_type = dense.choose(len(vectors), kind)
        indexes[stem] = dense.make(vectors, index_type)
        described[stem] = dense.describe(indexes[stem])
        if index_type != dense.FLAT:
            exact[stem] = vectors
    return indexes, exact, described


def _vectors(texts: list[str], index_dir: Path, model: Model, load_embedder: Callable[[], Embedder], progress: bool):
    """Vectors for `texts`, embedding each distinct text once and only if neither the previous build nor an
    interrupted one already embedded it with the same model; also how many were embedded and how many
    reused. Fresh vectors are kept on disk a batch at a time, so a build stopped part way resumes."""
    known = _previous_vectors(index_dir, model)
    cache = VectorCache(index_dir, model)
    cached = cache.load()
    missing = []
    for text in sorted(set(texts) - known.keys()):
        if (vector := cached.get(text_digest(text))) is not None:
            known[text] = vector
        else:
            missing.append(text)
    del cached
    random.Random(0).shuffle(missing)  # even batches: the rate, and so the time left, holds across the run
    if missing:
        embedder = load_embedder()
        meter = Meter("Embedding", len(missing), "texts", enabled=progress)
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            fresh = embedder.embed(batch)
            cache.add(batch, fresh)
            known.update(zip(batch, fresh, strict=True))
            meter.advance(len(batch))
        meter.close()
    vectors = np.stack([known[t] for t in texts]) if texts else np.zeros((0, model.dimensions), np.float32)
    return vectors.astype(np.float32), len(missing), len(set(texts)) - len(missing)


def _previous_vectors(index_dir: Path, model: Model) -> dict[str, np.ndarray]:
    folder = files.live_build(index_dir)
    previous = _model_of(folder)  # None for a damaged index: it is simply rebuilt from scratch
    if previous is None or previous.key != model.key:
        return {}  # vectors from another model cannot be mixed with this one's
    return files.load_vectors(folder)
