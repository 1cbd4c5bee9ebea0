"""Typo tolerance: a query word the documents never use, and that is no English word either, is read as the
word one or two edits from it ("Govrnance" -> "governance"), found with rapidfuzz."""

import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from rag.ingest.normalise import normalise
from rag.store.ocr import english_words

MAX_EDITS = 2
MIN_LENGTH = 4  # shorter words are too often another word one edit away
WORD = re.compile(r"[^\W\d_]+")


class Speller:
    """Candidates are the documents' words and English words (the model's vocabulary): "extnded" is
    "extended", one edit away, though the documents only say "extend" (which the stemmer then matches)."""

    def __init__(self, vocabulary: dict[str, int]):
        self._counts = vocabulary
        corpus = {w for w in vocabulary if len(w) >= MIN_LENGTH - 1 and w.isalpha()}
        self._words = sorted(corpus | {w for w in english_words() if len(w) >= MIN_LENGTH - 1})

    def correct(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """The query with misspelt words replaced, and the (word, correction) pairs."""
        corrections = []

        def fix(match: re.Match) -> str:
            word = match.group()
            better = self._closest(normalise(word))
            if better is None:
                return word
            corrections.append((word, better))
            return better

        return WORD.sub(fix, query), corrections

    def _closest(self, word: str) -> str | None:
        if len(word) < MIN_LENGTH or word in self._counts or word in english_words():
            return None
        found = process.extract(word, self._words, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, limit=5)
        if not found:
            return None
        best = min(found, key=lambda hit: (hit[1], -self._counts.get(hit[0], 0)))  # fewest edits, then most used
        return best[0]
