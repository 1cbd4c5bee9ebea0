"""Read a folder of documents (.txt, .md, .pdf, .docx, .html) and its catalog into Document records."""

import hashlib
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DocumentsError
from rag.ingest.formats import SUFFIXES, Extracted, read_document
from rag.ingest.masthead import Masthead
from rag.ingest.paragraphs import Unit, heading_title

log = logging.getLogger(__name__)

CATALOG_NAME = "catalog.toml"


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
    status: str = ""  # a draft's status, from the catalog: "advance unedited version"

    @property
    def cited_as(self) -> str:
        """How a citation names the document: by its symbol ("A/RES/70/125"); a draft with its status
        ("ECOSOC draft resolution (advance unedited version, 2016)"); else by its short name."""
        if self.symbol:
            return self.symbol
        if self.status:
            return f"{self.short_name} ({', '.join(p for p in (self.status, self.date[:4]) if p)})"
        return self.short_name


def document_files(docs_dir: Path) -> list[Path]:
    """The documents in a folder, sorted by name; a clear error when there are none."""
    if not docs_dir.is_dir():
        raise DocumentsError(f"No documents folder at {docs_dir}; pass --docs with a folder of documents.")
    files = sorted(p for p in docs_dir.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    if not files:
        kinds = ", ".join(SUFFIXES)
        raise DocumentsError(f"No documents ({kinds}) in {docs_dir}; add some or pass another --docs folder.")
    ids = [p.stem for p in files]
    if len(set(ids)) != len(ids):
        clash = sorted({i for i in ids if ids.count(i) > 1})
        raise DocumentsError(f"Two files share the document id {clash[0]!r} in {docs_dir}; rename one of them.")
    return files


def read_documents(docs_dir: Path) -> tuple[dict[Path, Extracted], dict[str, str]]:
    """Every readable document of a folder, and for each file that cannot be read, why: a bad file is
    skipped with its reason, it never stops the others."""
    readable, skipped = {}, {}
    for path in document_files(docs_dir):
        try:
            readable[path] = read_document(path)
        except DocumentsError as error:
            log.warning("Skipped %s", error)
            skipped[path.name] = str(error)
    if not readable:
        raise DocumentsError(f"None of the documents in {docs_dir} could be read: {next(iter(skipped.values()))}")
    return readable, skipped


def read_text(path: Path) -> str:
    """A document's text as the paragraph model reads it (for .txt and .md, the file exactly)."""
    return read_document(path).text


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
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe(path: Path, extracted: Extracted, units: list[Unit], entry: dict, masthead: Masthead | None) -> Document:
    """A document's record: its catalog entry first, else what a UN masthead says (symbol, title, date),
    else its first heading, else its file name."""
    heading = next((u for u in units if u.kind == "heading"), None)
    title = entry.get("title") or (masthead and masthead.title) or (heading and heading_title(heading.text))
    title = str(title or path.stem.replace("_", " "))
    symbol = str(entry.get("symbol") or (masthead.symbol if masthead else ""))
    return Document(
        id=path.stem,
        file=path.name,
        title=title,
        short_name=str(entry.get("short_name") or symbol or title),
        date=str(entry.get("date") or (masthead.date if masthead else "")),
        kind=str(entry.get("kind") or (masthead.kind if masthead else "")),
        symbol=symbol,
        aliases=tuple(str(a).lower() for a in entry.get("aliases", ())) + symbol_aliases(symbol),
        sha256=file_sha256(path),
        format={"htm": "html"}.get(path.suffix.lower().lstrip("."), path.suffix.lower().lstrip(".")),
        pages=extracted.pages,
        status=str(entry.get("status", "")),
    )


def symbol_aliases(symbol: str) -> tuple[str, ...]:
    """The forms people write a symbol in: "A/RES/78/132" is also "78/132" and "resolution 78/132"."""
    if "/RES/" not in symbol:
        return ()
    number = symbol.split("/RES/", 1)[1]
    return (number.lower(), f"resolution {number}".lower())
