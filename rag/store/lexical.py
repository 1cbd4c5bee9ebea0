"""The lexical index: BM25 over the same chunks as the dense index, on normalised, stemmed words.

bm25s computes it (each term's score in each chunk, a sparse matrix kept as three numpy arrays); a question
only sums its terms' rows, done here with numpy, so asking needs neither bm25s nor the scipy it imports.
"""

import functools
import json
import logging
from pathlib import Path

import numpy as np
import Stemmer

from rag.ingest.normalise import words

LEXICAL_VERSION = "6"
# Question words, auxiliaries and pronouns: bm25s's English list keeps them, and questions are full of them.
QUESTION_WORDS = """what which who whom whose when where why how do does did doing done has have had having can
could should would may might must shall am been being were we our us you your i me my he she his her its them
any some about also too very just so""".split()


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | frozenset(QUESTION_WORDS)


def terms(text: str, stop: frozenset[str], *, stem: bool = True) -> list[str]:
    """Search terms: normalised words, stop words out, stemmed ("divides" -> "divid")."""
    kept = [w for w in words(text) if (len(w) > 1 or w.isdigit()) and w not in stop]
    return _stemmer().stemWords(kept) if stem else kept


ARRAYS = ("data", "indices", "indptr")  # term t's chunks: indices[indptr[t]:indptr[t+1]], their scores: data


class LexicalIndex:
    """BM25 scores for every chunk; row i is chunk i, as in the dense index."""

    def __init__(self, settings: dict, vocabulary: dict[str, int], chunks: int, arrays: dict[str, np.ndarray]):
        self._settings = settings
        self._stem, self._stop = settings["stem"], frozenset(settings["stopwords"])
        self._vocabulary, self._chunks = vocabulary, chunks
        self._data, self._indices, self._indptr = (arrays[name] for name in ARRAYS)

    @classmethod
    def build(cls, texts: list[str], *, stem: bool = True) -> "LexicalIndex":
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # its import sets it to DEBUG: "Building index..."
        stop = stopwords()
        model = bm25s.BM25()
        model.index([terms(t, stop, stem=stem) or [""] for t in texts], show_progress=False)
        arrays = {name: np.asarray(model.scores[name]) for name in ARRAYS}
        settings = {"stem": stem, "stopwords": sorted(stop), "bm25s": bm25s.__version__, "method": model.method}
        return cls(settings, dict(model.vocab_dict), int(model.scores["num_docs"]), arrays)

    def save(self, folder: Path) -> None:
        folder.mkdir()
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, f"_{name}"))
        summary = {**self._settings, "chunks": self._chunks, "vocabulary": self._vocabulary}
        (folder / "terms.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        summary = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
        return cls(summary, summary["vocabulary"], summary["chunks"], arrays)

    def terms(self, text: str) -> tuple[str, ...]:
        return self._terms(text)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 (the same sentences are highlighted again and again)
    def _terms(self, text: str) -> tuple[str, ...]:
        return tuple(terms(text, self._stop, stem=self._stem))

    def chunks_with(self, term: str) -> np.ndarray:
        """The chunks that hold a (stemmed) term; none for a term the documents never use."""
        if term not in self._vocabulary:
            return np.zeros(0, dtype=np.int64)
        i = self._vocabulary[term]
        return np.asarray(self._indices[self._indptr[i] : self._indptr[i + 1]])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no query term is in the index): the sum of
        its terms' rows, each term counted as often as the query has it, as bm25s does."""
        ids = [self._vocabulary[t] for t in self.terms(query) if t in self._vocabulary]
        if not ids:
            return np.zeros(self._chunks, dtype=np.float32)
        at = np.concatenate([np.arange(self._indptr[i], self._indptr[i + 1]) for i in ids])
        return np.bincount(self._indices[at], weights=self._data[at], minlength=self._chunks).astype(np.float32)
