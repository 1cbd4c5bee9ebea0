"""WSIS RAG: answers questions about WSIS documents only with verbatim, cited paragraphs."""

from rag.errors import DocumentsError, IndexStoreError, ModelError, NotFoundError, QueryError, RagError
from rag.passage import Answer, Passage, SameAs
from rag.retrieval.fusion import Settings
from rag.retrieval.index import Index, answer, search

__all__ = [
    "Index",
    "search",
    "answer",
    "Passage",
    "Answer",
    "SameAs",
    "Settings",
    "RagError",
    "DocumentsError",
    "IndexStoreError",
    "ModelError",
    "QueryError",
    "NotFoundError",
]
