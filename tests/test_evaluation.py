"""Scoring: relevance by gold quote, ir-measures figures, abstention and the written report."""

import json

import pytest

from rag.evaluation import report
from rag.evaluation.metrics import BY_KIND, Hit, Response, evaluate
from rag.evaluation.questions import Gold, Question

QUESTIONS = [
    Question("a", "first", "lookup", "dev", (Gold("d1", "alpha beta gamma"),)),
    Question("b", "second", "multi", "dev", (Gold("d1", "delta epsilon"), Gold("d2", "zeta eta"))),
    Question("c", "third", "lookup", "dev", (Gold("d2", "theta iota"),)),
    Question("u", "fourth", "unanswerable", "dev", ()),
]
RANKED = {
    "first": [Hit("d1", "x  alpha\nbeta gamma y", "d1 1", 1.0)],  # rank 1 (whitespace collapsed)
    "second": [
        Hit("d2", "nothing", "d2 1", 1.0),
        Hit("d1", "delta epsilon", "d1 2", 0.9),  # rank 2
        Hit("d1", "delta epsilon again", "d1 3", 0.8),  # the same quote again earns nothing
        Hit("d2", "zeta eta", "d2 2", 0.7),  # rank 4
    ],
    "third": [Hit("d1", "theta iota", "d1 9", 1.0)],  # right words, wrong document: a miss
    "fourth": [Hit("d1", "anything", "d1 5", 0.2)],
}


def fixed(question: str, k: int) -> Response:
    return Response(RANKED[question][:k], abstained=question == "fourth")


def test_figures_follow_the_gold_ranks():
    result = evaluate("fixed", fixed, QUESTIONS, k=10)
    assert result.ranks == {"a": [1], "b": [2, 4], "c": [], "u": []}
    overall = result.figures["all"]
    assert overall["questions"] == 3
    assert overall["Success@1"] == pytest.approx(1 / 3)
    assert overall["Success@5"] == pytest.approx(2 / 3)
    assert overall["Recall@5"] == pytest.approx((1 + 1 + 0) / 3)
    assert overall["MRR@10"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert overall["abstention"] == 1.0 and overall["false abstention"] == 0.0
    assert result.figures["multi"]["Success@1"] == 0.0 and "unanswerable" not in result.figures
    assert result.curve[0] == pytest.approx(1 / 3) and result.curve[1] == pytest.approx(2 / 3)


def test_abstention_by_kind_is_each_kinds_share_of_questions_abstained_on():
    questions = [
        Question("t1", "youth", "topical", "dev", (Gold("d1", "alpha beta"),)),
        Question("t2", "IGF", "topical", "dev", (Gold("d1", "gamma delta"),)),
        Question("l1", "who voted against?", "lacking", "dev", ()),
        Question("l2", "what budget?", "lacking", "test", ()),
        Question("u1", "cricket rules", "unanswerable", "dev", ()),
    ]
    refused = {"IGF", "who voted against?", "cricket rules"}

    def retriever(question: str, k: int) -> Response:
        return Response([Hit("d1", "alpha beta", "d1 1", 1.0)], abstained=question in refused)

    figures = evaluate("fixed", retriever, questions).figures
    assert figures[BY_KIND] == {"topical": 0.5, "unanswerable": 1.0, "lacking": 0.5}
    assert figures["all"]["abstention"] == pytest.approx(2 / 3) and figures["all"]["false abstention"] == 0.5
    assert figures["topical"]["Success@1"] == 0.5 and "lacking" not in figures  # t2's gold is not in the hit
    text = report.markdown([evaluate("fixed", retriever, questions)], questions, "all", 10, "plot.png")
    assert "| configuration | topical (n=2) | unanswerable (n=1) | lacking (n=2) |" in text
    assert "| fixed | 50% | 100% | 50% |" in text and "- **l2** (lacking) what budget?" in text


def test_retrievers_without_abstention_report_none():
    result = evaluate("plain", lambda q, k: Response(RANKED[q][:k]), QUESTIONS, k=3)
    assert "abstention" not in result.figures["all"] and BY_KIND not in result.figures
    assert result.ranks["b"] == [2]  # rank 4 is past k=3


def test_report_files(tmp_path):
    results = [evaluate("fixed", fixed, QUESTIONS), evaluate("plain", lambda q, k: Response(RANKED[q][:k]), QUESTIONS)]
    json_path, markdown_path, plot_path = report.write(results, QUESTIONS, "dev", 10, tmp_path)
    data = json.loads(json_path.read_text())
    assert data["configurations"]["fixed"]["gold_ranks"]["b"] == [2, 4]
    text = markdown_path.read_text()
    assert "| fixed | 0.333 | 0.667 | 0.667 | 0.500 |" in text
    assert "| plain |" in text and "| - | - |" in text  # no abstention figures for plain
    assert "| fixed | 0% | 0% | 100% |" in text  # abstention by kind: lookup, multi, unanswerable
    assert data["configurations"]["fixed"]["figures"][BY_KIND] == {"lookup": 0.0, "multi": 0.0, "unanswerable": 1.0}
    assert "- **c** (lookup) third" in text and "1. d1 9: theta iota" in text
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
