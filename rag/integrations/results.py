"""What every way in returns, field by field: one definition of a search's result, a paragraph and a document,
used by REST (its response models and OpenAPI description), MCP (each tool's output schema), the Gradio API,
`rag ask --json` and the retrievers' metadata. Only the documents' own words, their citations and links."""

from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PassageResult(Result):
    quote: str = Field(description="The paragraph, verbatim (whitespace collapsed), with the document's markup")
    plain_quote: str = Field(description='The paragraph to paste: no markup ("*Notes*" is "Notes"), marks raised')
    citation: str = Field(description='Short citation: "A/RES/79/277, para. 5, pp. 2-3"')
    full_citation: str = Field(description="Title, symbol, date and paragraph")
    document: str = Field(description="The document's id in this index")
    document_name: str = Field(description="How citations name the document: its symbol or short name")
    document_title: str = Field(description="The document's title")
    label: str = Field(description='The paragraph\'s own label: "32", "48(a)", "PP3", "u3"')
    place: str = Field(description='The label as a reader says it: "para. 32"')
    section: str = Field(description="The headings the paragraph stands under")
    kind: str = Field(description='"paragraph", "item", "table" or "footnote"')
    pages: list[int] = Field(description="Pages it is printed on, where the source has pages")
    url: str = Field(description="The paragraph in the source viewer")
    score: float = Field(description="Ranks the passages of one answer, higher first; not bounded, not a similarity")
    similarity: float | None = Field(
        description="The question's cosine similarity to the paragraph or its nearest sentence, -1 to 1 (0.5 and "
        "over is close for the bundled model); null for a paragraph fetched by label"
    )
    weak: bool = Field(description="Only the nearest match to a question the documents do not answer")
    match: str = Field(description='"reference" (named by the question), "phrase" (holds quoted words) or ""')
    footnotes: list[str] = Field(description="The footnotes its marks point to, verbatim")
    same_language: list[str] = Field(description="Citations of the same language in other documents")


class SearchResult(Result):
    question: str = Field(description="The question as searched (stripped; control characters as spaces)")
    answered: bool = Field(description="False when no passage answers well enough: the passages are the nearest")
    notices: list[str] = Field(description="Why nothing answers, or how the question was read")
    passages: list[PassageResult] = Field(description="Best first")


class DocumentResult(Result):
    id: str = Field(description="The document's id in this index")
    symbol: str = Field(description='Its UN symbol as it prints it ("A/RES/79/277"); empty when it has none')
    name: str = Field(description="Its short name: the symbol, or a name where it has none")
    cited_as: str = Field(description="How citations name it")
    title: str = Field(description="Its title")
    date: str = Field(description="ISO date as the document prints it: a resolution's adoption, else its issue")
    issued: str = Field(description="The issue date its masthead prints")
    adopted: str = Field(description="The adoption date it prints")
    status: str = Field(description='A draft\'s status: "advance unedited version", or "draft"')
    draft_of: str = Field(description="The adopted text's symbol, for a known earlier draft of it")
    format: str = Field(description='The source file\'s format: "pdf", "docx", "html", "txt" or "md"')


class DocumentList(Result):
    documents: list[DocumentResult]


class ErrorDetail(Result):
    status: int = Field(
        description="The HTTP status: 400 for a request that cannot be answered as asked, 404 for a "
        "document, paragraph or route that is not there, 405 for a method the route does not take"
    )
    message: str = Field(description="What was wrong and what to do instead")


class ErrorResult(Result):
    error: ErrorDetail


class Difference(Result):
    op: str = Field(description='"insert" (the draft adds), "delete" (the draft drops), "replace" or "equal"')
    draft: str = Field(description="The draft's words in this step (empty for a delete)")
    precedent: str = Field(description="The precedent's words in this step (empty for an insert)")


class PrecedentResult(Result):
    citation: str = Field(description='Short citation of the precedent: "A/RES/80/215, para. 7, p. 7"')
    full_citation: str = Field(description="Title, symbol, date and paragraph")
    document: str = Field(description="The document's id in this index")
    document_name: str = Field(description="How citations name the document: its symbol or short name")
    label: str = Field(description="The precedent paragraph's own label")
    quote: str = Field(description="The precedent paragraph, verbatim from the index")
    url: str = Field(description="The precedent in the source viewer")
    date: str = Field(description="Its document's date as printed: adoption, else issue (ISO); empty where none")
    adopted: bool = Field(description="An adopted text (it prints its adoption), not a draft or a report")
    document_kind: str = Field(description='As the document prints it: "resolution", "draft resolution" ...')
    similarity: float = Field(description="Shared words over the words of both, 0-1 (1 for the same wording)")
    merged_with: list[PassageResult] = Field(
        description="The next paragraphs of the same document, when the draft paragraph joins them into one"
    )
    differences: list[Difference] = Field(description="What changed from the precedent to the draft, in order")
    redline: list[Difference] = Field(description="The whole comparison, in order: unchanged steps included")


class SourceResult(Result):
    citation: str = Field(description="Short citation of the paragraph that holds the stretch's wording")
    document: str = Field(description="The document's id in this index")
    document_name: str = Field(description="How citations name the document")
    label: str = Field(description="The paragraph's own label")
    url: str = Field(description="The paragraph in the source viewer")


class StretchResult(Result):
    text: str = Field(description="A stretch of the draft paragraph, as the draft prints it")
    start: int = Field(description="Where it starts in the paragraph's text (characters)")
    end: int = Field(description="Where it ends")
    source: SourceResult | None = Field(description="The paragraph that holds its wording; null for new wording")


class CheckedParagraphResult(Result):
    label: str = Field(description='As the draft numbers it: "PP3", "5", "5(a)"')
    text: str = Field(description="The draft paragraph (whitespace collapsed)")
    verdict: str = Field(description='"verbatim", "with changes", "partly agreed" or "new"')
    verdict_text: str = Field(description='The verdict as said to a reader: "Agreed language with changes"')
    note: str = Field(description='A split or merged paragraph: "Split: … is also the precedent of draft para. 6."')
    precedents: list[PrecedentResult] = Field(description="Best first: of the same language, adopted and recent first")
    stretches: list[StretchResult] = Field(description="The whole paragraph in order: each stretch with its source")


class DraftResult(Result):
    name: str = Field(description='The file name, or "pasted text"')
    symbol: str = Field(description="The symbol the draft prints, empty where none")
    title: str = Field(description="Its title, as printed")
    paragraphs: int = Field(description="Paragraphs and list items checked")


class CheckResult(Result):
    draft: DraftResult
    checked_against: int = Field(description="Documents the draft was checked against")
    excluded: list[str] = Field(description="Documents left out because they are the draft itself")
    notices: list[str] = Field(description="What the paragraphs do not say: a draft with no paragraph to check")
    counts: dict[str, int] = Field(description="Paragraphs per verdict")
    paragraphs: list[CheckedParagraphResult] = Field(description="The draft's paragraphs, in order")
