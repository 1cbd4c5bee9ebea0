"""The masthead of a UN document: "United Nations", the symbol, the organ, "Distr.: General", the date,
the job number and barcode, the session and agenda item, then the title. It says what the document is
(symbol, title, date, kind), so a UN document needs no catalog entry and is cited by its symbol."""

import re
from dataclasses import dataclass

from rag.ingest.layout import collapse

# "A/RES/79/194", "A/C.3/80/L.46", "E/CN.16/2024/2", "A/79/62-E/2024/3", "S/RES/2719 (2024)".
SYMBOL = r"(?:A|E|S|ST|DP|UNEP|TD|CEDAW|CRC|CCPR|HRC)(?:/[A-Z0-9][A-Za-z0-9.\-]*)+(?:\s?\(\d{4}\))?"
SYMBOL_LINE = re.compile(rf"(?:United Nations\s+)?(?P<symbol>{SYMBOL})(?:\*+)?")
UNITED_NATIONS = re.compile(r"United Nations(?:\s+\S+)?")
DISTRIBUTION = re.compile(r"Distr\.\s*:?\s*(?P<distr>\w+)", re.IGNORECASE)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"(?P<day>\d{{1,2}})\s+(?P<month>{MONTHS})\s+(?P<year>\d{{4}})")
ORGANS = "General Assembly|Economic and Social Council|Security Council|Human Rights Council|Trusteeship Council"
MASTHEAD_ORGAN = re.compile(rf"(?:United Nations\s+)?(?P<organ>{ORGANS})(?:\s+Distr\..*)?")
# "79/194. Information and ...", "78/112 B.", "79/194." alone on its line
RESOLUTION_NUMBER = re.compile(r"(?P<number>\d{1,3}/\d{1,4}(?:\s?[A-Z])?)\.(?=\s|$)")
# The line that ends the masthead of a draft, its title below: "Austria, ...: draft resolution", "Draft
# decision submitted by the Bureau", "Russian Federation:* amendment to draft resolution A/80/L.18".
DRAFT_LINE = re.compile(r"\bdraft (?:resolution|decision)s?\b|\bamendments? to\b", re.IGNORECASE)
# "Note by the Secretariat" comes after its title.
NOTE_LINE = re.compile(r"(?:Note|Report|Letter|Memorandum)\s+(?:by|of|from|dated)\b")
# Masthead lines that are never part of a title.
MASTHEAD_LINE = re.compile(
    rf"(?:\w+(?:-\w+)? session|(?:First|Second|Third|Fourth|Fifth|Sixth) Committee|Agenda items?\b|Distr\.|Original:|"
    rf"{ORGANS}|United Nations$|\d{{1,2}} (?:{MONTHS}) \d{{4}}$)"
)
# "The General Assembly," / "The Economic and Social Council:" / "The States Parties to this Convention,"
ORGAN_LINE = re.compile(r"The\s+[A-Z][\w'’ -]{2,80}[,:]")
LIST_MARK = re.compile(r"\(?(?:[a-z]|[ivx]+|\d{1,3})[.)](?:\s|$)")
MASTHEAD_SPAN = 45  # non-blank lines from the top within which a masthead is looked for


@dataclass(frozen=True)
class Masthead:
    symbol: str
    title: str  # the document's own title, without the resolution number
    date: str  # ISO date of issue ("2024-12-23"), "" when not printed
    organ: str  # "General Assembly"
    distribution: str  # "General", "Limited"
    kind: str  # "resolution", "draft resolution", "draft decision", "document"
    lines: frozenset[int]  # indices (into the non-blank lines) of the masthead proper
    title_lines: tuple[int, ...]  # indices of the title's lines (with the resolution number)


