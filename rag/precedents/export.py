"""A draft's check against agreed language (check.py) as the Word or Markdown document a delegate reads: the
verdict counts, then each draft paragraph with its redline from its best precedent, the precedent quoted
verbatim and cited, the other precedents, and, where no paragraph holds it, which parts of it are found
where and which are new.

In Word the redline is made of real tracked changes (w:del, w:ins), so that Accept All gives the draft
paragraph and Reject All the precedent: the two texts are never retyped, only sliced (compare.py keeps its
pieces slices of them). Quotes and the draft's words are written as rag/compilation.py writes quotes (its
helpers), and only this module's own words and the citations are escaped in Markdown.
"""

import datetime
import io
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import count, groupby

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

from rag import compilation
from rag.citations import long_date
from rag.compilation import _add_runs, _citation_lines, _escaped
from rag.precedents.check import VERDICTS, CheckedParagraph, DraftCheck, Precedent
from rag.precedents.compare import Piece, body_start
from rag.quote_text import raise_marks

AUTHOR = "WSIS RAG"  # the tracked changes' author, as Word's margin names it
NO_PRECEDENT = "No precedent in the documents checked."
SOME_PRECEDENTS = "No paragraph of the documents checked holds most of this one; the parts cited are found there."
LEGEND = (
    "Each draft paragraph is redlined against its best precedent as tracked changes: Accept All gives the draft, "
    "Reject All the precedent. Highlighted words are new: no paragraph of the documents checked holds them."
)
# Markdown marks changes with HTML's <del> and <ins> (new words with <mark>), not ~~ and **: the tag names say
# what happened when the file is read as plain text, ** reads as a document's own bold, and ~~ is an extension
# CommonMark renderers may print as tildes.
MD_LEGEND = (
    "In each redline, <del>struck</del> words are the precedent's that the draft drops, <ins>underlined</ins> ones "
    "the draft's own. <mark>Highlighted</mark> words are new: no paragraph of the documents checked holds them."
)
COUNTS_HEADER = ("Verdict", "Paragraphs", "Draft paragraphs")
GREY = RGBColor(0x3E, 0x4C, 0x59)  # as the compilation's citations
Marks = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Segment:
    """A step of the redline as a slice of one text: "equal" and "ins" of the draft's, "del" of the precedent's."""

    op: str
    start: int
    end: int


def file_name(extension: str, date: datetime.date | None = None) -> str:
    """ "draft-check-2026-12-08.docx" """
    return f"draft-check-{(date or datetime.date.today()).isoformat()}.{extension}"


def title(result: DraftCheck) -> str:
    draft = result.draft
    return f"Check of {draft.symbol or draft.title or draft.name} against agreed language"


def checked_against(result: DraftCheck) -> str:
    line = f"Checked against {result.against} document{'s' * (result.against != 1)} of the index."
    if result.excluded:
        line += f" Left out as the draft itself: {'; '.join(result.excluded)}."
    return line


def redline(text: str, precedent: Precedent) -> list[Segment]:
    """The redline from `precedent` to the draft paragraph `text`: its own number first, as the draft prints
    it; then compare.py's pieces, a replace as the precedent's words struck then the draft's. An "equal" piece
    the two print differently (a footnote mark, a curly quote, the space before an insert) is redlined
    character by character, so that the draft's slices give back its text and the precedent's its quote."""
    d, q = body_start(text), body_start(precedent.passage.text)
    found = [Segment("equal", 0, d)]
    for piece in precedent.comparison.pieces:
        if piece.op == "equal" and piece.draft != piece.precedent:
            found += _by_character(piece, d, q)
        elif piece.op == "equal":
            found.append(Segment("equal", d, d + len(piece.draft)))
        else:
            found += [Segment("del", q, q + len(piece.precedent)), Segment("ins", d, d + len(piece.draft))]
        d, q = d + len(piece.draft), q + len(piece.precedent)
    return _tidied(found)


def _by_character(piece: Piece, d: int, q: int) -> list[Segment]:
    matcher = SequenceMatcher(None, piece.precedent, piece.draft, autojunk=False)
    found = []
    for op, q1, q2, d1, d2 in matcher.get_opcodes():
        if op == "equal":
            found.append(Segment("equal", d + d1, d + d2))
        else:
            found += [Segment("del", q + q1, q + q2), Segment("ins", d + d1, d + d2)]
    return found


