"""Named retrieval configurations, run side by side on the reference questions."""

from collections.abc import Callable
from pathlib import Path

from rag.documents import document_files, read_text
from rag.evaluation import ConfigResult, Hit, Response, Retriever, evaluate
from rag.index import Index
from rag.questions import Question
from rag.retrieval import DEFAULT, Settings

# name -> settings of our own retriever; "baseline" is the tutorial recipe, built on the side.
SETTINGS: dict[str, Settings] = {
    "default": DEFAULT,
    "dense": Settings(lexical=False, sentences="off", references=False, document_prior=0.0),
    "lexical": Settings(dense=False, references=False, document_prior=0.0),
    "hybrid": Settings(sentences="off", references=False, document_prior=0.0),
}
MAIN = ["default", "dense", "lexical", "hybrid", "baseline"]
ABLATIONS: dict[str, Settings] = {
    "no sentences": Settings(sentences="off"),
    "sentences max": Settings(sentences="max"),
    "no references": Settings(references=False),
    "no document prior": Settings(document_prior=0.0),
}
CONFIGS = [*MAIN, *ABLATIONS]


def retriever_for(index: Index, settings: Settings) -> Retriever:
    def retrieve(question: str, k: int) -> Response:
        passages = index.search(question, k, settings=settings)
        return Response([Hit(p.doc_id, p.text, p.citation, p.score) for p in passages])

    return retrieve


def run(
    index: Index, questions: list[Question], names: list[str], docs_dir: Path, k: int = 10, progress: Callable = print
) -> list[ConfigResult]:
    """Evaluate each named configuration on the same questions, loading everything once."""
    results = []
    for name in names:
        if name == "baseline":
            from rag.baseline import TutorialBaseline

            texts = {path.stem: read_text(path) for path in document_files(docs_dir)}
            retriever = TutorialBaseline(texts, index.embedder)
        else:
            retriever = retriever_for(index, {**SETTINGS, **ABLATIONS}[name])
        retriever("warm up", 1)  # first-call costs (model load, caches) are not a query's latency
        progress(f"Evaluating {name} on {len(questions)} questions ...")
        results.append(evaluate(name, retriever, questions, k))
    return results
