"""Exact phrases: a query in double quotes ("enhanced cooperation") asks for that wording literally."""

import re

from rag.ingest.normalise import normalise

QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')
SPACE = re.compile(r"\s+")


def quoted_phrases(query: str) -> list[str]:
    """The phrases a query puts in double quotes (straight or curly), whitespace collapsed, each once (a phrase
    quoted twice, or in another case, is one phrase: one notice if no paragraph has it)."""
    phrases = (a or b for a, b in QUOTED.findall(query))
    distinct = {}
    for phrase in (SPACE.sub(" ", phrase).strip() for phrase in phrases):
        if phrase:
            distinct.setdefault(comparable(phrase), phrase)
    return list(distinct.values())


def comparable(text: str) -> str:
    """Text as phrases are compared: normalised (case, unicode, markup, hyphenation), single spaces."""
    return " " + SPACE.sub(" ", re.sub(r"[^\w%]+", " ", normalise(text))).strip() + " "


def contains(comparable_text: str, phrase: str) -> bool:
    """Whether a text (already `comparable`) holds the phrase as whole words."""
    return comparable(phrase) in comparable_text


def phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where the phrase occurs in the printed text, allowing any whitespace, case and markup in between."""
    words = [re.escape(w) for w in re.findall(r"[^\W_]+|%", phrase)]
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)" + r"[\W_]*".join(words) + r"(?!\w)", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def only_in_names(text: str, phrase: str) -> bool:
    """Whether the phrase occurs in the text only inside a capitalised name ("Working Group on Enhanced
    Cooperation"), never as words of its own ("enhanced cooperation"). A phrase the query itself
    capitalises asks for the name."""
    if phrase[:1].isupper():
        return False
    spans = phrase_spans(text, phrase)
    return bool(spans) and all(_capitalised(text[start:end]) for start, end in spans)


def _capitalised(words: str) -> bool:
    return all(word[:1].isupper() for word in re.findall(r"[^\W\d_]{4,}", words))
