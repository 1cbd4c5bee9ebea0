"""UN document conventions: which lines of a UN document are its masthead, title, running headers and
footers, footnote areas and closing formula.

A UN document as issued (an official PDF, or text extracted from one) opens with a masthead
(masthead.py). Every later page repeats the symbol, the job number, a page counter ("2/18") and often
the title; footnotes sit under a rule at the foot of a page. None of that is a paragraph. This module
tells which lines are which, from the text alone, so it works the same on a PDF's text layer and on
text someone extracted from it.
"""

import re
from collections import Counter
from dataclasses import dataclass

from rag.ingest.layout import collapse
from rag.ingest.masthead import DATE, ORGAN_LINE, Masthead, is_title_line, read_masthead

# Page furniture that identifies itself: page counter "2/18", job number "24-24293 (E) 161225", barcode.
PAGE_COUNTER = re.compile(r"\d{1,3}\s?/\s?\d{1,3}")
JOB_TOKEN = re.compile(r"\d{2}-\d{5}")
JOB_SUFFIX = re.compile(r"\([A-Z]\)|\d{6}")  # "(E)" (the language), "161225" (the date it was processed)
BARCODE = re.compile(r"\*\d{7,}\*")
RULE = re.compile(r"_{5,}")
HEADER_REACH = 4  # lines around a page's self-identifying furniture that may repeat the title
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
                if JOB_SUFFIX.fullmatch(text) or (is_title_line(text) and (in_title or repeated)):
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
    return len(rest) > 3 and is_title_line(rest) and f" {collapse(rest).lower()} " in title


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
