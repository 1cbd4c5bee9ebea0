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
from rag.ingest.numbering import NUMBER_ONLY, Labeller, Scopes, heading_levels, heading_style, restarting
from rag.ingest.un import Conventions, Masthead, read_conventions

PARSER_VERSION = "3"

# Units people read and search; headings give context, markup is layout debris.
BODY_KINDS = frozenset({"paragraph", "item", "table", "footnote"})
LINE = re.compile(r"[^\n]*\n?")
MAX_HEADING_CHARS = 130
MAX_NUMBERED_HEADING_CHARS = 80
MAX_UN_HEADING_CHARS = 300  # a UN heading may wrap: "United Nations Convention against Cybercrime; ..."
SECTION_MARK = re.compile(r"[A-H]|[IVXL]+\.?")  # "A", "II": a part or section of a resolution, alone on its line
LOWER_SECOND_WORD = re.compile(r"\S+,?\s+[a-z]")
HEADING_WIDTH = 0.55  # share of the line width under which an unpunctuated line is a heading, not a line


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
    role: str = ""  # what the UN conventions made of it: "title", "organ", "masthead", "furniture" ...

    def text(self, source: str) -> str:
        return " ".join(collapse(source[start:end]) for start, end in self.pieces)

    def is_single_line(self, source: str) -> bool:
        return len(self.pieces) == 1 and "\n" not in source[self.pieces[0][0] : self.pieces[0][1]]


def parse(doc_id: str, source: str) -> list[Unit]:
    """All units of a document, in reading order."""
    return parse_document(doc_id, source)[0]


def parse_document(doc_id: str, source: str) -> tuple[list[Unit], Masthead | None]:
    """All units of a document in reading order, and its UN masthead if it has one."""
    lines = list(_lines(source))
    conventions = _conventions(source, lines)
    drafts = _assemble(source, lines, conventions)
    _mark_headings(drafts, source, un=conventions is not None)
    _assign_sections(drafts, source)
    if conventions:
        _assign_un_labels(drafts, source)
    else:
        _assign_labels(drafts, source)
    units = [
        Unit(doc_id, i, d.kind, d.label, d.section, d.text(source), _merge(d.pieces, source), d.level, _rows(d, source))
        for i, d in enumerate(drafts)
    ]
    return units, conventions.masthead if conventions else None


def conventions_of(source: str) -> Conventions | None:
    """The UN conventions of a document (its masthead and the roles of its lines), or None."""
    return _conventions(source, list(_lines(source)))


def _conventions(source: str, lines: list["_Line"]) -> Conventions | None:
    texts = [source[line.start : line.end] for line in lines]
    wrap_width = measure_layout(source.split("\n")).wrap_width
    return read_conventions(texts, [line.page_break for line in lines], wrap_width)


def _rows(draft: _Draft, source: str) -> tuple[tuple[str, ...], ...]:
    """A table's cells; an empty first cell means the row continues the group above it."""
    if draft.kind != "table":
        return ()
    lines = (line for start, end in draft.pieces for line in source[start:end].split("\n"))
    return tuple(tuple(collapse(cell) for cell in line.rstrip().split("\t")) for line in lines if line.strip())


@dataclass(frozen=True)
class _Line:
    start: int  # of the line's content (leading whitespace skipped)
    end: int  # trailing whitespace not included
    after_blank: bool  # blank lines come before it
    has_tab: bool  # a table row, even when the tab is leading or trailing whitespace
    page_break: bool  # a form feed comes before it


def _lines(source: str):
    """Each non-blank line of the source, with what the whitespace before it says."""
    after_blank = page_break = False
    for match in LINE.finditer(source):
        line = match.group().rstrip("\n")
        content = line.strip()
        page_break = page_break or "\f" in line[: len(line) - len(line.lstrip())]
        if not content:
            after_blank = after_blank or bool(match.group())
            continue
        start = match.start() + len(line) - len(line.lstrip())
        yield _Line(start, start + len(content), after_blank, "\t" in line, page_break)
        after_blank = page_break = False


