"""Passage: one cited paragraph, the unit of every answer; Answer: the passages for one question."""

from dataclasses import asdict, dataclass
from typing import Any

from rag import quote_text


@dataclass(frozen=True)
class SameAs:
    """A near-verbatim paragraph in another document: the same agreed language."""

    doc_id: str
    label: str
    citation: str
    url: str
    similarity: float  # share of the shorter paragraph's wording found in the other (0-1)


@dataclass(frozen=True)
class Passage:
    doc_id: str
    doc_title: str
    label: str  # the document's own paragraph number ("32", "6bis", "7(d)"), or "¶3" where it has none
    section: str  # heading path, e.g. "1. ICT for Development > 1.1 Bridging Digital Divides"
    text: str  # the whole paragraph, verbatim (whitespace collapsed)
    spans: tuple[tuple[int, int], ...]  # (start, end) character offsets into the source file
    score: float  # higher is better
    citation: str  # the short style: "A/RES/70/125, para. 32"; with the page where the source has pages
    url: str  # "/source/004_7b6cb249c0a88164#p-32"
    kind: str = "paragraph"  # "paragraph", "item", "table" or "footnote"
    doc_short_name: str = ""
    place: str = ""  # the label as a reader says it: "para. 32", "¶3", "footnote 2"
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells, row by row; () for other kinds
    highlights: tuple[tuple[int, int], ...] = ()  # character ranges of `text` that best answer the query
    same_as: tuple[SameAs, ...] = ()  # the same language in other documents
    weak: bool = False  # shown only as the nearest match to a question the documents do not answer
    pages: tuple[int, ...] = ()  # the pages (from 1) it is printed on, where the source has pages
    original_url: str = ""  # the original PDF opened at its page ("/original/<doc>#page=17"); "" otherwise
    footnotes: tuple[str, ...] = ()  # the footnotes its marks point to, verbatim ("1 Resolution 217 A (III).")
    full_citation: str = ""  # title, symbol, date, paragraph: "Outcome Document of ..., A/RES/70/125, ..."
    match: str = ""  # why it is here: "reference" (the paragraph the question names), "phrase" (it holds the
    # quoted wording), "" (related by meaning)
    marks: tuple[tuple[int, int], ...] = ()  # where in `text` its footnote marks stand ("5" in "2015,5 in")
    plain_text: str = ""  # `text` to paste: no markup characters, its marks raised ("Notes", "27th", "2015,⁵ in")
    similarity: float | None = None  # the question's cosine similarity to it or its nearest sentence (-1 to 1);
    # None when fetched by label or searched without vectors. Not `score`, which ranks, and is not bounded

    def quote_with_citation(self, style: str = "short") -> str:
        """The quote ready to paste into a document: its plain text (a table's cells made plain, row by row),
        then its citation in the short style ("A/RES/70/125, para. 32") or the full one (title, symbol, date,
        paragraph)."""
        if self.rows:
            body = "\n".join("\t".join(quote_text.plain_text(cell) for cell in cells) for cells in self.rows)
        else:
            body = self.plain_text or quote_text.plain_text(self.text, self.marks)  # a Passage built without it
        return f"{body}\n({self.full_citation if style == 'full' else self.citation})"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["spans"] = [list(span) for span in self.spans]
        data["rows"] = [list(cells) for cells in self.rows]
        data["highlights"] = [list(span) for span in self.highlights]
        data["same_as"] = [asdict(twin) for twin in self.same_as]
        data["pages"] = list(self.pages)
        data["footnotes"] = list(self.footnotes)
        data["marks"] = [list(mark) for mark in self.marks]
        return data


@dataclass(frozen=True)
class Answer:
    query: str
    passages: tuple[Passage, ...]  # best first; when abstaining, the nearest ones, each marked weak
    abstained: bool  # no passage answers the question well enough
    missing_phrases: tuple[str, ...] = ()  # quoted phrases no passage contains
    confidence: float | None = None  # best similarity of any sentence or paragraph to the query (-1 to 1)
    notices: tuple[str, ...] = ()  # why nothing answers: a paragraph the documents do not have, a language
    phrases: tuple[str, ...] = ()  # the phrases the question quotes
    corrections: tuple[tuple[str, str], ...] = ()  # misspelt words, and the words they were read as
    phrase_total: int = 0  # how many paragraphs of the documents searched hold every quoted phrase
    evidence: Any = None  # what the decision to answer weighed (rag.retrieval.evidence.Evidence), None if nothing

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "abstained": self.abstained,
            "confidence": self.confidence,
            "missing_phrases": list(self.missing_phrases),
            "notices": list(self.notices),
            "phrases": list(self.phrases),
            "corrections": [list(pair) for pair in self.corrections],
            "phrase_total": self.phrase_total,
            "evidence": asdict(self.evidence) if self.evidence is not None else None,
            "passages": [p.to_dict() for p in self.passages],
        }
