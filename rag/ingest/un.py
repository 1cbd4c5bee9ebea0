"""UN document conventions: the masthead, running headers and footers, footnote areas.

A UN document as issued (an official PDF, or text extracted from one) opens with a masthead: "United
Nations", the symbol ("A/RES/79/194"), the organ, "Distr.: General", the date, the job number and
barcode, the session and agenda item, then the title. Every later page repeats the symbol, the job
number, a page counter ("2/18") and often the title; footnotes sit under a rule at the foot of a page.
None of that is a paragraph. This module tells which lines are which, from the text alone, so it works
the same on a PDF's text layer and on text someone extracted from it.
"""

import re
from collections import Counter
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
# The line that ends the masthead of a draft: "Austria, ...: draft resolution", "Draft decision submitted by
# the Bureau", "Note by the Secretariat", "Russian Federation:* amendment to draft resolution A/80/L.18".
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
# Page furniture that identifies itself: page counter "2/18", job number "24-24293 (E) 161225", barcode.
PAGE_COUNTER = re.compile(r"\d{1,3}\s?/\s?\d{1,3}")
JOB_TOKEN = re.compile(r"\d{2}-\d{5}")
JOB_SUFFIX = re.compile(r"\([A-Z]\)|\d{6}")  # "(E)" (the language), "161225" (the date it was processed)
BARCODE = re.compile(r"\*\d{7,}\*")
RULE = re.compile(r"_{5,}")
LIST_MARK = re.compile(r"\(?(?:[a-z]|[ivx]+|\d{1,3})[.)](?:\s|$)")
MASTHEAD_SPAN = 45  # non-blank lines from the top within which a masthead is looked for
HEADER_REACH = 4  # lines around a page's self-identifying furniture that may repeat the title


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
    while start > 4 and below - start < 3 and _is_title_line(top[start - 1]):
        if MASTHEAD_LINE.match(top[start - 1]):
            break
        start -= 1
    return start


def _title_end(top: list[str], start: int) -> int:
    """A title runs to the organ line ("The General Assembly,"), at most five lines."""
    end = start + 1
    while end < len(top) and end - start < 5 and not ORGAN_LINE.match(top[end]) and _is_title_line(top[end]):
        end += 1
    if end < len(top) and RESOLUTION_NUMBER.fullmatch(top[start]):
        end = max(end, start + 2)  # "79/194." on its own line, the title on the next
    return end


def _is_title_line(line: str) -> bool:
    """A line of a title: words or a year range, not a list mark such as "(a)", no full stop."""
    return bool(re.search(r"[^\W_]{3}", line)) and not LIST_MARK.match(line) and not line.endswith((".", ";"))


def _issue_date(masthead: list[str]) -> str:
    for line in masthead:
        if match := DATE.fullmatch(line):
            month = MONTHS.split("|").index(match["month"]) + 1
            return f"{match['year']}-{month:02d}-{int(match['day']):02d}"
    return ""


def _kind(symbol: str, masthead: list[str]) -> str:
    if "/RES/" in symbol:
        return "resolution"
    text = " ".join(masthead).lower()
    for kind in ("draft resolution", "draft decision", "amendment", "note", "letter", "report"):
        if kind in text[-200:]:
            return kind
    return "document"


# "54th plenary meeting", "55th (resumed) plenary meeting": the closing formula, with the date after it.
CLOSING = re.compile(r"\d{1,3}(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary meeting", re.IGNORECASE)
FOOTNOTE_LABEL = re.compile(r"(?P<label>\d{1,3}|\*{1,3})")
FOOTNOTE_START = re.compile(r"(?P<label>\d{1,3}|\*{1,3})\s+(?=\S)")


@dataclass(frozen=True)
class Conventions:
    """What the UN conventions make of a document's non-blank lines (indices into that list)."""

    masthead: Masthead
    roles: dict[int, str]  # "masthead", "title", "organ", "furniture", "rule", "closing"
    footnotes: list[tuple[str, list[int]]]  # (footnote number or "*", its lines), in reading order
    tails: dict[int, int]  # line -> length of a job number that extraction glued to its end ("... 25-17780")


