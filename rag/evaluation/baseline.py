"""The "tutorial baseline": the common LangChain recipe, for comparison in the evaluation.

RecursiveCharacterTextSplitter with 1000-character chunks and 200 overlap over each raw file, the same
embedding model, a FAISS inner-product index, dense retrieval only. Its chunks are scored like our
passages: relevant when they contain a gold quote.
"""

import faiss
from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.evaluation.metrics import Hit, Response
from rag.store.encoder import Embedder


class TutorialBaseline:
    def __init__(self, documents: dict[str, str], embedder: Embedder):
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self._chunks = [(doc_id, piece) for doc_id, text in documents.items() for piece in splitter.split_text(text)]
        self._embedder = embedder
        vectors = embedder.embed([piece for _, piece in self._chunks])
        self._dense = faiss.IndexFlatIP(vectors.shape[1])  # the dimensions of whichever model embeds
        self._dense.add(vectors)

    def __call__(self, query: str, k: int) -> Response:
        scores, ids = self._dense.search(self._embedder.embed([query]), k)
        hits = [
            Hit(self._chunks[i][0], self._chunks[i][1], f"{self._chunks[i][0]} chunk {i}", float(s))
            for s, i in zip(scores[0], ids[0], strict=True)
            if i >= 0
        ]
        return Response(hits)
