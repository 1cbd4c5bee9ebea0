"""In-process timings for `rag bench`, run in a process of their own for each side so neither side's
imports, threads or caches touch the other's figures:

    python -m rag.evaluation.probe ours --docs DIR --index DIR --questions FILE [--runs 5] [--limit N]
    python -m rag.evaluation.probe recipe --index DIR --questions FILE [--model DIR] ...

Prints JSON: `reopen_s`, the wall time of opening an unchanged, built index (each run), and `answer_ms`,
the latency of each question once warm (ours: Index.answer(q, k=5); the recipe: similarity_search(q, k=5)).
"""

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

WARM_UP = 3  # questions answered before timing: first-call costs are not a question's latency


def ours(docs: Path, index_dir: Path, runs: int) -> tuple[list[float], Callable[[str], object]]:
    from rag.retrieval.index import Index

    reopen, index = [], None
    for _ in range(runs):
        began = time.perf_counter()
        index = Index.open(docs, index_dir)
        reopen.append(time.perf_counter() - began)
        index.search("wait for the model", k=1)  # the model loads in the background: let it finish untimed
    return reopen, lambda question: index.answer(question, k=5)


def recipe(index_dir: Path, model: Path | None, runs: int) -> tuple[list[float], Callable[[str], object]]:
    from rag.evaluation import recipe as tutorial

    embedder = tutorial.embeddings(model)  # the model once: the reopen figure is the index files
    reopen, store = [], None
    for _ in range(runs):
        began = time.perf_counter()
        store = tutorial.load(index_dir, embedder=embedder)
        reopen.append(time.perf_counter() - began)
    return reopen, lambda question: store.similarity_search(question, k=5)


def latencies_ms(answer: Callable[[str], object], questions: list[str]) -> list[float]:
    for question in questions[:WARM_UP]:
        answer(question)
    timings = []
    for question in questions:
        began = time.perf_counter()
        answer(question)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rag.evaluation.questions import load_questions

    questions = [q.question for q in load_questions(args.questions)][: args.limit]
    if args.side == "ours":
        reopen, answer = ours(args.docs, args.index, args.runs)
    else:
        reopen, answer = recipe(args.index, args.model, args.runs)
    print(json.dumps({"reopen_s": reopen, "answer_ms": latencies_ms(answer, questions)}))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.evaluation.probe", description=__doc__.split("\n")[0])
    parser.add_argument("side", choices=["ours", "recipe"])
    parser.add_argument("--docs", type=Path, default=None, help="documents folder (ours)")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=None, help="model folder (the recipe)")
    parser.add_argument("--questions", type=Path, required=True, help="questions file (JSON Lines)")
    parser.add_argument("--runs", type=int, default=5, help="how many times to reopen the index")
    parser.add_argument("--limit", type=int, default=None, help="time only the first N questions")
    return parser


if __name__ == "__main__":
    sys.exit(main())