def _assemble(source: str, lines: list[_Line], conventions: Conventions | None) -> list[_Draft]:
    """Group lines into drafts, joining paragraphs that run across blank lines, page breaks and footnotes."""
    un = conventions is not None
    roles = conventions.roles if un else {}
    footnote_of = {i: label for label, members in conventions.footnotes for i in members} if un else {}
    # A UN document's width is its body's: mastheads, running heads and footnotes are short lines.
    body = [source[line.start : line.end] for i, line in enumerate(lines) if i not in roles and i not in footnote_of]
    layout = measure_layout(body) if un else measure_layout(source.split("\n"))
    footnotes: dict[str, _Draft] = {}
    drafts: list[_Draft] = []
    current = resumable = None  # the draft being written; the last paragraph that may still go on
    last_number = 0
    tails = conventions.tails if un else {}
    for i, line_info in enumerate(lines):
        start, end = line_info.start, line_info.end
        if i in tails:  # the job number run into the line is page furniture
            drafts.append(_role_draft("furniture", end - tails[i], end, ""))
            end = start + len(source[start : end - tails[i]].rstrip())
        line = source[start:end]
        if i in footnote_of:
            current = _add_footnote(footnotes, drafts, footnote_of[i], start, end, line)
            continue
        if role := roles.get(i):
            if role in ("title", "organ") and current is not None and current.role == role == "title":
                current.pieces.append([start, end])
            else:
                current = _role_draft(role, start, end, line)
                drafts.append(current)
            if role in ("title", "organ"):
                resumable = None
            continue
        marker = Marker("table") if line_info.has_tab else classify(line)
        if un and marker.kind == "letter" and not line.startswith("("):
            marker = Marker("text")  # UN sub-items are "(a)"; "v. Myanmar" is the case's name running on
        elif un and marker.kind == "section":
            marker = Marker("text")  # "1.5 degrees Celsius" running on: UN paragraphs have no decimal numbers
        elif un and line.isdigit() and int(line) == last_number + 1:
            marker = Marker("number", line)  # "6" where extraction lost the full stop of "6."
        if marker.kind == "number" and marker.value.isdigit():
            last_number = int(marker.value)
        after_blank = line_info.after_blank
        if current and not after_blank and _joins_block(current, marker, line, layout, un, source):
            current.pieces[-1][1] = end
            current.last_line = line
            continue
        interrupted = after_blank or current is not resumable  # blank lines, or a footnote in between
        target = _continued(current, resumable, marker, line, layout, source, un) if interrupted else None
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
        current.parent = None if un else _list_parent(drafts, current, source)
        drafts.append(current)
        if current.kind in ("paragraph", "item"):
            resumable = current
        elif current.kind != "footnote":
            resumable = None
    return sorted(drafts, key=lambda d: d.pieces[0][0])


def _role_draft(role: str, start: int, end: int, line: str) -> _Draft:
    """A line the UN conventions placed: the title and "The General Assembly," are headings outside any
    section; masthead, running headers, rules and the closing formula are layout, never quoted."""
    if role in ("title", "organ"):
        draft = _Draft("heading", Marker("text"), [[start, end]], line, role=role)
    else:
        draft = _Draft("markup", Marker("text"), [[start, end]], line, role=role)
    return draft


def _add_footnote(footnotes: dict, drafts: list, label: str, start: int, end: int, line: str) -> _Draft:
    """A footnote's lines may be apart (a number printed after its text), so each footnote is one draft."""
    key = label or f"?{len(footnotes)}"
    if key in footnotes:
        footnotes[key].pieces.append([start, end])
    else:
        footnotes[key] = _Draft("footnote", Marker("footnote", label), [[start, end]], line, role="footnote")
        drafts.append(footnotes[key])
    return footnotes[key]


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


def _joins_block(current: _Draft, marker: Marker, line: str, layout: Layout, un: bool, source: str) -> bool:
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


def _ends_un_paragraph(current: _Draft, line: str, layout: Layout, source: str) -> bool:
    """In a UN document every paragraph ends with punctuation (a preambular one with a comma) and text
    extracted from a PDF may have no blank line between paragraphs: a short line that ends a clause ends
    its paragraph, and so does a very short unpunctuated one (a heading), unless lower case goes on."""
    previous = current.last_line
    if without_call(previous).endswith(":"):
        return False  # a colon introduces what follows it; sub-items come with their own marks
    if opens_preamble(line) and ends_clause(previous):
        return True  # "Recalling its ..." after a clause
    heading_so_far = current.marker.kind == "text" and is_title_like(current.text(source))
    if heading_so_far and not layout.is_full(previous) and opens_preamble(line) and LOWER_SECOND_WORD.match(line):
        return True  # "Recalling its ..." after a heading (not "Developing Countries", the heading's next line)
    if ends_clause(previous) and NUMBER_ONLY.fullmatch(line.strip()):
        return True
    if starts_lowercase(line):
        return False
    if not layout.wrap_width:
        return True
    if ends_clause(previous):  # a comma ends a preambular paragraph only before the next one's opening
        return not layout.is_full(previous) and not without_call(previous).endswith(",")
    return len(previous.strip()) < HEADING_WIDTH * layout.wrap_width


