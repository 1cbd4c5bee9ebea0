"""Recognise what a line of a document starts with: a paragraph number, a list bullet, a footnote mark...

Pure functions over one line of text; `paragraphs.py` decides what the lines add up to.
"""

import re
from dataclasses import dataclass

SUFFIXES = "bis|ter|quater|quinquies|sexies|septies|octies|novies|decies"

# "12.", "6bis.", "16ter.", "20 quater", "20sexies", "Ibis" (OCR for 1bis), "43.ALT", "49bis.ALT", "3)".
# A bare number needs a dot or bracket after it, so "15 April 2024" is not a paragraph number; the OCR
# form "Ibis" needs a capitalised word after it, so "Ibis is a bird" is not one either.
PARAGRAPH_NUMBER = re.compile(
    rf"(?P<num>\d{{1,3}}|I(?=(?:{SUFFIXES})\s+[A-Z*]))"
    rf"(?:(?P<suffix>\s?(?:{SUFFIXES}))\b)?"
    r"(?P<alt>\.ALT\d*)?"
    r"(?P<close>[.)])?"
    r"(?=\s+\S|(?<=[.)])\s*$)"  # text follows, or the number stands alone on its line ("1.", text below)
)
SECTION_NUMBER = re.compile(r"(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?(?=\s+\S)")
# "(a)", "a.", "a)"; "(ii)", "(iv)" (roman sub-items); alone on its line when the text is on the next.
LETTER_ITEM = re.compile(
    r"(?:\((?P<paren>[a-z]|(?=[ivx]{2})x{0,3}(?:ix|iv|v?i{0,3}))\)|(?P<letter>[a-z])[.)])(?=\s+\S|\s*$)"
)
BULLET = re.compile(r"[-*•\uf0b7▪◦‣–](?=\s+\S)\s+")
FOOTNOTE = re.compile(r"(?P<sup>[¹²³⁴⁵⁶⁷⁸⁹⁰]+|<sup>\s*(?P<html>\d+)\s*</sup>)(?=\s|$)")
MARKDOWN_HEADING = re.compile(r"(?P<hashes>#{1,6})\s+\S")
RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,})\s*$")

SUPERSCRIPT_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


@dataclass(frozen=True)
class Marker:
    """What a line starts with. Offsets are relative to the line's first non-space character."""

    kind: str  # "number", "section", "letter", "bullet", "footnote", "heading", "rule", "text" (or "table")
    value: str = ""  # the paragraph number, letter or footnote mark, normalised
    bullet_end: int = 0  # length of a leading list bullet ("- ") that is markup, not words
    level: int = 0  # markdown heading level, or the depth of a section number


def classify(line: str) -> Marker:
    """Classify a line (leading whitespace already removed)."""
    if RULE.match(line):
        return Marker("rule")
    if heading := MARKDOWN_HEADING.match(line):
        return Marker("heading", level=len(heading["hashes"]))
    bullet = BULLET.match(line)
    bullet_end = bullet.end() if bullet else 0
    rest = line[bullet_end:]
    number = PARAGRAPH_NUMBER.match(rest)
    if number and (number["close"] or number["suffix"] or number["alt"]):
        return Marker("number", paragraph_label(number), bullet_end)
    if section := SECTION_NUMBER.match(rest):
        return Marker("section", section["num"], bullet_end, level=section["num"].count(".") + 1)
    if letter := LETTER_ITEM.match(rest):
        return Marker("letter", letter["paren"] or letter["letter"], bullet_end)
    if not bullet and (note := FOOTNOTE.match(line)):
        return Marker("footnote", note["html"] or note["sup"].translate(SUPERSCRIPT_DIGITS))
    if bullet:
        return Marker("bullet", bullet_end=bullet_end)
    return Marker("text")


def paragraph_label(match: re.Match) -> str:
    """The citable form of a paragraph number: "6bis", "20 quater", "43.ALT"; "Ibis" is OCR for "1bis"."""
    number = "1" if match["num"] == "I" else match["num"]
    suffix = match["suffix"] or ""
    if suffix[:1].isspace():
        suffix = " " + suffix[1:]  # "20 quater" also after a no-break space: labels hold plain spaces
    return number + suffix + (match["alt"] or "")


def marker_length(text: str, marker: Marker) -> int:
    """How many characters the marker takes at the start of `text` (past any bullet): 3 for "12." ."""
    pattern = {
        "number": PARAGRAPH_NUMBER,
        "section": SECTION_NUMBER,
        "letter": LETTER_ITEM,
        "footnote": FOOTNOTE,
    }.get(marker.kind)
    found = pattern.match(text) if pattern else None
    return found.end() if found else 0
