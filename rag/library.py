"""The document library: files added to the documents folder and removed from it, then indexed in the
background (LiveIndex). What the library shows is what is on disk: a file is checked whole before it is put
in the folder (by name, by size, and by reading it as the index will, in a process of its own with a time
limit), so a file the index cannot use is refused with its reason and never half-indexed.
"""

import multiprocessing
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as ReadTimeout
from dataclasses import dataclass
from pathlib import Path

from rag.errors import DocumentsError
from rag.ingest.folder import CATALOG_NAME, read_file
from rag.ingest.formats import SUFFIXES
from rag.retrieval.live import LiveIndex

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a UN document is rarely over 10 MB (the chat's upload limit is the same)
READ_SECONDS = 120  # a file that takes longer to read is refused (a PDF built to make the reader crawl)
# A name as a folder holds it: no path parts, no control characters, not hidden, of a sensible length.
NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,200}$")


@dataclass(frozen=True)
class Added:
    name: str
    error: str = ""  # why it was refused; "" when it was put in the folder


def add_files(
    live: LiveIndex,
    files: list[tuple[str, Path]],
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    replace: bool = False,
    read_seconds: float = READ_SECONDS,
) -> list[Added]:
    """Each (name, path of its uploaded copy) checked and, if usable, put in the documents folder under its
    name; then one rebuild for all of them. A file refused says why; the others are added all the same."""
    added = [_add(live.docs_dir, name, Path(path), max_bytes, replace, read_seconds) for name, path in files]
    if any(not a.error for a in added):
        live.refresh()
    return added


def remove_document(live: LiveIndex, doc_id: str) -> list[str]:
    """The files of one indexed document removed from the folder (a document id can have a .pdf and a .txt),
    then a rebuild; the names removed. NotFoundError for a document the index does not hold."""
    live.document(doc_id)  # NotFoundError with the known ids
    removed = []
    for path in sorted(live.docs_dir.iterdir()):
        if path.stem == doc_id and path.suffix.lower() in SUFFIXES:
            path.unlink()
            removed.append(path.name)
    if removed:
        live.refresh()
    return removed


def _add(docs: Path, name: str, upload: Path, max_bytes: int, replace: bool, read_seconds: float) -> Added:
    try:
        target = _target(docs, name, replace)
        size = upload.stat().st_size
        if size > max_bytes:
            raise DocumentsError(f"{name} is {size / 1e6:,.1f} MB, over the {max_bytes / 1e6:,.0f} MB a file may have.")
        _read_in_a_process(upload, name, read_seconds)
        with tempfile.NamedTemporaryFile(dir=docs, prefix=".upload-", suffix=target.suffix, delete=False) as copy:
            staged = Path(copy.name)
        shutil.copyfile(upload, staged)
        os.replace(staged, target)  # whole or not at all: the folder never holds half a file
    except DocumentsError as error:
        return Added(name, str(error))
    except OSError as error:
        return Added(name, f"{name} could not be put in the documents folder ({error.strerror or error}).")
    return Added(name)


def _target(docs: Path, name: str, replace: bool) -> Path:
    """Where `name` goes in the folder; a DocumentsError for a name that is not a plain file name of a
    document, or one already there."""
    if not NAME.match(name) or name in (".", "..") or name.startswith(".") or Path(name).name != name:
        raise DocumentsError(f"{name!r} is not a file name the library takes: no folders, no hidden files.")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES or name == CATALOG_NAME:
        raise DocumentsError(f"{name}: a document is a {', '.join(SUFFIXES)} file.")
    target = docs / name
    if not replace and any(p.stem == target.stem for p in docs.iterdir() if p.suffix.lower() in SUFFIXES):
        raise DocumentsError(f"{name}: the library already has a document {target.stem}; remove it first.")
    return target


def _read_in_a_process(upload: Path, name: str, seconds: float) -> None:
    """Read the file as the index will, in a process of its own that is stopped after `seconds`: the reader's
    own checks (empty, binary, damaged, encrypted, a Word file that unpacks too large, a scan without text)
    and a time limit no reader has."""
    with tempfile.TemporaryDirectory(prefix="rag-upload-") as folder:
        named = Path(folder) / name  # the reader goes by the suffix, and its messages name the file
        shutil.copyfile(upload, named)
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        try:
            pool.submit(_readable, named).result(timeout=seconds)
        except ReadTimeout:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
            raise DocumentsError(f"{name} took more than {seconds:.0f} s to read; it is refused.") from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _readable(path: Path) -> None:
    read_file(path)  # a DocumentsError travels back to the caller as it is