def _continued(current, resumable, marker, line, layout, source, un=False) -> "_Draft | None":
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


def _is_short_title(draft: _Draft, text: str, layout: Layout, source: str) -> bool:
    width = layout.wrap_width or MAX_HEADING_CHARS
    return draft.is_single_line(source) and len(text) < HEADING_WIDTH * width and is_title_like(text)


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


def _mark_headings(drafts: list[_Draft], source: str, un: bool = False) -> None:
    """Decide which one-line paragraphs are headings, and their levels."""
    if un:
        _mark_un_headings(drafts, source)
        return
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


def _mark_un_headings(drafts: list[_Draft], source: str) -> None:
    """In a UN document a heading is an unnumbered paragraph that does not end with punctuation (every
    paragraph does); "Article 16" and the title on the line below it are one heading. Levels follow the
    headings' numbering styles: an annex holds chapters, a chapter articles."""
    for draft in drafts:
        text = draft.text(source)
        if draft.kind != "paragraph" or draft.role or draft.marker.kind != "text" or len(text) > MAX_UN_HEADING_CHARS:
            continue
        numbered = SECTION_MARK.fullmatch(text) or NUMBER_ONLY.fullmatch(text)  # "II", "Article 13."
        if numbered or (is_title_like(text) and not ends_clause(text)):
            draft.kind = "heading"
    for i in range(len(drafts) - 2, -1, -1):
        first, second = drafts[i], drafts[i + 1]
        both_headings = first.kind == second.kind == "heading" and not first.role and not second.role
        if both_headings and NUMBER_ONLY.fullmatch(heading_title(first.text(source))) and _is_plain(second, source):
            first.pieces += second.pieces
            del drafts[i + 1]
    headings = [d for d in drafts if d.kind == "heading" and not d.role]
    for draft, level in zip(headings, heading_levels([heading_title(d.text(source)) for d in headings]), strict=True):
        draft.level = level


def _is_plain(draft: _Draft, source: str) -> bool:
    """A heading without a number of its own: the title of the "Article 16" above it."""
    return heading_style(heading_title(draft.text(source))) == "plain"


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


def _assign_un_labels(drafts: list[_Draft], source: str) -> None:
    """Labels as UN documents are cited: "PP3", "5", "18(g)(ii)", "annex, 12", "annex, art. 16, 1"."""
    scopes, contexts = Scopes(), []
    for draft in drafts:
        if draft.kind == "heading" and not draft.role:
            scopes.heading(heading_title(draft.text(source)))
        contexts.append(scopes.context)
    numbered = [(c, int(d.marker.value)) for d, c in zip(drafts, contexts, strict=True) if _plain_number(d)]
    labeller = Labeller(restarting(numbered))
    counters = {"heading": 0, "markup": 0}
    for draft, context in zip(drafts, contexts, strict=True):
        if draft.kind in ("heading", "markup"):
            counters[draft.kind] += 1
            draft.label = ("h" if draft.kind == "heading" else "m") + str(counters[draft.kind])
            if draft.role == "organ":
                labeller.enter(context)
                labeller.organ()
            continue
        if draft.kind == "footnote":
            draft.label = "fn" + (draft.marker.value or "?")
            continue
        labeller.enter(context)
        if draft.kind == "item" and draft.marker.kind == "letter":
            draft.label = labeller.item(draft.marker.value)
        else:
            draft.label = labeller.paragraph(draft.marker.value if draft.marker.kind in ("number", "section") else "")
    _make_labels_unique(drafts)


def _plain_number(draft: _Draft) -> bool:
    return draft.kind == "paragraph" and draft.marker.kind == "number" and draft.marker.value.isdigit()


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
