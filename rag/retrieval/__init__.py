"""Retrieval: a question -> ranked, cited passages.

Named `retrieval`, not `search`, so the package never shadows the public function `rag.search`.
"""
