"""A compilation of agreed language: chosen paragraphs, quoted verbatim, each with its citation, as the
Markdown or Word document a negotiator pastes into the next draft; and the order the paragraphs are kept in.

A quote is always exactly `Passage.text` (a table's cells, a footnote's text): nothing in it is escaped,
rendered or tidied. Only the words this module writes itself (title, date, citations) are escaped.
"""

import datetime
import io
import re
from collections.abc import Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor

from rag.citations import long_date
from rag.passage import Passage

TITLE = "Compilation of agreed language"
Key = tuple[str, str]  # (doc_id, label): what a compilation holds; the index gives back the paragraph
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
SUMMARY_CHARS = 80


def added(keys: tuple[Key, ...], key: Key) -> tuple[Key, ...]:
    """The compilation with `key` at its end; unchanged when the paragraph is already in it."""
    return keys if key in keys else (*keys, key)


def removed(keys: tuple[Key, ...], key: Key) -> tuple[Key, ...]:
    return tuple(k for k in keys if k != key)


def moved(keys: tuple[Key, ...], key: Key, step: int) -> tuple[Key, ...]:
    """The compilation with `key` moved `step` places (-1: up, 1: down), stopping at either end."""
    if key not in keys:
        return keys
    order = list(keys)
    start = order.index(key)
    order.insert(max(0, min(len(order) - 1, start + step)), order.pop(start))
    return tuple(order)


def summary(passage: Passage, chars: int = SUMMARY_CHARS) -> str:
    """How a list of the compilation shows a passage: its citation, then on a line of its own the start of
    the quote (cut at a word, with an ellipsis)."""
    start = passage.text if len(passage.text) <= chars else passage.text[:chars].rsplit(" ", 1)[0] + "…"
    return f"{passage.citation}\n{start}"


def file_name(extension: str, date: datetime.date | None = None) -> str:
    """ "agreed-language-2026-12-03.docx" """
    return f"agreed-language-{(date or datetime.date.today()).isoformat()}.{extension}"


def to_markdown(passages: Sequence[Passage], *, title: str = TITLE, date: datetime.date | None = None) -> str:
    """The title, the date, then each quote as a block quote (a table's rows one per paragraph, the quote's
    footnotes after it) with its short citation in bold and its full citation under it."""
    parts = [f"# {_escaped(title)}", long_date((date or datetime.date.today()).isoformat())]
    for passage in passages:
        parts.append(_blockquote(_quoted_paragraphs(passage)))
        if passage.footnotes:
            parts.append(_blockquote(list(passage.footnotes)))
        short, *full = (_escaped(line) for line in _citation_lines(passage))
        parts.append("\\\n".join([f"**{short}**", *full]))  # a backslash at a line's end: a line break
    return "\n\n".join(parts) + "\n"


def to_docx(passages: Sequence[Passage], *, title: str = TITLE, date: datetime.date | None = None) -> bytes:
    """A Word document: the title (style Title), the date (Subtitle), then for each passage its quote
    (style Quote; a table as a Word table), its footnotes (Quote Footnote) and its citation (Citation: the
    short one in bold, the full one under it)."""
    document = Document()
    _add_styles(document)
    document.core_properties.title = title
    document.core_properties.author = document.core_properties.last_modified_by = ""
    document.add_paragraph(title, style="Title")
    document.add_paragraph(long_date((date or datetime.date.today()).isoformat()), style="Subtitle")
    for passage in passages:
        if passage.rows:
            _add_table(document, passage.rows)
        else:
            document.add_paragraph(passage.text, style="Quote").paragraph_format.keep_with_next = True
        for note in passage.footnotes:
            document.add_paragraph(note, style="Quote Footnote").paragraph_format.keep_with_next = True
        short, *full = _citation_lines(passage)
        cited = document.add_paragraph(style="Citation")
        cited.add_run(short).bold = True
        for line in full:
            cited.add_run().add_break()
            cited.add_run(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _citation_lines(passage: Passage) -> list[str]:
    """The short citation, and the full one (title, symbol, date, paragraph) when it says more."""
    return [passage.citation] + ([passage.full_citation] if passage.full_citation not in ("", passage.citation) else [])


def _quoted_paragraphs(passage: Passage) -> list[str]:
    return ["\t".join(cells) for cells in passage.rows] if passage.rows else [passage.text]


def _blockquote(paragraphs: list[str]) -> str:
    """Markdown block quote of verbatim paragraphs: every line prefixed, nothing inside changed."""
    return "\n>\n".join("\n".join("> " + line for line in text.split("\n")) for text in paragraphs)


def _escaped(text: str) -> str:
    """The app's own words (title, citations) as Markdown text: characters Markdown would read escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _add_table(document, rows: tuple[tuple[str, ...], ...]) -> None:
    table = document.add_table(rows=len(rows), cols=max(len(cells) for cells in rows))
    table.style = "Table Grid"
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=False):
            cell.text = text


def _add_styles(document) -> None:
    """The compilation's own paragraph styles, named so they paste into a draft as what they are."""
    styles = document.styles
    note = styles.add_style("Quote Footnote", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Quote"]
    note.font.size = Pt(9)
    note.font.italic = False
    cited = styles.add_style("Citation", WD_STYLE_TYPE.PARAGRAPH)
    cited.base_style = styles["Normal"]
    cited.font.size = Pt(10)
    cited.font.color.rgb = RGBColor(0x3E, 0x4C, 0x59)
    cited.paragraph_format.space_after = Pt(18)
