"""Repair OCR damage for search ("leT" -> ICT, "20I5" -> 2015, "impoliant" -> important, "ofthe" -> of the).

General rules, no list of any document's words: a token is suspect when its casing is anomalous ("leT"),
when it mixes digits with look-alike letters ("20I5"), or when it is rare in the corpus and not an English
word (the embedding model's vocabulary serves as the lexicon, so "older" or "bringing" are left alone). It
is repaired by the confusions OCR is known for (rn/m, li/rt, n/u, b/h, l/I/1, e/c, O/0, S/5 ...), or by
splitting off a short word run into the next ("ofthe"), and only into words the corpus itself uses.
The repairs feed search; quotes always show the text as printed.
"""

import functools
import json
import re
from collections import Counter
from pathlib import Path

from rag.store.model import bundled_dir

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
ODD_CASE = re.compile(r"[a-z][A-Z]|^[A-Z]{2}[a-z]{2,}")  # leT, impOltant, AfHcan, FUithennore; not ICTs
DIGIT_LOOKALIKES = str.maketrans({"I": "1", "l": "1", "O": "0", "o": "0", "S": "5", "B": "8"})
# Letter groups OCR reads one for the other (each pair both ways).
CONFUSIONS = [
    ("rn", "m"), ("cl", "d"), ("li", "h"), ("li", "rt"), ("ol", "or"), ("n", "u"), ("b", "h"), ("l", "i"),
    ("l", "t"), ("e", "c"), ("o", "c"), ("ri", "h"), ("ui", "ur"), ("nn", "rm"), ("in", "m"), ("m", "ar"),
    ("fi'", "fr"), ("ln'", "hr"), ("vv", "w"), ("ii", "u"),
]  # fmt: skip
PAIRS = CONFUSIONS + [(b, a) for a, b in CONFUSIONS]
KNOWN = 2  # a repair must be a word the corpus uses at least this often
RARE = 2  # a word used at most this often, and not an English word, is a suspect
RUN_TOGETHER = frozenset("of to in on at by the and for".split())  # "ofthe", "ofWSIS", "tothe"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
LONGEST_WORD = 40  # past this a token is no misread word; its candidates would grow with the cube of its length
MIN_LEXICON = 1000  # whole words a model's vocabulary must give to serve as the lexicon
# How tokenizers mark a piece that starts a word: SentencePiece "▁" (XLM-R, T5), byte-level BPE "Ġ" (RoBERTa).
WORD_STARTS = ("▁", "Ġ")


class OcrRepairer:
    def __init__(self, texts: list[str], lexicon: frozenset[str] | None = None):
        """`lexicon`: the words that are never suspect for being rare (default: the English word list)."""
        self._lexicon = english_words() if lexicon is None else lexicon
        self._counts: Counter[str] = Counter()
        self._forms: dict[str, Counter[str]] = {}
        for text in texts:
            for token in TOKEN.findall(text):
                self._counts[token.lower()] += 1
                self._forms.setdefault(token.lower(), Counter())[token] += 1

    def repair(self, token: str) -> str | None:
        """The word a damaged token stands for, in its usual spelling, or None when it looks fine."""
        lower = token.lower()
        if not 3 <= len(lower) <= LONGEST_WORD or not self._suspect(token, lower):
            return None
        if any(c.isdigit() for c in token):
            fixed = token.translate(DIGIT_LOOKALIKES)
            return fixed if fixed.isdigit() and fixed != token else None
        strong = bool(ODD_CASE.search(token)) or len(lower) >= 5  # short plain words get one confusion only
        candidates = _substitutions(lower)
        if strong:
            candidates += [c for first in candidates for c in _substitutions(first)]
        if ODD_CASE.search(token):
            candidates += self._one_letter_off(lower)
        candidates += self._split(lower)
        for candidate in dict.fromkeys(candidates):
            if candidate != lower and all(self._is_known(word) for word in candidate.split()):
                return " ".join(self._usual_form(word) for word in candidate.split())
        return None

    def _is_known(self, word: str) -> bool:
        """Used often enough, and usually spelt normally (not another damaged form, like "lCTs")."""
        return self._counts[word] >= KNOWN and not ODD_CASE.search(self._usual_form(word))

    def _usual_form(self, word: str) -> str:
        return self._forms[word].most_common(1)[0][0]

    def repaired(self, text: str, *, keep_original: bool) -> str:
        """The text with suspect tokens repaired: replaced (for embedding) or followed by the repair
        (for the lexical index, which then matches both spellings)."""

        def fix(match: re.Match) -> str:
            repair = self.repair(match[0])
            if repair is None:
                return match[0]
            return f"{match[0]} {repair}" if keep_original else repair

        return TOKEN.sub(fix, text)

    def _suspect(self, token: str, lower: str) -> bool:
        if any(c.isdigit() for c in token):
            digits = sum(c.isdigit() for c in token)
            return digits >= 2 and digits < len(token) and bool(re.fullmatch(r"[\dIlOoSB]{3,}", token))
        if ODD_CASE.search(token) or "'" in lower.rstrip("s'"):
            return True
        return self._counts[lower] <= RARE and lower.isalpha() and lower not in self._lexicon

    def _one_letter_off(self, word: str) -> list[str]:
        """One letter misread as any other ("impOltant" -> "important"), in long words only."""
        if len(word) < 7:
            return []
        return [word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in LETTERS if c != word[i]]

    def _split(self, word: str) -> list[str]:
        """A short word run into the next: "ofthe" -> "of the", "ofWSIS" -> "of WSIS"."""
        return [f"{w} {word[len(w) :]}" for w in RUN_TOGETHER if word.startswith(w) and len(word) > len(w) + 1]


def english_words() -> frozenset[str]:
    """Whole words of the bundled model's (uncased English) vocabulary."""
    return lexicon(bundled_dir())


@functools.lru_cache(maxsize=4)
def lexicon(folder: Path) -> frozenset[str]:
    """Whole words, lower-cased, of the vocabulary of the model in `folder`: its vocab.txt (WordPiece), else
    the word-initial pieces of its tokenizer.json (SentencePiece, BPE); the English word list when neither
    gives enough words to tell a damaged word from a real one (a byte-level or character model)."""
    if (folder / "vocab.txt").is_file():
        pieces = (folder / "vocab.txt").read_text(encoding="utf-8").split()
        words = frozenset(w.lower() for w in pieces if w.isalpha() and not w.startswith("##"))
    else:
        words = frozenset(w.lower() for w in _word_pieces(folder / "tokenizer.json") if w.isalpha())
    if len(words) < MIN_LEXICON and folder != bundled_dir():
        return english_words()
    return words


def _word_pieces(path: Path) -> list[str]:
    """The pieces of a tokenizer.json vocabulary that start a word, without their marker."""
    try:
        model = json.loads(path.read_text(encoding="utf-8"))["model"]
        vocab = model["vocab"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    pieces = [p for p in (vocab if isinstance(vocab, dict) else [entry[0] for entry in vocab]) if isinstance(p, str)]
    if model.get("type") == "WordPiece":  # a word's first piece is unmarked, the rest carry "##"
        prefix = model.get("continuing_subword_prefix") or "##"
        return [piece for piece in pieces if not piece.startswith(prefix)]
    return [piece[1:] for piece in pieces if piece.startswith(WORD_STARTS)]


def _substitutions(word: str) -> list[str]:
    results = []
    for wrong, right in PAIRS:
        start = word.find(wrong)
        while start >= 0:
            results.append(word[:start] + right + word[start + len(wrong) :])
            start = word.find(wrong, start + 1)
    return results
