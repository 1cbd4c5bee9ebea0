"""Check a draft against agreed language: for each of its paragraphs, the index's paragraphs that hold the
same wording (its precedents), best first, the redline from the best one, a verdict, and which stretches of
the paragraph have a precedent somewhere and which are new.

Precedents are found by shared word 5-grams (rag.store.reuse), then compared word by word (compare.py): a
precedent holds most of the draft paragraph's words in order and a good part of its own. Of several that
hold the same language, an adopted text comes before a draft, and the most recent first.
"""

from dataclasses import dataclass, replace

from rag.errors import QueryError
from rag.ingest.paragraphs import Unit
from rag.passage import Passage
from rag.precedents.compare import Comparison, body_start, compare
from rag.precedents.draft import CHECKED_KINDS, Draft
from rag.retrieval.index import Index

VERBATIM, CHANGED, PARTLY, NEW = "verbatim", "with changes", "partly agreed", "new"
VERDICTS = {
    VERBATIM: "Verbatim agreed language",
    CHANGED: "Agreed language with changes",
    PARTLY: "Partly agreed",
    NEW: "New language",
}
NO_PARAGRAPH = "The draft has no paragraph to check: only numbers, bullets or rules."
CANDIDATES = 12  # paragraphs sharing the most 5-grams, compared word by word
GAP_CANDIDATES = 3  # ... and for each stretch none of them shares, the paragraphs sharing most of it
DRAFT_SHARE = 0.5  # a precedent holds at least half of the draft paragraph's words, in order ...
PRECEDENT_SHARE = 0.3  # ... and at least 30% of its own (a paragraph split in two keeps each half's precedent)
WHOLLY_HELD = 0.9  # ... or at least 90% of the draft paragraph's words, however long the precedent
SAME_LANGUAGE = 0.03  # precedents this close to the best hold the same language: adopted and recent first
MIN_PHRASE = 6  # words: a shorter stretch shared with another paragraph is common wording, not a precedent
PARTLY_SHARE = 0.25  # of the paragraph's words in phrases with a precedent, for "partly agreed"
LISTED = 5  # precedents listed per paragraph
MERGE_GAIN = 0.1  # two paragraphs joined hold nearly all the draft paragraph, and this much more than either


@dataclass(frozen=True)
class Precedent:
    passage: Passage  # the precedent paragraph, quoted verbatim and cited
    date: str  # the document's date: adoption, else issue (ISO), "" where it prints none
    adopted: bool  # an adopted text (it prints "Resolution adopted by ..." or a closing formula)
    document_kind: str  # as the document prints it: "draft resolution", "resolution" ... or ""
    comparison: Comparison  # from this precedent (with `merged`, the paragraphs joined) to the draft paragraph
    merged: tuple[Passage, ...] = ()  # the next paragraphs of its document, when the draft joined them into one

    @property
    def similarity(self) -> float:
        """Shared words over the words of both (Dice): 1.0 for the same wording."""
        total = self.comparison.draft_words + self.comparison.precedent_words
        return 2 * self.comparison.matched_words / total if total else 0.0


@dataclass(frozen=True)
class Stretch:
    """A stretch of a draft paragraph (character offsets into its text) and the precedent that holds it, or
    None when no paragraph of the index does: new wording."""

    start: int
    end: int
    text: str
    source: Passage | None


@dataclass(frozen=True)
class CheckedParagraph:
    label: str  # as the draft numbers it: "PP3", "5", "5(a)"
    text: str
    verdict: str  # VERBATIM, CHANGED, PARTLY or NEW
    precedents: tuple[Precedent, ...]  # best first
    stretches: tuple[Stretch, ...]  # the whole text, in order: with a precedent, or new
    note: str = ""  # a split, a merge, or wording changed since: "Merged: joins A/RES/80/71, para. 18 and para. 19."

    @property
    def verdict_text(self) -> str:
        return VERDICTS[self.verdict]


