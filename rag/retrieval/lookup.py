"""Looking things up by the names people use: a document by its id, symbol or short name ("A/RES/70/125",
"WSIS+10 Outcome Document"), a paragraph by its label as printed or as cited ("32", "para. 32", "48 (a)",
"preambular para. 3", "¶3", "footnote 2")."""

import re

from rag.citations import label_phrase
from rag.errors import NotFoundError
from rag.ingest.folder import Document
from rag.ingest.paragraphs import Unit
from rag.retrieval import notices, references

UNCITED = ("heading", "markup")  # structure, not quotable language
PARAGRAPH_WORD = re.compile(r"\b(?:paragraphs?|paras?)\b\.?", re.IGNORECASE)


def name_key(name: str) -> str:
    """A document name in comparable form: case and spacing do not matter."""
    return " ".join(name.lower().split())


def label_key(label: str) -> str:
    """A label in comparable form, the paragraph word spelt one way: "Paragraph 48 (a)" and "para. 48(a)" ->
    "para48(a)"."""
    return references.label_key(PARAGRAPH_WORD.sub("para", label))


def internal_label(label: str) -> str:
    """The label as the index stores it, for saying what is missing: "para. 99" -> "99", "preambular
    paragraph 3" -> "PP3"."""
    text = " ".join(label.split())
    if match := re.fullmatch(r"preambular\s+(?:paragraphs?|paras?)\.?\s*(\d+)", text, re.IGNORECASE):
        return f"PP{match[1]}"
    return PARAGRAPH_WORD.sub("", text).strip() or text


class Lookup:
    """The names of one index's documents and the labels of their paragraphs."""

    def __init__(self, documents: dict[str, Document], units: list[Unit], ranges: dict):
        self._documents = documents
        self._ranges = ranges
        self._by_name: dict[str, set[str]] = {}
        for doc in documents.values():
            for name in (doc.id, doc.symbol, doc.short_name, doc.cited_as, *doc.aliases):
                if name:
                    self._by_name.setdefault(name_key(name), set()).add(doc.id)
        self._rows: dict[tuple[str, str], int] = {}
        for row, unit in enumerate(units):
            if unit.kind not in UNCITED:
                for form in (unit.label, label_phrase(unit)):
                    self._rows.setdefault((unit.doc_id, label_key(form)), row)

    def document(self, name: str) -> Document:
        """The document `name` names: its id, its symbol, its short name or one of its aliases."""
        if not isinstance(name, str) or not name.strip():
            raise NotFoundError("Name a document by its symbol (e.g. A/RES/70/125), short name or id.")
        if name in self._documents:
            return self._documents[name]
        ids = self._by_name.get(name_key(name), set())
        if len(ids) == 1:
            return self._documents[next(iter(ids))]
        if ids:
            named = ", ".join(sorted(self._documents[i].cited_as for i in ids))
            raise NotFoundError(f"{name!r} names more than one document ({named}); use its symbol or id.")
        known = "; ".join(sorted(d.cited_as for d in self._documents.values())[:20])
        more = "" if len(self._documents) <= 20 else f"; and {len(self._documents) - 20:,} more"
        raise NotFoundError(f"No document named {name!r} is indexed. Documents: {known}{more}.")

    def row(self, document: Document, label: str) -> int:
        """The row of the paragraph of `document` that `label` names."""
        if not isinstance(label, str) or not label.strip():
            raise NotFoundError("Name a paragraph by its number as printed, e.g. 32, 48(a) or PP3.")
        row = self._rows.get((document.id, label_key(label)))
        if row is None:
            raise NotFoundError(notices.missing_paragraph(internal_label(label), [document], self._ranges))
        return row
