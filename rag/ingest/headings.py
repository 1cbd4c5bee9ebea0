"""Which drafts are headings, their levels, and the section path every unit stands under."""

import re

from rag.ingest.drafts import Draft
from rag.ingest.layout import collapse, ends_clause, is_title_like
from rag.ingest.markers import marker_length
from rag.ingest.numbering import NUMBER_ONLY, heading_levels, heading_style

MAX_HEADING_CHARS = 130
MAX_NUMBERED_HEADING_CHARS = 80
MAX_UN_HEADING_CHARS = 300  # a UN heading may wrap: "United Nations Convention against Cybercrime; ..."
# The organ whose resolution this is, on a line of its own before the preamble.
ORGAN = re.compile(
    r"The\s+(?:(?:[A-Z][\w'’-]*|and|of|on|for|the)\s+)*(?:Assembly|Council|Conference|Commission|Parties[\w ]*|"
    r"Committee|Board)[,:]"
)
ANNEX_ONLY = re.compile(r"Annex(?:\s+[IVXLC\d]+)?\.?")
RUN_OF_LINES = 3
SECTION_MARK = re.compile(r"[A-H]|[IVXL]+\.?")  # "A", "II": a part or section of a resolution, alone on its line


def mark_headings(drafts: list[Draft], source: str, un: bool = False) -> None:
    """Decide which one-line paragraphs are headings, and their levels."""
    if un:
        _mark_un_headings(drafts, source)
        return
    last_markdown = 0
    for draft in drafts:
        text = draft.text(source)
        if draft.kind == "heading" and ORGAN.fullmatch(heading_title(text)):
            draft.role, draft.level = "organ", 0  # "## The Economic and Social Council," in a Word file
        elif draft.kind == "heading":
            draft.level = last_markdown = draft.marker.level
        elif draft.kind != "paragraph" or not draft.is_single_line(source):
            continue
        elif draft.marker.kind in ("number", "section"):
            rest = text[marker_length(text, draft.marker) :].strip()
            if len(text) <= MAX_NUMBERED_HEADING_CHARS and is_title_like(rest):
                draft.kind = "heading"
                draft.level = draft.marker.level or 1
        elif draft.marker.kind == "text" and ORGAN.fullmatch(text):
            draft.kind, draft.role, draft.level = "heading", "organ", 0  # "The Economic and Social Council,"
        elif draft.marker.kind == "text" and len(text) <= MAX_HEADING_CHARS and is_title_like(text):
            draft.kind = "heading"
            draft.level = last_markdown or 1  # a sibling of the markdown heading above it
    if drafts and drafts[0].kind == "heading":
        drafts[0].level = 0  # the document's title: not part of any section path


def _mark_un_headings(drafts: list[Draft], source: str) -> None:
    """In a UN document a heading is an unnumbered paragraph that does not end with punctuation (every
    paragraph does); "Article 16" and the title on the line below it are one heading. Levels follow the
    headings' numbering styles: an annex holds chapters, a chapter articles."""
    previous = None
    for draft in drafts:
        text = draft.text(source)
        plain = draft.kind == "paragraph" and not draft.role and draft.marker.kind == "text"
        if plain and len(text) <= MAX_UN_HEADING_CHARS:
            numbered = SECTION_MARK.fullmatch(text) or NUMBER_ONLY.fullmatch(text)  # "II", "Article 13."
            # the title under "Annex" may hold a semicolon: "United Nations Convention against Cybercrime; ..."
            annex_title = previous is not None and ANNEX_ONLY.fullmatch(heading_title(previous.text(source)))
            if numbered or annex_title or (is_title_like(text) and not ends_clause(text)):
                draft.kind = "heading"
        if draft.kind != "markup":
            previous = draft
    _merge_annex_titles(drafts, source)
    _unmark_runs(drafts, source)
    for i in range(len(drafts) - 2, -1, -1):
        first, second = drafts[i], drafts[i + 1]
        both_headings = first.kind == second.kind == "heading" and not first.role and not second.role
        if both_headings and NUMBER_ONLY.fullmatch(heading_title(first.text(source))) and _is_plain(second, source):
            first.pieces += second.pieces
            del drafts[i + 1]
    headings = [d for d in drafts if d.kind == "heading" and not d.role]
    for draft, level in zip(headings, heading_levels([heading_title(d.text(source)) for d in headings]), strict=True):
        draft.level = level


def _merge_annex_titles(drafts: list[Draft], source: str) -> None:
    """ "Annex" and the lines of the title under it ("United Nations Convention against Cybercrime;" ...)
    are one heading."""
    i = 0
    while i < len(drafts):
        annex = drafts[i]
        i += 1
        if annex.kind != "heading" or annex.role or not ANNEX_ONLY.fullmatch(heading_title(annex.text(source))):
            continue
        while i < len(drafts) and drafts[i].kind == "heading" and not drafts[i].role and _is_plain(drafts[i], source):
            annex.pieces += drafts.pop(i).pieces


def _unmark_runs(drafts: list[Draft], source: str) -> None:
    """Three or more unnumbered "headings" in a row are the rows of a table or a list, laid out line by line
    in a PDF: they stay paragraphs, to be found and quoted."""
    run: list[Draft] = []
    for draft in [*drafts, None]:
        if draft is not None and draft.kind == "markup":
            continue
        if draft is not None and draft.kind == "heading" and not draft.role and _is_plain(draft, source):
            run.append(draft)
            continue
        if len(run) >= RUN_OF_LINES:
            for line in run:
                line.kind = "paragraph"
        run = []


def _is_plain(draft: Draft, source: str) -> bool:
    """A heading without a number of its own: the title of the "Article 16" above it."""
    return heading_style(heading_title(draft.text(source))) == "plain"


HEADING_MARKUP = re.compile(r"^#+\s*|[*_]+|</?sup>")


def heading_title(text: str) -> str:
    """A heading as plain words: "### **Developments to date**" -> "Developments to date"."""
    return collapse(HEADING_MARKUP.sub("", text))


def assign_sections(drafts: list[Draft], source: str) -> None:
    path: dict[int, str] = {}
    for draft in drafts:
        if draft.kind == "heading" and draft.level > 0:
            path = {level: title for level, title in path.items() if level < draft.level}
            draft.section = " > ".join(path[level] for level in sorted(path))
            path[draft.level] = heading_title(draft.text(source))
        else:
            draft.section = " > ".join(path[level] for level in sorted(path))
