"""Turn a document's text into its real paragraphs ("units"), each with label, section and source spans.

Every non-whitespace character of the text ends up in exactly one unit, and a unit's text is always its
spans read back with whitespace collapsed. List bullets and stray layout marks ("- " left where a page
break cut a paragraph) become small "markup" units, so quotes start with the paragraph's own words.
"""

import re
from dataclasses import dataclass

from rag.ingest.layout import (
    Layout,
    collapse,
    ends_open,
    ends_sentence,
    is_title_like,
    measure_layout,
    starts_lowercase,
)
from rag.ingest.markers import Marker, classify, marker_length

PARSER_VERSION = "2"

# Units people read and search; headings give context, markup is layout debris.
BODY_KINDS = frozenset({"paragraph", "item", "table", "footnote"})
LINE = re.compile(r"[^\n]*\n?")
MAX_HEADING_CHARS = 130
MAX_NUMBERED_HEADING_CHARS = 80


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


@dataclass
class _Draft:
    kind: str
    marker: Marker
    pieces: list[list[int]]
    last_line: str
    parent: "_Draft | None" = None
    level: int = 0
    label: str = ""
    section: str = ""

    def text(self, source: str) -> str:
        return " ".join(collapse(source[start:end]) for start, end in self.pieces)

    def is_single_line(self, source: str) -> bool:
        return len(self.pieces) == 1 and "\n" not in source[self.pieces[0][0] : self.pieces[0][1]]


def parse(doc_id: str, source: str) -> list[Unit]:
    """All units of a document, in reading order."""
    drafts = _assemble(source)
    _mark_headings(drafts, source)
    _assign_sections(drafts, source)
    _assign_labels(drafts, source)
    return [
        Unit(doc_id, i, d.kind, d.label, d.section, d.text(source), _merge(d.pieces, source), d.level, _rows(d, source))
        for i, d in enumerate(drafts)
    ]


def _rows(draft: _Draft, source: str) -> tuple[tuple[str, ...], ...]:
    """A table's cells; an empty first cell means the row continues the group above it."""
    if draft.kind != "table":
        return ()
    lines = (line for start, end in draft.pieces for line in source[start:end].split("\n"))
    return tuple(tuple(collapse(cell) for cell in line.rstrip().split("\t")) for line in lines if line.strip())


def _lines(source: str):
    """(start, end) of each non-blank line's content, whether blank lines came before it, and whether
    it holds a tab (a table row, even when the tab is leading or trailing whitespace)."""
    after_blank = False
    for match in LINE.finditer(source):
        line = match.group().rstrip("\n")
        content = line.strip()
        if not content:
            after_blank = after_blank or bool(match.group())
            continue
        start = match.start() + len(line) - len(line.lstrip())
        yield start, start + len(content), after_blank, "\t" in line
        after_blank = False


def _assemble(source: str) -> list[_Draft]:
    """Group lines into drafts, joining paragraphs that run across blank lines, page breaks and footnotes."""
    layout = measure_layout(source.split("\n"))
    drafts: list[_Draft] = []
    current = resumable = None  # the draft being written; the last paragraph that may still go on
    for start, end, after_blank, has_tab in _lines(source):
        line = source[start:end]
        marker = Marker("table") if has_tab else classify(line)
        if current and not after_blank and _joins_block(current, marker, layout, source):
            current.pieces[-1][1] = end
            current.last_line = line
            continue
        interrupted = after_blank or current is not resumable  # blank lines, or a footnote in between
        target = _continued(current, resumable, marker, line, layout, source) if interrupted else None
        if target:
            if marker.bullet_end:  # a stray list mark where the paragraph resumes
                drafts.append(_markup(start, marker.bullet_end, line))
            target.pieces.append([start + marker.bullet_end, end])
            target.last_line = line
            current = target
            continue
        if marker.bullet_end:
            drafts.append(_markup(start, marker.bullet_end, line))
        current = _Draft(_kind_of(marker), marker, [[start + marker.bullet_end, end]], line)
        current.parent = _list_parent(drafts, current, source)
        drafts.append(current)
        if current.kind in ("paragraph", "item"):
            resumable = current
        elif current.kind != "footnote":
            resumable = None
    return sorted(drafts, key=lambda d: d.pieces[0][0])


def _markup(start: int, bullet_end: int, line: str) -> _Draft:
    width = len(line[:bullet_end].rstrip())
    return _Draft("markup", Marker("bullet"), [[start, start + width]], line)


def _kind_of(marker: Marker) -> str:
    return {
        "heading": "heading",
        "rule": "markup",
        "table": "table",
        "footnote": "footnote",
        "letter": "item",
        "bullet": "item",
    }.get(marker.kind, "paragraph")


def _joins_block(current: _Draft, marker: Marker, layout: Layout, source: str) -> bool:
    """Does a line directly below `current` (no blank line between) belong to it?"""
    if marker.kind == "table" or current.kind == "table":
        return marker.kind == "table" and current.kind == "table"
    if marker.kind != "text" or current.kind in ("heading", "markup"):
        return False
    # In a hard-wrapped text a short line that ends a sentence ends its paragraph (a page break follows).
    return not (layout.wrap_width and ends_sentence(current.last_line) and not layout.is_full(current.last_line))


