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
