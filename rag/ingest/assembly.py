"""Assembly: a document's lines -> drafts, joining paragraphs that run across blank lines, page breaks,
footnotes and running headers, and telling where one paragraph ends and the next begins."""

import re

from rag.ingest.drafts import Draft, Line, split_lines
from rag.ingest.labels import list_parent
from rag.ingest.layout import (
    Layout,
    ends_clause,
    ends_open,
    ends_sentence,
    is_title_like,
    measure_layout,
    opens_preamble,
    starts_lowercase,
    without_call,
)
from rag.ingest.markers import Marker, classify, marker_length
from rag.ingest.numbering import NUMBER_ONLY
from rag.ingest.un import Conventions

# "3. (a) Each State Party ...": a paragraph whose first words are its first sub-item.
NUMBER_THEN_ITEM = re.compile(r"(\d{1,3}\.)\s+(\((?:a|i)\)\s+\S)")
HEADING_NUMBER = re.compile(r"(?:Article|Rule|Chapter|Annex)(?:\s+[IVXLC\d]+)?\.?")
NESTED_MARK = re.compile(r"\((?:[a-z]|[ivx]{1,4})\)")  # "(a) (i)": a sub-item opening with its first sub-item
LOWER_SECOND_WORD = re.compile(r"\S+,?\s+[a-z]")
BARE_NUMBER = re.compile(r"\d{1,3}")  # a paragraph number whose full stop extraction lost (not "²", not a long figure)
HEADING_WIDTH = 0.55  # share of the line width under which an unpunctuated line is a heading, not a line
MAX_HEADING_CHARS = 130


def assemble(source: str, lines: list[Line], conventions: Conventions | None) -> list[Draft]:
    """Group lines into drafts, joining paragraphs that run across blank lines, page breaks and footnotes."""
    assembler = _Assembler(source, lines, conventions)
    for i, line in enumerate(lines):
        assembler.add(i, line)
    return sorted(assembler.drafts, key=lambda d: d.pieces[0][0])


