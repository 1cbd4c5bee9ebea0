"""The operations every way in offers (the Gradio API, REST, MCP, the retrievers, `rag ask --json`): search
the passages that answer a question, fetch one paragraph by its label, list the documents, and check a draft
against agreed language (not the retrievers). Parameters
are checked once, by the library (rag/retrieval/query.py), so bad input gets the same message everywhere;
results have one shape (rag/integrations/results.py), holding only the documents' own words, their citations
and links: never text of our own."""

from rag.integrations.results import (
    CheckedParagraphResult,
    CheckResult,
    Difference,
    DocumentList,
    DocumentResult,
    DraftResult,
    PassageResult,
    PrecedentResult,
    SearchResult,
    SourceResult,
    StretchResult,
)
from rag.passage import Answer, Passage
from rag.precedents.check import CheckedParagraph, DraftCheck, Precedent, check_draft
from rag.precedents.draft import draft_from_text
from rag.retrieval import notices
from rag.retrieval.index import Index
from rag.retrieval.query import DEFAULT_K


def search_passages(
    index: Index, question: str, k: int = DEFAULT_K, documents: list[str] | None = None, *, base_url: str = ""
) -> dict:
    """The verbatim paragraphs that best answer `question`, best first, and whether the documents answer it
    at all. `documents` narrows the search; each is named by symbol ("A/RES/79/277"), short name or id."""
    return answer_result(index.answer(question, k, documents=documents), base_url)


def get_paragraph(index: Index, document: str, label: str, *, base_url: str = "") -> dict:
    """One paragraph by its document ("A/RES/79/277") and its own label ("32", "48(a)", "PP3")."""
    return passage_result(index.paragraph(document, label), base_url)


def list_documents(index: Index) -> dict:
    """Every indexed document: how to name it, its title and date."""
    documents = [
        DocumentResult(
            id=doc.id,
            symbol=doc.symbol,
            name=doc.short_name,
            cited_as=doc.cited_as,
            title=doc.title,
            date=doc.date,
            issued=doc.issued,
            adopted=doc.adopted,
            status=doc.status,
            draft_of=doc.draft_of,
            format=doc.format,
        )
        for doc in sorted(index.documents, key=lambda d: d.id)
    ]
    return DocumentList(documents=documents).model_dump()


def answer_result(answer: Answer, base_url: str = "") -> dict:
    """An answer as every way in returns it: `answered` is False when no passage answers the question well
    enough (the passages are then the nearest, marked weak), and `notices` say why."""
    return SearchResult(
        question=answer.query,
        answered=not answer.abstained,
        notices=notices.of_answer(answer),
        passages=[_passage(p, base_url) for p in answer.passages],
    ).model_dump()


def passage_result(passage: Passage, base_url: str = "") -> dict:
    """A passage as every way in returns it: the quote verbatim (with the document's markup) and as plain text
    to paste, its citations, where it stands, its link."""
    return _passage(passage, base_url).model_dump()


def _passage(passage: Passage, base_url: str) -> PassageResult:
    return PassageResult(
        quote=passage.text,
        plain_quote=passage.plain_text,
        citation=passage.citation,
        full_citation=passage.full_citation,
        document=passage.doc_id,
        document_name=passage.doc_short_name,
        document_title=passage.doc_title,
        label=passage.label,
        place=passage.place,
        section=passage.section,
        kind=passage.kind,
        pages=list(passage.pages),
        url=base_url.rstrip("/") + passage.url,
        score=round(passage.score, 4),
        similarity=passage.similarity,
        weak=passage.weak,
        match=passage.match,
        footnotes=list(passage.footnotes),
        same_language=[twin.citation for twin in passage.same_as],
    )


def check_text(index: Index, text: str, documents: list[str] | None = None, *, base_url: str = "") -> dict:
    """Each paragraph of a draft (its text) checked against agreed language: its precedents in the documents
    (or the `documents` named), what changed, and a verdict."""
    return check_result(check_draft(index, draft_from_text(text), documents=documents), base_url)


def check_result(result: DraftCheck, base_url: str = "") -> dict:
    """A draft's check as every way in returns it (and `rag check --format json` writes it)."""
    draft = result.draft
    return CheckResult(
        draft=DraftResult(name=draft.name, symbol=draft.symbol, title=draft.title, paragraphs=len(draft.paragraphs)),
        checked_against=result.against,
        excluded=list(result.excluded),
        notices=list(result.notices),
        counts=result.counts(),
        paragraphs=[_checked(p, base_url) for p in result.paragraphs],
    ).model_dump()


def _checked(paragraph: CheckedParagraph, base_url: str) -> CheckedParagraphResult:
    return CheckedParagraphResult(
        label=paragraph.label,
        text=paragraph.text,
        verdict=paragraph.verdict,
        verdict_text=paragraph.verdict_text,
        note=paragraph.note,
        precedents=[_precedent(p, base_url) for p in paragraph.precedents],
        stretches=[
            StretchResult(
                text=s.text, start=s.start, end=s.end, source=_source(s.source, base_url) if s.source else None
            )
            for s in paragraph.stretches
        ],
    )


def _precedent(precedent: Precedent, base_url: str) -> PrecedentResult:
    passage = precedent.passage
    redline = [Difference(**piece.to_dict()) for piece in precedent.comparison.pieces]
    return PrecedentResult(
        citation=passage.citation,
        full_citation=passage.full_citation,
        document=passage.doc_id,
        document_name=passage.doc_short_name,
        label=passage.label,
        quote=passage.text,
        url=base_url.rstrip("/") + passage.url,
        date=precedent.date,
        adopted=precedent.adopted,
        document_kind=precedent.document_kind,
        similarity=round(precedent.similarity, 4),
        merged_with=[_passage(p, base_url) for p in precedent.merged],
        differences=[d for d in redline if d.op != "equal"],
        redline=redline,
    )


def _source(passage: Passage, base_url: str) -> SourceResult:
    return SourceResult(
        citation=passage.citation,
        document=passage.doc_id,
        document_name=passage.doc_short_name,
        label=passage.label,
        url=base_url.rstrip("/") + passage.url,
    )