def read_masthead(lines: list[str]) -> Masthead | None:
    """The masthead of a UN document, or None when the text does not open with one."""
    top = [collapse(line) for line in lines[:MASTHEAD_SPAN]]
    symbol_at = next((i for i, line in enumerate(top[:12]) if SYMBOL_LINE.fullmatch(line)), None)
    if symbol_at is None or not any(UNITED_NATIONS.fullmatch(line) or DISTRIBUTION.match(line) for line in top[:12]):
        return None
    found = _title_span(top)
    if found is None:
        return None
    start, end, masthead_end, number = found
    title = collapse(" ".join(top[start:end]))
    if number:
        title = title.removeprefix(number + ".").strip()
    head = top[:start]
    organ = next((m["organ"] for line in head if (m := MASTHEAD_ORGAN.fullmatch(line))), "")
    distr = next((m["distr"] for line in head if (m := DISTRIBUTION.match(line))), "")
    symbol = SYMBOL_LINE.fullmatch(top[symbol_at])["symbol"]
    return Masthead(
        symbol=symbol,
        title=title,
        date=_issue_date(head),
        organ=organ,
        distribution=distr.capitalize(),
        kind=_kind(symbol, top[:masthead_end]),
        lines=frozenset(range(masthead_end)) - frozenset(range(start, end)),
        title_lines=tuple(range(start, end)),
    )


def _title_span(top: list[str]) -> tuple[int, int, int, str] | None:
    """(first title line, line after the title, line after the masthead, resolution number). The title
    starts at the resolution number ("79/194. ..."); or follows the line that names a draft's sponsors;
    or comes before "Note by the Secretariat"; or stands just above "The General Assembly,"."""
    for i, line in enumerate(top):
        if (match := RESOLUTION_NUMBER.match(line)) and i > 3:
            return i, _title_end(top, i), i, match["number"]
    organ = next((i for i, line in enumerate(top) if ORGAN_LINE.fullmatch(line)), len(top))
    drafts = [i for i, line in enumerate(top[:organ]) if DRAFT_LINE.search(line) and i > 3]
    if drafts:  # the last such line before the organ: the title follows it (and its wrapped tail)
        start = drafts[-1] + 1
        while start < len(top) - 1 and top[start][:1].islower():
            start += 1
        return start, _title_end(top, start), start, ""
    notes = [i for i, line in enumerate(top[:organ]) if NOTE_LINE.match(line) and i > 3]
    if notes:
        start = _title_above(top, notes[0])
        return start, notes[0], notes[0] + 1, ""
    if 4 < organ < len(top):
        start = _title_above(top, organ)
        return start, organ, start, ""
    return None


def _title_above(top: list[str], below: int) -> int:
    """The first line of a title of up to three lines standing right above line `below`."""
    start = below
    while start > 4 and below - start < 3 and is_title_line(top[start - 1]):
        if MASTHEAD_LINE.match(top[start - 1]):
            break
        start -= 1
    return start


def _title_end(top: list[str], start: int) -> int:
    """A title runs to the organ line ("The General Assembly,"), at most five lines."""
    end = start + 1
    while end < len(top) and end - start < 5 and not ORGAN_LINE.match(top[end]) and is_title_line(top[end]):
        end += 1
    if end < len(top) and RESOLUTION_NUMBER.fullmatch(top[start]):
        end = max(end, start + 2)  # "79/194." on its own line, the title on the next
    return end


def is_title_line(line: str) -> bool:
    """A line of a title: words or a year range, not a list mark such as "(a)", no full stop."""
    return bool(re.search(r"[^\W_]{3}", line)) and not LIST_MARK.match(line) and not line.endswith((".", ";"))


def _issue_date(masthead: list[str]) -> str:
    return next((iso_date(line) for line in masthead if DATE.fullmatch(line)), "")


def iso_date(printed: str) -> str:
    """ "25 March 2025" (spaced or wrapped as printed) -> "2025-03-25"."""
    match = DATE.fullmatch(" ".join(printed.split()))
    month = MONTHS.split("|").index(match["month"]) + 1
    return f"{match['year']}-{month:02d}-{int(match['day']):02d}"


def _kind(symbol: str, masthead: list[str]) -> str:
    if "/RES/" in symbol:
        return "resolution"
    text = " ".join(masthead).lower()
    for kind in ("draft resolution", "draft decision", "amendment", "note", "letter", "report"):
        if kind in text[-200:]:
            return kind
    return "document"
