"""The lexical index: BM25 (bm25s) over the same chunks as the dense index, on normalised, stemmed words."""

import functools
import json
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from rag.ingest.normalise import words

LEXICAL_VERSION = "5"
# Question words, auxiliaries and pronouns: bm25s's English list keeps them, and questions are full of them.
QUESTION_WORDS = """what which who whom whose when where why how do does did doing done has have had having can
could should would may might must shall am been being were we our us you your i me my he she his her its them
any some about also too very just so""".split()


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | frozenset(QUESTION_WORDS)


def terms(text: str, *, stem: bool = True) -> list[str]:
    """Search terms: normalised words, stop words out, stemmed ("divides" -> "divid")."""
    kept = [w for w in words(text) if (len(w) > 1 or w.isdigit()) and w not in _stopwords()]
    return _stemmer().stemWords(kept) if stem else kept


class LexicalIndex:
    """BM25 scores for every chunk; row i is chunk i, as in the dense index."""

    def __init__(self, model: bm25s.BM25, *, stem: bool = True):
        self._model = model
        self._stem = stem

    @classmethod
    def build(cls, texts: list[str], *, stem: bool = True) -> "LexicalIndex":
        model = bm25s.BM25()
        model.index([terms(t, stem=stem) or [""] for t in texts], show_progress=False)
        return cls(model, stem=stem)

    def save(self, folder: Path) -> None:
        self._model.save(str(folder))
        (folder / "terms.json").write_text(json.dumps({"stem": self._stem}))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        stem = json.loads((folder / "terms.json").read_text())["stem"]
        return cls(bm25s.BM25.load(str(folder)), stem=stem)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no query term is in the index)."""
        known = [t for t in terms(query, stem=self._stem) if t in self._model.vocab_dict]
        if not known:
            return np.zeros(self._model.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)
