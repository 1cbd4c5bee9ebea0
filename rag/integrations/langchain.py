"""A LangChain retriever over an Index: each passage as a Document whose page_content is the paragraph
verbatim, whose id is "<document>#<label>" and whose metadata holds its citations, link and scores under the
contract's names (rag/integrations/hits.py says what each key is). Lists (pages, footnotes, same_language,
notices) stay lists: LangChain documents allow them.

    from rag.integrations.langchain import PassageRetriever
    retriever = PassageRetriever(k=3)             # or PassageRetriever(index=Index.open(...))
    docs = retriever.invoke("gender digital divide")
    docs = retriever.invoke("gender digital divide", k=1, documents=["President's Summary"])  # for this call
"""

import asyncio
from typing import Any

try:
    from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
except ImportError as error:
    raise ImportError(
        "The LangChain retriever needs langchain-core; install it with: pip install 'wsis-rag[langchain]'"
    ) from error

from pydantic import ConfigDict, Field

from rag.integrations.hits import retrieve
from rag.retrieval.index import Index, default_index
from rag.retrieval.query import DEFAULT_K, check_document_names, check_k


class PassageRetriever(BaseRetriever):
    """The k paragraphs that best answer a query, best first, optionally only from some `documents` (each
    named by UN symbol, short name or id). `k` and `documents` given to invoke() or ainvoke() replace the
    retriever's own for that call. Retrievers built without an `index` share the default one (opened once
    per process). `base_url` is put before each link ("http://host:7860").
    Bad parameters raise rag.QueryError with the library's message, when built or called; an unknown document
    rag.NotFoundError (both ValueError)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index = Field(default_factory=default_index)
    k: int = DEFAULT_K
    documents: list[str] | None = None
    base_url: str = ""

    def __init__(self, **data: Any) -> None:
        # The library's checks first: pydantic would take "3" for 3 and wrap the library's message in its own.
        check_k(data.get("k", DEFAULT_K))
        check_document_names(data.get("documents"))
        super().__init__(**data)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        documents: list[str] | None = None,
    ) -> list[Document]:
        k = self.k if k is None else k
        documents = self.documents if documents is None else documents
        return [
            Document(id=hit.id, page_content=hit.quote, metadata=hit.metadata)
            for hit in retrieve(self.index, query, k, documents, base_url=self.base_url)
        ]

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        documents: list[str] | None = None,
    ) -> list[Document]:
        # BaseRetriever's own would drop `k` and `documents`. A thread keeps the loop free (an Index is thread-safe).
        sync_manager = run_manager.get_sync()
        return await asyncio.to_thread(
            self._get_relevant_documents, query, run_manager=sync_manager, k=k, documents=documents
        )
