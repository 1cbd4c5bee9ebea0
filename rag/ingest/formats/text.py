"""Plain text and Markdown: the file's text, decoded.

A UTF-8 file is its own text, character for character (line endings kept, so offsets match). Any other
file is decoded, by its byte-order mark or else by the encoding charset-normalizer is confident of, and
the index stores the decoded text (`stored=True`), because spans and quotes point into it and the file
itself cannot be read back as UTF-8. Stray control characters (a NUL inside good text) read as spaces,
which keeps every offset; a file made mostly of them is binary, not text.
"""

import codecs
import logging
import re
from pathlib import Path

from charset_normalizer import from_bytes

from rag.errors import DocumentsError
from rag.ingest.formats import Extracted

log = logging.getLogger(__name__)

BOMS = (  # UTF-32 LE first: its mark begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that are not white space (NUL, ESC, DEL, C1 controls): no document holds them as text.
CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
BINARY_SHARE = 0.05  # more control characters than this share of the text: binary data, not text
MAX_CHAOS = 0.1  # charset-normalizer's "mess" of its best decoding; above it the guess is not trusted
WESTERN = "cp1252"  # Windows' Western European code page; Latin-1 text decodes the same with it


def read_text_file(path: Path) -> Extracted:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentsError(f"Cannot read {path.name}: {error.strerror}.") from error
    text, encoding = decode_text(data, path.name)
    clean = CONTROL.sub(" ", text)
    stored = encoding != "utf-8" or clean != text
    if stored:
        spaces = ", control characters as spaces" if clean != text else ""
        log.info("%s: read as %s%s; the index keeps the text read", path.name, encoding, spaces)
    return Extracted(clean, pages=_form_feed_pages(clean), stored=stored)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """The text of a file's bytes and the encoding read ("utf-8" only for UTF-8 without a byte-order mark);
    a DocumentsError when they are binary or in an encoding that cannot be told with confidence."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), f"{codec} with a byte-order mark"
            except UnicodeDecodeError as error:
                raise DocumentsError(
                    f"{name} starts with a {codec.upper()} byte-order mark but is not {codec.upper()} text "
                    f"(byte {error.start + len(bom)}); save it again as UTF-8."
                ) from error
    try:
        text = data.decode("utf-8")
        if not _binary(text):
            return text, "utf-8"
    except UnicodeDecodeError:
        pass  # another encoding, or binary: the detection tells
    encoding = _detected_encoding(data, name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:  # the detection samples the file; a byte beyond its samples may not decode
        raise DocumentsError(f"{name} is neither UTF-8 nor {encoding} text throughout; save it as UTF-8.") from error
    if _binary(text):
        raise _binary_error(name)
    return text, encoding


def _detected_encoding(data: bytes, name: str) -> str:
    """The encoding charset-normalizer finds, when it is confident: its best decoding is readable text and
    no other equally good one reads differently, except Western European text (Latin-1 or cp1252, told
    apart from Central European or Baltic ones only by letters a short text may lack), read as cp1252."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > MAX_CHAOS:
        if _binary(data.decode("latin-1")):
            raise _binary_error(name)
        raise DocumentsError(f"{name} is not UTF-8 and no text encoding reads it cleanly; save it as UTF-8 text.")
    ties = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    western = any(WESTERN in m.could_be_from_charset for m in ties)
    if western and (len(ties) == 1 or best.coherence > 0):
        return WESTERN
    if len(ties) == 1:
        return best.encoding
    guesses = ", ".join(m.encoding for m in ties[:3]) + (f" or {len(ties) - 3} more" if len(ties) > 3 else "")
    raise DocumentsError(
        f"{name} is not UTF-8, and its encoding cannot be told with confidence (it could be {guesses}); "
        "save it as UTF-8 text."
    )


def _binary(text: str) -> bool:
    return len(CONTROL.findall(text)) > BINARY_SHARE * len(text)


def _binary_error(name: str) -> DocumentsError:
    return DocumentsError(f"{name} is binary data, not text (an image or a program renamed?); remove it.")


def _form_feed_pages(text: str) -> tuple[int, ...]:
    """Text extracted from a PDF (pdftotext) marks each new page with a form feed."""
    if "\f" not in text:
        return ()
    return (0, *(i + 1 for i, char in enumerate(text) if char == "\f"))