@dataclass(frozen=True)
class DraftCheck:
    draft: Draft
    paragraphs: tuple[CheckedParagraph, ...]
    against: int  # documents the draft was checked against
    excluded: tuple[str, ...]  # documents left out because they are the draft itself (their symbols or names)

    @property
    def notices(self) -> tuple[str, ...]:
        """What a reader must know that the paragraphs do not say."""
        return (NO_PARAGRAPH,) if not self.paragraphs else ()

    def counts(self) -> dict[str, int]:
        """How many paragraphs have each verdict."""
        return {verdict: sum(p.verdict == verdict for p in self.paragraphs) for verdict in VERDICTS}


def check_draft(index: Index, draft: Draft, *, documents: list[str] | None = None) -> DraftCheck:
    """Every paragraph of `draft` checked against the index (or the `documents` it names). A document that is
    the draft itself (it prints the draft's symbol, or has its very text) is never its precedent."""
    chosen = index.document_ids(documents)
    pool = [d for d in index.documents if chosen is None or d.id in chosen]
    own = [d for d in pool if _is_the_draft(index, d, draft)]
    searched = {d.id for d in pool} - {d.id for d in own}
    if not searched:
        raise QueryError("There is no document to check the draft against: the only one chosen is the draft itself.")
    excluded = index.rows_of({d.id for d in index.documents} - searched)
    checked = [_check_paragraph(index, unit, excluded) for unit in draft.paragraphs]
    return DraftCheck(draft, tuple(_split_notes(checked)), len(searched), tuple(d.cited_as for d in own))


def _is_the_draft(index: Index, document, draft: Draft) -> bool:
    """It prints the draft's symbol, or holds its very text: a text file of the same bytes, or the text the
    index extracted from a PDF, Word file or web page (kept in memory; text files are not read again)."""
    if draft.symbol and draft.symbol in (document.symbol, *document.aliases):
        return True
    if document.sha256 == draft.sha256:
        return True
    return document.format not in ("txt", "md") and len(draft.text) > 200 and index.text(document.id) == draft.text


def _check_paragraph(index: Index, unit: Unit, excluded: frozenset[int]) -> CheckedParagraph:
    compared = _compared(index, unit, index.reuse.sharing(unit.text, limit=CANDIDATES, excluded=excluded))
    for gap in _uncovered(unit.text, compared):  # a sentence spliced in from a paragraph the others crowd out
        seen = {row for row, _ in compared}
        found = index.reuse.sharing(gap, limit=GAP_CANDIDATES, excluded=excluded)
        compared += _compared(index, unit, [(row, shared) for row, shared in found if row not in seen])
    precedents = _ranked([_precedent(index, row, c) for row, c in compared if _holds_same_language(c)])
    joined = _merged(index, unit, compared)
    gain = joined.comparison.draft_share - precedents[0].comparison.draft_share if joined and precedents else 1.0
    if joined and joined.comparison.draft_share >= WHOLLY_HELD and gain >= MERGE_GAIN:
        precedents = (joined, *precedents)
    stretches = _stretches(index, unit, precedents, compared)
    note = _newer_wording(precedents)
    if precedents and precedents[0].merged:
        best = precedents[0]
        note = f"Merged: joins {best.passage.citation} and {', '.join(p.citation for p in best.merged)}."
    verdict = _verdict(precedents, stretches, unit)
    return CheckedParagraph(unit.label, unit.text, verdict, precedents[:LISTED], stretches, note)


def _compared(index: Index, unit: Unit, candidates: list[tuple[int, int]]) -> list[tuple[int, Comparison]]:
    compared = []
    for row, _shared in candidates:
        other = index.unit_at(row)
        compared.append((row, compare(unit.text, other.text, unit.marks, other.marks)))
    return compared


def _uncovered(text: str, compared: list[tuple[int, Comparison]]) -> list[str]:
    """The stretches of `text` of at least MIN_PHRASE words that no compared paragraph shares a run with."""
    covered = [False] * len(text)
    for _, comparison in compared:
        for run in comparison.runs:
            if run.words >= MIN_PHRASE:
                covered[run.draft_start : run.draft_end] = [True] * (run.draft_end - run.draft_start)
    gaps, start = [], None
    for i, held in enumerate([*covered, True]):
        if not held and start is None:
            start = i
        elif held and start is not None:
            if len(text[start:i].split()) >= MIN_PHRASE:
                gaps.append(text[start:i])
            start = None
    return gaps


