"""A word-level comparison of a draft paragraph with a precedent: what the draft keeps, adds, drops and
changes, as pieces of the two texts themselves.

Words and punctuation are compared evened out (unicode forms, curly quotes, "multi-stakeholder" as
"multistakeholder", "pre -design" as "pre‑design"; case is kept: "States" is not "states"), never the
paragraph's own number or its footnote marks; the pieces are slices of the original texts, so the draft's
pieces put together give back its text, and the precedent's its quote.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

# A word with its hyphens ("multi-stakeholder"; "pre -design" and "standard - setting" as PDFs print them),
# one number, or one punctuation mark; markup characters (*, #, `) are no part of the wording. Letters and
# digits are apart, so that a footnote call a PDF glues to a word ("girls12") can be told from it.
TOKEN = re.compile(r"[^\W\d_]+(?:[^\S\n]?[-‐‑–][^\S\n]?[^\W\d_]+)*|\d+|[^\w\s*#`]")
HYPHENS = re.compile(r"\s|[-‐‑–]")
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
# The paragraph's own number or letter, which the comparison leaves out: "5. ", "(a) ", "5 bis. ", "iv) ".
LEADING_LABEL = re.compile(r"^\s*(?:\d{1,3}\s*(?:bis|ter|quater)?\s*\.|\(?[a-z]{1,5}\)|\(\d{1,3}\))\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    key: str  # the evened-out form that is compared
    word: bool  # a word, not punctuation


@dataclass(frozen=True)
class Piece:
    """One step of the redline: "equal", "insert" (the draft adds), "delete" (the draft drops) or "replace"."""

    op: str
    draft: str  # the draft's text of this step ("" for a delete)
    precedent: str  # the precedent's ("" for an insert)

    def to_dict(self) -> dict:
        return {"op": self.op, "draft": self.draft, "precedent": self.precedent}


@dataclass(frozen=True)
class Run:
    """A stretch of wording both texts hold: where it stands in each (character offsets) and its words."""

    draft_start: int
    draft_end: int
    precedent_start: int
    precedent_end: int
    words: int


@dataclass(frozen=True)
class Comparison:
    pieces: tuple[Piece, ...]
    matched_words: int  # words the two share, in the same order
    draft_words: int
    precedent_words: int
    runs: tuple["Run", ...]  # the stretches of wording the two share, in order

    @property
    def identical(self) -> bool:
        return all(piece.op == "equal" for piece in self.pieces)

    @property
    def draft_share(self) -> float:
        """How much of the draft's wording the precedent holds (0-1)."""
        return self.matched_words / self.draft_words if self.draft_words else 0.0

    @property
    def precedent_share(self) -> float:
        return self.matched_words / self.precedent_words if self.precedent_words else 0.0

    @property
    def changes(self) -> tuple[Piece, ...]:
        return tuple(piece for piece in self.pieces if piece.op != "equal")


def body_start(text: str) -> int:
    """Where a paragraph's words begin, after its own number ("5. ", "(a) ")."""
    match = LEADING_LABEL.match(text)
    return match.end() if match else 0


def tokens(text: str, marks: tuple[tuple[int, int], ...] = ()) -> list[Token]:
    """The words and punctuation of `text` after its own number, footnote marks left out: those the parser
    found, and a number of one to three digits glued to the end of a word ("albinism,12 and"), which is how a
    footnote call reads in text pasted from a PDF."""
    found = []
    for match in TOKEN.finditer(text, body_start(text)):
        if any(start <= match.start() < end for start, end in marks) or _glued_call(text, match):
            continue
        key = HYPHENS.sub("", unicodedata.normalize("NFKC", match[0]).translate(QUOTES))
        found.append(Token(match.start(), match.end(), key, key[:1].isalnum()))
    return found


def _glued_call(text: str, match: re.Match) -> bool:
    start, end = match.span()
    if not (match[0].isdigit() and len(match[0]) <= 3 and start > 0):
        return False
    before, after = text[start - 1], text[end : end + 1]
    return (before.islower() or before in ",.;:)”’") and (not after or after.isspace() or after in ",;.")


def _without_spaced_calls(text: str, found: list[Token], calls: set[str]) -> list[Token]:
    """The draft's tokens less the numbers a PDF sets apart after a comma ("the Meeting, 12 confirmed") where
    the precedent has a footnote call of that number: its call, not a word of the text."""
    if not calls:
        return found
    return [
        t
        for t in found
        if not (t.key in calls and t.start >= 2 and text[t.start - 1] == " " and text[t.start - 2] in ",.;:)")
    ]


def compare(draft: str, precedent: str, draft_marks=(), precedent_marks=()) -> Comparison:
    """The redline from `precedent` to `draft`, with how much wording they share."""
    ours, theirs = tokens(draft, draft_marks), tokens(precedent, precedent_marks)
    ours = _without_spaced_calls(draft, ours, {precedent[start:end].strip() for start, end in precedent_marks})
    # From the precedent to the draft: "insert" is what the draft adds, "delete" what it drops.
    matcher = SequenceMatcher(None, [t.key for t in theirs], [t.key for t in ours], autojunk=False)
    pieces = []
    for op, j1, j2, i1, i2 in matcher.get_opcodes():
        pieces.append(Piece(op, _slice(draft, ours, i1, i2), _slice(precedent, theirs, j1, j2)))
    runs = []
    for j, i, size in matcher.get_matching_blocks():
        words = sum(1 for t in ours[i : i + size] if t.word)
        if words:
            runs.append(Run(ours[i].start, ours[i + size - 1].end, theirs[j].start, theirs[j + size - 1].end, words))
    return Comparison(
        tuple(pieces),
        sum(run.words for run in runs),
        sum(t.word for t in ours),
        sum(t.word for t in theirs),
        tuple(runs),
    )


def _slice(text: str, found: list[Token], first: int, last: int) -> str:
    """Tokens first..last-1 as the text prints them, with what follows them up to the next token (spaces, a
    footnote mark), so that the pieces put together give back the whole text after its number."""
    if first == last:
        return ""
    start = body_start(text) if first == 0 else found[first].start
    end = found[last].start if last < len(found) else len(text)
    return text[start:end]
