"""Structure-aware queries: "paragraph 32 of the outcome document", "paras. 55 to 65", "OP 3", "section 1.1".

A query may name documents (by their symbols, titles, short names and aliases), paragraphs (by the
documents' own labels, as printed in a citation or as people type them) and sections (by number or
heading). The paragraphs named are resolved to those units, in the documents named, else in every
document that has them. A document the index does not hold never lends its paragraph numbers to another.
"""

import re
from dataclasses import dataclass, replace

from rag.ingest.folder import Document
from rag.ingest.numbering import place as place_phrase
from rag.ingest.paragraphs import Unit
from rag.retrieval import citing
from rag.retrieval.names import DocumentNames, named_after
from rag.retrieval.sections import REFERABLE, Sections

# Where a numbered paragraph stands: "annex para 12", "annex II, paragraph 3", "article 16, paragraph 1",
# "section II, para. 3"; without any of these the body's own paragraph is meant.
ANNEX_SCOPE = re.compile(r"\bannex(?:\s+(?P<number>[ivxlc]+|\d{1,2}|[a-h])\b)?", re.IGNORECASE)
ARTICLE_SCOPE = re.compile(r"\b(?P<kind>art(?:icle|\.)?|rule)\s*(?P<number>\d{1,3})\b", re.IGNORECASE)
SECTION_SCOPE = re.compile(r"\bsect(?:ion|\.)?\s+(?P<number>[ivxl]+|[a-h])\b", re.IGNORECASE)
PREAMBLE = re.compile(r"^\s*pre-?amb", re.IGNORECASE)
CITED = ("paragraph", "item", "table", "footnote")
MISSING_PREFIX = {"preambular": "PP", "unnumbered": "u", "pilcrow": "¶", "footnote": "fn"}  # as labels are stored
MAX_PINNED = 100  # paragraphs one question may ask for ("paragraphs 1 to 77")


def local_label(label: str) -> str:
    """A label without its scope: "annex, art. 16, 1(a)" -> "1(a)"."""
    return label.rsplit(", ", 1)[-1]


def scope_of(label: str) -> str:
    return label.rsplit(", ", 1)[0].lower() if ", " in label else ""


@dataclass(frozen=True)
class Reference:
    docs: tuple[str, ...] = ()  # documents the query names
    pinned: tuple[int, ...] = ()  # unit rows the query points at, in the order asked, to be ranked first (in every
    # document that has the paragraph named, when the query names none)
    section: bool = False  # the pinned units are a section's, in document order
    missing: tuple[str, ...] = ()  # labels the query names that the named documents (or all) do not have
    absent: tuple[str, ...] = ()  # documents the query names that this index does not hold, as typed
    absent_paragraph: bool = False  # ... and it asks for one of their paragraphs or footnotes
    drafts: tuple[str, ...] = ()  # held documents that are earlier drafts of the absent ones
    misplaced: tuple[tuple[str, str, str], ...] = ()  # (doc id, "operative" or "preambular", label): asked as
    # that kind of paragraph, the document's paragraph of that number is the other kind
    naming: str = ""  # the words of the query that name documents it holds ("WSIS+10 outcome document")


