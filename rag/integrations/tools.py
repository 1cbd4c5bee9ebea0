"""The three operations every integration offers (MCP tools, REST routes, retrievers): search the passages
that answer a question, fetch one paragraph by its label, list the documents. Each returns plain JSON-ready
data holding only the documents' own words, their citations and links: never text of our own."""

from rag.errors import QueryError
from rag.passage import Answer, Passage
from rag.retrieval import notices
from rag.retrieval.index import Index

MAX_K = 50  # passages a remote caller may ask for at once: enough to read, bounded work per request


def search_passages(
    index: Index, question: str, k: int = 5, documents: list[str] | None = None, *, base_url: str = ""
) -> dict:
    """The verbatim paragraphs that best answer `question`, best first, and whether the documents answer it
    at all. `documents` narrows the search; each is named by symbol ("A/RES/79/277"), short name or id."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K} (got {k!r}).")
    return answer_result(index.answer(question, k, docs=index.document_ids(documents)), base_url)


def get_paragraph(index: Index, document: str, label: str, *, base_url: str = "") -> dict:
    """One paragraph by its document ("A/RES/79/277") and its own label ("32", "48(a)", "PP3")."""
    return passage_result(index.paragraph(document, label), base_url)


def list_documents(index: Index) -> list[dict]:
    """Every indexed document: how to name it, its title and date."""
    return [
        {
            "id": doc.id,
            "symbol": doc.symbol,
            "name": doc.short_name,
            "cited_as": doc.cited_as,
            "title": doc.title,
            "date": doc.date,
            "issued": doc.issued,
            "adopted": doc.adopted,
            "status": doc.status,
            "draft_of": doc.draft_of,
            "format": doc.format,
        }
        for doc in sorted(index.documents, key=lambda d: d.id)
    ]


def answer_result(answer: Answer, base_url: str = "") -> dict:
    """An answer as integrations return it: `answered` is False when no passage answers the question well
    enough (the passages are then the nearest, marked weak), and `notices` say why."""
    return {
        "question": answer.query,
        "answered": not answer.abstained,
        "notices": notices.of_answer(answer),
        "passages": [passage_result(p, base_url) for p in answer.passages],
    }


def passage_result(passage: Passage, base_url: str = "") -> dict:
    """A passage as integrations return it: the quote verbatim (with the document's markup) and as plain text
    to paste, its citations, where it stands, its link."""
    return {
        "quote": passage.text,
        "plain_quote": passage.plain_text,
        "citation": passage.citation,
        "full_citation": passage.full_citation,
        "document": passage.doc_id,
        "document_name": passage.doc_short_name,
        "document_title": passage.doc_title,
        "label": passage.label,
        "place": passage.place,
        "section": passage.section,
        "kind": passage.kind,
        "pages": list(passage.pages),
        "url": base_url.rstrip("/") + passage.url,
        "score": round(passage.score, 4),
        "weak": passage.weak,
        "match": passage.match,
        "footnotes": list(passage.footnotes),
        "same_language": [twin.citation for twin in passage.same_as],
    }
