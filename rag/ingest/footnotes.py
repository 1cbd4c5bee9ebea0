"""Which paragraph cites which footnote: the mark in a paragraph ("on the issue,1", "¹", "<sup>7</sup>")
points to the footnote unit of that number, printed below it on the same page. Where the mark stands is kept
too, so that copies and exports can print it raised rather than as a digit glued to the text."""

import re
from dataclasses import replace

SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
SUPERSCRIPT_RUN = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
CITING_KINDS = ("paragraph", "item", "table")
REFERENCE_REACH = 40  # characters before a number that may hold the word making it a reference
LOOKBACK = 25  # units before a footnote that may hold its mark (a page holds no more)
# Words after which a number is a reference, not a footnote call: "resolution 7", "article 16", "para. 5".
REFERENCE_WORDS = re.compile(
    r"(?:resolutions?|decisions?|articles?|paragraphs?|paras?\.?|chapters?|sections?|annex(?:es)?|items?|"
    r"vol\.|No\.|pp?\.|rule|Goals?|and|or|to|of|from|between|the|its|their|all|some|over|about|least|than|"
    r"with|by|in|on|at|for|some|every|first|last)\s*$",
    re.IGNORECASE,
)


def link_footnotes(units: list, plain_calls: bool) -> list:
    """The units, each paragraph knowing the footnotes it cites (`notes`, labels such as "fn3") and where
    their marks stand in its text (`marks`). Plain digits count as calls only where the document prints them
    so (`plain_calls`: a UN document's text)."""
    citing: dict[int, list[str]] = {}
    marks: dict[int, list[tuple[int, int]]] = {}
    for position, unit in enumerate(units):
        if unit.kind != "footnote" or not unit.label.removeprefix("fn").isdigit():
            continue
        number = unit.label.removeprefix("fn")
        for before in range(position - 1, max(-1, position - LOOKBACK), -1):
            candidate = units[before]
            call = _call(candidate.text, number, plain_calls) if candidate.kind in CITING_KINDS else None
            if call:
                citing.setdefault(before, []).append(unit.label)
                marks.setdefault(before, []).append(call)
                break
    return [
        replace(u, notes=tuple(citing[i]), marks=tuple(sorted(marks[i]))) if i in citing else u
        for i, u in enumerate(units)
    ]


def _call(text: str, number: str, plain_calls: bool) -> tuple[int, int] | None:
    """Where `text` calls footnote `number`: the whole "<sup>5</sup>", the "⁵", or the plain "5"; None if it
    does not."""
    tagged = re.search(rf"<sup>\s*{number}\s*</sup>", text)
    if tagged:
        return tagged.span()
    raised = next((m.span() for m in SUPERSCRIPT_RUN.finditer(text) if m[0].translate(SUPERSCRIPTS) == number), None)
    if raised or not plain_calls:
        return raised
    for match in re.finditer(rf"(?<![\d/.\-–]){number}(?![\d/]|\.\d|,\d)", text):
        glued = text[match.start() - 1 : match.start()].isalpha()  # "Goals6": a raised mark, as a PDF gives it
        # the words just before it (searching all the text before every number makes a long paragraph quadratic)
        before = text[max(0, match.start() - REFERENCE_REACH) : match.start()].rstrip()
        after_a_word = before[-1:].isalpha() or before[-1:] in ',.;:)”’"'
        if glued or (after_a_word and not REFERENCE_WORDS.search(before)):
            return match.span()
    return None
