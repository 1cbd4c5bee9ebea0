"""Looking things up by the names people use: a document by its id, symbol or short name ("A/RES/79/277",
"ECOSOC draft resolution"), a paragraph by its label as printed or as cited ("32", "para. 32", "48 (a)",
"preambular para. 3", "¶3", "u4", "footnote 2")."""

import re

from rag.errors import NotFoundError
from rag.ingest.folder import Document
from rag.retrieval import citing, notices
from rag.retrieval.query import check_document_name, check_label
from rag.retrieval.references import MISSING_PREFIX, ReferenceResolver

# Labels are compared without their spaces and dots ("20 quater", "para. 32"), which would read "3 2" or "3.2"
# as para. 32: no label holds two numbers apart.
NUMBERS_APART = re.compile(r"\d[\s.]+\d")


def name_key(name: str) -> str:
    """A document name in comparable form: case and spacing do not matter."""
    return " ".join(name.lower().split())


def internal_label(label: str) -> str:
    """The label as the index would store it, for saying what is missing: "para. 99" -> "99", "preambular
    paragraph 3" -> "PP3", "¶40" -> "¶40"."""
    found = citing.places(label)
    if not found:
        return " ".join(label.split())
    return MISSING_PREFIX.get(found[0].kind, "") + citing.key(found[0].labels[0])


class Lookup:
    """The names of one index's documents and the labels of their paragraphs."""

    def __init__(self, documents: dict[str, Document], resolver: ReferenceResolver, ranges: dict):
        self._documents = documents
        self._resolver = resolver
        self._ranges = ranges
        self._by_name: dict[str, set[str]] = {}
        self._drafts: dict[str, list[Document]] = {}  # the adopted text's symbol -> its drafts held here
        for doc in documents.values():
            for name in (doc.id, doc.symbol, doc.short_name, doc.cited_as, *doc.aliases):
                if name:
                    self._by_name.setdefault(name_key(name), set()).add(doc.id)
            if doc.draft_of:
                self._drafts.setdefault(name_key(doc.draft_of), []).append(doc)

    def document(self, name: str) -> Document:
        """The document `name` names: its id, its symbol, its short name or one of its aliases."""
        check_document_name(name)
        if name in self._documents:
            return self._documents[name]
        ids = self._by_name.get(name_key(name), set()) or self._by_name.get(name_key(name).removeprefix("the "), set())
        if len(ids) == 1:
            return self._documents[next(iter(ids))]
        if ids:
            named = ", ".join(sorted(self._documents[i].cited_as for i in ids))
            raise NotFoundError(f"{name!r} names more than one document ({named}); use its symbol or id.")
        if drafts := self._drafts.get(name_key(name)):
            raise NotFoundError(notices.not_held((name.strip(),), drafts))
        known = "; ".join(sorted(d.cited_as for d in self._documents.values())[:20])
        more = "" if len(self._documents) <= 20 else f"; and {len(self._documents) - 20:,} more"
        raise NotFoundError(f"No document named {name!r} is indexed. Documents: {known}{more}.")

    def row(self, document: Document, label: str) -> int:
        """The row of the paragraph of `document` that `label` names."""
        check_label(label)
        if NUMBERS_APART.search(label):
            raise NotFoundError(
                f"{document.cited_as} has no paragraph labelled {' '.join(label.split())!r}: a label is one number as "
                "printed (e.g. 32, 48(a) or PP3), not numbers apart."
            )
        row = self._resolver.lookup(document.id, label)
        if row is None:
            raise NotFoundError(notices.missing_paragraph(internal_label(label), [document], self._ranges))
        return row
