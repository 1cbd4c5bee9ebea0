"""How people write where a paragraph stands, read out of a question or a label: "para. 32", "paragraphs 55
to 65", "paras. 3, 5 and 7", "OP 3", "preambular para. 3", "unnumbered para. 7", "¶4", "u4", "48 (a)",
"footnote 6". Pure functions over text; which unit a place is in a given index is references.py's job.
"""

import re
from dataclasses import dataclass

SUFFIX = r"(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|novies|decies))?(?:\.?alt\d*)?"
# "32", "6bis", "20 quater", "43.ALT", "48(a)", "48 (a)(ii)", "11(1)", "1 (2nd)": a second list numbered
# alike in the same scope is cited by its place among them
LABEL = rf"\d{{1,3}}{SUFFIX}(?:\s?\((?:[a-z]|[ivx]{{1,4}}|\d{{1,2}})\))*(?:\s\(\d+(?:st|nd|rd|th)\))?"
CUES = {
    "preambular": r"preambular\s+(?:paragraphs?|paras?\.?)|\bpps?(?=\s?\d)",  # not "pp. 4-5": pages
    "operative": r"operative\s+(?:paragraphs?|paras?\.?)|\bops?\.?(?=\s?\d)",
    "unnumbered": r"unnumbered\s+(?:paragraphs?|paras?\.?)|\bu(?=\d)",
    "pilcrow": r"¶+",
    "footnote": r"\bfoot\s?notes?",
    "paragraph": r"\b(?:sub-?)?(?:paragraphs?|paras?\.?)|§+|\bno\.|\bnumbers?\b",
    "item": r"\b(?:items?|points?|observations?|questions?)\b",
}
JOINER = r"\s*(?:,\s*and|,|and|&|to|through|-|–|—)\s*"
PLACE = re.compile(
    rf"(?:{'|'.join(rf'(?P<{kind}>{cue})' for kind, cue in CUES.items())})"
    rf"\s*\(?\s*(?P<labels>{LABEL}(?:{JOINER}{LABEL})*)\s*\)?(?![\w/]|\.\d)",
    re.IGNORECASE,
)
ONE_LABEL = re.compile(LABEL, re.IGNORECASE)
RANGE_WORD = re.compile(r"^\s*(?:to|through|-|–|—)\s*$", re.IGNORECASE)
ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
# "the third preambular paragraph", "the second operative paragraph"
ORDINAL_PLACE = re.compile(rf"\b(?P<ordinal>{'|'.join(ORDINALS)})\s+(?P<kind>preambular|operative)\s+paragraph", re.I)
PARAGRAPH_WORD = re.compile(r"\b(?:paragraphs?|paras?)\b\.?|§+")
DUPLICATE = re.compile(r"\s?\((\d+)(?:st|nd|rd|th)\)$")


@dataclass(frozen=True)
class Place:
    """Paragraphs a question names: their kind ("paragraph", "preambular", "operative", "unnumbered",
    "pilcrow", "footnote", "item") and their labels as typed, each as a (first, last) range: ("55", "65")
    for "paragraphs 55 to 65", ("3", "3") for "para. 3"."""

    kind: str
    spans: tuple[tuple[str, str], ...]
    start: int = 0  # where the mention stands in the question
    end: int = 0
    cue: str = ""  # the word as typed: "paragraphs", "OP", "question"

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for span in self.spans for label in dict.fromkeys(span))


def places(text: str) -> list[Place]:
    """Every place a question names, in order: "paragraphs 55 to 65" is one range, "paras. 3, 5 and 7" a
    list, "OP 3" an operative paragraph."""
    text = ORDINAL_PLACE.sub(lambda m: f"{m['kind']} paragraph {ORDINALS.index(m['ordinal'].lower()) + 1}", text)
    found = []
    for match in PLACE.finditer(text):
        kind = next(k for k in CUES if match[k] is not None)
        spans: list[list[str]] = []
        previous = None
        for typed in ONE_LABEL.finditer(match["labels"]):
            joint = match["labels"][previous.end() : typed.start()] if previous else ""
            if previous and RANGE_WORD.match(joint) and spans[-1][0] == spans[-1][1]:
                spans[-1][1] = typed.group()  # "55 to 65", "3-5"
            else:
                spans.append([typed.group(), typed.group()])
            previous = typed
        found.append(Place(kind, tuple((a, b) for a, b in spans), match.start(), match.end(), match[kind].strip()))
    return found


def key(label: str) -> str:
    """A label or place in comparable form: "20 quater" -> "20quater", "43.ALT" -> "43alt", "48 (a)" -> "48(a)",
    "1 (2nd)" -> "1-2" (the second paragraph 1 of its scope), "PP3" -> "pp3", "¶4" -> "¶4", the paragraph word
    spelt one way: "paragraph 4", "para. 4", "§4" -> "para4"."""
    label = DUPLICATE.sub(lambda m: f"-{m[1]}", label.strip())
    return re.sub(r"[\s.]", "", PARAGRAPH_WORD.sub("para", label.lower()))


def candidates(kind: str, label: str) -> list[str]:
    """The label keys a typed place may mean, most likely first. "para 4" is the printed 4, or the fourth
    paragraph of a document that numbers none ("¶4"); "¶4" that one, or a printed 4; "unnumbered para. 4"
    the fourth unnumbered paragraph; "PP3" the third preambular one."""
    number = key(label)
    return {
        "preambular": [f"pp{number}"],
        "unnumbered": [f"u{number}", f"¶{number}"],
        "pilcrow": [f"¶{number}", number, f"u{number}"],
        "footnote": [f"fn{number}"],
    }.get(kind, [number, f"¶{number}"])
