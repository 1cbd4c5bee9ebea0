"""The lexical index: bm25s's BM25, summed at question time without bm25s."""

import json
from pathlib import Path

import bm25s
import numpy as np

from rag.store.lexical import LexicalIndex, stopwords, terms

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"
QUESTIONS = [json.loads(line)["question"] for line in QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()]


def test_scores_are_bm25s_scores_for_every_reference_question(seed_index, tmp_path):
    texts = [chunk.text for chunk in seed_index._stored.chunks]
    LexicalIndex.build(texts).save(tmp_path / "lexical")
    ours = LexicalIndex.load(tmp_path / "lexical")
    theirs = bm25s.BM25()
    theirs.index([terms(t, stopwords()) or [""] for t in texts], show_progress=False)
    for question in [*QUESTIONS, "divides divides divides", "zzz unknown words only", ""]:
        known = [t for t in terms(question, stopwords()) if t in theirs.vocab_dict]
        expected = theirs.get_scores(known) if known else np.zeros(len(texts))
        assert np.allclose(ours.scores(question), expected, atol=1e-5), question


def test_terms_drop_question_words_and_stem():
    assert terms("What does the Agenda say about the divides between countries?", stopwords()) == [
        "agenda",
        "say",
        "divid",
        "between",
        "countri",
    ]
