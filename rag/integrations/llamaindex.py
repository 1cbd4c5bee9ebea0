"""A LlamaIndex retriever over an Index: each passage as a NodeWithScore whose TextNode holds the paragraph
verbatim, the id "<document>#<label>" and, as metadata, its citations, link and scores under the contract's
names (rag/integrations/hits.py says what each key is).

The metadata is flat, as vector stores take it (str, int, float or None: node_to_metadata_dict(node,
flat_metadata=True) accepts it): each list (pages, footnotes, same_language, notices) is a JSON array in a
string, '[2, 3]' or '[]', that json.loads gives back.

NodeWithScore.score is the passage's `similarity`, the question's cosine similarity to the paragraph or its
nearest sentence (-1 to 1; 0.0 for a paragraph without one), so a similarity cutoff
(SimilarityPostprocessor(similarity_cutoff=0.5)) keeps the near passages and drops the far. The nodes come in
the order of the ranking `score` (metadata["score"]: unbounded, not a similarity), which the score need not
follow: a paragraph the question names by number ("paragraph 32 of ...") ranks first however far its wording
is (similarity 0.21 for that one), so a cutoff drops it.

    from rag.integrations.llamaindex import PassageRetriever
    retriever = PassageRetriever(similarity_top_k=3)        # or PassageRetriever(Index.open(...))
    nodes = retriever.retrieve("gender digital divide")
"""

import asyncio
import json

try:
    from llama_index.core.callbacks import CallbackManager
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode
except ImportError as error:
    raise ImportError(
        "The LlamaIndex retriever needs llama-index-core; install it with: pip install 'wsis-rag[llamaindex]'"
    ) from error

from rag.integrations.hits import Hit, retrieve
from rag.retrieval.index import Index, default_index
from rag.retrieval.query import DEFAULT_K, check_document_names, check_k


class PassageRetriever(BaseRetriever):
    """The `similarity_top_k` paragraphs that best answer a query (LlamaIndex's name for k: 1 to 50), best
    first, optionally only from some `documents` (each named by UN symbol, short name or id). Retrievers built
    without an `index` share the default one (opened once per process). `base_url` is put before each link
    ("http://host:7860"). Bad parameters raise rag.QueryError with the library's message, when built or
    called; an unknown document rag.NotFoundError (both ValueError)."""

    def __init__(
        self,
        index: Index | None = None,
        *,
        similarity_top_k: int = DEFAULT_K,
        documents: list[str] | None = None,
        base_url: str = "",
        callback_manager: CallbackManager | None = None,
    ) -> None:
        super().__init__(callback_manager=callback_manager)
        self.similarity_top_k = check_k(similarity_top_k)
        self.documents = check_document_names(documents)
        self.index = index if index is not None else default_index()
        self.base_url = base_url

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = retrieve(
            self.index, query_bundle.query_str, self.similarity_top_k, self.documents, base_url=self.base_url
        )
        return [NodeWithScore(node=_node(hit), score=hit.similarity or 0.0) for hit in hits]

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # The base class would run the search on the event loop; a thread keeps the loop free (an Index is
        # thread-safe).
        return await asyncio.to_thread(self._retrieve, query_bundle)


def flat(metadata: dict) -> dict:
    """`metadata` with each list as a JSON array in a string, as flat metadata must be."""
    return {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
        for key, value in metadata.items()
    }


def _node(hit: Hit) -> TextNode:
    """The quote as the node's text. An LLM reading the node sees only the citation beside it (so it can cite),
    and an embedding only the quote: the rest of the metadata is for the program, not for a prompt."""
    return TextNode(
        id_=hit.id,
        text=hit.quote,
        metadata=flat(hit.metadata),
        excluded_llm_metadata_keys=[key for key in hit.metadata if key != "citation"],
        excluded_embed_metadata_keys=list(hit.metadata),
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=hit.metadata["document"])},
    )