class ReferenceResolver:
    def __init__(self, documents: list[Document], units: list[Unit]):
        self._units = units
        self._names = DocumentNames(documents, (u.text for u in units if u.kind in REFERABLE))
        self._sections = Sections(units)
        self._by_label: dict[str, list[int]] = {}
        self._by_local: dict[str, list[int]] = {}  # by the label within its annex or article
        self._printed: dict[tuple[str, str], int] = {}  # (doc, a label or its place as cited) -> row
        self._order: dict[str, list[int]] = {}  # each document's referable rows, in reading order
        for row, unit in enumerate(units):
            if unit.kind in CITED:
                self._printed.setdefault((unit.doc_id, citing.key(unit.label)), row)
                phrase = "footnote " + unit.label[2:] if unit.kind == "footnote" else place_phrase(unit.label)
                self._printed.setdefault((unit.doc_id, citing.key(phrase)), row)
            if unit.kind == "footnote":
                self._by_local.setdefault(unit.label.lower(), []).append(row)
            if unit.kind in REFERABLE:
                self._by_label.setdefault(citing.key(unit.label), []).append(row)
                self._by_local.setdefault(citing.key(local_label(unit.label)), []).append(row)
                self._order.setdefault(unit.doc_id, []).append(row)
        self._position = {row: i for rows in self._order.values() for i, row in enumerate(rows)}

    def resolve(self, query: str) -> Reference:
        docs, rest = self._names.held(query)
        return replace(self._resolve(query, docs, rest), naming=self._names.naming(query, rest))

    def _resolve(self, query: str, docs: tuple[str, ...], rest: str) -> Reference:
        found = citing.places(query)
        if not docs:  # "paragraph 3 of the UN Convention against Cybercrime": a held document, loosely named
            docs = tuple(d for place in found for d in self._names.loosely(named_after(query, place.end)))
        if not docs:
            absent = self._not_held(query, rest, found)
            if absent:
                return Reference(absent=absent, absent_paragraph=bool(found), drafts=self._names.drafts_of(absent))
        several = any(len(place.spans) > 1 or place.spans[0][0] != place.spans[0][1] for place in found)
        if docs and not several and (row := self._printed_place(query, docs)) is not None:
            return Reference(docs, tuple(self._with_sub_items([row])))
        section = self._sections.find(query, rest, docs)
        missing: list[str] = []
        misplaced: list[tuple[str, str, str]] = []
        rows = self._rows(found, query, docs, section, missing, misplaced)
        if rows:
            return Reference(docs, tuple(rows[:MAX_PINNED]), missing=tuple(missing), misplaced=tuple(misplaced))
        if section is not None:
            return Reference(docs, tuple(self._sections.units(section)), section=True)
        return Reference(docs, missing=tuple(missing), misplaced=tuple(misplaced))

    def lookup(self, doc_id: str, label: str) -> int | None:
        """The row of the paragraph of one document that `label` names, as cited ("para. 32", "preambular
        para. 3", "annex, art. 16, para. 1(a)", "footnote 2") or typed ("32", "PP3", "¶4", "u4")."""
        row = self._printed.get((doc_id, citing.key(label)))
        if row is not None:
            return row
        found = citing.places(label) or [citing.Place("paragraph", ((label, label),))]
        rows = self._rows(found[:1], label, (doc_id,), None, [], [])
        return rows[0] if rows else None

    def _not_held(self, query: str, rest: str, found: list[citing.Place]) -> tuple[str, ...]:
        """Documents the query names that the index does not hold: symbols, cited texts, and a name after a
        paragraph asked for ("para 3 of the delegation talking points")."""
        absent = list(self._names.not_held(query, rest))
        for place in found:
            name = named_after(query, place.end) if place.kind != "item" else ""  # "question 6 of the questionnaire"
            if name and name.lower() not in (a.lower() for a in absent):
                absent.append(f"“{name}”")  # as typed, quoted: "“the delegation talking points” is not ..."
        return tuple(absent)

    def _printed_place(self, query: str, docs: tuple[str, ...]) -> int | None:
        """A paragraph named by a place as citations print it, after the document's name: "A/RES/79/277,
        preambular para. 3, p. 1", "President's Summary, ¶4", "..., annex, art. 16, para. 1(a)"."""
        segments = [s.strip() for s in query.split(",")]
        for length in range(min(4, len(segments)), 0, -1):
            for start in range(len(segments) - length + 1):
                key = citing.key(", ".join(segments[start : start + length]))
                for doc in docs:
                    if (row := self._printed.get((doc, key))) is not None:
                        return row
        return None

    def _rows(self, found, query, docs, section, missing, misplaced) -> list[int]:
        """The rows of every place named, in the order asked: a range in reading order, a paragraph with its
        sub-items ("48" brings 48(a) to 48(e))."""
        rows: list[int] = []
        for place in found:
            kind = "question" if place.cue.lower().startswith("question") else place.kind
            for first, last in place.spans:
                if first == last:
                    one = self._one(kind, first, query, docs, section, missing, misplaced)
                    rows += self._with_sub_items(one) if kind != "footnote" else one
                else:
                    rows += self._range(kind, first, last, query, docs, section, missing)
        return list(dict.fromkeys(rows))

    def _one(self, kind, label, query, docs, section, missing, misplaced) -> list[int]:
        number = citing.key(label)
        rows: list[int] = []
        if kind == "question":  # "question 6 of the questionnaire": the 6th item of a list that asks questions
            questions = [r for r in self._nested(number, docs, section) if self._units[r].text.rstrip().endswith("?")]
            if questions:
                return questions
            kind = "item"
        for key in citing.candidates("paragraph" if kind in ("operative", "item") else kind, label):
            rows = self._candidates(key, query, docs, section)
            if rows:
                break
        if kind == "preambular" and not rows:  # a document that numbers its preambular paragraphs with the rest
            rows = [r for r in self._candidates(number, query, docs, section) if self._preambular(r)]
        if kind == "operative" and rows:
            operative = [r for r in rows if not self._preambular(r)]
            if not operative:
                misplaced += [(self._units[r].doc_id, kind, label) for r in rows]
            return operative
        if kind in ("paragraph", "item") and not rows:  # "observation 7": the 7th item of a list, "u36(7)"
            rows = self._nested(number, docs, section)
        if not rows and kind != "item":
            missing.append(MISSING_PREFIX.get(kind, "") + number)
        return rows

    def _range(self, kind, first, last, query, docs, section, missing) -> list[int]:
        """ "paragraphs 55 to 65": every paragraph from the first to the last, in reading order, in each
        document that has both."""
        starts = self._one(kind, first, query, docs, section, missing, [])
        ends = self._one(kind, last, query, docs, section, missing, [])
        rows = []
        for doc in dict.fromkeys(self._units[r].doc_id for r in starts):
            start = next(r for r in starts if self._units[r].doc_id == doc)
            end = next((r for r in ends if self._units[r].doc_id == doc), None)
            if end is not None and self._position[start] <= self._position[end]:
                order = self._order[doc]
                rows += order[self._position[start] : self._position[end] + 1]
                rows += self._with_sub_items([end])[1:]
        return rows

    def _nested(self, number: str, docs: tuple[str, ...], section: int | None) -> list[int]:
        """The items numbered `number` inside a paragraph's list ("u37(6)"), in the documents and section named."""
        return self._narrow(
            [r for k, rs in self._by_label.items() if k.endswith(f"({number})") for r in rs], docs, section
        )

    def _candidates(self, local: str, query: str, docs: tuple[str, ...], section: int | None) -> list[int]:
        """The units labelled `local` ("32", "pp3") in the scope and documents the query names."""
        return self._narrow(self._in_scope(self._by_local.get(local, []), query), docs, section)

    def _preambular(self, row: int) -> bool:
        """Whether a paragraph is preambular: labelled so, or standing under a "Preamble" heading."""
        unit = self._units[row]
        return local_label(unit.label).startswith("PP") or any(PREAMBLE.match(s) for s in unit.section.split(" > "))

    def _in_scope(self, rows: list[int], query: str) -> list[int]:
        """The rows whose annex, section and article are the ones the query names; with none named, the
        body's own paragraphs where a document has them."""
        wanted = []
        if annex := ANNEX_SCOPE.search(query):
            wanted.append("annex" + (f" {annex['number'].lower()}" if annex["number"] else ""))
        if article := ARTICLE_SCOPE.search(query):
            kind = "rule" if article["kind"].lower() == "rule" else "art."
            wanted.append(f"{kind} {article['number']}")
        if section := SECTION_SCOPE.search(query):
            wanted.append(f"sect. {section['number'].lower()}")
        if not wanted:
            body = [r for r in rows if not scope_of(self._units[r].label)]
            unscoped_docs = {self._units[r].doc_id for r in body}
            return body + [r for r in rows if self._units[r].doc_id not in unscoped_docs]
        scoped = [r for r in rows if all(_has_scope(scope_of(self._units[r].label), w) for w in wanted)]
        if scoped or any(scope_of(self._units[r].label) for r in rows):
            return scoped
        return rows  # documents that do not scope their labels (an annex numbered on from the body)

    def _narrow(self, rows: list[int], docs: tuple[str, ...], section: int | None) -> list[int]:
        if docs:  # never another document's paragraph of that number
            rows = [r for r in rows if self._units[r].doc_id in docs]
        if section is not None:
            inside = set(self._sections.units(section))
            rows = [r for r in rows if r in inside] or rows
        return rows

    def _with_sub_items(self, rows: list[int]) -> list[int]:
        """A paragraph and its lettered sub-items: "48" brings 48(a) to 48(e)."""
        result = []
        for row in rows:
            unit = self._units[row]
            result.append(row)
            prefix = citing.key(unit.label) + "("
            result += [
                r
                for key, rs in self._by_label.items()
                if key.startswith(prefix)
                for r in rs
                if self._units[r].doc_id == unit.doc_id
            ]
        return list(dict.fromkeys(result))


def _has_scope(scope: str, wanted: str) -> bool:
    """ "annex" is named by "annex" or "annex i" when the document has one annex; "art. 16" exactly."""
    parts = scope.split(", ")
    if wanted == "annex":
        return any(part.startswith("annex") for part in parts)
    return wanted in parts
