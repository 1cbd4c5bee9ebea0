"""A compilation of agreed language: chosen paragraphs, quoted verbatim, each with its citation, as the
Markdown or Word document a negotiator pastes into the next draft; and the order the paragraphs are kept in.

The words of a quote are always those of `Passage.text` (a table's cells, a footnote's text); what differs
is how each file prints the document's light markup (*italic*, **bold**, <sup>th</sup>, [A/60/687](#)):
- .docx: the markup read, as the chat and Copy read it (quote_text.runs): italic, bold and superscript runs,
  a link as its label, a footnote mark ("2015,5" in a PDF) as a superscript; no markup character is left.
- .md: the markup kept, since it is Markdown already; only a footnote mark printed as plain digits is
  written <sup>5</sup>, so that it no longer reads as part of the number. Nothing else in a quote is
  escaped or tidied; only the words this module writes itself (title, date, citations) are escaped.
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
from rag.quote_text import raise_marks, runs

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
    short one in bold, the full one under it). Quotes and footnotes are written as formatted runs."""
    document = Document()
    _add_styles(document)
    document.core_properties.title = title
    document.core_properties.author = document.core_properties.last_modified_by = ""
    document.add_paragraph(title, style="Title")
    document.add_paragraph(long_date((date or datetime.date.today()).isoformat()), style="Subtitle")
    for passage in passages:
        add_quote(document, passage)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_quote(document, passage: Passage) -> None:
    """One passage as a compilation quotes it: verbatim (a table as a table), its footnotes, its citation in
    the short style in bold and the full one under it. Also how a draft's check quotes a precedent."""
    if passage.rows:
        _add_table(document, passage.rows)
    else:
        _add_runs(document.add_paragraph(style="Quote"), passage.text, passage.marks).keep_with_next = True
    for note in passage.footnotes:
        _add_runs(document.add_paragraph(style="Quote Footnote"), note).keep_with_next = True
    short, *full = _citation_lines(passage)
    cited = document.add_paragraph(style="Citation")
    cited.add_run(short).bold = True
    for line in full:
        cited.add_run().add_break()
        cited.add_run(line)


def _citation_lines(passage: Passage) -> list[str]:
    """The short citation, and the full one (title, symbol, date, paragraph) when it says more."""
    return [passage.citation] + ([passage.full_citation] if passage.full_citation not in ("", passage.citation) else [])


def _quoted_paragraphs(passage: Passage) -> list[str]:
    if passage.rows:
        return ["\t".join(cells) for cells in passage.rows]
    return [raise_marks(passage.text, passage.marks)[0]]


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
            _add_runs(cell.paragraphs[0], text)


def _add_runs(paragraph, text: str, marks: tuple[tuple[int, int], ...] = ()):
    """The text into a Word paragraph as runs: the document's italics, bold and superscripts (footnote marks
    among them) as Word's, and no markup characters. Gives back the paragraph's format."""
    for part, formats in runs(text, marks):
        run = paragraph.add_run(part)
        run.italic = "italic" in formats or None  # None: as the style has it
        run.bold = "bold" in formats or None
        run.font.superscript = "sup" in formats or None
    return paragraph.paragraph_format


def _add_styles(document) -> None:
    """The compilation's own paragraph styles, named so they paste into a draft as what they are."""
    styles = document.styles
    styles["Quote"].font.italic = False  # upright as the document prints it, so its own italics show
    note = styles.add_style("Quote Footnote", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Quote"]
    note.font.size = Pt(9)
    note.font.italic = False
    cited = styles.add_style("Citation", WD_STYLE_TYPE.PARAGRAPH)
    cited.base_style = styles["Normal"]
    cited.font.size = Pt(10)
    cited.font.color.rgb = RGBColor(0x3E, 0x4C, 0x59)
    cited.paragraph_format.space_after = Pt(18)
