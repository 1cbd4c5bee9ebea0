"""Where a build's vectors are searched: FAISS in this process (the default), or Milvus (milvus.py), for
corpora or traffic one machine cannot hold. Everything else of a build (units, the lexical index, the exact
vectors) stays in the index folder either way, so the ranking around the vector search is the same.

A Milvus build writes two collections (chunks, sentences) named after the index folder and the build, and
records them in the manifest; once a build is published, the collections of this index folder that the
live build does not name are dropped, so a rebuild or a failed build leaves nothing behind.
"""

import hashlib
import os
import uuid
from pathlib import Path

import numpy as np

from rag.errors import IndexStoreError, QueryError
from rag.store import files
from rag.store.dense import FaissVectors, VectorSearch

FAISS = "faiss"
STEMS = ("dense", "sentences")  # chunks' vectors, sentences' vectors


def resolve(store: str | None) -> str:
    """The store asked for (else $RAG_STORE, else FAISS), a Milvus Lite file as an absolute path."""
    store = str(store or os.environ.get("RAG_STORE") or FAISS).strip()
    if store == FAISS or store.startswith("milvus://"):
        return store
    if store.endswith(".db"):
        return str(Path(store).expanduser().absolute())
    raise QueryError(f"Unknown store {store!r}; use faiss, milvus://HOST:PORT or a Milvus Lite file ending .db.")


def is_milvus(store: str) -> bool:
    return store != FAISS


def write_milvus(store: str, index_dir: Path, vector_sets: dict, rows: dict, units: list) -> dict:
    """Write a build's vectors (and each row's document, unit, label and text) into new collections; what
    the manifest says of them."""
    from rag.store.milvus import MilvusStore

    build = uuid.uuid4().hex[:8]
    described = {}
    with MilvusStore(store) as milvus:
        for stem in STEMS:
            name = f"{_prefix(index_dir)}{build}_{stem}"
            fields = [
                {"doc_id": units[r.unit].doc_id, "unit": r.unit, "label": units[r.unit].label, "text": r.text}
                for r in rows[stem]
            ]
            milvus.write(name, fields, vector_sets[stem])
            described[stem] = {"type": "milvus", "collection": name}
    return described


def drop_unused(store: str, index_dir: Path) -> None:
    """Drop this index folder's collections that its live build does not use (after a rebuild, or a build
    that failed). A server that cannot be reached keeps them; the next build drops them."""
    if not is_milvus(store):
        return
    from rag.store.milvus import MilvusStore

    live = files.live_build(index_dir)
    manifest = files.read_manifest(live) if live else {}
    used = {entry.get("collection") for entry in manifest.get("dense", {}).values()}
    try:
        with MilvusStore(store) as milvus:
            for name in milvus.collections(_prefix(index_dir)):
                if name not in used:
                    milvus.drop(name)
    except IndexStoreError:
        pass  # the build itself stands; stale collections only take space


def open_vectors(stored: files.StoredIndex) -> tuple[VectorSearch, VectorSearch]:
    """How the chunks' and the sentences' vectors of a loaded build are searched."""
    store = stored.manifest.get("store", FAISS)
    if is_milvus(store):
        from rag.store.milvus import MilvusStore

        milvus = MilvusStore(store)
        return tuple(milvus.open(stored.manifest["dense"][stem]["collection"]) for stem in STEMS)
    unit_docs = np.array([unit.doc_id for unit in stored.units])
    chunk_docs, sentence_docs = (unit_docs[[row.unit for row in rows]] for rows in (stored.chunks, stored.sentences))
    return (
        FaissVectors(stored.dense, chunk_docs, stored.exact.get("dense")),
        FaissVectors(stored.sentence_vectors, sentence_docs, stored.exact.get("sentences")),
    )


def _prefix(index_dir: Path) -> str:
    """The start of this index folder's collection names: other folders may use the same server."""
    return f"wsis_{hashlib.sha256(str(Path(index_dir).absolute()).encode()).hexdigest()[:10]}_"
