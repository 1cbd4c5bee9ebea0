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
from rag.ingest.formats import Extracted

PRINTED_HYPHEN = "\ufffe"
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_pdf(path: Path) -> Extracted:
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        reason = f"{path.name} is not a readable PDF ({error})"
        raise DocumentsError(f"{reason}; check that it opens in a PDF viewer and is not password-protected.") from error
    try:
        pages = [_page_text(document, i) for i in range(len(document))]
    finally:
        document.close()
    if not any(page.strip() for page in pages):
        raise DocumentsError(f"{path.name} has no text layer (a scan?); run OCR on it first, e.g. with ocrmypdf.")
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1  # the form feed after it
    return Extracted("\f".join(pages), pages=tuple(starts), stored=True)


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
