"""Save and load the index folder, atomically.

index/
  CURRENT              name of the live build folder; replaced atomically once a build is complete
  build-<id>/          manifest.json, documents.json, units.jsonl, chunks.jsonl, dense.faiss, lexical/,
                       sentences.jsonl and sentences.faiss (each sentence of each paragraph, embedded),
                       dense.npy and sentences.npy (the exact vectors, where the FAISS index is approximate
                       or the vectors are searched in Milvus: see dense.py and milvus.py),
                       same_as.json (near-verbatim paragraph pairs across documents), vocabulary.json (each
                       word of the documents and how often it occurs), texts/ (text extracted from PDFs ...)
                       checksums.json (each other file's size and sha256, and a digest of that list)
  .lock                held while a build is written, so two processes never build at once

A build is written to a temporary folder, sealed (each file's checksum recorded, each file and folder flushed
to disk), renamed, and only then published through CURRENT, so an interrupted build (even kill -9) or a full
disk leaves the previous index in place and usable. Loading checks every file against its checksum, so a
truncated, edited or swapped file is rebuilt, never read as if it were right. Row i of dense.faiss, of the
lexical index and line i of chunks.jsonl are the same chunk.
"""

import contextlib
import fcntl
import functools
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from rag.errors import IndexStoreError
from rag.ingest.folder import Document
from rag.ingest.paragraphs import Unit
from rag.store import checksums, dense
from rag.store.checksums import CHECKSUMS, fsync, seal, verify
from rag.store.chunking import Chunk
from rag.store.lexical import LexicalIndex

FORMAT = 5  # what a build folder holds; a different format is rebuilt (5: checksums.json)
CURRENT = "CURRENT"
VECTOR_FILES = (("chunks.jsonl", "dense"), ("sentences.jsonl", "sentences"))  # texts, the stem of their vectors


@dataclass
class StoredIndex:
    manifest: dict
    documents: dict[str, Document]
    units: list[Unit]
    chunks: list[Chunk]
    dense: faiss.Index | None  # None when the vectors are searched elsewhere (Milvus)
    lexical: LexicalIndex
    sentences: list[Chunk]
    sentence_vectors: faiss.Index | None
    same_as: list[tuple[int, int, float]]  # (unit row, unit row, similarity)
    texts: dict[str, str]  # doc id -> the text extracted from a PDF, Word file or web page (spans point into it)
    vocabulary: dict[str, int]  # every normalised word of the documents' paragraphs -> its count
    exact: dict[str, np.ndarray] = field(default_factory=dict)  # "dense"/"sentences" -> exact vectors, when kept

    def vectors(self, stem: str) -> np.ndarray:
        """The exact vectors of "dense" (chunks) or "sentences", row i for row i: memory-mapped beside an
        approximate index or Milvus, else read in place from the flat index: not copied, so valid only while
        this StoredIndex lives."""
        return self.exact[stem] if stem in self.exact else dense.flat_vectors(getattr(self, _INDEX_FIELD[stem]))


_INDEX_FIELD = {"dense": "dense", "sentences": "sentence_vectors"}
EXACT_FILES = ("dense.npy", "sentences.npy")


