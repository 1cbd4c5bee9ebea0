"""A quote's light markup read: as formatted runs (for Word) and as plain text (for the clipboard), so that a
drafter pastes "Notes" and "27th", never "*Notes*" and "27 <sup>th</sup>". `Passage.text` stays verbatim;
these are readings of it. The markup is the chat's (ui/render.py reads the same): *italic*, **bold**,
<sup>x</sup>, [label](target), <https://...> and backslash-escaped punctuation; and the footnote marks the
ingest found (`Unit.marks`: "5" in "December 2015,5 in which"), which the text alone does not tell apart.
"""

import re

Run = tuple[str, frozenset[str]]  # a piece of text and its formats: "bold", "italic", "sup"
Ranges = tuple[tuple[int, int], ...]

# Each kind, what it reads. Where two start at the same place, the first listed wins (** before *).
TOKENS = (
    ("escape", re.compile(r"\\([\\_*\[\]()#])")),
    ("bold", re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")),
    ("italic", re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")),  # never inside a word: 2*3*4 stays
    ("sup", re.compile(r"<sup>\s*([^&<>\"']{1,20}?)\s*</sup>")),
    ("link", re.compile(r"\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))*)\)")),  # targets may hold one (...) level
    ("autolink", re.compile(r"<(https?://[^\s&<>\"']+)>")),
)
TO_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
TO_SUPERSCRIPT = str.maketrans("1234567890", "¹²³⁴⁵⁶⁷⁸⁹⁰")
NUMBERS = re.compile(r"[0-9]+(?:, ?[0-9]+)*")  # what Unicode can raise: "5", "12", "1,2"
FLAT_MARK = re.compile(r"[0-9]+")  # a mark printed as plain digits; "⁵" and "<sup>5</sup>" are raised already


def runs(text: str, marks: Ranges = ()) -> list[Run]:
    """The quote as formatted runs with no markup characters left: a link is its label, an autolink its
    address, an escaped character itself, a footnote mark (a range of `text`) a "sup" run of its digits. A
    space before a superscript goes, as in print: "27 <sup>th</sup>" is 27th, "2003, 1 and" is 2003,¹ and."""
    return _tidied(_read(text, 0, len(text), frozenset(), sorted(marks)))


def plain_text(text: str, marks: Ranges = ()) -> str:
    """The quote as plain text: "*Notes*" -> "Notes", "27<sup>th</sup>" -> "27th", "[A/60/687](#)" ->
    "A/60/687", a superscript number and a footnote mark raised ("2015,5 in" -> "2015,⁵ in"), so the mark no
    longer reads as part of the number. Text without markup or marks comes back unchanged."""
    return "".join(_raised(part) if "sup" in formats else part for part, formats in runs(text, marks))


def raise_marks(text: str, marks: Ranges, ranges: Ranges = ()) -> tuple[str, Ranges]:
    """The text with each footnote mark printed as plain digits written as markup ("2015,<sup>5</sup> in"),
    and `ranges` of the text (highlights) moved to match: for Markdown and the chat, which read the markup."""
    flat = [(start, end) for start, end in sorted(marks) if FLAT_MARK.fullmatch(text[start:end])]
    pieces, cursor = [], 0
    for start, end in flat:
        pieces += [text[cursor:start], "<sup>", text[start:end], "</sup>"]
        cursor = end

    def moved(offset: int) -> int:
        return offset + sum(len("<sup>") + len("</sup>") * (end <= offset) for start, end in flat if start < offset)

    return "".join(pieces) + text[cursor:], tuple((moved(start), moved(end)) for start, end in ranges)


def _read(text: str, start: int, end: int, formats: frozenset[str], marks: list[tuple[int, int]]) -> list[Run]:
    """text[start:end] as runs, each token found leftmost first; a token's inside is read the same way."""
    found, cursor = [], start
    while token := _next_token(text, cursor, end, marks):
        kind, (begin, finish), (inner_start, inner_end) = token
        found.append((text[cursor:begin], formats))
        if kind == "mark":
            found.append((re.sub(r"</?sup>|\s", "", text[begin:finish]).translate(TO_DIGITS), formats | {"sup"}))
        elif kind in ("escape", "autolink"):
            found.append((text[inner_start:inner_end], formats))
        else:
            inner = formats if kind == "link" else formats | {kind}
            found += _read(text, inner_start, inner_end, inner, marks)
        cursor = finish
    found.append((text[cursor:end], formats))
    return found


def _next_token(text: str, start: int, end: int, marks: list[tuple[int, int]]):
    """(kind, its span, the span of what it holds) of the first token in text[start:end], or None."""
    candidates = [(s, 0, "mark", (s, e), (s, e)) for s, e in marks if start <= s and e <= end][:1]
    for order, (kind, pattern) in enumerate(TOKENS, 1):
        match = pattern.search(text, start, end)
        if match:
            candidates.append((match.start(), order, kind, match.span(), match.span(1)))
    return min(candidates)[2:] if candidates else None


def _tidied(found: list[Run]) -> list[Run]:
    """Runs without empty ones, neighbours of the same formats merged, no space before a superscript."""
    tidy: list[Run] = []
    for text, formats in found:
        if not text:
            continue
        if "sup" in formats and tidy and "sup" not in tidy[-1][1]:
            tidy[-1] = (tidy[-1][0].rstrip(), tidy[-1][1])
            if not tidy[-1][0]:
                tidy.pop()
        if tidy and tidy[-1][1] == formats:
            tidy[-1] = (tidy[-1][0] + text, formats)
        else:
            tidy.append((text, formats))
    return tidy


def _raised(text: str) -> str:
    return text.translate(TO_SUPERSCRIPT) if NUMBERS.fullmatch(text) else text
