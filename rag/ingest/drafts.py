"""Drafts: the paragraphs being assembled from a document's lines, before they are labelled."""

import re
from dataclasses import dataclass

from rag.ingest.layout import collapse
from rag.ingest.markers import Marker, classify, marker_length

# Units people read and search; headings give context, markup is layout debris.
BODY_KINDS = frozenset({"paragraph", "item", "table", "footnote"})
# Lines end as Python's universal newlines end them: LF, CRLF, or a lone CR (a file saved on an old Mac).
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Draft:
    kind: str
    marker: Marker
    pieces: list[list[int]]
    last_line: str
    parent: "Draft | None" = None
    level: int = 0
    label: str = ""
    section: str = ""
    role: str = ""  # what the UN conventions made of it: "title", "organ", "masthead", "furniture" ...

    def text(self, source: str) -> str:
        return " ".join(collapse(source[start:end]) for start, end in self.pieces)

    def is_single_line(self, source: str) -> bool:
        return len(self.pieces) == 1 and not LINE_END.search(source, self.pieces[0][0], self.pieces[0][1])


def split_lines(text: str) -> list[str]:
    """The text's lines, without their line ends."""
    return LINE_END.split(text)


@dataclass(frozen=True)
class Line:
    start: int  # of the line's content (leading whitespace skipped)
    end: int  # trailing whitespace not included
    after_blank: bool  # blank lines come before it
    has_tab: bool  # a table row, even when the tab is leading or trailing whitespace
    page_break: bool  # a form feed comes before it


def source_lines(source: str):
    """Each non-blank line of the source, with what the whitespace before it says."""
    after_blank = page_break = False
    for match in LINE.finditer(source):
        line = match.group().rstrip("\r\n")
        content = line.strip()
        page_break = page_break or "\f" in line[: len(line) - len(line.lstrip())]
        if not content:
            after_blank = after_blank or bool(match.group())
            continue
        start = match.start() + len(line) - len(line.lstrip())
        yield Line(start, start + len(content), after_blank, _has_cells(line, content), page_break)
        after_blank = page_break = False


def _has_cells(line: str, content: str) -> bool:
    """Tabs separate a table row's cells (a leading or trailing tab is an empty cell), but not a paragraph
    number or list mark from its text: Word's plain-text export writes "1.<tab>Decides ...", and "5.<tab>"
    when the text is on the next line."""
    if "\t" not in line:
        return False
    marker = classify(content)
    if marker.kind not in ("number", "letter", "bullet"):
        return True
    indent = len(line) - len(line.lstrip())
    end = indent + marker.bullet_end + marker_length(content[marker.bullet_end :], marker)
    return "\t" in line[:indent] + content[: marker.bullet_end].rstrip() + line[end:].lstrip()