def _tidied(found: list[Segment]) -> list[Segment]:
    """No empty segments; each run of changes as one struck segment then one inserted, as a redline reads.
    (Within a run of changes the struck slices follow each other in the precedent, the inserted ones in the
    draft, so each kind joins into one.)"""
    tidy = []
    for _, group in groupby((s for s in found if s.end > s.start), key=lambda s: s.op == "equal"):
        group = list(group)
        for op in ("equal", "del", "ins"):
            if mine := [s for s in group if s.op == op]:
                tidy.append(Segment(op, mine[0].start, mine[-1].end))
    return tidy


def _cut(text: str, marks: Marks, start: int, end: int) -> tuple[str, Marks]:
    """text[start:end] with the footnote marks inside it, moved to match. The space before a mark just after
    it goes, as runs() drops it inside a slice: "Organization, 12" prints "Organization,¹²"."""
    if any(s == end for s, _ in marks):
        end = start + len(text[start:end].rstrip())
    return text[start:end], tuple((s - start, e - start) for s, e in marks if start <= s and e <= end)


def to_docx(result: DraftCheck, *, date: datetime.date | None = None) -> bytes:
    """A Word document: the title, the date, what was checked, the legend and the verdict counts, then each
    draft paragraph: its label and verdict (Heading 2), its note, its redline or its stretches (style Draft
    Paragraph), its best precedent (Quote, Citation) and the others that hold its language."""
    date = date or datetime.date.today()
    document = Document()
    compilation._add_styles(document)
    document.styles.add_style("Draft Paragraph", WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]
    document.core_properties.title = title(result)
    document.core_properties.author = document.core_properties.last_modified_by = ""
    document.add_paragraph(title(result), style="Title")
    document.add_paragraph(long_date(date.isoformat()), style="Subtitle")
    document.add_paragraph(checked_against(result))
    document.add_paragraph(LEGEND)
    _add_counts(document, result)
    revisions = (count(1), f"{date.isoformat()}T00:00:00Z")
    for paragraph, unit in zip(result.paragraphs, result.draft.paragraphs, strict=True):
        _add_checked(document, paragraph, unit.marks, revisions)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def counts(result: DraftCheck) -> list[tuple[str, str, str]]:
    """The summary's rows: each verdict, how many paragraphs have it, and which ("PP8, 7, 15")."""
    return [
        (VERDICTS[verdict], str(number), ", ".join(p.label for p in result.paragraphs if p.verdict == verdict))
        for verdict, number in result.counts().items()
    ]


def _add_counts(document, result: DraftCheck) -> None:
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, COUNTS_HEADER, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    for row in counts(result):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _add_checked(document, paragraph: CheckedParagraph, marks: Marks, revisions: tuple) -> None:
    document.add_heading(f"{paragraph.label}: {paragraph.verdict_text}", level=2)
    if paragraph.note:
        document.add_paragraph().add_run(paragraph.note).italic = True
    written = document.add_paragraph(style="Draft Paragraph")
    if not paragraph.precedents:
        _add_stretches(written, paragraph, marks)
        held = any(s.source for s in paragraph.stretches)
        document.add_paragraph(SOME_PRECEDENTS if held else NO_PRECEDENT)
        return
    best, *others = paragraph.precedents
    _add_redline(written, paragraph.text, marks, best, revisions)
    compilation.add_quote(document, best.passage)
    if others:
        document.add_paragraph("Also in: " + "; ".join(p.passage.citation for p in others), style="Citation")


def _add_redline(written, text: str, marks: Marks, precedent: Precedent, revisions: tuple) -> None:
    for op, part, part_marks in _slices(text, marks, precedent):
        before = len(written._p.r_lst)
        _add_runs(written, part, part_marks)
        if op == "equal" or len(written._p.r_lst) == before:  # nothing written: a space before a mark, which goes
            continue
        wrapper = _revision(op, revisions)
        for run in written._p.r_lst[before:]:
            wrapper.append(run)  # moves the run into the revision
            if op == "del":  # Word reads a deleted run's text only from w:delText
                for text_element in run.findall(qn("w:t")):
                    text_element.tag = qn("w:delText")
        written._p.append(wrapper)


