"""A draft to check: pasted text or a file (.docx, .pdf, .txt, .md, .html), read by the index's own readers
and split into its own paragraphs by the index's own parser, so that "PP3", "5" and "5(a)" are the draft's
numbers."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rag.errors import DocumentsError, QueryError
from rag.ingest.folder import read_file
from rag.ingest.formats import SUFFIXES
from rag.ingest.paragraphs import Unit, parse_document

MAX_DRAFT_CHARS = 300_000  # about 100 pages: a draft resolution is a few pages, an outcome document 30
# Headings that open a draft without naming it: "Draft resolution", "The General Assembly,".
FORMULA = re.compile(r"^\s*(?:(?:revised\s+)?draft\s+(?:resolution|decision)|the\s+general\s+assembly,?)\s*$", re.I)
CHECKED_KINDS = frozenset({"paragraph", "item"})  # not headings, footnotes, tables or the masthead


@dataclass(frozen=True)
class Draft:
    name: str  # the file name, or "pasted text"
    text: str
    symbol: str  # the symbol its masthead prints ("A/C.3/80/L.46"), "" where none
    title: str
    paragraphs: tuple[Unit, ...]  # the paragraphs and list items, in order (its headings, where it has none)
    sha256: str  # of the text, to know the draft when it is also in the index


def draft_from_text(text: str, name: str = "pasted text") -> Draft:
    """A draft from its text. QueryError when it is not text, is empty or is too long."""
    if not isinstance(text, str):
        raise QueryError(f"The draft must be text, not {type(text).__name__}.")
    if not text.strip():
        raise QueryError("The draft is empty: paste its text or choose a file.")
    if len(text) > MAX_DRAFT_CHARS:
        raise QueryError(
            f"The draft holds {len(text):,} characters, over the {MAX_DRAFT_CHARS:,} (about 100 pages) a check "
            "takes; check it in parts."
        )
    units, masthead = parse_document("draft", text)
    paragraphs = tuple(u for u in units if u.kind in CHECKED_KINDS)
    if not paragraphs:  # a line or two pasted alone reads as a title: it is what the user wants checked
        paragraphs = tuple(u for u in units if u.kind == "heading")
    heading = next((u.text for u in units if u.kind == "heading" and not FORMULA.match(u.text)), "")
    return Draft(
        name=name,
        text=text,
        symbol=masthead.symbol if masthead else "",
        title=(masthead.title if masthead and masthead.title else heading),
        paragraphs=paragraphs,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def draft_from_file(path: str | Path) -> Draft:
    """A draft from a file, read as the index reads documents. DocumentsError when it cannot be used."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise DocumentsError(
            f"{path.name} is not a draft this can read: choose a .docx, .pdf, .txt, .md or .html file."
        )
    if not path.is_file():
        raise DocumentsError(f"There is no file {path}.")
    return draft_from_text(read_file(path).text, name=path.name)
