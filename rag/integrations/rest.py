"""The REST API: plain JSON over HTTP for callers in any language, mounted by the chat's server at /api.

GET /api/search?q=…&k=…&doc=…                     the passages that answer q (doc repeatable: symbol, name or id)
GET /api/documents                                 the indexed documents
GET /api/documents/{document}/paragraphs/{label}   one paragraph ("A/RES/79/277", "5")
GET /api/openapi.json                              this description, as OpenAPI

Errors are JSON too, {"error": {"status": 404, "message": "..."}}: 400 for a request that cannot be answered
as asked (no question, a bad k), 404 for a document or paragraph the index does not hold.
"""

from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from rag.errors import NotFoundError, QueryError
from rag.integrations import tools
from rag.retrieval.index import Index


class PassageResult(BaseModel):
    quote: str = Field(description="The paragraph, verbatim (whitespace collapsed)")
    plain_quote: str = Field(description='The paragraph to paste: no markup ("*Notes*" is "Notes"), marks raised')
    citation: str = Field(description='Short citation: "A/RES/79/277, para. 5, pp. 2-3"')
    full_citation: str = Field(description="Title, symbol, date and paragraph")
    document: str = Field(description="The document's id in this index")
    document_name: str = Field(description="How citations name the document: its symbol or short name")
    document_title: str
    label: str = Field(description='The paragraph\'s own label: "32", "48(a)", "PP3", "¶3"')
    place: str = Field(description='The label as a reader says it: "para. 32"')
    section: str = Field(description="The headings the paragraph stands under")
    kind: str = Field(description='"paragraph", "item", "table" or "footnote"')
    pages: list[int] = Field(description="Pages it is printed on, where the source has pages")
    url: str = Field(description="The paragraph in the source viewer")
    score: float = Field(description="Higher is better; 0 for a paragraph fetched by label")
    weak: bool = Field(description="Only the nearest match to a question the documents do not answer")
    match: str = Field(description='"reference" (named by the question), "phrase" (holds quoted words) or ""')
    footnotes: list[str] = Field(description="The footnotes its marks point to, verbatim")
    same_language: list[str] = Field(description="Citations of the same language in other documents")


class SearchResult(BaseModel):
    question: str
    answered: bool = Field(description="False when no passage answers well enough: the passages are the nearest")
    notices: list[str] = Field(description="Why nothing answers, or how the question was read")
    passages: list[PassageResult]


class DocumentResult(BaseModel):
    id: str
    symbol: str
    name: str
    cited_as: str
    title: str
    date: str = Field(description="ISO date as the document prints it: a resolution's adoption, else its issue")
    issued: str = Field(description="The issue date its masthead prints")
    adopted: str = Field(description="The adoption date it prints")
    status: str = Field(description='A draft\'s status: "advance unedited version", or "draft"')
    draft_of: str = Field(description="The adopted text's symbol, for a known earlier draft of it")
    format: str


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorResult(BaseModel):
    error: ErrorDetail


ERRORS = {400: {"model": ErrorResult}, 404: {"model": ErrorResult}}


def rest_api(index: Index) -> FastAPI:
    """The API over `index`, to mount at /api (its paths and its OpenAPI description are relative to that)."""
    api = FastAPI(
        title="WSIS RAG",
        summary="Verbatim, cited paragraphs of UN documents on the World Summit on the Information Society.",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,  # the interactive pages load scripts from a CDN, which the policy (and offline use) forbids
        redoc_url=None,
    )

    @api.get("/search", response_model=SearchResult, responses=ERRORS)
    def search(
        request: Request,
        q: Annotated[str, Query(description="The question, or words to find; quote a phrase to require it")],
        k: Annotated[int, Query(ge=1, le=tools.MAX_K, description="How many passages")] = 5,
        doc: Annotated[list[str] | None, Query(description="Search only these documents (symbol, name or id)")] = None,
    ) -> dict:
        """The paragraphs that best answer `q`, best first, and whether the documents answer it at all."""
        return tools.search_passages(index, q, k, doc, base_url=_base_url(request))

    @api.get("/documents", response_model=list[DocumentResult])
    def documents() -> list[dict]:
        """Every indexed document, with the names it can be asked for by."""
        return tools.list_documents(index)

    @api.get("/documents/{document:path}/paragraphs/{label}", response_model=PassageResult, responses=ERRORS)
    def paragraph(request: Request, document: str, label: str) -> dict:
        """One paragraph by its document (symbol such as A/RES/79/277, short name or id) and its own label."""
        return tools.get_paragraph(index, document, label, base_url=_base_url(request))

    _add_error_handlers(api)
    api.openapi = lambda: _without_422(api)
    return api


def _without_422(api: FastAPI) -> dict:
    """The OpenAPI description as the API behaves: FastAPI lists a 422 for invalid parameters, which this API
    answers with a 400."""
    if api.openapi_schema is None:
        spec = get_openapi(title=api.title, version=api.version, summary=api.summary, routes=api.routes)
        for route in spec["paths"].values():
            for operation in route.values():
                operation["responses"].pop("422", None)
        for unused in ("HTTPValidationError", "ValidationError"):
            spec.get("components", {}).get("schemas", {}).pop(unused, None)
        api.openapi_schema = spec
    return api.openapi_schema


def _base_url(request: Request) -> str:
    """The server's own address, for absolute links (the API is mounted below it)."""
    return f"{request.url.scheme}://{request.url.netloc}"


def _add_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(NotFoundError)
    def not_found(request: Request, error: NotFoundError) -> JSONResponse:
        return _error(404, str(error))

    @api.exception_handler(QueryError)
    def bad_query(request: Request, error: QueryError) -> JSONResponse:
        return _error(400, str(error))

    @api.exception_handler(RequestValidationError)
    def bad_parameters(request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(400, "; ".join(_problem(e) for e in error.errors()))

    @api.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> JSONResponse:
        message = "No such API route; see /api/openapi.json." if error.status_code == 404 else str(error.detail)
        return _error(error.status_code, message)


def _problem(error: dict) -> str:
    """A validation error as a sentence: "k: Input should be less than or equal to 50"."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid request")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
