"""Typo tolerance: a query word that is neither in the documents nor an English word is read as the word one
or two edits from it ("Govrnance" -> "governance"): the documents' own words found with rapidfuzz, and
English words with pyspellchecker ("extnded" -> "extended", though the documents only say "extend")."""

import functools
import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from rag.ingest.normalise import normalise
from rag.store.ocr import english_words

MAX_EDITS = 2
MIN_LENGTH = 4  # shorter words are too often another word one edit away
WORD = re.compile(r"[^\W\d_]+")
BRITISH = re.compile(r"is(e|ed|es|ing|ation|ations)$")  # "socialise" is "socialize", not a typo


@functools.lru_cache(maxsize=1)
def _english():
    from spellchecker import SpellChecker

    return SpellChecker()


class Speller:
    def __init__(self, vocabulary: dict[str, int]):
        self._counts = vocabulary
        self._words = sorted(w for w in vocabulary if len(w) >= MIN_LENGTH - 1 and w.isalpha())

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
        if len(word) < MIN_LENGTH or word in self._counts or self._is_english(word):
            return None
        candidates = process.extract(word, self._words, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, limit=5)
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
        spelling of one ("socialise")."""
        known = _english().known
        return bool(word in english_words() or known([word]) or known([BRITISH.sub(lambda m: "iz" + m[1], word)]))