def live_build(index_dir: Path) -> Path | None:
    """The folder CURRENT points to, or None when there is no complete build."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # missing, unreadable or not text: there is no live build to use
        return None
    folder = index_dir / name
    if not name.startswith("build-") or Path(name).name != name or not (folder / "manifest.json").is_file():
        return None
    return folder


def read_manifest(build: Path) -> dict:
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexStoreError(f"Unreadable manifest in {build}; run `rag build` to rebuild.") from error
    if not isinstance(manifest, dict):
        raise IndexStoreError(f"Unreadable manifest in {build}; run `rag build` to rebuild.")
    return manifest


def load(build: Path) -> StoredIndex:
    manifest = read_manifest(build)
    if manifest.get("format") != FORMAT:
        raise IndexStoreError(f"The index in {build} has another format; run `rag build` to rebuild.")
    verify(build)
    try:
        documents = {d["id"]: _document(d) for d in _read_json(build / "documents.json")}
        units = [_unit(row) for row in _read_jsonl(build / "units.jsonl")]
        chunks = [Chunk(**row) for row in _read_jsonl(build / "chunks.jsonl")]
        vectors = _read_index(build / "dense.faiss")
        lexical = LexicalIndex.load(build / "lexical")
        sentences = [Chunk(**row) for row in _read_jsonl(build / "sentences.jsonl")]
        sentence_vectors = _read_index(build / "sentences.faiss")
        exact = {path.stem: np.load(path, mmap_mode="r") for path in map(build.joinpath, EXACT_FILES) if path.exists()}
        same_as = [(int(a), int(b), float(s)) for a, b, s in _read_json(build / "same_as.json")]
        texts = {path.stem: _read_exact(path) for path in sorted((build / "texts").glob("*.txt"))}
        vocabulary = _read_json(build / "vocabulary.json")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise IndexStoreError(f"The index in {build} is damaged ({error}); run `rag build` to rebuild.") from error
    stored = StoredIndex(
        manifest,
        documents,
        units,
        chunks,
        vectors,
        lexical,
        sentences,
        sentence_vectors,
        same_as,
        texts,
        vocabulary,
        exact=exact,
    )
    if not _consistent(stored):
        raise IndexStoreError(f"The index in {build} is inconsistent; run `rag build` to rebuild.")
    return stored


def load_vectors(build: Path) -> dict[str, np.ndarray]:
    """Each embedded text of a build and its vector, whatever else the build holds (an older format's
    lexical index, say), so a rebuild re-embeds only texts it has not seen."""
    known: dict[str, np.ndarray] = {}
    for rows, stem in VECTOR_FILES:
        exact = build / f"{stem}.npy"
        vectors = exact if exact.exists() else build / f"{stem}.faiss"  # a flat index holds them exactly
        if not _sound(build, (rows, vectors.name)):
            continue  # a damaged or swapped file would pair texts with other texts' vectors
        try:
            texts = [row["text"] for row in _read_jsonl(build / rows)]
            stored = np.load(vectors) if exact.exists() else _flat_index_vectors(vectors)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError):
            continue  # what could be read is kept; the rest is embedded again
        if len(texts) == len(stored):
            known.update(zip(texts, stored, strict=True))
    return known


def save(index_dir: Path, stored: StoredIndex) -> Path:
    """Write a complete build, seal it, then publish it; returns the new build folder. A failed write (a full
    disk, say) publishes nothing and leaves no temporary folder: the previous build stays live."""
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    temporary = index_dir / f".tmp-{name}"
    step = "the index folder"  # what was being written, for the message when a write fails
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        temporary.mkdir()
        for step, write in _parts(stored):
            write(temporary / step)
        step = CHECKSUMS
        seal(temporary)
        step = CURRENT
        os.rename(temporary, index_dir / name)
        _write(index_dir / f"{CURRENT}.tmp", name)
        fsync(index_dir / f"{CURRENT}.tmp")
        os.replace(index_dir / f"{CURRENT}.tmp", index_dir / CURRENT)
        fsync(index_dir)  # the rename and CURRENT reach the disk together
    except OSError as error:
        if live_build(index_dir) != index_dir / name:  # renamed but not published: nothing to leave behind
            shutil.rmtree(index_dir / name, ignore_errors=True)
        raise IndexStoreError(_not_saved(index_dir, name, step, error)) from error
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    _remove_old_builds(index_dir, keep=name)
    return index_dir / name


@contextlib.contextmanager
def build_lock(index_dir: Path):
    """Hold the index folder's lock: another process building waits here until it is done."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = (index_dir / ".lock").open("w")
    except OSError as error:
        raise IndexStoreError(f"Cannot use the index folder {index_dir} ({error.strerror}).") from error
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    for folder in index_dir.iterdir():
        stale = folder.name.startswith(("build-", ".tmp-build-")) and folder.name != keep
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _parts(stored: StoredIndex) -> list:
    """(name in the build folder, how to write it) for everything a build holds but its checksums."""
    return [
        ("manifest.json", lambda path: _write(path, json.dumps(stored.manifest, indent=2, ensure_ascii=False))),
        (
            "documents.json",
            lambda path: _write(path, json.dumps([asdict(d) for d in stored.documents.values()], indent=1)),
        ),
        ("units.jsonl", lambda path: _write(path, _jsonl(asdict(u) for u in stored.units))),
        ("chunks.jsonl", lambda path: _write(path, _jsonl(asdict(c) for c in stored.chunks))),
        ("sentences.jsonl", lambda path: _write(path, _jsonl(asdict(c) for c in stored.sentences))),
        ("same_as.json", lambda path: _write(path, json.dumps(stored.same_as))),
        ("vocabulary.json", lambda path: _write(path, json.dumps(stored.vocabulary, ensure_ascii=False))),
        ("lexical", stored.lexical.save),
        ("texts", lambda path: _write_texts(path, stored.texts)),
        *[(f"{stem}.npy", functools.partial(_write_npy, vectors=vectors)) for stem, vectors in stored.exact.items()],
        *[
            (f"{stem}.faiss", functools.partial(_write_index, index=index))
            for stem, index in (("dense", stored.dense), ("sentences", stored.sentence_vectors))
            if index is not None
        ],
    ]