def _slices(text: str, marks: Marks, precedent: Precedent) -> list[tuple[str, str, Marks]]:
    """The redline's segments as (op, the text of the segment, the footnote marks in it)."""
    quoted = precedent.passage
    sources = {"equal": (text, marks), "ins": (text, marks), "del": (quoted.text, quoted.marks)}
    return [(s.op, *_cut(*sources[s.op], s.start, s.end)) for s in redline(text, precedent)]


def _revision(op: str, revisions: tuple):
    """A w:ins or w:del element: Word wants an id of its own for each revision of the document."""
    ids, stamp = revisions
    return OxmlElement(f"w:{op}", {qn("w:id"): str(next(ids)), qn("w:author"): AUTHOR, qn("w:date"): stamp})


def _add_stretches(written, paragraph: CheckedParagraph, marks: Marks) -> None:
    """Each stretch: one a paragraph holds followed by its citation in brackets, a new one highlighted."""
    for part, part_marks, source, spaces in _stretches(paragraph, marks):
        before = len(written.runs)
        _add_runs(written, part, part_marks)
        if source is None:
            for run in written.runs[before:]:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        else:
            written.add_run(f" [{source.citation}]").font.color.rgb = GREY
        if spaces:
            written.add_run(spaces)


def _stretches(paragraph: CheckedParagraph, marks: Marks):
    """Each stretch as (its words, their footnote marks, its source, the spaces after them): a citation goes
    after the words, before the spaces."""
    for stretch in paragraph.stretches:
        words = stretch.text.rstrip()
        yield (
            *_cut(paragraph.text, marks, stretch.start, stretch.start + len(words)),
            stretch.source,
            stretch.text[len(words) :],
        )


def to_markdown(result: DraftCheck, *, date: datetime.date | None = None) -> str:
    """The same as to_docx in Markdown: the redline with <del> and <ins>, new words in <mark>, each quote
    a block quote (as the compilation writes it) with its citation in bold."""
    parts = [f"# {_escaped(title(result))}", long_date((date or datetime.date.today()).isoformat())]
    parts += [_escaped(checked_against(result)), MD_LEGEND, _md_counts(result)]
    for paragraph, unit in zip(result.paragraphs, result.draft.paragraphs, strict=True):
        parts += _md_checked(paragraph, unit.marks)
    return "\n\n".join(parts) + "\n"


def _md_counts(result: DraftCheck) -> str:
    rows = [" | ".join(_escaped(cell) for cell in row) for row in (COUNTS_HEADER, *counts(result))]
    rows.insert(1, "--- | ---: | ---")
    return "\n".join(f"| {row} |" for row in rows)


def _md_checked(paragraph: CheckedParagraph, marks: Marks) -> list[str]:
    parts = [f"## {_escaped(paragraph.label)}: {paragraph.verdict_text}"]
    if paragraph.note:
        parts.append(f"*{_escaped(paragraph.note)}*")
    if not paragraph.precedents:
        held = any(s.source for s in paragraph.stretches)
        return [*parts, _md_stretches(paragraph, marks), SOME_PRECEDENTS if held else NO_PRECEDENT]
    best, *others = paragraph.precedents
    short, *full = (_escaped(line) for line in _citation_lines(best.passage))
    quoted = [compilation._quoted_paragraphs(best.passage), list(best.passage.footnotes)]
    parts += [_md_redline(paragraph.text, marks, best), *(compilation._blockquote(q) for q in quoted if q)]
    parts.append("\\\n".join([f"**{short}**", *full]))  # a backslash at a line's end: a line break
    if others:
        parts.append("Also in: " + "; ".join(_escaped(p.passage.citation) for p in others))
    return parts


def _md_redline(text: str, marks: Marks, precedent: Precedent) -> str:
    parts = []
    for op, part, part_marks in _slices(text, marks, precedent):
        words = raise_marks(part, part_marks)[0]
        if op == "equal" or not words.strip():  # a change of spaces only is no change to a reader
            parts.append("" if op == "del" else words)
        else:
            parts.append(f"<{op}>{words}</{op}>")
    return "".join(parts)


def _md_stretches(paragraph: CheckedParagraph, marks: Marks) -> str:
    parts = []
    for part, part_marks, source, spaces in _stretches(paragraph, marks):
        words = raise_marks(part, part_marks)[0]
        parts.append((f"{words} [{_escaped(source.citation)}]" if source else f"<mark>{words}</mark>") + spaces)
    return "".join(parts)
