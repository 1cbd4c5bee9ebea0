"""Structure-aware queries: "paragraph 32 of the outcome document", "OP 20 quater", "section 1.1", "Annex 2".

A query may name documents (by their catalog names and aliases), paragraphs (by the documents' own
labels) and sections (by number or heading). References that point at one place are resolved to those
units directly; a reference that fits several documents is only a hint.
"""

import functools
import re
from dataclasses import dataclass

from rag.ingest.folder import Document
from rag.ingest.paragraphs import Unit, heading_title

PARAGRAPH_CUES = (
    r"(?:(?:operative|preambular|sub-?)\s*)?(?:paragraphs?|paras?\.?)|§+|¶|\bop(?=\s?\d|\b)|\bpp(?=\s?\d|\b)|items?|"
    r"points?|observations?|questions?|\bno\.|\bnumber"
)
# The cues that name a paragraph by its number (not "question 6" or "item 3" of a list).
PARAGRAPH_CUE = re.compile(r"(?:operative|preambular|para|§|¶|op\b|pp\b)", re.IGNORECASE)
ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
# "the third preambular paragraph", "the second operative paragraph"
ORDINAL_REFERENCE = re.compile(
    rf"\b(?P<ordinal>{'|'.join(ORDINALS)})\s+(?P<kind>preambular|operative)\s+paragraph", re.IGNORECASE
)
SUFFIX = r"(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|novies|decies))?(?:\.?alt\d*)?"
PARAGRAPH_REFERENCE = re.compile(
    rf"(?P<cue>{PARAGRAPH_CUES})\s*\(?\s*(?P<label>\d{{1,3}}{SUFFIX}(?:\s?\((?:[a-z]|[ivx]{{1,4}})\))*)\s*\)?"
    r"(?![\w/.])",
    re.IGNORECASE,
)
# A document named by its symbol or resolution number: "A/RES/80/118", "resolution 80/118", "A/C.3/80/L.46".
SYMBOL_MENTION = re.compile(r"(?<![\w/])(?:[a-z]{1,4}/)*\d{2,3}/\d{1,4}(?![\w/])|\b[a-z]/c \d/\d{2}/l \d+\b")
# The same mention as typed, to name it back: "resolution 80/118", "A/RES/77/150", "A/C.3/80/L.46".
SYMBOL_AS_TYPED = re.compile(
    r"(?:\bresolution\s+)?(?<![\w/])(?:[a-z]{1,4}(?:\.\d{1,2})?/)*\d{2,3}/(?:l\.\s?)?\d{1,4}(?![\w/])", re.IGNORECASE
)
FOOTNOTE_REFERENCE = re.compile(r"\bfoot\s?notes?\s+(?P<number>\d{1,3})\b", re.IGNORECASE)
# Where a numbered paragraph stands: "annex para 12", "annex II, paragraph 3", "article 16, paragraph 1",
# "section II, para. 3"; without any of these the body's own paragraph is meant.
ANNEX_SCOPE = re.compile(r"\bannex(?:\s+(?P<number>[ivxlc]+|\d{1,2}|[a-h])\b)?", re.IGNORECASE)
ARTICLE_SCOPE = re.compile(r"\b(?P<kind>art(?:icle|\.)?|rule)\s*(?P<number>\d{1,3})\b", re.IGNORECASE)
SECTION_SCOPE = re.compile(r"\bsect(?:ion|\.)?\s+(?P<number>[ivxl]+|[a-h])\b", re.IGNORECASE)
SECTION_NUMBER = re.compile(
    r"\b(?:section|chapter|part|article)\s+(\d{1,3}(?:\.\d{1,2})*|[ivxl]+)\b(?!\s*,?\s*(?:para|§|¶))", re.IGNORECASE
)
ANNEX = re.compile(r"\bannex\s+([0-9ivx]{1,4})\b", re.IGNORECASE)
SECTION_CUE = re.compile(r"\b(?:section|chapter|part|heading|annex)\b", re.IGNORECASE)
LEADING_NUMBER = re.compile(
    r"^\s*(?:annex\s+|article\s+|chapter\s+|section\s+)?([0-9ivx]+(?:\.\d+)*)\.?(?:[\s:]|$)", re.IGNORECASE
)
NON_WORD = re.compile(r"[^\w+/]+")
REFERABLE = ("paragraph", "item", "table")  # what "paragraph 12" or a section can mean; never a footnote


def plain(text: str) -> str:
    """Lower case words separated by single spaces, for matching names: "President's" -> "president s"."""
    return " " + NON_WORD.sub(" ", text.lower()).strip() + " "


