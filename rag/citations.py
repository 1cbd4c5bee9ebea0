"""How a unit is cited and linked: "A/RES/79/194, para. 5, p. 8", /source/<doc>#p-5, the PDF at its page."""

from bisect import bisect_right
from urllib.parse import quote

from rag.ingest.folder import Document
from rag.ingest.masthead import MONTHS as MONTH_NAMES
from rag.ingest.numbering import place
from rag.ingest.paragraphs import Unit

MONTHS = MONTH_NAMES.split("|")


def label_phrase(unit: Unit) -> str:
    """The unit's place as a reader would say it: "para. 32", "preambular para. 3", "unnumbered para. 4",
    "annex, para. 12", "para. 48(a)", "¶3" (in a document that numbers nothing), "footnote 2"."""
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
    """The short style: "A/RES/79/194, para. 5, p. 8", "ECOSOC draft resolution (advance unedited version,
    2016), para. 6bis": the document, the paragraph, and the page where the source has pages."""
    parts = (document.cited_as, label_phrase(unit), page_phrase(pages_of(document, unit)))
    return ", ".join(part for part in parts if part)


def full_citation(document: Document, unit: Unit) -> str:
    """The full style: title, symbol (or a draft's name and status, or what it is a draft of), date, paragraph
    (and page): "Modalities for the overall review ..., A/RES/79/277, 25 March 2025, preambular para. 2, p. 1".
    A resolution's date is the day it was adopted, where it prints it."""
    status = document.status and not document.draft_of
    named = document.symbol or (f"{document.short_name} ({document.status})" if status else "")
    parts = (document.title, named, document.draft_note, long_date(document.date), label_phrase(unit))
    return ", ".join(part for part in (*parts, page_phrase(pages_of(document, unit))) if part)


def long_date(iso: str) -> str:
    """ "2015-12-16" -> "16 December 2015", "2016-05" -> "May 2016", "2014" -> "2014"."""
    parts = iso.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        month = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {month}" if len(parts) == 3 and parts[2].isdigit() else month
    return iso


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
