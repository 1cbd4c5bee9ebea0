"""One reader per file format: a file -> its text, plus what the layout knows (pages).

Every reader returns an `Extracted`: the text the paragraph model reads, where spans and quotes point.
For .txt and .md that text is the file itself; for .pdf, .docx and .html it is the text the reader
extracted, which the index stores beside its other files so that every quote can be checked against it.
"""

from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DocumentsError


@dataclass(frozen=True)
class Extracted:
    text: str  # what the paragraph model reads; spans and quotes point into it
    pages: tuple[int, ...] = field(default_factory=tuple)  # offset where page 1, 2 ... starts; () without pages
    stored: bool = False  # the text is an extraction (not the file itself), so the index keeps a copy


SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
# The most text one document may hold, about 4,000 pages: beyond it a file is skipped, naming this limit, so a
# stray dump or log in the folder can neither hang the build nor exhaust memory.
MAX_TEXT_CHARS = 10_000_000


def read_document(path: Path) -> Extracted:
    """The text of a document file, by its format; a DocumentsError says why a file cannot be read."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        from rag.ingest.formats.text import read_text_file as reader
    elif suffix == ".pdf":
        from rag.ingest.formats.pdf import read_pdf as reader
    elif suffix == ".docx":
        from rag.ingest.formats.docx import read_docx as reader
    elif suffix in (".html", ".htm"):
        from rag.ingest.formats.html import read_html as reader
    else:
        raise DocumentsError(f"{path.name}: .{suffix.lstrip('.')} files are not read; use {', '.join(SUFFIXES)}.")
    return reader(path)
