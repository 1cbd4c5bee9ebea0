"""Quality floor: the default configuration on the test split must not fall below today's figures.

Raise the floors as quality improves; never lower them to pass. The run's report (JSON, Markdown, plot)
is written to tests/artifacts/, so every CI run leaves the figures it measured.
"""

from pathlib import Path

import pytest

from rag.evaluation import report
from rag.evaluation.experiments import retriever_for
from rag.evaluation.metrics import evaluate
from rag.evaluation.questions import load_questions, select
from rag.retrieval.fusion import DEFAULT

FLOORS = {"Success@5": 0.90, "MRR@10": 0.80}  # test split, measured 0.931 and 0.822 on 2026-11-22
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.mark.slow
def test_default_configuration_holds_its_floors_on_the_test_split(seed_index):
    questions = select(load_questions(Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"), "test")
    result = evaluate("default", retriever_for(seed_index, DEFAULT), questions)
    report.write([result], questions, "test", 10, ARTIFACTS)
    figures = result.figures["all"]
    assert all(figures[measure] >= floor for measure, floor in FLOORS.items()), figures