def _merged(index: Index, unit: Unit, compared: list[tuple[int, Comparison]]) -> Precedent | None:
    """Two consecutive paragraphs of one document that the draft joined into this one: each holds part of
    it, the two joined hold it (and most of their own wording). Of several documents holding the pair, the
    one _ranked puts first."""
    parts = {row: c for row, c in compared if c.draft_share >= 0.2}
    found = []
    for row in sorted(parts):
        following = _next_paragraph(index, row)
        if following not in parts:
            continue
        first, second = index.unit_at(row), index.unit_at(following)
        shift = len(first.text) + 1
        marks = first.marks + tuple((start + shift, end + shift) for start, end in second.marks)
        comparison = compare(unit.text, f"{first.text} {second.text}", unit.marks, marks)
        if _holds_same_language(comparison) and comparison.precedent_share >= 0.6:
            found.append(replace(_precedent(index, row, comparison), merged=(index.passage_at(following),)))
    return _ranked(found)[0] if found else None


def _next_paragraph(index: Index, row: int) -> int | None:
    """The row of the next paragraph or list item of the same document (headings, footnotes between)."""
    doc_id = index.unit_at(row).doc_id
    for following in range(row + 1, row + 40):
        try:
            unit = index.unit_at(following)
        except IndexError:
            return None
        if unit.doc_id != doc_id:
            return None
        if unit.kind in CHECKED_KINDS:
            return following
    return None


def _holds_same_language(comparison: Comparison) -> bool:
    """Most of the draft paragraph's words, in order, and a good part of the precedent's; or nearly all of the
    draft paragraph's, however long the precedent (a sentence split off into a paragraph of its own)."""
    if comparison.draft_share >= WHOLLY_HELD and comparison.draft_words >= MIN_PHRASE:
        return True
    return comparison.draft_share >= DRAFT_SHARE and comparison.precedent_share >= PRECEDENT_SHARE


def _precedent(index: Index, row: int, comparison: Comparison) -> Precedent:
    document = index.document(index.unit_at(row).doc_id)
    return Precedent(
        index.passage_at(row), document.adopted or document.date, bool(document.adopted), document.kind, comparison
    )


def _ranked(precedents: list[Precedent]) -> tuple[Precedent, ...]:
    """Those with the draft paragraph's very wording first, else those within SAME_LANGUAGE of the best; of
    these, an adopted text first, then the most recent. Then the others, most similar first."""
    by_similarity = sorted(precedents, key=lambda p: -p.similarity)
    if not by_similarity:
        return ()
    top = by_similarity[0].similarity
    head = [p for p in by_similarity if p.comparison.identical] or [
        p for p in by_similarity if p.similarity >= top - SAME_LANGUAGE
    ]
    head.sort(key=lambda p: (not p.adopted, _descending(p.date), -p.similarity))
    return tuple(head + [p for p in by_similarity if p not in head])


def _newer_wording(precedents: tuple[Precedent, ...]) -> str:
    """A note when the wording repeated verbatim was since changed by a more recent adopted text."""
    if not precedents or not precedents[0].comparison.identical:
        return ""
    best = precedents[0]
    newer = [p for p in precedents[1:] if p.adopted and p.date > best.date and not p.comparison.identical]
    if not newer:
        return ""
    latest = max(newer, key=lambda p: p.date)
    return f"Worded differently since: {latest.passage.citation} ({latest.date})."


def _descending(date: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in date) if date else (1,)  # undated last


def _verdict(precedents: tuple[Precedent, ...], stretches: tuple[Stretch, ...], unit: Unit) -> str:
    if precedents:
        return VERBATIM if precedents[0].comparison.identical else CHANGED
    held = sum(len(s.text.split()) for s in stretches if s.source is not None)
    return PARTLY if held and held >= PARTLY_SHARE * len(unit.text.split()) else NEW


