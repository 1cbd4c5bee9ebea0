"""Retrieval evaluation on reference questions, scored with ir-measures.

A gold answer is (document id, verbatim quote); a returned passage is relevant when it is from that
document and contains the quote (whitespace collapsed). Each gold quote counts once, so Recall@5 is the
share of a question's gold quotes found in the top 5, whatever the chunking.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import ir_measures
from ir_measures import RR, R, ScoredDoc, Success, nDCG

from rag.evaluation.questions import KINDS, Question
from rag.ingest.layout import collapse

MEASURES = {"Success@1": Success @ 1, "Success@5": Success @ 5, "Recall@5": R @ 5, "MRR@10": RR @ 10}
MEASURES["nDCG@10"] = nDCG @ 10
CURVE = [Success @ k for k in range(1, 11)]
BY_KIND = "abstention by kind"  # the figures group: kind -> share of its questions abstained on


@dataclass(frozen=True)
class Hit:
    """One returned passage, as the evaluation sees it."""

    doc_id: str
    text: str
    citation: str
    score: float


@dataclass(frozen=True)
class Response:
    hits: list[Hit]
    abstained: bool | None = None  # None: this retriever never abstains


Retriever = Callable[[str, int], Response]


@dataclass
class ConfigResult:
    name: str
    figures: dict[str, dict[str, float]]  # group ("all", a kind) -> measure -> value; BY_KIND -> kind -> share
    curve: list[float]  # Success@1..10 over answerable questions
    ranks: dict[str, list[int]]  # question id -> 1-based ranks of the gold quotes found (in order found)
    abstained: dict[str, bool | None]
    latency_ms: dict[str, float]
    top: dict[str, list[Hit]] = field(default_factory=dict)  # question id -> the first hits, for the report


def found_gold(question: Question, hit: Hit) -> list[int]:
    """Indices of the gold quotes this hit contains."""
    text = collapse(hit.text)
    return [i for i, g in enumerate(question.gold) if g.doc == hit.doc_id and collapse(g.quote) in text]


def evaluate(name: str, retriever: Retriever, questions: list[Question], k: int = 10) -> ConfigResult:
    """Run every question once through `retriever` and score the rankings."""
    run, ranks, abstained, latencies, top = [], {}, {}, [], {}
    for question in questions:
        began = time.perf_counter()
        response = retriever(question.question, k)
        latencies.append((time.perf_counter() - began) * 1000)
        abstained[question.id] = response.abstained
        top[question.id] = response.hits[:3]
        run.extend(_run_entries(question, response.hits[:k], ranks))
    answerable = [q for q in questions if q.answerable]
    qrels = [ir_measures.Qrel(q.id, f"gold{i}", 1) for q in answerable for i in range(len(q.gold))]
    per_query = _per_query(qrels, [r for r in run if r.query_id in {q.id for q in answerable}])
    figures = {"all": _mean(per_query, [q.id for q in answerable])}
    for kind in KINDS:
        ids = [q.id for q in answerable if q.kind == kind]
        if ids:
            figures[kind] = _mean(per_query, ids)
    figures["all"].update(_abstention(questions, abstained))
    if by_kind := _abstention_by_kind(questions, abstained):
        figures[BY_KIND] = by_kind
    curve = [statistics.fmean(per_query[q.id][str(m)] for q in answerable) for m in CURVE] if answerable else []
    latency = {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)}
    return ConfigResult(name, figures, curve, ranks, abstained, latency, top)


def _run_entries(question: Question, hits: list[Hit], ranks: dict[str, list[int]]) -> list[ScoredDoc]:
    """The ranking as ir-measures sees it: a hit is the first gold quote it newly covers, or a miss."""
    entries, credited = [], set()
    ranks[question.id] = []
    for rank, hit in enumerate(hits, 1):
        fresh = [i for i in found_gold(question, hit) if i not in credited]
        doc = f"gold{fresh[0]}" if fresh else f"miss{rank}"
        if fresh:
            credited.add(fresh[0])
            ranks[question.id].append(rank)
        entries.append(ScoredDoc(question.id, doc, float(len(hits) - rank + 1)))
    if not entries:  # an empty ranking still counts, as a miss
        entries.append(ScoredDoc(question.id, "miss0", 0.0))
    return entries


def _per_query(qrels, run) -> dict[str, dict[str, float]]:
    values: dict[str, dict[str, float]] = {}
    for metric in ir_measures.iter_calc([*MEASURES.values(), *CURVE], qrels, run):
        values.setdefault(metric.query_id, {})[str(metric.measure)] = metric.value
    return values


def _mean(per_query: dict[str, dict[str, float]], ids: list[str]) -> dict[str, float]:
    figures = {name: statistics.fmean(per_query[i][str(m)] for i in ids) for name, m in MEASURES.items()}
    figures["questions"] = len(ids)
    return figures


def _abstention(questions: list[Question], abstained: dict[str, bool | None]) -> dict[str, float]:
    if any(abstained[q.id] is None for q in questions):
        return {}
    unanswerable = [q.id for q in questions if not q.answerable]
    answerable = [q.id for q in questions if q.answerable]
    figures = {}
    if unanswerable:
        figures["abstention"] = statistics.fmean(abstained[i] for i in unanswerable)
    if answerable:
        figures["false abstention"] = statistics.fmean(abstained[i] for i in answerable)
    return figures


def _abstention_by_kind(questions: list[Question], abstained: dict[str, bool | None]) -> dict[str, float]:
    """Each kind's share of questions abstained on: false abstention for the answerable kinds, the abstention
    rate for the kinds without gold answers."""
    if any(abstained[q.id] is None for q in questions):
        return {}
    kinds = [kind for kind in KINDS if any(q.kind == kind for q in questions)]
    return {kind: statistics.fmean(abstained[q.id] for q in questions if q.kind == kind) for kind in kinds}


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))] if ordered else 0.0
