"""PDF: the text layer, page by page, with pypdfium2 (PDFium, the engine of Chrome's PDF viewer).

PDFium gives the text in the order it was laid down, with footnote calls beside their words ("on the
issue,1") and footnotes after their rule, which is the order UN documents are read in. Pages are
separated by a form feed, so a unit knows its pages; where a printed word is split by a line-end
hyphen PDFium marks the hyphen with U+FFFE, which becomes the hyphen that is printed.
"""

import re
from pathlib import Path

import pypdfium2 as pdfium

from rag.errors import DocumentsError
from rag.ingest.formats import MAX_TEXT_CHARS, Extracted

END_BYTES = 1024
PASSWORD_ERROR, SECURITY_ERROR = 4, 5  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
PRINTED_HYPHEN = "\ufffe"
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_pdf(path: Path) -> Extracted:
    head, tail = _ends(path)
    if b"%PDF-" not in head:
        start = " ".join(head[:20].decode("latin-1").split())
        raise DocumentsError(f"{path.name} is not a PDF (it starts with {start!r}, not %PDF-); remove or replace it.")
    complete = b"%%EOF" in tail
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise DocumentsError(_open_failure(path.name, error, complete)) from error
    try:
        if not complete:  # PDFium may still read the pages that arrived: a part would be indexed as the whole
            raise DocumentsError(
                f"{path.name} is incomplete: it lacks the %%EOF end marker of a PDF (a download cut short?); "
                "download it again."
            )
        pages, length = [], 0
        for number in range(len(document)):
            pages.append(_readable_page(document, number, path.name))
            length += len(pages[-1]) + 1
            if length > MAX_TEXT_CHARS:  # stop reading: the text will be refused anyway
                raise DocumentsError(
                    f"{path.name} holds more than {MAX_TEXT_CHARS:,} characters of text by page {number + 1} "
                    f"of {len(document)}, over the limit (about 4,000 pages) a document may have; split it."
                )
    finally:
        document.close()
    if not any(page.strip() for page in pages):
        raise DocumentsError(f"{path.name} has no text layer (a scan?); run OCR on it first, e.g. with ocrmypdf.")
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1  # the form feed after it
    return Extracted("\f".join(pages), pages=tuple(starts), stored=True)


def _ends(path: Path) -> tuple[bytes, bytes]:
    """The first and last KB: a PDF starts with "%PDF-" and ends with "%%EOF" within them (where viewers look)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(END_BYTES)
            handle.seek(max(0, handle.seek(0, 2) - END_BYTES))
            return head, handle.read()
    except OSError as error:
        raise DocumentsError(f"Cannot read {path.name}: {error.strerror}.") from error


def _open_failure(name: str, error: pdfium.PdfiumError, complete: bool) -> str:
    if getattr(error, "err_code", None) in (PASSWORD_ERROR, SECURITY_ERROR):
        return f"{name} is password-protected (encrypted); save a copy without the password, or remove it."
    cut = "" if complete else "; it lacks the %%EOF end marker, so it may be cut short"
    reason = f"{name} is not a readable PDF ({str(error).rstrip('.')}{cut})"
    return f"{reason}; check that it opens in a PDF viewer, or download it again."


def _readable_page(document: pdfium.PdfDocument, number: int, name: str) -> str:
    try:
        return _page_text(document, number)
    except pdfium.PdfiumError as error:
        raise DocumentsError(f"{name} is damaged: page {number + 1} cannot be read ({error}).") from error


def _page_text(document: pdfium.PdfDocument, number: int) -> str:
    page = document[number]
    try:
        textpage = page.get_textpage()
        try:
            raw = _joined_lines(textpage)
        finally:
            textpage.close()
    finally:
        page.close()
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").replace(PRINTED_HYPHEN, "-").split("\n")
    return "".join(line.rstrip() + "\n" for line in lines).replace("\f", "\n")


def _joined_lines(textpage: pdfium.PdfTextPage) -> str:
    """The page's text, without the line breaks PDFium puts around a raised footnote call: a break whose
    next character goes on rightwards on the same printed line is a space."""
    text = textpage.get_text_range()
    pieces, start = [], 0
    for match in LINE_BREAK.finditer(text):
        before, after = _printed(text, match.start() - 1, -1), _printed(text, match.end(), 1)
        if before is not None and after is not None and _same_line(textpage, before, after):
            pieces += [text[start : match.start()], " "]
            start = match.end()
    return "".join(pieces) + text[start:]


def _printed(text: str, index: int, step: int) -> int | None:
    """The nearest character from `index` (walking by `step`) that is printed, not white space."""
    while 0 <= index < len(text) and text[index].isspace():
        index += step
    return index if 0 <= index < len(text) else None


def _same_line(textpage: pdfium.PdfTextPage, before: int, after: int) -> bool:
    left, bottom, right, top = textpage.get_charbox(before, loose=True)
    next_left, next_bottom, _, next_top = textpage.get_charbox(after, loose=True)
    overlap = min(top, next_top) - max(bottom, next_bottom)
    return next_left >= right - 1 and overlap > 0
