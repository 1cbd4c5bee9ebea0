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

    def to_dict(self) -> dict:
        data = asdict(self)
        data["spans"] = [list(span) for span in self.spans]
        return data