def _write_index(path: Path, index: faiss.Index) -> None:
    path.write_bytes(faiss.serialize_index(index).tobytes())


def _write_npy(path: Path, vectors: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, np.ascontiguousarray(vectors, dtype=np.float32))


def _flat_index_vectors(path: Path) -> np.ndarray:
    index = faiss.read_index(str(path))
    return dense.flat_vectors(index).copy()  # copied while `index` still holds the memory the view points into


def _read_index(path: Path) -> faiss.Index | None:
    return faiss.read_index(str(path)) if path.exists() else None


def _consistent(stored: StoredIndex) -> bool:
    """Whether every set of vectors has a row for each chunk (sentence), and each is searchable somewhere."""
    for stem, rows in (("dense", stored.chunks), ("sentences", stored.sentences)):
        index, exact = getattr(stored, _INDEX_FIELD[stem]), stored.exact.get(stem)
        if index is None and exact is None:
            return False
        if (index is not None and index.ntotal != len(rows)) or (exact is not None and len(exact) != len(rows)):
            return False
    return True


def _write_texts(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir()
    for doc_id, text in texts.items():
        _write(folder / f"{doc_id}.txt", text)


def _not_saved(index_dir: Path, name: str, step: str, error: OSError) -> str:
    live = live_build(index_dir)
    if live is None:
        after = "no index was published"
    elif live.name == name:  # only the last flush failed
        after = "the new index is in use, but the disk may not hold all of it"
    else:
        after = "the previous index is still in use"
    reason = (error.strerror or str(error)).lower()
    return f"Could not write the index in {index_dir}: {reason} ({step}); {after}; run `rag build` again once fixed."


def _sound(build: Path, names: tuple[str, ...]) -> bool:
    """Whether these files of a build are the ones it wrote; a build from before checksums is trusted."""
    try:
        sealed = (build / CHECKSUMS).exists() or read_manifest(build).get("format") == FORMAT
    except IndexStoreError:
        return False
    return checksums.intact(build, names) if sealed else True


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


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
    row["marks"] = tuple(tuple(mark) for mark in row.get("marks", ()))
    return Unit(**row)


def _document(row: dict) -> Document:
    row["aliases"] = tuple(row.get("aliases", ()))
    row["pages"] = tuple(row.get("pages", ()))
    return Document(**row)
