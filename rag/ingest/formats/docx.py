"""Word .docx: the body in document order, rendered in the light markup the paragraph model reads.

Heading styles become "#" lines, Word's automatic numbers are written out as the reader sees them ("1.",
"(a)"), italic, bold and superscript runs become *x*, **x** and <sup>x</sup>, table rows tab-separated
lines, and footnotes <sup>N</sup> calls whose texts follow the body after a "---" rule.
python-docx opens the package; the XML is walked directly, because python-docx has no API for numbers,
footnotes or content controls.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from rag.errors import DocumentsError
from rag.ingest.formats import Extracted
from rag.ingest.formats.markup import inline_markup, join_blocks, list_number, table_block
from rag.ingest.layout import collapse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # what an encrypted .docx (or an old .doc) starts with
# What a Word file's parts may add up to unpacked: a 4,000-page report with its images fits; a zip bomb does not.
MAX_UNPACKED_BYTES = 256 * 10**6
# What python-docx, zipfile and lxml raise on a damaged package.
DAMAGED = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError, zlib.error, EOFError)
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
HEADING_STYLE = re.compile(r"heading ([1-9])|title")
# A run's own paragraph ends its search upwards; deleted text and alternative renderings are not read.
NOT_OWN = frozenset({W + "p", W + "del", W + "moveFrom", W + "txbxContent", MC_FALLBACK})
SPACES = frozenset({W + "tab", W + "br", W + "cr", W + "ptab"})
MAX_LETTERS = 30  # "zzz…" of 30 letters: the longest lettered number written out
NUMBER_FORMATS = {"lowerLetter": "a", "upperLetter": "A", "lowerRoman": "i", "upperRoman": "I"}


@dataclass(frozen=True)
class _Style:
    name: str  # lower case, as stored: "heading 1", "list number"
    based_on: str | None
    numbering: tuple[str | None, str | None]  # (numId, ilvl) of the style's numPr
    run: etree._Element | None  # the style's run properties


@dataclass(frozen=True)
class _Level:
    start: int
    format: str  # numFmt: "decimal", "lowerLetter", "bullet" ...
    text: str  # lvlText: "%1.", "(%2)"


@dataclass
class _Context:
    """What rendering a paragraph needs beyond the paragraph: the document's definitions and counters."""

    styles: dict[str, _Style]
    lists: dict[str, dict[int, _Level]]  # numId -> its levels, overrides applied
    footnotes: dict[str, etree._Element]  # footnote id -> w:footnote
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> level -> current number
    calls: dict[str, int] = field(default_factory=dict)  # footnote id -> its number, in order of reference

    def call(self, footnote_id: str) -> int:
        return self.calls.setdefault(footnote_id, len(self.calls) + 1)


def read_docx(path: Path) -> Extracted:
    document = _open(path)
    try:
        context = _context(document.part)
    except etree.LxmlError as error:
        raise _unreadable(path, "a part of it is not well-formed XML") from error
    blocks = [text for element in _blocks(document.element.body) for text in _render(element, context)]
    calls = list(context.calls.items())
    notes = [f"<sup>{n}</sup> {_note_text(context.footnotes.get(note_id), context)}" for note_id, n in calls]
    # Every block is whitespace-collapsed, so the text has no carriage returns and no trailing spaces.
    return Extracted(join_blocks(blocks + (["---", *notes] if notes else [])), stored=True)


