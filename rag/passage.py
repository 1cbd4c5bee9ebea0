"""Passage: one cited paragraph, the unit of every answer."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Passage:
    doc_id: str
    doc_title: str
    label: str  # the document's own paragraph number ("32", "6bis", "7(d)"), or "¶3" where it has none
    section: str  # heading path, e.g. "1. ICT for Development > 1.1 Bridging Digital Divides"
    text: str  # the whole paragraph, verbatim (whitespace collapsed)
    spans: tuple[tuple[int, int], ...]  # (start, end) character offsets into the source file
    score: float  # higher is better
    citation: str  # "WSIS+10 Outcome Document, para. 32"
    url: str  # "/source/004_7b6cb249c0a88164#p-32"
    kind: str = "paragraph"  # "paragraph", "item", "table" or "footnote"
    doc_short_name: str = ""
    place: str = ""  # the label as a reader says it: "para. 32", "¶3", "footnote 2"
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells, row by row; () for other kinds
    highlights: tuple[tuple[int, int], ...] = ()  # character ranges of `text` that best answer the query

    @property
    def reference(self) -> str:
        """The full citation line: "WSIS+10 Outcome Document · 1.1 Bridging Digital Divides · para. 32"."""
        return " · ".join(part for part in (self.doc_short_name, self.section.split(" > ")[-1], self.place) if part)

    def quote_with_citation(self) -> str:
        """The quote ready to paste into a document: the verbatim text, then its citation."""
        body = "\n".join("\t".join(cells) for cells in self.rows) if self.rows else self.text
        return f"{body}\n({self.citation})"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["spans"] = [list(span) for span in self.spans]
        data["rows"] = [list(cells) for cells in self.rows]
        data["highlights"] = [list(span) for span in self.highlights]
        data["reference"] = self.reference
        return data
