"""A LangChain retriever over an Index: each passage as a Document whose page_content is the paragraph
verbatim and whose metadata holds its citations, link and score.

    from rag.integrations.langchain import PassageRetriever
    retriever = PassageRetriever(k=3)             # or PassageRetriever(index=Index.open(...))
    docs = retriever.invoke("gender digital divide")
"""

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
except ImportError as error:
    raise ImportError(
        "The LangChain retriever needs langchain-core; install it with: pip install 'wsis-rag[langchain]'"
    ) from error

from pydantic import ConfigDict, Field

from rag.integrations.hits import retrieve
from rag.retrieval.index import Index


class PassageRetriever(BaseRetriever):
    """The k paragraphs that best answer a query, best first, optionally only from some `documents` (each
    named by symbol, short name or id). `base_url` is put before each link ("http://host:7860").
    Library errors (rag.QueryError, rag.NotFoundError: both ValueError) propagate unchanged."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index = Field(default_factory=Index.open)
    k: int = 5
    documents: list[str] | None = None
    base_url: str = ""

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        # ainvoke needs no override: BaseRetriever runs this in an executor thread, and an Index is thread-safe.
        return [
            Document(id=hit.id, page_content=hit.quote, metadata=hit.metadata)
            for hit in retrieve(self.index, query, self.k, self.documents, base_url=self.base_url)
        ]
