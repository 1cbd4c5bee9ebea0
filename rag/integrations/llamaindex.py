"""A LlamaIndex retriever over an Index: each passage as a NodeWithScore whose TextNode holds the paragraph
verbatim, its citations, link and score as metadata, and the id "<doc_id>#<label>".

    from rag.integrations.llamaindex import PassageRetriever
    retriever = PassageRetriever(k=3)             # or PassageRetriever(Index.open(...))
    nodes = retriever.retrieve("gender digital divide")
"""

import asyncio

try:
    from llama_index.core.callbacks import CallbackManager
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode
except ImportError as error:
    raise ImportError(
        "The LlamaIndex retriever needs llama-index-core; install it with: pip install 'wsis-rag[llamaindex]'"
    ) from error

from rag.integrations.hits import Hit, retrieve
from rag.retrieval.index import Index


class PassageRetriever(BaseRetriever):
    """The k paragraphs that best answer a query, best first, optionally only from some `documents` (each
    named by symbol, short name or id). `base_url` is put before each link ("http://host:7860").
    Library errors (rag.QueryError, rag.NotFoundError: both ValueError) propagate unchanged."""

    def __init__(
        self,
        index: Index | None = None,
        *,
        k: int = 5,
        documents: list[str] | None = None,
        base_url: str = "",
        callback_manager: CallbackManager | None = None,
    ) -> None:
        super().__init__(callback_manager=callback_manager)
        self.index = index if index is not None else Index.open()
        self.k = k
        self.documents = documents
        self.base_url = base_url

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = retrieve(self.index, query_bundle.query_str, self.k, self.documents, base_url=self.base_url)
        return [NodeWithScore(node=_node(hit), score=hit.score) for hit in hits]

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # The base class would run the search on the event loop; a thread keeps the loop free (an Index is
        # thread-safe).
        return await asyncio.to_thread(self._retrieve, query_bundle)


def _node(hit: Hit) -> TextNode:
    """The quote as the node's text. An LLM reading the node sees only the citation beside it (so it can cite),
    and an embedding only the quote: the rest of the metadata is for the program, not for a prompt."""
    return TextNode(
        id_=hit.id,
        text=hit.quote,
        metadata=hit.metadata,
        excluded_llm_metadata_keys=[key for key in hit.metadata if key != "citation"],
        excluded_embed_metadata_keys=list(hit.metadata),
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=hit.metadata["doc_id"])},
    )
