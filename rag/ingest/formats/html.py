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
from rag.ingest.formats.markup import Segment, inline_markup, join_blocks, list_number, table_block
from rag.ingest.layout import collapse

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
