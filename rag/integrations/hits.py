"""What the retrievers (LangChain, LlamaIndex) hand a pipeline: each passage of tools.search_passages as its
verbatim quote, a stable id and one flat metadata dict. Imports no framework."""

from dataclasses import dataclass

from rag.integrations import tools
from rag.retrieval.index import Index


@dataclass(frozen=True)
class Hit:
    id: str  # "<doc_id>#<label>": the same paragraph always has the same id
    quote: str  # the paragraph, verbatim
    score: float
    metadata: dict


def retrieve(
    index: Index, question: str, k: int = 5, documents: list[str] | None = None, *, base_url: str = ""
) -> list[Hit]:
    """The passages that best answer `question`, best first. Every hit carries the answer's `answered` flag
    and `notices`, so a pipeline can tell weak nearest passages from an answer without a second call."""
    result = tools.search_passages(index, question, k, documents, base_url=base_url)
    return [_hit(passage, result["answered"], result["notices"]) for passage in result["passages"]]


def _hit(passage: dict, answered: bool, notices: list[str]) -> Hit:
    metadata = {key: value for key, value in passage.items() if key not in ("quote", "document")}
    metadata = {"doc_id": passage["document"], **metadata, "answered": answered, "notices": notices}
    return Hit(f"{passage['document']}#{passage['label']}", passage["quote"], passage["score"], metadata)
