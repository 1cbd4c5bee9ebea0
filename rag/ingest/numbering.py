"""How UN documents number and cite their paragraphs, and how their headings nest.

Preambular paragraphs (unnumbered, after "The General Assembly,") are cited the way delegates cite
them, "PP3"; operative ones by their number, "5"; sub-items as "18(g)" and "18(g)(ii)". An annex and
each article of a convention number their paragraphs on their own, so their labels carry that scope:
"annex, 12", "annex II, 3(b)", "annex, art. 16, 1".
"""

import re

ANNEX = re.compile(r"Annex(?:es)?(?:\s+(?P<number>[IVXLC]+|\d{1,2}|[A-Z]))?\b(?!\s+(?:to|of)\b)", re.IGNORECASE)
# "Article 16" of a convention, "Rule 8" of rules of procedure: each may number its paragraphs from 1.
ARTICLE = re.compile(r"(?P<kind>Article|Rule)\s+(?P<number>\d{1,3}(?:\s?(?:bis|ter|quater))?)\b")
# Heading styles, outermost first: "Annex", "Part one", "Chapter I", "I.", "A.", "Article 1", "1.".
STYLES = (
    ("annex", ANNEX),
    ("part", re.compile(r"Part\s+(?:[IVX]+|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.IGNORECASE)),
    ("chapter", re.compile(r"Chapter\s+[IVXLC\d]+\b")),
    ("roman", re.compile(r"[IVXL]+(?:\.\s|\.?$|\s+(?=[A-Z]))")),
    ("capital", re.compile(r"[A-H](?:\.\s|\.?$|\s+(?=[A-Z]))")),
    ("article", ARTICLE),
    ("number", re.compile(r"\d{1,2}\.\s")),
)
# A heading that is only its number ("Article 16", "Chapter I", "Annex II"); its title is the next line.
NUMBER_ONLY = re.compile(
    r"(?:Annex(?:\s+[IVXLC\d]+)?|Part\s+\w+|Chapter\s+[IVXLC\d]+|(?:Article|Rule)\s+\d{1,3}(?:\s?(?:bis|ter))?|[IVXL]+"
    r"|[A-H])\.?",
    re.IGNORECASE,
)
SECTION_NAME = re.compile(r"[^\s.]+")
ROMAN_AFTER = {"i": "h", "v": "u", "x": "w"}  # "(i)" is the letter i only right after "(h)"


def heading_style(title: str) -> str:
    for style, pattern in STYLES:
        if pattern.match(title):
            return style
    return "plain"


def heading_levels(titles: list[str]) -> list[int]:
    """A level per heading, from the order of the styles: an annex contains chapters, a chapter sections.
    A plain heading sits one level under the last numbered one."""
    order = [style for style, _ in STYLES]
    levels, last = [], 0
    for title in titles:
        style = heading_style(title)
        if style == "plain":
            levels.append(last + 1)
        else:
            last = order.index(style) + 1
            levels.append(last)
    return levels


LEVELS = ("part", "section", "article")  # the scopes inside an annex (or the body), outermost first


class Scopes:
    """The numbering context of each unit: its annex, lettered part ("A", "B" of an omnibus resolution),
    roman-numbered section and article. An annex always numbers its paragraphs on its own; parts,
    sections and articles do when each of them numbers from 1 (the sections of an omnibus resolution, the
    articles of a convention), not when the numbering runs on across them (notes on several articles)."""

    def __init__(self):
        self.annex = ""
        self.inner = dict.fromkeys(LEVELS, "")
        self.order: list[str] = []

    def heading(self, title: str) -> None:
        style = heading_style(title)
        mark = SECTION_NAME.match(title)[0] if style in ("capital", "roman") else ""  # "II" of "II. Title"
        if style == "annex":
            number = ANNEX.match(title)["number"]
            nested = self.annex == "annex" and not number  # the annex of an annexed convention
            self.annex = "annex, annex" if nested else "annex" + (f" {number}" if number else "")
            self.inner = dict.fromkeys(LEVELS, "")
        elif style == "capital":
            self._enter("part", mark)
        elif style == "roman":
            self._enter("section", "sect. " + mark)
        elif article := ARTICLE.match(title):
            prefix = "art." if article["kind"] == "Article" else "rule"
            self._enter("article", f"{prefix} {article['number']}")

    def _enter(self, level: str, name: str) -> None:
        """Open a scope at `level`; the scopes inside it close. Which holds which is the document's own
        order: the style met first is the outer one (parts A, B holding sections I, II, or the reverse)."""
        if level not in self.order:
            self.order.append(level)
        self.inner[level] = name
        for inner in self.order[self.order.index(level) + 1 :]:
            self.inner[inner] = ""

    @property
    def context(self) -> tuple[str, ...]:
        return (self.annex, *self.inner.values())


def restarting(numbers: list[tuple[tuple[str, ...], int]]) -> set[tuple[str, str]]:
    """Which (annex, level) pairs number from 1 in each of at least two of their parts, sections or
    articles, given the (context, number) of each numbered paragraph in reading order."""
    found = set()
    for position, level in enumerate(LEVELS, start=1):
        first: dict[tuple[str, str], int] = {}
        for context, number in numbers:
            if context[position]:
                first.setdefault((context[0], context[position]), number)
        starts: dict[str, set[int]] = {}
        for (annex, _), number in first.items():
            starts.setdefault(annex, set()).add(number)
        found |= {(annex, level) for annex, ns in starts.items() if ns == {1} and _count(first, annex) >= 2}
    return found


def _count(first: dict[tuple[str, str], int], annex: str) -> int:
    return sum(1 for key in first if key[0] == annex)


class Labeller:
    """Labels a UN document's body units in reading order, each within its numbering scope."""

    def __init__(self, restarts: set[tuple[str, str]]):
        self.restarts = restarts
        self.scope = ""
        self.preamble = False
        self.preambular = 0
        self.unnumbered = 0
        self.number = ""  # the operative paragraph the next sub-items belong to
        self.letter = ""  # the lettered sub-item the next roman ones belong to
        self.list_parent = ""  # the paragraph whose own numbered list is being labelled
        self.list_last = 0

    def enter(self, context: tuple[str, ...]) -> None:
        """The unit about to be labelled stands in this (annex, part, section, article) context."""
        annex, *inner = context
        scoped = [name for level, name in zip(LEVELS, inner, strict=True) if (annex, level) in self.restarts]
        scope = ", ".join(p for p in (annex, *scoped) if p)
        if scope != self.scope:
            self.scope = scope
            self.preamble = False
            self.preambular = self.unnumbered = self.list_last = 0
            self.number = self.letter = self.list_parent = ""

    def organ(self) -> None:
        """ "The General Assembly," opens the preamble."""
        self.preamble = True
        self.preambular = 0

    def paragraph(self, number: str, after_colon: bool = False) -> str:
        """An operative paragraph by its number; "1." right after a paragraph that ends with a colon opens a
        list inside that paragraph ("11. Approves the following agenda:" 1., 2., 3. ... are 11(1), 11(2))."""
        if number:
            self.preamble = False
            if self._in_list(number, after_colon):
                self.list_last = int(number)
                self.number, self.letter = f"{self.list_parent}({number})", ""
                return self._scoped(self.number)
            self.list_parent = ""
            self.number, self.letter = number, ""
            return self._scoped(number)
        self.list_parent = ""
        if self.preamble:
            self.preambular += 1
            return self._scoped(f"PP{self.preambular}")
        self.unnumbered += 1
        self.number = self.letter = ""
        return self._scoped(f"¶{self.unnumbered}")

    def _in_list(self, number: str, after_colon: bool) -> bool:
        if not number.isdigit():
            return False
        if number == "1" and after_colon and self.number and not self.list_parent:
            self.list_parent = self.number
            return True
        parent = self.list_parent
        next_paragraph = parent.isdigit() and int(number) == int(parent) + 1  # the list is over
        return bool(parent) and int(number) == self.list_last + 1 and not next_paragraph

    def item(self, value: str) -> str:
        """A sub-item "(g)" of the current paragraph, or a roman "(ii)" of the current lettered item."""
        roman = len(value) > 1 or (value in ROMAN_AFTER and self.letter not in ("", ROMAN_AFTER[value]))
        if roman and self.letter:
            return self._scoped(f"{self.number}({self.letter})({value})")
        self.letter = value
        return self._scoped(f"{self.number}({value})")

    def _scoped(self, local: str) -> str:
        return f"{self.scope}, {local}" if self.scope else local


def place(label: str) -> str:
    """A label as a reader says it: "para. 5", "preambular para. 3", "unnumbered para. 4", "annex, para. 12",
    "annex, art. 16, para. 1(a)"; in a document that numbers nothing, "¶7"; the second paragraph numbered 1
    in one scope (label "1-2"), "para. 1 (2nd)", never "para. 1-2", which reads as two paragraphs."""
    *scope, local = label.split(", ")
    repeat = ""
    if match := re.fullmatch(r"(.+)-(\d+)", local):
        local, repeat = match[1], f" ({_ordinal(int(match[2]))})"
    if match := re.fullmatch(r"PP(\d+)", local):
        local = f"preambular para. {match[1]}"
    elif match := re.fullmatch(r"u(\d+.*)", local):
        local = f"unnumbered para. {match[1]}"
    elif local[:1].isdigit() or (local.startswith("(") and not scope):
        local = f"para. {local}"
    return ", ".join([*scope, local + repeat])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
