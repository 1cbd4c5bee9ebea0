"""HTML pages: the readable content in document order, rendered in the light markup the paragraph model reads.

Blocks are separated by a blank line, headings become "#" lines, list items get the number or bullet a
browser shows, em/strong/sup become *x*, **x** and <sup>x</sup>, and table rows tab-separated lines.
The page is data: nothing in it is run, and scripts, navigation and forms are dropped before reading.
"""

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from rag.errors import DocumentsError
from rag.ingest.formats import Extracted
from rag.ingest.layout import collapse

# (text, formats) where formats holds "bold", "italic", "sup"; None marks text that is markup already.
Segment = tuple[str, frozenset[str] | None]

MARKERS = (("bold", "**", "**"), ("italic", "*", "*"), ("sup", "<sup>", "</sup>"))  # outermost first
DROPPED = "script style noscript template nav header footer aside form iframe svg head object embed canvas".split()
BLOCKS = frozenset(
    """p div section li dd dt blockquote pre h1 h2 h3 h4 h5 h6 tr caption figcaption address
    article main body html ul ol dl table thead tbody tfoot figure hr details summary fieldset center""".split()
)
INLINE_FORMATS = {"em": "italic", "i": "italic", "strong": "bold", "b": "bold", "sup": "sup"}
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE
)
PRESCAN_BYTES = 4096
# Browsers read these labels as windows-1252, and a UTF-16 page cannot declare itself in ASCII bytes.
WEB_CODECS = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8"}


def read_html(path: Path) -> Extracted:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentsError(f"Cannot read {path.name}: {error.strerror}.") from error
    soup = BeautifulSoup(decode_html(data), "lxml")
    for element in [*soup.find_all(DROPPED), *soup.find_all(hidden=True)]:
        if not element.decomposed:  # already gone with a dropped parent
            element.decompose()
    writer = _Writer()
    _walk(_content_root(soup), writer, frozenset())
    writer.flush()
    return Extracted(join_blocks(writer.blocks), stored=True)


def join_blocks(blocks: list[str]) -> str:
    """Blocks apart by a blank line, but consecutive bullet items on consecutive lines, as Markdown writes a
    list: after a blank line the paragraph model reads "- " below an unfinished sentence ("...; and", or a
    lower-case item) as a stray mark where a page break cut the paragraph, and would join the items."""
    parts = []
    for i, block in enumerate(blocks):
        if i:
            parts.append("\n" if block.startswith("- ") and blocks[i - 1].startswith("- ") else "\n\n")
        parts.append(block)
    return "".join(parts) + "\n" if parts else ""


def decode_html(data: bytes) -> str:
    """The page's text by its byte-order mark or declared charset; undeclared pages are read as UTF-8,
    and bytes that do not decode become U+FFFD rather than failing the whole page."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    declared = DECLARED_CHARSET.search(data[:PRESCAN_BYTES])
    codec = _web_codec((declared[1] or declared[2]).decode("ascii")) if declared else "utf-8"
    try:
        return data.decode(codec, errors="replace")
    except LookupError:  # "base64" and the like are codecs, but not text encodings
        return data.decode("utf-8", errors="replace")


def _web_codec(label: str) -> str:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return "utf-8"
    return WEB_CODECS.get(name, name)


def inline_markup(segments: list[Segment]) -> str:
    """Formatted text in light markup. Runs with the same formatting are merged first, so two italic runs
    give *ab*, never *a**b*; spaces stay outside the markers, which the paragraph model expects."""
    merged: list[list] = []
    for text, formats in segments:
        if merged and formats is not None and merged[-1][1] == formats:
            merged[-1][0] += text
        else:
            merged.append([text, formats])
    return "".join(_wrap(text, formats) for text, formats in merged)


def _wrap(text: str, formats: frozenset[str] | None) -> str:
    words = text.strip()
    if not formats or not words:
        return text
    for name, opening, closing in reversed(MARKERS):
        if name in formats:
            words = opening + words + closing
    return text[: len(text) - len(text.lstrip())] + words + text[len(text.rstrip()) :]


def _content_root(soup: BeautifulSoup) -> Tag:
    """The page's own content: <main> (or role="main", or its only <article>) when it marks one."""
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main:
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


