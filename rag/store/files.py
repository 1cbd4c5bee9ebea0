"""Save and load the index folder, atomically.

index/
  CURRENT              name of the live build folder; replaced atomically once a build is complete
  build-<id>/          manifest.json, documents.json, units.jsonl, chunks.jsonl, dense.faiss, lexical/,
                       sentences.jsonl and sentences.faiss (each sentence of each paragraph, embedded),
                       same_as.json (near-verbatim paragraph pairs across documents), vocabulary.json (each
                       word of the documents and how often it occurs), texts/ (text extracted from PDFs ...)
  .lock                held while a build is written, so two processes never build at once

A build is written to a temporary folder, renamed, and only then published through CURRENT, so an
interrupted build (even kill -9) leaves the previous index in place and usable. Row i of dense.faiss,
of the lexical index and line i of chunks.jsonl are the same chunk.
"""

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from rag.errors import IndexStoreError
from rag.ingest.folder import Document
from rag.ingest.paragraphs import Unit
from rag.store.chunking import Chunk
from rag.store.lexical import LexicalIndex

FORMAT = 4  # what a build folder holds; a different format is rebuilt
CURRENT = "CURRENT"


@dataclass
class StoredIndex:
    manifest: dict
    documents: dict[str, Document]
    units: list[Unit]
    chunks: list[Chunk]
    dense: faiss.Index
    lexical: LexicalIndex
    sentences: list[Chunk]
    sentence_vectors: faiss.Index
    same_as: list[tuple[int, int, float]]  # (unit row, unit row, similarity)
    texts: dict[str, str]  # doc id -> the text extracted from a PDF, Word file or web page (spans point into it)
    vocabulary: dict[str, int]  # every normalised word of the documents' paragraphs -> its count


def live_build(index_dir: Path) -> Path | None:
    """The folder CURRENT points to, or None when there is no complete build."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    folder = index_dir / name
    if not name.startswith("build-") or not (folder / "manifest.json").is_file():
        return None
    return folder


def read_manifest(build: Path) -> dict:
    try:
        return json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise IndexStoreError(f"Unreadable manifest in {build}; run `rag build` to rebuild.") from error


def load(build: Path) -> StoredIndex:
    try:
        manifest = read_manifest(build)
        documents = {d["id"]: _document(d) for d in _read_json(build / "documents.json")}
        units = [_unit(row) for row in _read_jsonl(build / "units.jsonl")]
        chunks = [Chunk(**row) for row in _read_jsonl(build / "chunks.jsonl")]
        dense = faiss.read_index(str(build / "dense.faiss"))
        lexical = LexicalIndex.load(build / "lexical")
        sentences = [Chunk(**row) for row in _read_jsonl(build / "sentences.jsonl")]
        sentence_vectors = faiss.read_index(str(build / "sentences.faiss"))
        same_as = [(int(a), int(b), float(s)) for a, b, s in _read_json(build / "same_as.json")]
        texts = {path.stem: _read_exact(path) for path in sorted((build / "texts").glob("*.txt"))}
        vocabulary = _read_json(build / "vocabulary.json")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise IndexStoreError(f"The index in {build} is damaged ({error}); run `rag build` to rebuild.") from error
    if dense.ntotal != len(chunks) or sentence_vectors.ntotal != len(sentences) or manifest.get("format") != FORMAT:
        raise IndexStoreError(f"The index in {build} is inconsistent; run `rag build` to rebuild.")
    return StoredIndex(
        manifest, documents, units, chunks, dense, lexical, sentences, sentence_vectors, same_as, texts, vocabulary
    )


def load_vectors(build: Path) -> dict[str, np.ndarray]:
    """Each embedded text of a build and its vector, whatever else the build holds (an older format's
    lexical index, say), so a rebuild re-embeds only texts it has not seen."""
    known: dict[str, np.ndarray] = {}
    try:
        for rows, vectors in (("chunks.jsonl", "dense.faiss"), ("sentences.jsonl", "sentences.faiss")):
            texts = [row["text"] for row in _read_jsonl(build / rows)]
            stored = vectors_of(faiss.read_index(str(build / vectors)))
            if len(texts) == len(stored):
                known.update(zip(texts, stored, strict=True))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        pass  # what could be read is kept; the rest is embedded again
    return known


def save(index_dir: Path, stored: StoredIndex) -> Path:
    """Write a complete build, then publish it; returns the new build folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    temporary = index_dir / f".tmp-{name}"
    temporary.mkdir()
    try:
        _write(temporary / "manifest.json", json.dumps(stored.manifest, indent=2, ensure_ascii=False))
        _write(temporary / "documents.json", json.dumps([asdict(d) for d in stored.documents.values()], indent=1))
        _write(temporary / "units.jsonl", _jsonl(asdict(u) for u in stored.units))
        _write(temporary / "chunks.jsonl", _jsonl(asdict(c) for c in stored.chunks))
        _write(temporary / "sentences.jsonl", _jsonl(asdict(c) for c in stored.sentences))
        _write(temporary / "same_as.json", json.dumps(stored.same_as))
        _write(temporary / "vocabulary.json", json.dumps(stored.vocabulary, ensure_ascii=False))
        faiss.write_index(stored.dense, str(temporary / "dense.faiss"))
        faiss.write_index(stored.sentence_vectors, str(temporary / "sentences.faiss"))
        stored.lexical.save(temporary / "lexical")
        (temporary / "texts").mkdir()
        for doc_id, text in stored.texts.items():
            _write(temporary / "texts" / f"{doc_id}.txt", text)
        for written in [temporary / "dense.faiss", temporary / "sentences.faiss", *(temporary / "lexical").iterdir()]:
            _fsync(written)
        os.rename(temporary, index_dir / name)
        _write(index_dir / f"{CURRENT}.tmp", name)
        os.replace(index_dir / f"{CURRENT}.tmp", index_dir / CURRENT)
        _fsync(index_dir)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    _remove_old_builds(index_dir, keep=name)
    return index_dir / name


@contextlib.contextmanager
def build_lock(index_dir: Path):
    """Hold the index folder's lock: another process building waits here until it is done."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def vectors_of(dense: faiss.Index) -> np.ndarray:
    return dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else np.zeros((0, dense.d), np.float32)


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    for folder in index_dir.iterdir():
        stale = folder.name.startswith(("build-", ".tmp-build-")) and folder.name != keep
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _jsonl(rows) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _read_exact(path: Path) -> str:
    """A stored text exactly as written (line endings and form feeds kept, so offsets still match)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _unit(row: dict) -> Unit:
    row["spans"] = tuple(tuple(span) for span in row["spans"])
    row["rows"] = tuple(tuple(cells) for cells in row.get("rows", ()))
    row["notes"] = tuple(row.get("notes", ()))
    return Unit(**row)


def _document(row: dict) -> Document:
    row["aliases"] = tuple(row.get("aliases", ()))
    row["pages"] = tuple(row.get("pages", ()))
    return Document(**row)
