"""The text extracted from each PDF, Word file and web page, kept beside the index by the file's content, so
that a rebuild reads only the files that are new or changed (a PDF takes about a second to extract; the
text files are their own text and are read directly).

An entry is named by the SHA-256 of the file's bytes and of the readers' own source code: a change to a
reader (rag/ingest/formats/) makes every entry stale without anyone having to remember a version number.
"""

import hashlib
import json
import os
import stat
from functools import cache
from pathlib import Path

from rag.ingest.folder import read_file
from rag.ingest.formats import Extracted

FOLDER = "extracted"
READ_DIRECTLY = (".txt", ".md")


@cache
def readers_digest() -> str:
    """The SHA-256 of the readers' source files: what makes an extraction of the same bytes the same."""
    formats = Path(__file__).resolve().parent.parent / "ingest" / "formats"
    digest = hashlib.sha256()
    for source in sorted(formats.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def _plain_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


class ExtractionCache:
    """read(path) is read_file(path), from the cache when this content was extracted before."""

    def __init__(self, index_dir: Path):
        self.folder = Path(index_dir) / FOLDER
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def read(self, path: Path) -> Extracted:
        if path.suffix.lower() in READ_DIRECTLY or not _plain_file(path):  # links, FIFOs ...: read_file says why
            return read_file(path)
        try:
            key = self._key(path)
        except OSError:  # gone or unreadable since it was listed: read_file says so as it says it for any file
            return read_file(path)
        self.used.add(key)
        entry = self.folder / f"{key}.json"
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            extracted = Extracted(data["text"], tuple(data["pages"]), data["stored"])
            self.hits += 1
            return extracted
        except (OSError, ValueError, KeyError, TypeError):  # not there, or damaged: extracted again
            pass
        extracted = read_file(path)  # a DocumentsError (why it cannot be used) is not cached: it is said again
        self.misses += 1
        self._write(entry, {"text": extracted.text, "pages": list(extracted.pages), "stored": extracted.stored})
        return extracted

    def prune(self) -> None:
        """Remove the entries no file of the last build used (files removed or changed)."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.glob("*.json"):
            if entry.stem not in self.used:
                entry.unlink(missing_ok=True)

    def _key(self, path: Path) -> str:
        digest = hashlib.sha256(readers_digest().encode())
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def _write(self, entry: Path, data: dict) -> None:
        """Written whole or not at all: a temporary file renamed over the entry."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = entry.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            partial.replace(entry)
        except OSError:  # a read-only or full disk: the build goes on without the cache
            pass