def label_key(label: str) -> str:
    """A label in comparable form: "20 quater" -> "20quater", "43.ALT" -> "43alt", "48 (a)" -> "48(a)"."""
    return re.sub(r"[\s.]", "", label.lower())


def local_label(label: str) -> str:
    """A label without its scope: "annex, art. 16, 1(a)" -> "1(a)"."""
    return label.rsplit(", ", 1)[-1]


def scope_of(label: str) -> str:
    return label.rsplit(", ", 1)[0].lower() if ", " in label else ""


@dataclass(frozen=True)
class Reference:
    docs: tuple[str, ...] = ()  # documents the query names
    pinned: tuple[int, ...] = ()  # unit rows the query points at, to be ranked first (in every document that has
    # the paragraph named, when the query names none)
    section: bool = False  # the pinned units are a section's, in document order
    missing: tuple[str, ...] = ()  # labels the query names that the named documents (or all) do not have
    absent: tuple[str, ...] = ()  # documents the query names by symbol that this index does not hold
    absent_paragraph: bool = False  # ... and it asks for one of their paragraphs or footnotes


class ReferenceResolver:
    def __init__(self, documents: list[Document], units: list[Unit]):
        self._units = units
        names = sorted(
            ((plain(name), d.id) for d in documents for name in {d.short_name, d.title, d.symbol, *d.aliases} if name),
            key=lambda pair: -len(pair[0]),
        )
        # Each name under its first word, so a question is compared only with names that could be in it
        # (1,190 documents have about 4,000 names); (order, name, doc id), the order longest first.
        self._names_by_word: dict[str, list[tuple[int, str, str]]] = {}
        for order, (name, doc_id) in enumerate(names):
            if name.split():
                self._names_by_word.setdefault(name.split()[0], []).append((order, name, doc_id))
        self._by_label: dict[str, list[int]] = {}
        self._by_local: dict[str, list[int]] = {}  # by the label within its annex or article
        self._footnote_rows: dict[str, list[int]] = {}
        for row, unit in enumerate(units):
            if unit.kind == "footnote":
                self._footnote_rows.setdefault(unit.label, []).append(row)
            if unit.kind in REFERABLE:
                self._by_label.setdefault(label_key(unit.label), []).append(row)
                self._by_local.setdefault(label_key(local_label(unit.label)), []).append(row)
        self._sections = [row for row, unit in enumerate(units) if unit.kind == "heading" and unit.level > 0]

    def resolve(self, query: str) -> Reference:
        docs, rest = self._documents_named(query)
        if not docs and (mention := SYMBOL_MENTION.search(rest)):  # "para. 5 of resolution 80/118", not held
            typed = tuple(dict.fromkeys(m.group() for m in SYMBOL_AS_TYPED.finditer(query)))
            asks = bool(PARAGRAPH_REFERENCE.search(query) or FOOTNOTE_REFERENCE.search(query))
            return Reference(absent=typed or (mention.group().upper(),), absent_paragraph=asks)
        section = self._section(query, rest, docs)
        missing: list[str] = []
        paragraphs = self._footnotes(query, docs) or self._paragraphs(query, docs, section, missing)
        if paragraphs:
            return Reference(docs, tuple(self._with_sub_items(paragraphs)))
        if section is not None:
            return Reference(docs, tuple(self._section_units(section)), section=True)
        return Reference(docs, missing=tuple(missing))

    def _documents_named(self, query: str) -> tuple[tuple[str, ...], str]:
        """The documents a query names, and the query's words with those names taken out."""
        text, found = plain(query), []
        # Taking a name out only removes words: every word left was in the query, so these are all the
        # names that can match, even ones brought together by a removal.
        candidates = sorted(entry for word in set(text.split()) for entry in self._names_by_word.get(word, ()))
        for _, name, doc_id in candidates:  # longest names first, each consumed once
            if name in text:
                text = text.replace(name, " ")
                if doc_id not in found:
                    found.append(doc_id)
        return tuple(found), text

    def _paragraphs(self, query: str, docs: tuple[str, ...], section: int | None, missing: list[str]) -> list[int]:
        """The paragraphs the query names by number, in the documents it names (else in every document that
        has them); a number no such document has goes into `missing`."""
        query = ORDINAL_REFERENCE.sub(_ordinal_as_number, query)
        for match in PARAGRAPH_REFERENCE.finditer(query):
            preambular = re.match(r"(?:pp|preambular)", match["cue"].strip(), re.IGNORECASE)
            number = label_key(match["label"])
            rows = self._candidates(("pp" if preambular else "") + number, query, docs, section)
            if preambular and not rows:  # a document that numbers its preambular paragraphs too
                rows = self._candidates(number, query, docs, section)
            nested = [r for key, rs in self._by_label.items() if key.endswith(f"({number})") for r in rs]
            nested = self._narrow(nested, docs, section)
            if match["cue"].lower().startswith("question"):  # "question 6": prefer list items that are questions
                rows = [r for r in nested if self._units[r].text.rstrip().endswith("?")] or rows
            rows = rows or nested
            if rows:
                return rows
            if PARAGRAPH_CUE.match(match["cue"].strip()):
                missing.append(("PP" if preambular else "") + re.sub(r"\s+", "", match["label"]))
        return []

    def _candidates(self, local: str, query: str, docs: tuple[str, ...], section: int | None) -> list[int]:
        """The units labelled `local` ("32", "pp3") in the scope and documents the query names."""
        return self._narrow(self._in_scope(self._by_local.get(local, []), query), docs, section)

    def _footnotes(self, query: str, docs: tuple[str, ...]) -> list[int]:
        """ "footnote 6 of 79/277": that document's footnote (footnotes are never what "paragraph 6" means)."""
        match = FOOTNOTE_REFERENCE.search(query)
        if not match:
            return []
        rows = self._footnote_rows.get(f"fn{match['number']}", [])
        return [r for r in rows if self._units[r].doc_id in docs] if docs else rows

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
            inside = set(self._section_units(section))
            rows = [r for r in rows if r in inside] or rows
        return rows

    def _section(self, query: str, rest: str, docs: tuple[str, ...]) -> int | None:
        """The heading a query points at: by number ("section 1.3", "Annex 2") or by title with a cue. Titles
        are looked for in `rest`, the query without document names ("draft resolution" names 001, not its
        heading "Draft resolution")."""
        candidates = [h for h in self._sections if not docs or self._units[h].doc_id in docs]
        numbers = {n.lower() for n in SECTION_NUMBER.findall(query)} | {
            f"annex{n.lower()}" for n in ANNEX.findall(query)
        }
        by_number = [h for h in candidates if numbers and self._heading_number(h) in numbers]
        if len({self._units[h].doc_id for h in by_number}) == 1:
            return by_number[0]
        if not (docs or SECTION_CUE.search(query)):
            return None
        words = 1 if docs else 2  # one generic word ("report") names a section only in a named document
        by_title = [h for h in candidates if self._title_in(h, rest, words)]
        if not by_title:
            return None
        longest = max(len(self._title(h)) for h in by_title)  # "internet governance forum" over "... governance"
        best = [h for h in by_title if len(self._title(h)) == longest]
        return best[0] if len({self._units[h].doc_id for h in best}) == 1 else None

    def _title_in(self, heading: int, text: str, words: int) -> bool:
        title = self._title(heading)
        return len(title) > 3 and len(title.split()) >= words and f" {title} " in text

    @functools.cache  # noqa: B019 (one resolver per index, kept for its life: the cache is the index's)
    def _heading_number(self, row: int) -> str:
        title = heading_title(self._units[row].text)
        match = LEADING_NUMBER.match(title)
        if not match:
            return ""
        prefix = "annex" if title.lower().startswith("annex") else ""
        return prefix + match[1].lower().rstrip(".")

    @functools.cache  # noqa: B019
    def _title(self, row: int) -> str:
        """A heading's words without its number: "1.3 Financial Mechanisms" -> "financial mechanisms"."""
        title = heading_title(self._units[row].text)
        return plain(LEADING_NUMBER.sub("", title, count=1) if LEADING_NUMBER.match(title) else title).strip()

    def _section_units(self, heading: int) -> list[int]:
        """Body units under a heading, up to the next heading of the same or a higher level."""
        level, doc = self._units[heading].level, self._units[heading].doc_id
        rows = []
        for row in range(heading + 1, len(self._units)):
            unit = self._units[row]
            if unit.doc_id != doc or (unit.kind == "heading" and 0 < unit.level <= level):
                break
            if unit.kind in REFERABLE:
                rows.append(row)
        return rows

    def _with_sub_items(self, rows: list[int]) -> list[int]:
        """A paragraph and its lettered sub-items: "48" brings 48(a) to 48(e)."""
        result = []
        for row in rows:
            unit = self._units[row]
            result.append(row)
            prefix = label_key(unit.label) + "("
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


def _ordinal_as_number(match: re.Match) -> str:
    """ "the third preambular paragraph" -> "preambular paragraph 3"."""
    return f"{match['kind']} paragraph {ORDINALS.index(match['ordinal'].lower()) + 1}"
