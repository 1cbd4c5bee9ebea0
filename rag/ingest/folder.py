"""Read a folder of documents (.txt/.md) and its catalog into Document records."""

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DocumentsError
from rag.ingest.paragraphs import Unit, heading_title

DOCUMENT_SUFFIXES = (".txt", ".md")
CATALOG_NAME = "catalog.toml"


@dataclass(frozen=True)
class Document:
    id: str  # the file name without its extension
    file: str  # the file name inside the documents folder
    title: str
    short_name: str
    date: str = ""
    kind: str = ""
    symbol: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    sha256: str = ""  # of the file's bytes, for the index manifest


def document_files(docs_dir: Path) -> list[Path]:
    """The documents in a folder, sorted by name; a clear error when there are none."""
    if not docs_dir.is_dir():
        raise DocumentsError(f"No documents folder at {docs_dir}; pass --docs with a folder of .txt/.md files.")
    files = sorted(p for p in docs_dir.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file())
    if not files:
        raise DocumentsError(f"No .txt or .md files in {docs_dir}; add documents or pass another --docs folder.")
    ids = [p.stem for p in files]
    if len(set(ids)) != len(ids):
        clash = sorted({i for i in ids if ids.count(i) > 1})
        raise DocumentsError(f"Two files share the document id {clash[0]!r} in {docs_dir}; rename one of them.")
    return files


def read_text(path: Path) -> str:
    """A document's text exactly as stored (line endings kept, so offsets match the file)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise DocumentsError(f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8.") from error
    except OSError as error:
        raise DocumentsError(f"Cannot read {path}: {error.strerror}.") from error


def read_catalog(docs_dir: Path) -> dict[str, dict]:
    path = docs_dir / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise DocumentsError(f"{path} is not valid TOML ({error}); fix or remove it.") from error


def catalog_sha256(docs_dir: Path) -> str:
    path = docs_dir / CATALOG_NAME
    return file_sha256(path) if path.exists() else ""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe(path: Path, units: list[Unit], entry: dict) -> Document:
    """A document's record: catalog entry first, else its first heading, else its file name."""
    heading = next((u for u in units if u.kind == "heading"), None)
    title = entry.get("title") or (heading and heading_title(heading.text)) or path.stem.replace("_", " ")
    return Document(
        id=path.stem,
        file=path.name,
        title=str(title),
        short_name=str(entry.get("short_name") or title),
        date=str(entry.get("date", "")),
        kind=str(entry.get("kind", "")),
        symbol=str(entry.get("symbol", "")),
        aliases=tuple(str(a).lower() for a in entry.get("aliases", ())),
        sha256=file_sha256(path),
    )
