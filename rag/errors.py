"""The library's errors. Each message says what happened and what to do next."""


class RagError(Exception):
    """Base class: the CLI and the UI turn these into messages, never tracebacks."""


class DocumentsError(RagError):
    """The documents folder or one of its files cannot be used."""


class ModelError(RagError):
    """The embedding model is missing or not the expected one."""


class IndexStoreError(RagError):
    """The index on disk is missing, unreadable or being written by another process."""


class QueryError(RagError, ValueError):
    """A search request that cannot be answered as asked (empty query, bad k, unknown document)."""


class NotFoundError(QueryError):
    """A document or paragraph asked for by name that the index does not hold."""
