"""Typo tolerance: a query word that is neither in the documents nor an English word is read as the word one
edit from it ("Govrnance" -> "governance", "extnded" -> "extended"), or two edits for a long word, taken
from the documents' own words (rapidfuzz) or, one edit away only, from pyspellchecker's English.

Conservative on purpose: a wrong correction silently searches for something else, so acronyms and names
("ICANN", "ICTs", "UNAMID"), parts of hyphenated or numbered words ("inter-sessional") and short words are
left as typed, and English words two edits away ("spyware" -> "spare") are never offered."""

import functools
import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from rag.ingest.normalise import normalise
from rag.store.ocr import english_words

MIN_LENGTH = 5  # shorter words are too often another word one edit away ("wifi", "wife")
LONG_WORD = 9  # from this length, two edits still leave the word recognisable ("goverrnence")
TOKEN = re.compile(r"[\w'’-]+")
PLAIN_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]*")  # letters only, capital only first: not "ICTs", "e-mail"
BRITISH = re.compile(r"(is|ys)(e|ed|es|ing|ation|ations)$")  # "socialise", "analyse" are not typos


def preload() -> None:
    """Load the English word list now rather than on the first question that needs it."""
    _english()


@functools.lru_cache(maxsize=1)
def _english():
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)  # distance 2 takes up to a second a word, and guesses wildly


class Speller:
    def __init__(self, vocabulary: dict[str, int]):
        self._counts = vocabulary
        self._words = sorted(w for w in vocabulary if len(w) >= MIN_LENGTH - 1 and w.isalpha())

    def correct(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """The query with misspelt words replaced, and the (word, correction) pairs."""
        corrections = []

        def fix(match: re.Match) -> str:
            word = match.group()
            better = self._closest(normalise(word)) if PLAIN_WORD.fullmatch(word) else None
            if better is None:
                return word
            corrections.append((word, better))
            return better

        return TOKEN.sub(fix, query), corrections

    def _closest(self, word: str) -> str | None:
        if len(word) < MIN_LENGTH or word in self._counts or self._is_english(word):
            return None
        edits = 2 if len(word) >= LONG_WORD else 1
        candidates = process.extract(word, self._words, scorer=Levenshtein.distance, score_cutoff=edits, limit=5)
        english = _english().correction(word)
        if english and english != word:
            candidates.append((english, Levenshtein.distance(word, english), None))
        if not candidates:
            return None
        # fewest edits; then the documents' own word, the most used first
        return min(candidates, key=lambda hit: (hit[1], -self._counts.get(hit[0], -1)))[0]

    @staticmethod
    def _is_english(word: str) -> bool:
        """A word of pyspellchecker's English list or of the model's vocabulary ("tech"), or a British
        spelling of one ("socialise", "analyse")."""
        known = _english().known
        american = BRITISH.sub(lambda m: m[1][0] + "z" + m[2], word)
        return bool(word in english_words() or known([word]) or known([american]))
