"""Named retrieval configurations, run side by side on the reference questions."""

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rag.evaluation.configs import ABLATIONS, BUILD_ABLATIONS, SETTINGS
from rag.evaluation.metrics import ConfigResult, Hit, Response, Retriever, evaluate
from rag.evaluation.questions import Question
from rag.ingest.folder import read_documents
from rag.retrieval.decision import Decision, fit
from rag.retrieval.fusion import DEFAULT, Settings
from rag.retrieval.index import Index
from rag.store.build import build
from rag.store.files import load


def retriever_for(index: Index, settings: Settings) -> Retriever:
    def retrieve(question: str, k: int) -> Response:
        answer = index.answer(question, k, settings=settings)
        abstains = settings.dense  # without the dense signal there is no similarity to abstain on
        hits = [Hit(p.doc_id, p.text, p.citation, p.score) for p in answer.passages]
        return Response(hits, answer.abstained if abstains else None)

    return retrieve


def calibrate_abstention(index: Index, questions: list[Question], max_false: float = 0.05) -> dict:
    """Fit the answer-or-not decision (rag/retrieval/decision.py) on the questions: a logistic regression over
    each question's evidence, then the highest cut that refuses at most `max_false` of the answerable ones.
    Questions that name paragraphs, quote wording or ask for what is not there are decided without it, and
    left out. Returns the decision's record and the rates it reaches on these questions."""
    never = replace(DEFAULT, decision=Decision.threshold(-1.0))  # answers all: for the evidence
    rows = []
    for question in questions:
        answer = index.answer(question.question, 5, settings=never)
        # Answered by reference or quoted wording, or refused for what is not there: not the decision's to make.
        if not (answer.abstained or any(p.match for p in answer.passages)):
            rows.append((answer.evidence.features(), question.answerable))
    fitted = fit(rows, max_false)
    refused = [(answerable, not fitted.answers(features)) for features, answerable in rows]
    answerable = [r for ok, r in refused if ok]
    unanswerable = [r for ok, r in refused if not ok]
    return {
        **fitted.record(),
        "abstention": sum(unanswerable) / max(1, len(unanswerable)),
        "false abstention": sum(answerable) / max(1, len(answerable)),
        "weighed": len(rows),
    }


def run(
    index: Index, questions: list[Question], names: list[str], docs_dir: Path, k: int = 10, progress: Callable = print
) -> list[ConfigResult]:
    """Evaluate each named configuration on the same questions, loading everything once."""
    results = []
    with tempfile.TemporaryDirectory(prefix="rag-ablation-") as scratch:
        for name in names:
            progress(f"Evaluating {name} on {len(questions)} questions ...")
            retriever = _retriever(name, index, docs_dir, Path(scratch) / name.replace(" ", "-"))
            retriever("warm up", 1)  # first-call costs (model load, caches) are not a query's latency
            results.append(evaluate(name, retriever, questions, k))
    return results


def _retriever(name: str, index: Index, docs_dir: Path, scratch: Path) -> Retriever:
    if name == "baseline":
        from rag.evaluation.baseline import TutorialBaseline

        texts = {path.stem: extracted.text for path, extracted in read_documents(docs_dir)[0].items()}  # as indexed
        return TutorialBaseline(texts, index.embedder)
    if name in BUILD_ABLATIONS:  # an index built differently, in a scratch folder
        report = build(docs_dir, scratch, embedder=index.embedder, **BUILD_ABLATIONS[name])
        return retriever_for(Index(load(report.folder), embedder=index.embedder, docs_dir=docs_dir), DEFAULT)
    return retriever_for(index, {**SETTINGS, **ABLATIONS}[name])
