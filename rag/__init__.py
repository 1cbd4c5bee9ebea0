"""WSIS RAG: answers questions about WSIS documents only with verbatim, cited paragraphs."""

from rag.errors import DocumentsError, IndexStoreError, ModelError, QueryError, RagError
from rag.index import Index, search
from rag.passage import Passage

__all__ = [
    "Index",
    "search",
    "Passage",
    "RagError",
    "DocumentsError",
    "IndexStoreError",
    "ModelError",
    "QueryError",
]
