"""Sentences of a paragraph, for scoring a long paragraph by its best part and for highlights."""

import re

# A sentence (or semicolon clause) ends at . ! ? or ; followed by space; abbreviations like "para." or
# "chap." are rare enough in these documents that a short piece is simply merged with the next.
BOUNDARY = re.compile(r"(?<=[.!?;])[\"”’)]*\s+")
MIN_CHARS = 40


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`; short pieces are joined to the following one."""
    spans, start = [], 0
    for match in BOUNDARY.finditer(text):
        if match.start() - start >= MIN_CHARS:
            spans.append((start, match.start()))
            start = match.end()
    if start < len(text.rstrip()):
        if spans and len(text.rstrip()) - start < MIN_CHARS:
            spans[-1] = (spans[-1][0], len(text.rstrip()))
        else:
            spans.append((start, len(text.rstrip())))
    return spans
