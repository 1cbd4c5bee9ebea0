"""Sections a question points at: "section 1.3", "Annex 2", "the conclusion of the President's summary"."""

import functools
import re

from rag.ingest.paragraphs import Unit, heading_title
from rag.retrieval.names import plain

SECTION_NUMBER = re.compile(
    r"\b(?:section|chapter|part|article)\s+(\d{1,3}(?:\.\d{1,2})*|[ivxl]+)\b(?!\s*,?\s*(?:para|§|¶))", re.IGNORECASE
)
ANNEX = re.compile(r"\bannex\s+([0-9ivx]{1,4})\b", re.IGNORECASE)
SECTION_CUE = re.compile(r"\b(?:section|chapter|part|heading|annex)\b", re.IGNORECASE)
LEADING_NUMBER = re.compile(
    r"^\s*(?:annex\s+|article\s+|chapter\s+|section\s+)?([0-9ivx]+(?:\.\d+)*)\.?(?:[\s:]|$)", re.IGNORECASE
)
REFERABLE = ("paragraph", "item", "table")  # what "paragraph 12" or a section can mean; never a footnote


class Sections:
    """The headings of one index's documents, found by number or title."""

    def __init__(self, units: list[Unit]):
        self._units = units
        self._headings = [row for row, unit in enumerate(units) if unit.kind == "heading" and unit.level > 0]

    def find(self, query: str, rest: str, docs: tuple[str, ...]) -> int | None:
        """The heading a query points at: by number ("section 1.3", "Annex 2") or by title with a cue. Titles
        are looked for in `rest`, the query without document names ("draft resolution" names 001, not its
        heading "Draft resolution")."""
        candidates = [h for h in self._headings if not docs or self._units[h].doc_id in docs]
        numbers = {n.lower() for n in SECTION_NUMBER.findall(query)} | {
            f"annex{n.lower()}" for n in ANNEX.findall(query)
        }
        by_number = [h for h in candidates if numbers and self._number(h) in numbers]
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

    def units(self, heading: int) -> list[int]:
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

    def _title_in(self, heading: int, text: str, words: int) -> bool:
        title = self._title(heading)
        return len(title) > 3 and len(title.split()) >= words and f" {title} " in text

    @functools.cache  # noqa: B019 (one finder per index, kept for its life: the cache is the index's)
    def _number(self, row: int) -> str:
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