def read_conventions(lines: list[str], page_breaks: list[bool], wrap_width: int) -> Conventions | None:
    """Roles of the lines of a UN document; None for a document without a UN masthead.

    `page_breaks[i]` says a form feed comes before line i; `wrap_width` is the text's line width (0: not
    hard-wrapped), used to tell where a footnote ends."""
    masthead = read_masthead(lines)
    if masthead is None:
        return None
    roles = dict.fromkeys(masthead.lines, "masthead") | dict.fromkeys(masthead.title_lines, "title")
    texts = [collapse(line) for line in lines]
    for i in furniture(texts, masthead, wrap_width):
        roles[i] = "furniture"
    for i, text in enumerate(texts):
        if i in roles:
            continue
        if ORGAN_LINE.fullmatch(text):
            roles[i] = "organ"
        elif CLOSING.fullmatch(text):
            roles[i] = "closing"
            if i + 1 < len(texts) and DATE.fullmatch(texts[i + 1]):
                roles[i + 1] = "closing"
    footnotes = []
    for area in _footnote_areas(texts, roles, page_breaks):
        roles[area[0]] = "rule"
        footnotes += _footnotes(area[1:], texts, wrap_width)
    return Conventions(masthead, roles, footnotes, _glued_job_numbers(lines, roles, masthead))


def _glued_job_numbers(lines: list[str], roles: dict[int, str], masthead: Masthead) -> dict[int, int]:
    """Text extraction sometimes runs the page footer's job number into the last line of the page."""
    furniture = sorted(i for i, role in roles.items() if role in ("masthead", "furniture"))
    job = next((m[0] for i in furniture if (m := JOB_TOKEN.search(lines[i]))), "")
    if not job:
        return {}
    tails = {}
    for i, line in enumerate(lines):
        stripped = line.rstrip()
        if i not in roles and stripped.endswith(" " + job):
            tails[i] = len(job)
    return tails


def _footnote_areas(texts: list[str], roles: dict[int, str], page_breaks: list[bool]) -> list[list[int]]:
    """Each footnote rule with the lines under it: up to the page break where the text marks pages, else up
    to the running header of the next page. Furniture lines inside stay furniture."""
    paged = any(page_breaks)
    areas = []
    i = 0
    while i < len(texts):
        if i in roles or not RULE.fullmatch(texts[i]):
            i += 1
            continue
        area, j, after_furniture = [i], i + 1, False
        while j < len(texts) and not (paged and page_breaks[j]) and not RULE.fullmatch(texts[j]):
            if roles.get(j) == "furniture":
                after_furniture = True
            elif j in roles or (after_furniture and not paged):
                break
            else:
                area.append(j)
            j += 1
        if any(FOOTNOTE_LABEL.match(texts[k]) for k in area[1:]):
            areas.append(area)
        i = j
    return areas


def _footnotes(area: list[int], texts: list[str], wrap_width: int) -> list[tuple[str, list[int]]]:
    """Split a footnote area into footnotes. Numbers come inline ("1 Resolution 70/1.") or on lines of their
    own, and text extracted from a PDF may put a number after its footnote's text: such a lone number
    goes to the first footnote left without one."""
    groups: list[list] = []  # [label or "", line indices, open for more text]
    for i in area:
        text = texts[i]
        if FOOTNOTE_LABEL.fullmatch(text):
            groups.append([text, [i], True])
        elif (start := FOOTNOTE_START.match(text)) and _next_label_fits(start["label"], groups):
            groups.append([start["label"], [i], _goes_on(text, wrap_width)])
        elif groups and groups[-1][2]:
            groups[-1][1].append(i)
            groups[-1][2] = _goes_on(text, wrap_width)
        else:
            groups.append(["", [i], _goes_on(text, wrap_width)])
    orphans = [g for g in groups if g[0] and len(g[1]) == 1 and FOOTNOTE_LABEL.fullmatch(texts[g[1][0]])]
    unlabelled = [g for g in groups if not g[0]]
    for orphan, group in zip(orphans, unlabelled, strict=False):
        group[0] = orphan[0]
        group[1] = sorted(group[1] + orphan[1])
        groups.remove(orphan)
    result: list[tuple[str, list[int]]] = []
    for label, members, _ in groups:
        if label or not result:
            result.append((label, members))
        else:  # text that belongs to no number: it continues the footnote before it
            result[-1] = (result[-1][0], result[-1][1] + members)
    return result


