"""Read a folder of documents (.txt, .md, .pdf, .docx, .html) and its catalog into Document records.

A file that cannot be used (empty, binary, damaged, too big, a broken link or one out of the folder,
unreadable, gone since the listing) is skipped with one warning giving its reason; the others are read all the same."""

import errno
import hashlib
import logging
import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DocumentsError
from rag.ingest.formats import MAX_TEXT_CHARS, SUFFIXES, Extracted, read_document

log = logging.getLogger(__name__)

CATALOG_NAME = "catalog.toml"
# Of two files of one document id, the one read: the published original first (a PDF keeps its pages and is
# served as it was printed), then the formats that keep Word's or the web's structure, then plain text.
PREFERRED = (".pdf", ".docx", ".html", ".htm", ".md", ".txt")
# Files that are (nearly) their own text: a bigger one cannot hold fewer than MAX_TEXT_CHARS characters
# (UTF-8 takes at most 4 bytes a character), so it is refused before it is read into memory.
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_TEXT_FILE_BYTES = 4 * MAX_TEXT_CHARS


@dataclass(frozen=True)
class Document:
    id: str  # the file name without its extension
    file: str  # the file name inside the documents folder
    title: str
    short_name: str  # how citations name it: the UN symbol ("A/RES/79/194") or the catalog's short name
    date: str = ""
    kind: str = ""
    symbol: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    sha256: str = ""  # of the file's bytes, for the index manifest
    format: str = ""  # "txt", "md", "pdf", "docx", "html"
    pages: tuple[int, ...] = field(default_factory=tuple)  # where each page starts in the text; () if unpaged
    status: str = ""  # a draft's status as printed ("advance unedited version"), or "draft" for a draft_of
    issued: str = ""  # the issue date its masthead prints (ISO), "" where none
    adopted: str = ""  # the adoption date it prints ("Resolution adopted ... on", the closing formula)
    draft_of: str = ""  # the symbol of the adopted text this is a draft of (from the catalog)
    renumbered: bool = False  # ... which numbers its paragraphs differently (from the catalog)

    @property
    def cited_as(self) -> str:
        """How a citation names the document: by its symbol ("A/RES/70/125"); a draft with its status
        ("ECOSOC draft resolution (advance unedited version, 2016)"); else by its short name."""
        if self.symbol:
            return self.symbol
        if self.status:
            return f"{self.short_name} ({', '.join(p for p in (self.status, self.date[:4]) if p)})"
        return self.short_name

    @property
    def draft_note(self) -> str:
        """What a full citation says of a draft's adopted text: "draft of A/RES/70/125, which numbers its
        paragraphs differently"; "" for a document that is no known draft."""
        if not self.draft_of:
            return ""
        return f"draft of {self.draft_of}" + (", which numbers its paragraphs differently" if self.renumbered else "")


def document_files(docs_dir: Path) -> list[Path]:
    """The document files of a folder, sorted by name: every entry with a document suffix that is not a
    folder, broken links included, so that reading can say why one is skipped. A clear error when there
    are none."""
    if not docs_dir.is_dir():
        raise DocumentsError(f"No documents folder at {docs_dir}; pass --docs with a folder of documents.")
    try:
        files = sorted(p for p in docs_dir.iterdir() if p.suffix.lower() in SUFFIXES and not p.is_dir())
    except OSError as error:
        raise DocumentsError(f"Cannot list {docs_dir}: {error.strerror}; check its permissions.") from error
    if not files:
        kinds = ", ".join(SUFFIXES)
        raise DocumentsError(f"No documents ({kinds}) in {docs_dir}; add some or pass another --docs folder.")
    return files


def read_documents(
    docs_dir: Path, files: list[Path] | None = None, *, reader: Callable[[Path], Extracted] | None = None
) -> tuple[dict[Path, Extracted], dict[str, str]]:
    """Every readable document of a folder (or of `files`, a listing of it), and for each file that cannot
    be read, why: a bad file is skipped with one warning, it never stops the others. Of two files of one
    document id ("report.pdf", "report.txt") the first in PREFERRED order that reads is kept. `reader` reads
    one file (default read_file; the build's remembers what it extracted before)."""
    reader = reader or read_file
    readable, skipped = {}, {}
    for group in _by_document_id(document_files(docs_dir) if files is None else files):
        kept = None
        for path in group:
            if kept is not None:
                reason = (
                    f"{path.name} has the same document id as {kept.name}, which is read instead "
                    f"({kept.suffix.lower()} before {path.suffix.lower()}); rename one of them to index both."
                )
            else:
                try:
                    readable[path], kept = reader(path), path
                    continue
                except DocumentsError as error:
                    reason = str(error)
            log.warning("Skipped: %s", reason)
            skipped[path.name] = reason
    if not readable:
        why = next(iter(skipped.values()), "the listing is empty")
        raise DocumentsError(f"None of the documents in {docs_dir} could be read: {why}")
    return dict(sorted(readable.items())), dict(sorted(skipped.items()))


