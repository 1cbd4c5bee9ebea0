"""Example questions drawn from the documents loaded, so the chat suggests what this corpus can answer."""

import re

from rag.ingest.folder import Document
from rag.ingest.paragraphs import BODY_KINDS, Unit, heading_title

MAX_TOPIC_WORDS = 12
ODD_CASE = re.compile(r"[a-z][A-Z]")  # "leT", "impOltant": a word OCR damaged
NUMBER = re.compile(r"^(?:[IVXL]+|[A-H]|\d+(?:\.\d+)*)\.?\s+")  # "1.1 ", "II. ", "A. " before a heading's words


def example_questions(documents: list[Document], units: list[Unit], n: int = 4) -> list[str]:
    """Up to `n` questions about different documents: what each says about its main subject (the heading
    with the most paragraphs under it, else its title), and what one of its numbered paragraphs says."""
    by_doc: dict[str, list[Unit]] = {}
    for unit in units:
        by_doc.setdefault(unit.doc_id, []).append(unit)
    topical, numbered = [], []
    for document in sorted(documents, key=lambda d: d.id):
        doc_units = by_doc.get(document.id, [])
        if topic := _main_subject(document, doc_units):
            topical.append(f"What does {_name(document)} say about {topic}?")
        if number := next((u.label for u in doc_units if u.kind == "paragraph" and u.label.isdigit()), None):
            numbered.append(f"What does paragraph {number} of {_name(document)} say?")
    chosen = topical[: n - 1] + numbered[:1]
    rest = topical[n - 1 :] + numbered[1:]  # too few subjects: more documents' numbered paragraphs
    return chosen + rest[: n - len(chosen)]


def _name(document: Document) -> str:
    return document.symbol or f"the {document.short_name}"


def _main_subject(document: Document, units: list[Unit]) -> str:
    sizes: dict[str, int] = {}
    for unit in units:
        if unit.kind in BODY_KINDS and unit.kind != "footnote" and unit.section:
            sizes[unit.section.split(" > ")[-1]] = sizes.get(unit.section.split(" > ")[-1], 0) + 1
    name = set(f"{document.short_name} {document.title}".lower().split())
    for heading in sorted(sizes, key=lambda h: -sizes[h]):
        words = NUMBER.sub("", heading_title(heading)).split()
        if not 2 <= len(words) <= MAX_TOPIC_WORDS or any(ODD_CASE.search(w) for w in words):
            continue  # too short or long to ask about, or damaged by OCR ("leT" for ICT)
        if sum(w.lower() in name for w in words) < len(words) / 2:  # not just the document's own name
            return " ".join(words)
    parts = [part.strip() for part in re.split(r"[:;(]", document.title)]
    parts = [part for part in parts if part.lower() != document.short_name.lower()]  # "Executive Summary: ..."
    fitting = [part for part in parts if 2 <= len(part.split()) <= MAX_TOPIC_WORDS]
    return max(fitting, key=len, default="")
