"""How a unit is cited and linked: "WSIS+10 Outcome Document, para. 32", /source/<doc>#p-32."""

from urllib.parse import quote

from rag.ingest.folder import Document
from rag.ingest.paragraphs import Unit


def label_phrase(unit: Unit) -> str:
    """The unit's place as a reader would say it: "para. 32", "para. 48(a)", "¶3", "footnote 2"."""
    if unit.kind == "footnote":
        return "footnote " + unit.label.removeprefix("fn")
    if unit.label.startswith("¶") or unit.kind in ("heading", "markup"):
        return unit.label
    return "para. " + unit.label


def citation(document: Document, unit: Unit) -> str:
    return f"{document.short_name}, {label_phrase(unit)}"


def anchor(label: str) -> str:
    """The HTML id of a unit in the source viewer."""
    return "p-" + label.replace(" ", "-")


def source_url(doc_id: str, label: str) -> str:
    """Where the chat's source viewer shows the unit (the fragment is percent-encoded: "¶" is not ASCII)."""
    return f"/source/{quote(doc_id)}#{quote(anchor(label), safe='()-.')}"
