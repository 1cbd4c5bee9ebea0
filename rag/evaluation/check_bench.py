"""`rag bench --check`: how long a draft of 100 paragraphs takes to check against an index, and how long the
chat's questions take meanwhile (a check runs in a thread of the same process, as in `rag serve`).

The draft is made of real drafts' paragraphs: those of the index's draft resolutions (documents whose
masthead says "draft"), in order, until 100. Figures are medians of --runs checks, one at a time, after a
first check that builds the 5-gram index (timed apart).
"""

import json
import platform
import statistics
import threading
import time
from pathlib import Path

from rag.precedents.check import check_draft
from rag.precedents.draft import draft_from_text
from rag.retrieval.index import Index

PARAGRAPHS = 100


def draft_of_real_paragraphs(index: Index, n: int = PARAGRAPHS) -> str:
    texts = []
    for document in sorted(index.documents, key=lambda d: d.id):
        if "draft" not in document.kind:
            continue
        texts += [u.text for u in index.units(document.id) if u.kind in ("paragraph", "item")]
        if len(texts) >= n:
            break
    if len(texts) < n:  # an index without drafts: its first paragraphs
        texts = [u.text for d in index.documents for u in index.units(d.id) if u.kind == "paragraph"][:n]
    return "\n\n".join(texts[:n])


def run(index: Index, questions: list[str], runs: int, progress) -> dict:
    draft = _draft(index)
    start = time.perf_counter()
    check_draft(index, draft)
    first = time.perf_counter() - start
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        check_draft(index, draft)
        seconds.append(time.perf_counter() - start)
    progress(
        f"Checked {len(draft.paragraphs)} paragraphs: first {first:.2f} s, then {statistics.median(seconds):.2f} s"
    )
    alone = _answer_times(index, questions)
    busy = _answer_times_during_checks(index, questions, draft)
    return {
        "documents": len(index.documents),
        "paragraphs": len(draft.paragraphs),
        "first_check_seconds": round(first, 2),
        "check_seconds_median": round(statistics.median(seconds), 2),
        "runs": runs,
        "answer_ms_alone": _percentiles(alone),
        "answer_ms_during_checks": _percentiles(busy),
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
    }


def _draft(index: Index):
    """A draft of PARAGRAPHS paragraphs as the parser reads them (two texts may read as one, or one as two)."""
    for extra in range(0, 20):
        draft = draft_from_text(draft_of_real_paragraphs(index, PARAGRAPHS + extra))
        if len(draft.paragraphs) >= PARAGRAPHS:
            return draft
    return draft


def _answer_times(index: Index, questions: list[str]) -> list[float]:
    times = []
    for question in questions:
        start = time.perf_counter()
        index.answer(question)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _answer_times_during_checks(index: Index, questions: list[str], draft) -> list[float]:
    """The questions asked one after another while another thread checks the draft again and again."""
    stop = threading.Event()

    def keep_checking() -> None:
        while not stop.is_set():
            check_draft(index, draft)

    worker = threading.Thread(target=keep_checking, daemon=True)
    worker.start()
    try:
        return _answer_times(index, questions)
    finally:
        stop.set()
        worker.join()


def _percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "questions": len(ordered),
    }


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def table(report: dict) -> str:
    alone, busy = report["answer_ms_alone"], report["answer_ms_during_checks"]
    return "\n".join(
        [
            f"Checking a draft of {report['paragraphs']} paragraphs against {report['documents']:,} documents "
            f"({report['machine']}):",
            f"  first check (builds the 5-gram index): {report['first_check_seconds']} s",
            f"  then, median of {report['runs']}: {report['check_seconds_median']} s",
            f"  a question alone: p50 {alone['p50']} ms, p95 {alone['p95']} ms ({alone['questions']} questions)",
            f"  a question while checks run: p50 {busy['p50']} ms, p95 {busy['p95']} ms",
        ]
    )


def write(report: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "check-bench.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return path
