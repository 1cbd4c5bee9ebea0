"""Clues from the text itself about where a paragraph ends: sentence ends, dangling words, line widths."""

import re
import statistics
from dataclasses import dataclass

# Words a paragraph cannot end on: a line ending with one of them continues after a page break.
DANGLING_WORDS = frozenset(
    """a an the of to in for on at by with from and or nor as that which whose than between into
    its their our his her this these those such including through towards toward among upon within
    without under over be is are was were has have had will would should shall can could may might must
    not but if whether both either neither""".split()
)
# Closing markup, quotes and footnote calls that may follow a sentence's final punctuation (besides <sup>x</sup>).
CLOSING_MARKS = frozenset("*_\"”’')]¹²³⁴⁵⁶⁷⁸⁹⁰")
LEADING_MARKUP = re.compile(r"^(?:[*_\"“‘'(\[\s])+")
WORD = re.compile(r"[A-Za-z]+")
WHITESPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space: the only change a quote may undergo."""
    return WHITESPACE.sub(" ", text).strip()


def without_closing_markup(text: str) -> str:
    """The text without the closing markup, quotes, footnote marks and whitespace at its end. Read from the
    right, so a line of ten thousand "*" costs ten thousand steps (a regex anchored at the end tries every
    start: seven seconds for that line, called several times per line)."""
    end = len(text)
    while end:
        if text[end - 1].isspace() or text[end - 1] in CLOSING_MARKS:
            end -= 1
            continue
        opening = text.rfind("<sup>", 0, end) if text.endswith("</sup>", 0, end) else -1
        if opening < 0 or "<" in text[opening + 5 : end - 6]:
            break
        end = opening
    return text[:end]


def ends_sentence(text: str) -> bool:
    """True when the text ends with . ; : ? or ! (before any closing quote, markup or footnote call)."""
    core = without_closing_markup(text)
    return core[-1:] in {".", ";", ":", "?", "!"}


def ends_open(text: str) -> bool:
    """True when the text ends on a word that cannot end a paragraph ("...Action Agenda of the")."""
    core = without_closing_markup(text)
    words = WORD.findall(core[-20:])
    return bool(words) and core[-1:].isalpha() and words[-1].lower() in DANGLING_WORDS


def starts_lowercase(text: str) -> bool:
    """True when the first letter, past opening quotes and markup, is lower case."""
    core = LEADING_MARKUP.sub("", text)
    return core[:1].islower()


def starts_capitalised(text: str) -> bool:
    """True when the first word has a capital: "Harnessing", "ICT", and OCR-damaged "leT" (for ICT)."""
    core = LEADING_MARKUP.sub("", text)
    first = core.split(" ", 1)[0]
    return core[:1].isalpha() and any(c.isupper() for c in first)


def is_title_like(text: str) -> bool:
    """A line that reads as a heading: capitalised, no sentence punctuation, no dangling last word."""
    core = without_closing_markup(text)
    return starts_capitalised(text) and not ends_sentence(text) and not core.endswith(",") and not ends_open(text)


@dataclass(frozen=True)
class Layout:
    """How a document's lines are laid out: hard-wrapped at a fixed width (scanned reports) or not."""

    wrap_width: int  # 0 when lines are not hard-wrapped (one line per paragraph)
    double_spaced: bool  # a blank line after every line, so a blank line does not end a paragraph

    def is_full(self, line: str) -> bool:
        """A hard-wrapped line that reaches the wrap width, so its paragraph goes on."""
        return self.wrap_width > 0 and len(line.strip()) >= 0.8 * self.wrap_width


def measure_layout(lines: list[str]) -> Layout:
    """Hard-wrapped documents have most lines near one width, and that width is short."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 10:
        return Layout(0, False)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near_width = sum(length >= 0.6 * width for length in lengths) / len(lengths)
    if width > 150 or near_width < 0.5 or statistics.median(lengths) < 40:
        return Layout(0, False)
    followed_by_blank = sum(
        1 for line, after in zip(lines, lines[1:] + [""], strict=True) if line.strip() and not after.strip()
    )
    return Layout(width, followed_by_blank >= 0.8 * len(lengths))


# A footnote call left at the end of a line by PDF extraction: "on the issue,1", "on the issue, 1", "Rights,**".
FOOTNOTE_CALL = re.compile(r"(?<=[.,;:”’\"')\]])\s?(?:\d{1,3}|\*{1,3})$")
# The opening of a preambular paragraph: "Recalling its", "Noting with", "Deeply concerned", "Aware that".
# A participle followed by "of" is a noun ("Meeting of the Association"), an adjective may be ("Mindful of").
PREAMBLE_OPENING = re.compile(
    r"(?:(?!United\b)[A-Z][a-z]+ing,?\s+(?!of\b)(?=[A-Za-z])"  # "Recalling its", "Recalling Security Council"
    r"|[A-Z][a-z]+ed,?\s+(?!of\b)[a-z]"  # "Convinced that"
    r"|[A-Z][a-z]+ly,?\s+[a-z]+(?:ing|ed)\b"  # "Unequivocally condemning", "Deeply concerned"
    r"|(?:Aware|Mindful|Conscious|Cognizant|Desirous|Keen|Further|Also),?\s+[a-z])"
)


def without_call(text: str) -> str:
    """The text without closing markup and a footnote call at its end: "on the issue, 1" -> "on the issue,"."""
    return without_closing_markup(FOOTNOTE_CALL.sub("", without_closing_markup(text)))


def ends_clause(text: str) -> bool:
    """True when a UN paragraph could end here: a preambular one ends with a comma, an operative one with
    a semicolon or full stop (a footnote call after it aside)."""
    return without_call(text)[-1:] in {".", ",", ";", ":", "?", "!"}


def opens_preamble(line: str) -> bool:
    """A preambular paragraph's opening word, possibly in italics; a quotation ("“Transforming our world")
    opens no paragraph."""
    return bool(PREAMBLE_OPENING.match(line.lstrip("*_ ")))
