"""Plain text and Markdown: the file is the text, byte for byte (line endings kept, so offsets match)."""

from pathlib import Path

from rag.errors import DocumentsError
from rag.ingest.formats import Extracted


def read_text_file(path: Path) -> Extracted:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise DocumentsError(f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8.") from error
    except OSError as error:
        raise DocumentsError(f"Cannot read {path}: {error.strerror}.") from error
    return Extracted(text, pages=_form_feed_pages(text))


def _form_feed_pages(text: str) -> tuple[int, ...]:
    """Text extracted from a PDF (pdftotext) marks each new page with a form feed."""
    if "\f" not in text:
        return ()
    return (0, *(i + 1 for i, char in enumerate(text) if char == "\f"))
