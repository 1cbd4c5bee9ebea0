"""Turn a document's text into its real paragraphs ("units"), each with label, section and source spans.

Every non-whitespace character of the text ends up in exactly one unit, and a unit's text is always its
spans read back with whitespace collapsed. List bullets and stray layout marks ("- " left where a page
break cut a paragraph) become small "markup" units, so quotes start with the paragraph's own words.
The steps: lines -> drafts (assembly.py), headings and sections (headings.py), labels (labels.py); the
UN conventions (un.py, numbering.py) take part where a document opens with a UN masthead.
"""

from dataclasses import dataclass

from rag.ingest.assembly import assemble
from rag.ingest.drafts import BODY_KINDS, Draft, Line, source_lines, split_lines
from rag.ingest.footnotes import link_footnotes
from rag.ingest.headings import assign_sections, heading_title, mark_headings
from rag.ingest.labels import assign_labels, assign_un_labels
from rag.ingest.layout import collapse, measure_layout
from rag.ingest.masthead import Masthead
from rag.ingest.un import Conventions, read_conventions

PARSER_VERSION = "9"
__all__ = ["BODY_KINDS", "PARSER_VERSION", "Unit", "heading_title", "parse", "parse_document", "conventions_of"]


@dataclass(frozen=True)
class Unit:
    doc_id: str
    position: int  # order in the document, from 0
    kind: str  # "heading", "paragraph", "item", "table", "footnote" or "markup"
    label: str  # "32", "6bis", "7(d)", "¶3" (unnumbered), "fn1", "h2" (heading), "m4" (markup)
    section: str  # heading path, e.g. "1. ICT for Development > 1.1 Bridging Digital Divides"
    text: str  # the spans read back, whitespace collapsed
    spans: tuple[tuple[int, int], ...]  # (start, end) character offsets into the source text
    level: int = 0  # heading level (0 for the document title); 0 for other kinds
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells, row by row, for display; () for other kinds
    notes: tuple[str, ...] = ()  # the footnotes its marks point to ("fn3")
    marks: tuple[tuple[int, int], ...] = ()  # where in `text` those marks stand: "5" in "2015,5", "<sup>5</sup>"


def parse(doc_id: str, source: str) -> list[Unit]:
    """All units of a document, in reading order."""
    return parse_document(doc_id, source)[0]


def parse_document(doc_id: str, source: str) -> tuple[list[Unit], Masthead | None]:
    """All units of a document in reading order, and its UN masthead if it has one."""
    lines = list(source_lines(source))
    conventions = _conventions(source, lines)
    drafts = assemble(source, lines, conventions)
    mark_headings(drafts, source, un=conventions is not None)
    assign_sections(drafts, source)
    if conventions:
        assign_un_labels(drafts, source)
    else:
        assign_labels(drafts, source)
    units = [
        Unit(doc_id, i, d.kind, d.label, d.section, d.text(source), _merge(d.pieces, source), d.level, _rows(d, source))
        for i, d in enumerate(drafts)
    ]
    return link_footnotes(units, plain_calls=conventions is not None), conventions.masthead if conventions else None


def conventions_of(source: str) -> Conventions | None:
    """The UN conventions of a document (its masthead and the roles of its lines), or None."""
    return _conventions(source, list(source_lines(source)))


def _conventions(source: str, lines: list["Line"]) -> Conventions | None:
    texts = [source[line.start : line.end] for line in lines]
    wrap_width = measure_layout(split_lines(source)).wrap_width
    return read_conventions(texts, [line.page_break for line in lines], wrap_width)


def _rows(draft: Draft, source: str) -> tuple[tuple[str, ...], ...]:
    """A table's cells; an empty first cell means the row continues the group above it."""
    if draft.kind != "table":
        return ()
    lines = (line for start, end in draft.pieces for line in split_lines(source[start:end]))
    return tuple(tuple(collapse(cell) for cell in line.rstrip().split("\t")) for line in lines if line.strip())


def _merge(pieces: list[list[int]], source: str) -> tuple[tuple[int, int], ...]:
    """One span per contiguous piece: pieces separated only by whitespace are one span."""
    spans: list[list[int]] = []
    for start, end in sorted(pieces):
        if spans and not source[spans[-1][1] : start].strip():
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return tuple((start, end) for start, end in spans)