def _next_label_fits(label: str, groups: list[list]) -> bool:
    """An inline footnote number must follow the previous one, so a wrapped line that starts with a number
    ("17 March 2023 ...") is not taken for a new footnote."""
    numbers = [int(g[0]) for g in groups if g[0].isdigit()]
    if not label.isdigit():
        return True
    return not numbers or int(label) == max(numbers) + 1


def _goes_on(text: str, wrap_width: int) -> bool:
    """A footnote line that is full, or does not end a sentence, continues on the next line."""
    return not text.endswith((".", ";")) or (wrap_width > 0 and len(text) >= 0.85 * wrap_width)


def furniture(texts: list[str], masthead: Masthead, wrap_width: int = 0) -> set[int]:
    """Running headers and footers: page counters, job numbers, barcodes, the symbol, and the lines near
    them that repeat the title. Indices into `texts` (the non-blank lines, whitespace collapsed)."""
    title = " " + masthead.title.lower() + " "
    anchors = {
        i
        for i, text in enumerate(texts)
        if _self_identifying(text, masthead.symbol) or _titled_symbol(text, masthead.symbol, title)
    } - masthead.lines
    near = {
        i
        for anchor in anchors
        for i in range(max(0, anchor - HEADER_REACH), min(len(texts), anchor + HEADER_REACH + 1))
        if i not in anchors and i not in masthead.lines
    }
    repeats = Counter(texts[i] for i in near)

    found = set(anchors)
    grown = True
    while grown:  # grow each header block outwards from its anchors, a line at a time
        grown = False
        for i in sorted(near - found):
            if i - 1 in found or i + 1 in found:
                text = texts[i]
                in_title = f" {text.lower().rstrip(',')} " in title and _header_sized(text, wrap_width)
                repeated = repeats[text] >= 2 and len(text.split()) > 1
                if JOB_SUFFIX.fullmatch(text) or (_is_title_line(text) and (in_title or repeated)):
                    found.add(i)
                    grown = True
    return found


def _header_sized(text: str, wrap_width: int) -> bool:
    """A running title is set narrower than the text, and a one-word piece of it is no paragraph's last
    word ("privacy," at the foot of a page is; "(2025–2034)" is not)."""
    narrow = not wrap_width or len(text) < 0.8 * wrap_width
    return narrow and (len(text.split()) > 1 or not text.endswith((",", ".", ";", ":")))


def _titled_symbol(text: str, symbol: str, title: str) -> bool:
    """A line of the running title with the symbol beside it, as a PDF's text layer gives an odd page's
    header: "in the context of international security A/RES/78/16"."""
    rest = text.replace(symbol, " ").strip() if symbol in text else ""
    return len(rest) > 3 and _is_title_line(rest) and f" {collapse(rest).lower()} " in title


def _self_identifying(text: str, symbol: str) -> bool:
    """Furniture that says what it is: "2/18", "24-24293 (E) 161225", "*2424293*", the symbol, or several
    of these on one line ("2/18 24-24293", "A/RES/79/194 2/18")."""
    tokens = text.replace(symbol, " ").split()
    if not tokens:
        return True  # the symbol alone
    job = any(JOB_TOKEN.fullmatch(t) for t in tokens)
    return all(_furniture_token(t) or (job and (JOB_SUFFIX.fullmatch(t))) for t in tokens)


def _furniture_token(token: str) -> bool:
    return bool(PAGE_COUNTER.fullmatch(token) or JOB_TOKEN.fullmatch(token) or BARCODE.fullmatch(token))