def _by_document_id(files: list[Path]) -> list[list[Path]]:
    """The files grouped by document id (the name without its suffix), each group in PREFERRED order."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(files):
        groups.setdefault(path.stem, []).append(path)
    return [sorted(group, key=lambda p: (PREFERRED.index(p.suffix.lower()), p.name)) for group in groups.values()]


def read_file(path: Path) -> Extracted:
    """One document file's text; a DocumentsError says in one line, naming the file, why it cannot be used."""
    size = _checked_size(path)
    if size == 0:
        raise DocumentsError(f"{path.name} is empty (0 bytes).")
    if path.suffix.lower() in TEXT_SUFFIXES and size > MAX_TEXT_FILE_BYTES:
        raise DocumentsError(
            f"{path.name} is {size / 1e6:,.0f} MB, over the {MAX_TEXT_FILE_BYTES // 10**6} MB limit for a text or "
            f"web page file (a document holds at most {MAX_TEXT_CHARS:,} characters); split it into smaller files."
        )
    try:
        extracted = read_document(path)
    except OSError as error:  # removed or made unreadable since it was checked
        raise DocumentsError(_unreadable(path, error)) from error
    except DocumentsError as error:
        if isinstance(error.__cause__, OSError):  # the same, caught by the reader: said the same way
            raise DocumentsError(_unreadable(path, error.__cause__)) from error
        raise
    except Exception as error:  # a reader failing on a strange file must not stop the others
        log.debug("Reading %s failed", path, exc_info=True)
        detail = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        raise DocumentsError(f"{path.name} could not be read ({detail}); the file may be damaged.") from error
    if not extracted.text.strip():
        raise DocumentsError(f"{path.name} holds no text, only white space.")
    if len(extracted.text) > MAX_TEXT_CHARS:
        raise DocumentsError(
            f"{path.name} holds {len(extracted.text):,} characters of text, over the limit of {MAX_TEXT_CHARS:,} "
            "(about 4,000 pages) a document may have; split it into smaller files."
        )
    return extracted


def _checked_size(path: Path) -> int:
    """The size of a regular file that can be opened; a DocumentsError for a broken or looping link, a link
    out of the folder, a file gone since the listing, a pipe or device (opening one could block forever) or
    no permission."""
    try:
        status = path.stat()
        if path.is_symlink() and not path.resolve(strict=True).is_relative_to(path.parent.resolve(strict=True)):
            raise DocumentsError(  # the folder is what is served: nothing outside it is indexed, or shown
                f"{path.name} is a link to {_link_target(path)}, outside the documents folder; "
                "copy the file in to index it."
            )
        if not stat.S_ISREG(status.st_mode):
            raise DocumentsError(f"{path.name} is not a regular file (a pipe, socket or device); remove it.")
        with path.open("rb"):
            pass
    except OSError as error:
        raise DocumentsError(_unreadable(path, error)) from error
    return status.st_size


def _unreadable(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return f"{path.name} is a symbolic link that loops back on itself; point it at a real file or remove it."
    if error.errno == errno.ENOENT and path.is_symlink():
        return f"{path.name} is a symbolic link to {_link_target(path)}, which does not exist; fix or remove it."
    if error.errno == errno.ENOENT:
        return f"{path.name} was removed or moved while the folder was being read; build again."
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"{path.name} cannot be opened: permission denied; make it readable or remove it."
    return f"{path.name} cannot be read: {error.strerror or error}."


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "a file"


def read_text(path: Path) -> str:
    """A document's text as the paragraph model reads it (for a UTF-8 .txt or .md, the file exactly)."""
    return read_file(path).text


def read_catalog(docs_dir: Path) -> dict[str, dict]:
    path = docs_dir / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DocumentsError(f"{path} is not valid TOML ({error}); fix or remove it.") from error


def catalog_sha256(docs_dir: Path) -> str:
    path = docs_dir / CATALOG_NAME
    return file_sha256(path) if path.exists() else ""


def file_sha256(path: Path) -> str:
    """The hash of a file's bytes, read in blocks; "" for a file that cannot be read (reading it says why),
    and never opened unless it is a regular file (opening a pipe waits for a writer)."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return ""
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