class _Assembler:
    def __init__(self, source: str, lines: list[Line], conventions: Conventions | None):
        self.source = source
        self.un = conventions is not None
        self.roles = conventions.roles if conventions else {}
        self.tails = conventions.tails if conventions else {}
        notes = conventions.footnotes if conventions else []
        self.footnote_of = {i: label for label, lines_of in notes for i in lines_of}
        # A UN document's width is its body's: mastheads, running heads and footnotes are short lines.
        body = [source[line.start : line.end] for i, line in enumerate(lines) if i not in self.roles]
        self.layout = measure_layout(body) if self.un else measure_layout(split_lines(source))
        self.drafts: list[Draft] = []
        self.footnotes: dict[str, Draft] = {}
        self.current: Draft | None = None  # the draft being written
        self.resumable: Draft | None = None  # the last paragraph that may still go on
        self.last_number = 0

    def add(self, i: int, line: Line) -> None:
        start, end = line.start, line.end
        if i in self.tails:  # the job number run into the line is page furniture
            self.drafts.append(_role_draft("furniture", end - self.tails[i], end, ""))
            end = start + len(self.source[start : end - self.tails[i]].rstrip())
        if i in self.footnote_of:
            label = self.footnote_of[i]
            self.current = _add_footnote(self.footnotes, self.drafts, label, start, end, self.source[start:end])
        elif role := self.roles.get(i):
            self._add_placed(role, start, end)
        else:
            self._add_body(start, end, line.after_blank, line.has_tab)

    def _add_placed(self, role: str, start: int, end: int) -> None:
        """A line the UN conventions placed: consecutive title lines are one heading."""
        if role == "title" and self.current is not None and self.current.role == "title":
            self.current.pieces.append([start, end])
        else:
            self.current = _role_draft(role, start, end, self.source[start:end])
            self.drafts.append(self.current)
        if role in ("title", "organ"):
            self.resumable = None

    def _add_body(self, start: int, end: int, after_blank: bool, has_tab: bool) -> None:
        line = self.source[start:end]
        marker = Marker("table") if has_tab else self._marker(line)
        if marker.kind == "number" and (item := NUMBER_THEN_ITEM.match(line)):
            self._start(Marker("number", marker.value), start, start + len(item[1]), item[1])
            start, line = start + item.start(2), line[item.start(2) :]
            marker = classify(line)
        current = self.current
        if current and not after_blank and _joins_block(current, marker, line, self.layout, self.un, self.source):
            current.pieces[-1][1] = end
            current.last_line = line
            return
        interrupted = after_blank or current is not self.resumable  # blank lines, or a footnote in between
        target = None
        if interrupted:
            target = _continued(current, self.resumable, marker, line, self.layout, self.source, self.un)
        if target:
            if marker.bullet_end:  # a stray list mark where the paragraph resumes
                self.drafts.append(_markup(start, marker.bullet_end, line))
            target.pieces.append([start + marker.bullet_end, end])
            target.last_line = line
            self.current = target
            return
        self._start(marker, start, end, line)

    def _marker(self, line: str) -> Marker:
        """What the line starts with, read the way a UN document numbers its paragraphs where it is one."""
        marker = classify(line)
        if self.un and marker.kind == "letter" and not line.startswith("("):
            marker = Marker("text")  # UN sub-items are "(a)"; "v. Myanmar" is the case's name running on
        elif self.un and marker.kind == "section":
            marker = Marker("text")  # "1.5 degrees Celsius" running on: UN paragraphs have no decimal numbers
        elif self.un and BARE_NUMBER.fullmatch(line) and int(line) == self.last_number + 1:
            marker = Marker("number", line)  # "6" where extraction lost the full stop of "6."
        if marker.kind == "number" and marker.value.isdigit():
            self.last_number = int(marker.value)
        return marker

    def _start(self, marker: Marker, start: int, end: int, line: str) -> None:
        if marker.bullet_end:
            self.drafts.append(_markup(start, marker.bullet_end, line))
        self.current = Draft(_kind_of(marker), marker, [[start + marker.bullet_end, end]], line)
        self.current.parent = None if self.un else list_parent(self.drafts, self.current, self.source)
        self.drafts.append(self.current)
        if self.current.kind in ("paragraph", "item"):
            self.resumable = self.current
        elif self.current.kind != "footnote":
            self.resumable = None


def _role_draft(role: str, start: int, end: int, line: str) -> Draft:
    """A line the UN conventions placed: the title and "The General Assembly," are headings outside any
    section; masthead, running headers, rules and the closing formula are layout, never quoted."""
    if role in ("title", "organ"):
        draft = Draft("heading", Marker("text"), [[start, end]], line, role=role)
    else:
        draft = Draft("markup", Marker("text"), [[start, end]], line, role=role)
    return draft


def _add_footnote(footnotes: dict, drafts: list, label: str, start: int, end: int, line: str) -> Draft:
    """A footnote's lines may be apart (a number printed after its text), so each footnote is one draft."""
    key = label or f"?{len(footnotes)}"
    if key in footnotes:
        footnotes[key].pieces.append([start, end])
    else:
        footnotes[key] = Draft("footnote", Marker("footnote", label), [[start, end]], line, role="footnote")
        drafts.append(footnotes[key])
    return footnotes[key]


def _markup(start: int, bullet_end: int, line: str) -> Draft:
    width = len(line[:bullet_end].rstrip())
    return Draft("markup", Marker("bullet"), [[start, start + width]], line)


def _kind_of(marker: Marker) -> str:
    return {
        "heading": "heading",
        "rule": "markup",
        "table": "table",
        "footnote": "footnote",
        "letter": "item",
        "bullet": "item",
    }.get(marker.kind, "paragraph")


