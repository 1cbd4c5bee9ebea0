"""The reference questions: well-formed, balanced, and every gold quote verbatim in exactly one paragraph."""

from collections import Counter
from pathlib import Path

import pytest
from conftest import SEEDS

from rag.evaluation.questions import Gold, Question, check_questions, load_questions
from rag.ingest.paragraphs import parse

QUESTIONS = load_questions(Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl")
UNITS = [u for path in sorted(SEEDS.glob("*.txt")) for u in parse(path.stem, path.read_text(encoding="utf-8"))]


def test_every_gold_quote_is_verbatim_in_exactly_one_paragraph():
    assert check_questions(QUESTIONS, UNITS) == []


def test_enough_questions_of_every_kind_and_document():
    kinds = Counter(q.kind for q in QUESTIONS)
    assert len(QUESTIONS) >= 120 and kinds["unanswerable"] >= 20
    assert kinds["topical"] >= 20 and kinds["lacking"] >= 20
    assert set(kinds) == {"lookup", "paraphrase", "ocr", "structure", "multi", "topical", "unanswerable", "lacking"}
    per_document = Counter(doc for q in QUESTIONS for doc in {g.doc for g in q.gold})
    assert len(per_document) == 5 and min(per_document.values()) >= 15
    assert all(len(q.gold) >= 2 for q in QUESTIONS if q.kind == "multi")
    assert all(g.doc.startswith("000") for q in QUESTIONS if q.kind == "ocr" for g in q.gold)


def test_dev_and_test_splits_are_halves_stratified_by_kind():
    for kind in {q.kind for q in QUESTIONS}:
        splits = Counter(q.split for q in QUESTIONS if q.kind == kind)
        assert abs(splits["dev"] - splits["test"]) <= 1, kind


@pytest.mark.parametrize(
    ("gold", "problem"),
    [
        (Gold("004_7b6cb249c0a88164", "We emphasize our concern that only 41% of women"), None),
        (Gold("004_7b6cb249c0a88164", "We emphasize our concern that only 42% of women"), "found in 0 places"),
        (Gold("004_7b6cb249c0a88164", "digital divide"), "quote has 2 words"),
        (Gold("004_7b6cb249c0a88164", "information societies and the success of ICTs is a driver"), None),
        (
            Gold("004_7b6cb249c0a88164", "the same rights that people have offline must also be protected online"),
            "found in 2",
        ),
        (Gold("nope", "We emphasize our concern that only 41% of women"), "unknown document"),
    ],
)
def test_the_checker_catches_bad_gold(gold, problem):
    problems = check_questions([Question("q1", "?", "lookup", "dev", (gold,))], UNITS)
    assert (problem is None and problems == []) or (problem and problem in problems[0])


def test_a_minimal_questions_file_loads(tmp_path):
    path = tmp_path / "theirs.jsonl"
    path.write_text('{"question": "Q?", "gold": [{"doc": "d", "quote": "a b c d e f"}]}\n\n{"question": "R?"}\n')
    assert load_questions(path) == [
        Question("line1", "Q?", "lookup", "test", (Gold("d", "a b c d e f"),)),
        Question("line3", "R?", "unanswerable", "test", ()),
    ]