class _Writer:
    """Collects blocks; inline text gathers until a block boundary ends it."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.segments: list[Segment] = []
        self.prefix = ""  # a heading's hashes or a list item's number, for the next block written

    def flush(self) -> None:
        text = collapse(inline_markup(self.segments))
        self.segments = []
        if text:
            self.blocks.append(self.prefix + text)
            self.prefix = ""


def _walk(node: Tag, writer: _Writer, formats: frozenset[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # comments, CDATA and doctypes are subclasses: not text
                writer.segments.append((str(child), formats))
        elif child.name == "br":
            writer.segments.append((" ", formats))
        elif child.name in INLINE_FORMATS:
            _walk(child, writer, formats | {INLINE_FORMATS[child.name]})
        elif child.name in ("ol", "ul"):
            _list(child, writer, formats)
        elif child.name == "table" and _columns(child) > 1:
            _table(child, writer, formats)
        elif child.name in BLOCKS:
            _block(child, writer, formats, _heading_prefix(child.name))
        else:
            _walk(child, writer, formats)


def _block(element: Tag, writer: _Writer, formats: frozenset[str], prefix: str = "") -> None:
    """A block element: it ends the text before it and its own text; its prefix goes on its first block
    (so <li><p>text</p></li> keeps the item's number) and never leaks past it."""
    writer.flush()
    if prefix:
        writer.prefix = prefix
    _walk(element, writer, formats)
    writer.flush()
    if prefix:
        writer.prefix = ""


def _heading_prefix(name: str) -> str:
    return "#" * int(name[1]) + " " if re.fullmatch(r"h[1-6]", name) else ""


def _list(element: Tag, writer: _Writer, formats: frozenset[str]) -> None:
    number = _int(element.get("start"), 1)
    kind = element.get("type", "1")
    writer.flush()
    for child in element.children:
        if isinstance(child, Tag) and child.name == "li":
            number = _int(child.get("value"), number)
            prefix = f"{list_number(number, kind)}. " if element.name == "ol" else "- "
            _block(child, writer, formats, prefix)
            number += 1
        elif isinstance(child, Tag):
            _walk(child, writer, formats)  # lenient parsers leave stray elements between the items
    writer.flush()


def list_number(number: int, kind: str) -> str:
    """An ordered list's number as a browser shows it: type="a" -> "c", type="I" -> "III"."""
    if kind in ("a", "A") and number > 0:
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if kind == "A" else letters
    if kind in ("i", "I") and 0 < number < 4000:
        return roman(number).upper() if kind == "I" else roman(number)
    return str(number)


def roman(number: int) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"))
    values += ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    digits = ""
    for value, letters in values:
        count, number = divmod(number, value)
        digits += letters * count
    return digits


def _rows(table: Tag) -> list[list[Tag]]:
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]  # not a nested table's
    return [tr.find_all(["td", "th"], recursive=False) for tr in rows]


def _columns(table: Tag) -> int:
    return max((len(cells) for cells in _rows(table)), default=0)


def _table(table: Tag, writer: _Writer, formats: frozenset[str]) -> None:
    """A data table: its caption, then one tab-separated line per row. (A one-column table is layout, and
    reads as ordinary blocks.)"""
    writer.flush()
    if caption := table.find("caption", recursive=False):
        _block(caption, writer, formats)
    writer.blocks += table_block([[_cell_text(cell, formats) for cell in cells] for cells in _rows(table)])


def table_block(rows: list[list[str]]) -> list[str]:
    """A table as one block, a line per row and a tab between cells. Short rows (merged cells, a missing
    last cell) are padded to the table's width, so that every line still reads as one of its rows."""
    width = max((len(cells) for cells in rows), default=0)
    lines = ["\t".join(cells + [""] * (width - len(cells))) for cells in rows if any(cells)]
    return ["\n".join(lines)] if lines else []


def _cell_text(cell: Tag, formats: frozenset[str]) -> str:
    writer = _Writer()
    _walk(cell, writer, formats)
    writer.flush()
    return collapse(" ".join(writer.blocks))


def _int(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default