def _joins_block(current: Draft, marker: Marker, line: str, layout: Layout, un: bool, source: str) -> bool:
    """Does a line directly below `current` (no blank line between) belong to it?"""
    if marker.kind == "table" or current.kind == "table":
        return marker.kind == "table" and current.kind == "table"
    if marker.kind != "text" or current.kind in ("heading", "markup"):
        return False
    if _is_marker_only(current, source):
        return True  # "1." alone on its line, its text on the next
    if un:
        return not _ends_un_paragraph(current, line, layout, source)
    # In a hard-wrapped text a short line that ends a sentence ends its paragraph (a page break follows).
    return not (layout.wrap_width and ends_sentence(current.last_line) and not layout.is_full(current.last_line))


def _ends_un_paragraph(current: Draft, line: str, layout: Layout, source: str) -> bool:
    """In a UN document every paragraph ends with punctuation (a preambular one with a comma) and text
    extracted from a PDF may have no blank line between paragraphs: a short line that ends a clause ends
    its paragraph, and so does a very short unpunctuated one (a heading), unless lower case goes on."""
    previous = current.last_line
    if without_call(previous).endswith(":") and not NUMBER_ONLY.fullmatch(line.strip()):
        return False  # a colon introduces what follows it; sub-items come with their own marks
    if opens_preamble(line) and ends_clause(previous):
        return True  # "Recalling its ..." after a clause
    heading_so_far = current.marker.kind == "text" and is_title_like(current.text(source))
    if heading_so_far and not layout.is_full(previous) and opens_preamble(line) and LOWER_SECOND_WORD.match(line):
        return True  # "Recalling its ..." after a heading (not "Developing Countries", the heading's next line)
    if HEADING_NUMBER.fullmatch(line.strip()):
        return True  # "Article 3" or "Chapter II" on its own line heads what follows
    if starts_lowercase(line):
        return False
    if not layout.wrap_width:
        return True
    if ends_clause(previous):  # a comma ends a preambular paragraph only before the next one's opening
        return not layout.is_full(previous) and not without_call(previous).endswith(",")
    return len(previous.strip()) < HEADING_WIDTH * layout.wrap_width


def _continued(current, resumable, marker, line, layout, source, un=False) -> "Draft | None":
    """The draft that a line after blank lines (or a footnote) continues, if any."""
    if marker.kind not in ("text", "bullet"):
        return None
    if current and _is_marker_only(current, source) and marker.kind == "text":
        return current  # "<sup>7</sup>" alone on its line, its text below
    if resumable is None:
        return None
    if _is_marker_only(resumable, source):
        return resumable if un and marker.kind == "text" else None  # "5." at the foot of a page
    tail = resumable.text(source)
    words = line[marker.bullet_end :]
    if un:  # a UN paragraph goes on until it ends with punctuation; a short heading does not go on
        if HEADING_NUMBER.fullmatch(words.strip()):
            return None
        if starts_lowercase(words) or without_call(tail).endswith(":"):
            return resumable
        if ends_clause(tail) or _is_short_title(resumable, tail, layout, source):
            return None
        return resumable
    if ends_sentence(tail):
        return None
    if starts_lowercase(words):
        return resumable
    if marker.kind == "bullet":
        return None  # a real list item: a stray mark is only ever followed by lower case
    if ends_open(tail) or (layout.double_spaced and layout.is_full(resumable.last_line)):
        return resumable
    return None


def _is_short_title(draft: Draft, text: str, layout: Layout, source: str) -> bool:
    width = layout.wrap_width or MAX_HEADING_CHARS
    return draft.is_single_line(source) and len(text) < HEADING_WIDTH * width and is_title_like(text)


def _is_marker_only(draft: Draft, source: str) -> bool:
    """A draft that is only its number or letter ("5.", "(a)", "(a) (i)"): its text is on the next line."""
    if draft.marker.kind not in ("number", "letter", "footnote") or len(draft.pieces) != 1:
        return False
    start, end = draft.pieces[0]
    if source[start:end] == draft.marker.value:
        return True  # a bare "6" whose full stop extraction lost
    rest = source[start + marker_length(source[start:end], draft.marker) : end].strip()
    return not rest or bool(NESTED_MARK.fullmatch(rest))