def _open(path: Path):
    try:
        with path.open("rb") as handle:
            head = handle.read(len(OLE_SIGNATURE))
    except OSError as error:
        raise DocumentsError(f"Cannot read {path.name}: {error.strerror}.") from error
    if not head:
        raise _unreadable(path, "the file is empty")
    if head == OLE_SIGNATURE:
        raise _unreadable(path, "it is password-protected, or an old .doc file renamed")
    if not head.startswith(b"PK"):
        raise _unreadable(path, "it is not a zip package")
    try:
        with zipfile.ZipFile(path) as package:  # python-docx holds every part in memory: bound them first
            unpacked = sum(info.file_size for info in package.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise DocumentsError(
                f"{path.name} unpacks to {unpacked / 1e6:,.0f} MB, over the {MAX_UNPACKED_BYTES // 10**6} MB "
                "limit for a Word file (a zip bomb?); remove it, or save its text in smaller files."
            )
        return docx.Document(str(path))
    except DAMAGED as error:
        raise _unreadable(path, "the package is damaged or holds no Word document") from error


def _unreadable(path: Path, reason: str) -> DocumentsError:
    return DocumentsError(
        f"{path.name} is not a readable Word .docx file ({reason}); save it again from Word as .docx, "
        "without a password, or remove it from the folder."
    )


def _context(part) -> _Context:
    styles = _related_xml(part, RT.STYLES)
    numbering = _related_xml(part, RT.NUMBERING)
    notes = _related_xml(part, RT.FOOTNOTES)
    return _Context(
        styles={s.get(W + "styleId"): _style(s) for s in styles.iter(W + "style")} if styles is not None else {},
        lists=_lists(numbering) if numbering is not None else {},
        footnotes={n.get(W + "id"): n for n in notes.iter(W + "footnote")} if notes is not None else {},
    )


def _related_xml(part, reltype: str) -> etree._Element | None:
    """A part the document relates to, parsed; python-docx models only some parts, so read the bytes."""
    related = next((rel.target_part for rel in part.rels.values() if rel.reltype == reltype), None)
    return etree.fromstring(related.blob, XML_PARSER) if related is not None else None


def _val(element: etree._Element | None, child: str) -> str | None:
    found = element.find(W + child) if element is not None else None
    return found.get(W + "val") if found is not None else None


def _style(element: etree._Element) -> _Style:
    num_pr = element.find(f"{W}pPr/{W}numPr")
    return _Style(
        name=(_val(element, "name") or "").lower(),
        based_on=_val(element, "basedOn"),
        numbering=(_val(num_pr, "numId"), _val(num_pr, "ilvl")),
        run=element.find(W + "rPr"),
    )


def _chain(styles: dict[str, _Style], style_id: str | None) -> list[_Style]:
    """A style and the styles it is based on, nearest first (a loop in basedOn stops the walk)."""
    chain: list[_Style] = []
    while style_id in styles and styles[style_id] not in chain:
        chain.append(styles[style_id])
        style_id = styles[style_id].based_on
    return chain


def _lists(numbering: etree._Element) -> dict[str, dict[int, _Level]]:
    """Each numbering instance's levels: its abstract definition with the instance's overrides."""
    abstract = {a.get(W + "abstractNumId"): _levels(a) for a in numbering.iter(W + "abstractNum")}
    lists = {}
    for num in numbering.iter(W + "num"):
        levels = dict(abstract.get(_val(num, "abstractNumId"), {}))
        for override in num.iter(W + "lvlOverride"):
            ilvl = _int(override.get(W + "ilvl"), 0)
            if (redefined := override.find(W + "lvl")) is not None:
                levels[ilvl] = _level(redefined)
            if (start := _val(override, "startOverride")) is not None and ilvl in levels:
                levels[ilvl] = replace(levels[ilvl], start=_int(start, 1))
        lists[num.get(W + "numId")] = levels
    return lists


def _levels(abstract: etree._Element) -> dict[int, _Level]:
    return {_int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in abstract.iter(W + "lvl")}


def _level(lvl: etree._Element) -> _Level:
    return _Level(_int(_val(lvl, "start"), 1), _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _blocks(container: etree._Element):
    """Paragraphs and tables in document order, also those inside content controls."""
    for child in container:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            yield from _blocks(child.find(W + "sdtContent") if child.tag == W + "sdt" else child)


def _render(element: etree._Element, context: _Context) -> list[str]:
    """A body element as blocks: a paragraph (a heading with its hashes), or a table."""
    if element.tag == W + "tbl":
        return _table(element, context)
    level, text = _paragraph(element, context)
    return [("#" * min(level, 6) + " " if level else "") + text] if text else []


def _paragraph(p: etree._Element, context: _Context) -> tuple[int, str]:
    """A paragraph's heading level (0 if none) and its text, with the number Word shows before it."""
    chain = _chain(context.styles, _val(p.find(W + "pPr"), "pStyle"))
    number = _number(p, chain, context)  # counted even when the paragraph is empty, as Word does
    text = collapse(inline_markup(list(_segments(p, context))))
    matches = (HEADING_STYLE.fullmatch(style.name) for style in chain)
    level = next((int(m[1] or 1) for m in matches if m), 0)
    return level, (number + text if text else "")


def _number(p: etree._Element, chain: list[_Style], context: _Context) -> str:
    """The paragraph's automatic number ("1. ", "(a) ") or bullet ("- "); "" when it has none."""
    num_pr = p.find(f"{W}pPr/{W}numPr")
    styled = next((style.numbering for style in chain if style.numbering[0] is not None), (None, None))
    num_id = _val(num_pr, "numId") or styled[0]
    ilvl = _int(_val(num_pr, "ilvl") or styled[1], 0)
    levels = context.lists.get(num_id or "0", {})
    if ilvl not in levels:
        return ""  # numId 0 switches a style's numbering off; a missing level shows nothing either
    counts = context.counters.setdefault(num_id, {})
    counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else levels[ilvl].start
    for deeper in [level for level in counts if level > ilvl]:
        del counts[deeper]  # a new item restarts the levels below it
    if levels[ilvl].format == "bullet":
        return "- "
    text = re.sub(r"%([1-9])", lambda m: _placeholder(int(m[1]) - 1, levels, counts), levels[ilvl].text)
    return text.strip() + " " if text.strip() else ""


def _placeholder(ilvl: int, levels: dict[int, _Level], counts: dict[int, int]) -> str:
    level = levels.get(ilvl)
    if level is None or level.format in ("none", "bullet"):
        return ""
    number = counts.get(ilvl, level.start)
    if level.format == "decimalZero":
        return f"{number:02d}"
    if level.format in ("lowerLetter", "upperLetter") and number > MAX_LETTERS * 26:
        return str(number)  # a start value from a damaged or hostile file must not write a line of a million z's
    if level.format in ("lowerLetter", "upperLetter") and number > 26:  # Word goes on aa, bb ..., not aa, ab
        return list_number((number - 1) % 26 + 1, NUMBER_FORMATS[level.format]) * ((number - 1) // 26 + 1)
    return list_number(number, NUMBER_FORMATS.get(level.format, "1"))


def _segments(p: etree._Element, context: _Context):
    """The paragraph's text as (text, formats); tabs and line breaks read as spaces, hidden text is skipped."""
    for run in _own_runs(p):
        formats = _run_formats(run, context.styles)
        if "hidden" in formats:
            continue
        for child in run:
            if child.tag == W + "t":
                yield child.text or "", formats
            elif child.tag in SPACES:
                yield " ", formats
            elif child.tag == W + "noBreakHyphen":
                yield "-", formats
            elif child.tag == W + "footnoteReference":
                yield f"<sup>{context.call(child.get(W + 'id'))}</sup>", None


def _own_runs(p: etree._Element):
    """The runs of this paragraph, also inside hyperlinks, insertions and fields; not the runs of a text
    box anchored in it, which have paragraphs of their own."""
    for run in p.iter(W + "r"):
        ancestor = run.getparent()
        while ancestor is not None and ancestor is not p and ancestor.tag not in NOT_OWN:
            ancestor = ancestor.getparent()
        if ancestor is p:
            yield run


def _run_formats(run: etree._Element, styles: dict[str, _Style]) -> frozenset[str]:
    """Bold, italic, superscript and hidden from the run's character style, then its own properties."""
    properties = run.find(W + "rPr")
    formats: frozenset[str] = frozenset()
    for style in reversed(_chain(styles, _val(properties, "rStyle"))):
        formats = _apply(style.run, formats)
    return _apply(properties, formats)


def _apply(properties: etree._Element | None, formats: frozenset[str]) -> frozenset[str]:
    if properties is None:
        return formats
    result = set(formats)
    for tag, name in (("b", "bold"), ("i", "italic"), ("vanish", "hidden")):
        if (toggle := properties.find(W + tag)) is not None:
            on = toggle.get(W + "val", "true") not in ("0", "false", "off")
            (result.add if on else result.discard)(name)
    if (align := _val(properties, "vertAlign")) is not None:
        (result.add if align == "superscript" else result.discard)("sup")
    return frozenset(result)


def _table(tbl: etree._Element, context: _Context) -> list[str]:
    """A data table as one block of tab-separated rows. A one-column table is layout (a frame or a box),
    so its cells' paragraphs are read as ordinary blocks."""
    rows = [row.findall(W + "tc") for row in tbl.findall(W + "tr")]
    if max((len(cells) for cells in rows), default=0) <= 1:
        return [text for cells in rows for cell in cells for el in _blocks(cell) for text in _render(el, context)]
    return table_block([[_cell_text(cell, context) for cell in cells] for cells in rows])


def _cell_text(cell: etree._Element, context: _Context) -> str:
    """A cell's paragraphs (and nested tables) on one line, without heading hashes."""
    texts = (_table(el, context) if el.tag == W + "tbl" else [_paragraph(el, context)[1]] for el in _blocks(cell))
    return collapse(" ".join(text for group in texts for text in group))


def _note_text(footnote: etree._Element | None, context: _Context) -> str:
    """A footnote's paragraphs as one line; its own mark (w:footnoteRef) is replaced by <sup>N</sup>."""
    if footnote is None:
        return ""
    return collapse(" ".join(inline_markup(list(_segments(p, context))) for p in footnote.iter(W + "p")))