def _stretches(index: Index, unit: Unit, precedents, compared) -> tuple[Stretch, ...]:
    """The paragraph cut into stretches held by a precedent and new ones: what the best precedent holds is
    credited to it, the rest to the paragraph sharing the longest run of it (at least MIN_PHRASE words)."""
    order = {p.passage.doc_id + "\0" + p.passage.label: rank for rank, p in enumerate(precedents)}
    runs = []
    for row, comparison in compared:
        other = index.unit_at(row)
        rank = order.get(other.doc_id + "\0" + other.label, len(order))
        runs += [(run, rank, row) for run in comparison.runs if run.words >= MIN_PHRASE]
    owner = [None] * len(unit.text)
    for run, _rank, row in sorted(runs, key=lambda r: (r[1] > 0, -r[0].words, r[1])):
        for i in range(run.draft_start, run.draft_end):
            if owner[i] is None:
                owner[i] = row
    return _cut(index, unit.text, owner, unit.marks)


def _cut(index: Index, text: str, owner: list, marks: tuple[tuple[int, int], ...]) -> tuple[Stretch, ...]:
    """Consecutive characters of one owner as one stretch. Spaces, punctuation and footnote marks no run holds
    go with the words before them, the paragraph's own number with the words after it: no stretch is only a
    comma or a "9"."""
    begin = body_start(text)
    in_mark = {i for start, end in marks for i in range(start, end)}
    for i in range(begin + 1, len(text)):
        if owner[i] is None and (not text[i].isalnum() or i in in_mark):
            owner[i] = owner[i - 1]
    owner[:begin] = [owner[begin] if begin < len(text) else None] * begin
    cuts = [i for i in range(1, len(text)) if owner[i] != owner[i - 1]]
    pieces = [(start, end) for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    stretches = []
    for start, end in pieces:
        if stretches and not any(c.isalnum() for c in text[start:end]):  # a lone comma joins the words before it
            last = stretches.pop()
            start, row = last.start, last.row
        else:
            row = owner[start]
        stretches.append(_Cut(start, end, row))
    return tuple(
        Stretch(c.start, c.end, text[c.start : c.end], None if c.row is None else index.passage_at(c.row))
        for c in _joined(stretches)
    )


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    row: int | None


def _joined(cuts: list[_Cut]) -> list[_Cut]:
    """Neighbouring cuts of one owner (after a lone comma joined the one before it) as one."""
    joined = []
    for cut in cuts:
        if joined and joined[-1].row == cut.row:
            cut = _Cut(joined.pop().start, cut.end, cut.row)
        joined.append(cut)
    return joined


def _split_notes(checked: list[CheckedParagraph]) -> list[CheckedParagraph]:
    """Consecutive draft paragraphs that each hold a part of the same precedent, nearly word for word: one
    paragraph split in two. Said on both, naming that precedent and the other part."""
    parts = [_parts_held(p) for p in checked]
    noted = []
    for i, paragraph in enumerate(checked):
        for j in (i - 1, i + 1):
            shared = [key for key in parts[i] if 0 <= j < len(checked) and key in parts[j]]
            if shared and not paragraph.note:
                said = f"Split: {parts[i][shared[0]]} is also the precedent of draft para. {checked[j].label}"
                paragraph = replace(paragraph, note=said + ", which holds its other part.")
        noted.append(paragraph)
    return noted


def _parts_held(paragraph: CheckedParagraph) -> dict[tuple[str, str], str]:
    """The precedents (key: citation) of which the paragraph holds a part, nearly all its words in them."""
    return {
        _key(p.passage): p.passage.citation
        for p in paragraph.precedents
        if not p.merged and p.comparison.draft_share >= WHOLLY_HELD and p.comparison.precedent_share < 0.9
    }


def _key(passage: Passage) -> tuple[str, str]:
    return passage.doc_id, passage.label
