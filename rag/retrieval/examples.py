"""Example questions drawn from the documents loaded, so the chat suggests what this corpus can answer."""

import re
from collections import Counter

from rag.ingest.folder import Document
from rag.ingest.paragraphs import BODY_KINDS, Unit, heading_title

MAX_TOPIC_WORDS = 12
ODD_CASE = re.compile(r"[a-z][A-Z]")  # "leT", "impOltant": a word OCR damaged
WORD = re.compile(r"[^\W\d_][\w+'’-]*")
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
        if len(topical) < n and (topic := _main_subject(document, doc_units)):  # no more than can be shown
            topical.append(f"What does {_name(document)} say about {_as_written(topic, doc_units)}?")
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
    name = {_bare(w) for w in f"{document.short_name} {document.title}".split()}
    for heading in sorted(sizes, key=lambda h: -sizes[h]):
        words = NUMBER.sub("", heading_title(heading)).split()
        if not 2 <= len(words) <= MAX_TOPIC_WORDS or any(ODD_CASE.search(w) for w in words):
            continue  # too short or long to ask about, or damaged by OCR ("leT" for ICT)
        if sum(_bare(w) in name for w in words) < len(words) / 2:  # not just the document's own name
            return " ".join(words)
    parts = [part.strip() for part in re.split(r"[:;(]", document.title)]
    parts = [part for part in parts if part.lower() != document.short_name.lower()]  # "Executive Summary: ..."
    fitting = [part for part in parts if 2 <= len(part.split()) <= MAX_TOPIC_WORDS]
    return max(fitting, key=len, default="")


def _bare(word: str) -> str:
    """A word to compare: lower case, without the punctuation around it ("points…" is "points")."""
    return word.lower().strip(".,:;!?…'’\"“”()[]")


def _as_written(topic: str, units: list[Unit]) -> str:
    """The topic's words as the document writes them in its paragraphs: a heading's "The road ahead" or
    "OPENING SEGMENT" reads "the road ahead", "opening segment" in a question, while "ICT", "WSIS+20" and
    "Internet", which the paragraphs write so, stay."""
    body = [unit.text for unit in units if unit.kind in BODY_KINDS]
    if any(topic in text for text in body):  # a name the paragraphs write so: "High Commissioner for Refugees"
        return topic
    forms = Counter(word for text in body for word in WORD.findall(text))
    return " ".join(_word_as_written(word, forms) for word in topic.split())


def _word_as_written(word: str, forms: Counter) -> str:
    """A heading's word in lower case where the paragraphs write it so more often; a shouted word ("FIRST")
    the paragraphs never write in capitals, too."""
    lower = word.lower()
    if word == lower:
        return word
    if forms[lower] > forms[word] or (word.isupper() and forms[word] == 0 and len(word) > 1):
        return lower
    return word