def _continued(current, resumable, marker, line, layout, source) -> "_Draft | None":
    """The draft that a line after blank lines (or a footnote) continues, if any."""
    if marker.kind not in ("text", "bullet"):
        return None
    if current and _is_marker_only(current, source) and marker.kind == "text":
        return current  # "<sup>7</sup>" alone on its line, its text below
    if resumable is None or _is_marker_only(resumable, source):
        return None
    tail = resumable.text(source)
    words = line[marker.bullet_end :]
    if ends_sentence(tail):
        return None
    if starts_lowercase(words):
        return resumable
    if marker.kind == "bullet":
        return None  # a real list item: a stray mark is only ever followed by lower case
    if ends_open(tail) or (layout.double_spaced and layout.is_full(resumable.last_line)):
        return resumable
    return None


def _is_marker_only(draft: _Draft, source: str) -> bool:
    if draft.marker.kind not in ("number", "letter", "footnote") or len(draft.pieces) != 1:
        return False
    start, end = draft.pieces[0]
    return marker_length(source[start:end], draft.marker) >= end - start


def _list_parent(drafts: list[_Draft], draft: _Draft, source: str) -> "_Draft | None":
    """A numbered item right after a paragraph ending in ":" belongs to that paragraph's list."""
    if draft.marker.kind != "number":
        return None
    previous = next((d for d in reversed(drafts) if d.kind in BODY_KINDS and d.kind != "footnote"), None)
    if previous is None:
        return None
    if previous.marker.kind == "number" and previous.parent:
        return previous.parent
    return previous if previous.text(source).rstrip().endswith(":") else None


def _mark_headings(drafts: list[_Draft], source: str) -> None:
    """Decide which one-line paragraphs are headings, and their levels."""
    last_markdown = 0
    for draft in drafts:
        text = draft.text(source)
        if draft.kind == "heading":
            draft.level = last_markdown = draft.marker.level
        elif draft.kind != "paragraph" or not draft.is_single_line(source):
            continue
        elif draft.marker.kind in ("number", "section"):
            rest = text[marker_length(text, draft.marker) :].strip()
            if len(text) <= MAX_NUMBERED_HEADING_CHARS and is_title_like(rest):
                draft.kind = "heading"
                draft.level = draft.marker.level or 1
        elif draft.marker.kind == "text" and len(text) <= MAX_HEADING_CHARS and is_title_like(text):
            draft.kind = "heading"
            draft.level = last_markdown or 1  # a sibling of the markdown heading above it
    if drafts and drafts[0].kind == "heading":
        drafts[0].level = 0  # the document's title: not part of any section path


HEADING_MARKUP = re.compile(r"^#+\s*|[*_]+|</?sup>")


def heading_title(text: str) -> str:
    """A heading as plain words: "### **Developments to date**" -> "Developments to date"."""
    return collapse(HEADING_MARKUP.sub("", text))


def _assign_sections(drafts: list[_Draft], source: str) -> None:
    path: dict[int, str] = {}
    for draft in drafts:
        if draft.kind == "heading" and draft.level > 0:
            path = {level: title for level, title in path.items() if level < draft.level}
            draft.section = " > ".join(path[level] for level in sorted(path))
            path[draft.level] = heading_title(draft.text(source))
        else:
            draft.section = " > ".join(path[level] for level in sorted(path))


def _assign_labels(drafts: list[_Draft], source: str) -> None:
    counters = {"heading": 0, "markup": 0, "ordinal": 0}
    last_number = ""
    for draft in drafts:
        if draft.kind in ("heading", "markup"):
            counters[draft.kind] += 1
            draft.label = ("h" if draft.kind == "heading" else "m") + str(counters[draft.kind])
        elif draft.kind == "footnote":
            draft.label = "fn" + draft.marker.value
        elif draft.marker.kind in ("number", "section"):
            draft.label = last_number = draft.marker.value
        elif draft.marker.kind == "letter" and last_number:
            draft.label = f"{last_number}({draft.marker.value})"
        else:
            counters["ordinal"] += 1
            draft.label = f"¶{counters['ordinal']}"
    _make_labels_unique(drafts)


def _make_labels_unique(drafts: list[_Draft]) -> None:
    """A second list numbered 1, 2, 3 in one document is cited through the paragraph that introduces it."""
    seen: dict[str, int] = {}
    for draft in drafts:
        seen[draft.label] = seen.get(draft.label, 0) + 1
    for draft in drafts:
        if seen[draft.label] > 1 and draft.parent is not None:
            draft.label = f"{draft.parent.label}({draft.label})"
    used: set[str] = set()
    for draft in drafts:
        label, n = draft.label, 1
        while label in used:
            n += 1
            label = f"{draft.label}-{n}"
        draft.label = label
        used.add(label)


def _merge(pieces: list[list[int]], source: str) -> tuple[tuple[int, int], ...]:
    """One span per contiguous piece: pieces separated only by whitespace are one span."""
    spans: list[list[int]] = []
    for start, end in sorted(pieces):
        if spans and not source[spans[-1][1] : start].strip():
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return tuple((start, end) for start, end in spans)
