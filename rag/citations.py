"""How a unit is cited and linked: "A/RES/79/194, para. 5, p. 8", /source/<doc>#p-5, the PDF at its page."""

from bisect import bisect_right
from urllib.parse import quote

from rag.ingest.folder import Document
from rag.ingest.numbering import place
from rag.ingest.paragraphs import Unit


def label_phrase(unit: Unit) -> str:
    """The unit's place as a reader would say it: "para. 32", "preambular para. 3", "annex, para. 12",
    "para. 48(a)", "¶3", "footnote 2"."""
    if unit.kind == "footnote":
        return "footnote " + unit.label.removeprefix("fn")
    if unit.kind in ("heading", "markup"):
        return unit.label
    return place(unit.label)


def pages_of(document: Document, unit: Unit) -> tuple[int, ...]:
    """The pages (from 1) a unit is printed on; () for a document without pages."""
    if not document.pages:
        return ()
    first = bisect_right(document.pages, unit.spans[0][0])
    last = bisect_right(document.pages, unit.spans[-1][1] - 1)
    return tuple(range(first, last + 1))


def page_phrase(pages: tuple[int, ...]) -> str:
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"


def citation(document: Document, unit: Unit) -> str:
    """"A/RES/79/194, para. 5, p. 8": the document, the paragraph, and the page where the source has pages."""
    parts = (document.short_name, label_phrase(unit), page_phrase(pages_of(document, unit)))
    return ", ".join(part for part in parts if part)


def anchor(label: str) -> str:
    """The HTML id of a unit in the source viewer: "p-32", "p-annex-12", "p-PP3"."""
    return "p-" + label.replace(", ", "-").replace(" ", "-")


def source_url(doc_id: str, label: str) -> str:
    """Where the chat's source viewer shows the unit (the fragment is percent-encoded: "¶" is not ASCII)."""
    return f"/source/{quote(doc_id)}#{quote(anchor(label), safe='()-.')}"


def original_url(document: Document, pages: tuple[int, ...]) -> str:
    """The original PDF, opened at the unit's first page; "" for other formats."""
    if document.format != "pdf":
        return ""
    return f"/original/{quote(document.id)}" + (f"#page={pages[0]}" if pages else "")
