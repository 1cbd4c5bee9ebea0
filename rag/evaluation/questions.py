"""Reference questions for the evaluation: loading and checking them against the documents."""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.layout import collapse
from rag.ingest.paragraphs import BODY_KINDS, Unit

KINDS = ("lookup", "paraphrase", "ocr", "structure", "multi", "topical", "unanswerable", "lacking")
UNANSWERED_KINDS = ("unanswerable", "lacking")  # the kinds without gold answers
SPLITS = ("dev", "test")
QUOTE_WORDS = (6, 25)


@dataclass(frozen=True)
class Gold:
    doc: str
    quote: str  # verbatim from the answering paragraph


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    kind: str
    split: str
    gold: tuple[Gold, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSON Lines file; `id`, `kind` and `split` may be left out (another team's file):
    they default to the line number, "lookup" (or "unanswerable" without gold) and "test"."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold = tuple(Gold(g["doc"], g["quote"]) for g in row.get("gold", ()))
            kind = row.get("kind") or ("lookup" if gold else "unanswerable")
            questions.append(
                Question(str(row.get("id", f"line{number}")), row["question"], kind, row.get("split", "test"), gold)
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a question record ({error})") from error
    return questions


def select(questions: list[Question], split: str) -> list[Question]:
    return questions if split == "all" else [q for q in questions if q.split == split]


def check_questions(questions: list[Question], units: list[Unit]) -> list[str]:
    """Every problem with the questions: bad fields, and gold quotes that are not verbatim in exactly one
    paragraph of their document. An empty list means the questions are sound."""
    problems = [f"duplicate id {i}" for i, n in Counter(q.id for q in questions).items() if n > 1]
    texts: dict[str, list[str]] = {}
    for unit in units:
        if unit.kind in BODY_KINDS:
            texts.setdefault(unit.doc_id, []).append(unit.text)
    for question in questions:
        where = f"{question.id}:"
        if question.kind not in KINDS or question.split not in SPLITS:
            problems.append(f"{where} unknown kind {question.kind!r} or split {question.split!r}")
        if (question.kind in UNANSWERED_KINDS) == question.answerable:
            problems.append(f"{where} only {' and '.join(UNANSWERED_KINDS)} questions have no gold answers")
        for gold in question.gold:
            problems.extend(f"{where} {p}" for p in _check_gold(gold, texts))
    return problems


def _check_gold(gold: Gold, texts: dict[str, list[str]]) -> list[str]:
    if gold.doc not in texts:
        return [f"unknown document {gold.doc!r}"]
    quote = collapse(gold.quote)
    words = len(quote.split())
    problems = [] if QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1] else [f"quote has {words} words: {quote[:40]!r}"]
    holders = sum(text.count(quote) for text in texts[gold.doc])
    if holders != 1:
        problems.append(f"quote found in {holders} places of {gold.doc}, not exactly one: {quote[:50]!r}")
    return problems
