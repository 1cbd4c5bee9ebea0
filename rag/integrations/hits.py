"""What the retrievers (LangChain, LlamaIndex) hand a pipeline: each passage of tools.search_passages as its
verbatim quote, a stable id and one metadata dict. Imports no framework.

The metadata holds every field of results.PassageResult but the quote (the hit's text), under the contract's
names, and two of the search's:
    plain_quote       the paragraph to paste: no markup ("*Notes*" is "Notes"), marks raised
    citation          'A/RES/79/277, para. 5, pp. 2-3'; full_citation: its title, symbol, date and paragraph
    document          the document's id in this index; document_name: how citations name it; document_title
    label, place      the paragraph's own label ("32", "48(a)", "PP3") and as a reader says it ("para. 32")
    section           the headings it stands under
    kind              "paragraph", "item", "table" or "footnote"
    pages             the pages it is printed on, where the source has pages (a list of numbers)
    url               the paragraph in the source viewer
    score             ranks the passages of one search, higher first; unbounded (about 1.4 to 3, more for a
                      quoted phrase), not a similarity
    similarity        the question's cosine similarity to the paragraph or its nearest sentence, -1 to 1; None
                      for a paragraph fetched by label
    weak              only the nearest match to a question the documents do not answer
    match             "reference" (named by the question), "phrase" (holds quoted words) or ""
    footnotes         the footnotes its marks point to, verbatim (a list)
    same_language     citations of the same language in other documents (a list)
    answered          False when no passage answers well enough: every passage is then only the nearest
    notices           why nothing answers, or how the question was read (a list)
"""

from dataclasses import dataclass

from rag.integrations import tools
from rag.retrieval.index import Index
from rag.retrieval.query import DEFAULT_K


@dataclass(frozen=True)
class Hit:
    id: str  # "<document>#<label>": the same paragraph always has the same id
    quote: str  # the paragraph, verbatim
    similarity: float | None  # as in the metadata
    metadata: dict


def retrieve(
    index: Index, question: str, k: int = DEFAULT_K, documents: list[str] | None = None, *, base_url: str = ""
) -> list[Hit]:
    """The passages that best answer `question`, best first. Every hit carries the answer's `answered` flag
    and `notices`, so a pipeline can tell weak nearest passages from an answer without a second call."""
    result = tools.search_passages(index, question, k, documents, base_url=base_url)
    return [_hit(passage, result["answered"], result["notices"]) for passage in result["passages"]]


def _hit(passage: dict, answered: bool, notices: list[str]) -> Hit:
    metadata = {key: value for key, value in passage.items() if key != "quote"}
    metadata |= {"answered": answered, "notices": notices}
    return Hit(f"{passage['document']}#{passage['label']}", passage["quote"], passage["similarity"], metadata)
