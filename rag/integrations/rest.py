"""The REST API: plain JSON over HTTP for callers in any language, mounted by the chat's server at /api.

GET /api/search?q=…&k=…&doc=…                     the passages that answer q (doc repeatable: symbol, name or id)
GET /api/documents                                 the indexed documents
GET /api/documents/{document}/paragraphs/{label}   one paragraph ("A/RES/79/277", "5")
POST /api/check  {"text": "...", "documents": [...]}  a draft checked against agreed language, paragraph by paragraph
GET /api/openapi.json                              this description, as OpenAPI

The library checks the parameters (rag/retrieval/query.py), as it does for MCP, the Gradio API and Python, so
a bad one gets the same message through each; the OpenAPI description states the same rules, from the same
constants. Every answer to a path under /api is JSON, errors too: {"error": {"status": 400, "message": "..."}}
  400  a request that cannot be answered as asked: no readable question, one over 2,000 characters, k not a
       whole number from 1 to 50, a blank document name or label, a parameter the route does not take (a
       misspelt "docs", ignored, would search every document), q or k given twice;
  404  a document, paragraph or route that is not there: any other path, however odd (%0A, %00, //, a
       trailing slash);
  405  a method the route does not take (/check takes POST, the others GET and HEAD), the Allow header saying so;
  413  a body over MAX_BODY_BYTES;
  500  the server failing (logged), which no request should make it do.
"""

import json
import re
from typing import Annotated

from fastapi import FastAPI, Path, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from rag.errors import NotFoundError, QueryError
from rag.integrations import tools
from rag.integrations.results import CheckResult, DocumentList, ErrorResult, PassageResult, SearchResult
from rag.precedents.draft import MAX_DRAFT_CHARS
from rag.retrieval.index import Index
from rag.retrieval.query import DEFAULT_K, MAX_K, MAX_QUESTION_CHARS, READABLE_PATTERN, number_or_text

ALLOW = "GET, HEAD"  # the routes that read; /check takes a draft by POST
MAX_BODY_BYTES = 4 * MAX_DRAFT_CHARS + 65_536  # a draft of the most characters a check takes, in UTF-8, and names
# A document name or a label: the library refuses a blank one (what str.strip() leaves empty). A character no
# reading counts as a space: ECMA-262's \s adds U+FEFF to Python's, Python's adds \x1c-\x1f and \x85.
NAME = {"type": "string", "minLength": 1, "pattern": r"[^\s\x1c-\x1f\x85\ufeff]"}
ERRORS = {
    400: "The request cannot be answered as asked; the message says what to change",
    404: "No such document, paragraph or route; the message says what there is",
    405: "The route does not take this method; the Allow header says which it takes",
    413: "The body is too large",
}
Document = Annotated[str, Path(description="Its UN symbol (A/RES/79/277), short name or id", json_schema_extra=NAME)]
Label = Annotated[
    str, Path(description='Its label as printed or cited: "32", "48(a)", "PP3", "para. 32"', json_schema_extra=NAME)
]


def mounted_api(index: Index, path: str = "/api") -> Mount:
    """The API over `index` at `path`, to add to a server's routes before any catch-all mount."""
    return _EveryPathBelow(path, app=rest_api(index))


def rest_api(index: Index) -> FastAPI:
    """The API over `index`, to mount (its paths and its OpenAPI description are relative to the mount)."""
    api = FastAPI(
        title="WSIS RAG",
        summary="Verbatim, cited paragraphs of UN documents on the World Summit on the Information Society.",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,  # the interactive pages load scripts from a CDN, which the policy (and offline use) forbids
        redoc_url=None,
        redirect_slashes=False,  # one address per resource: "/search/" is no route, said as JSON like any other
    )

    @api.get(
        "/search",
        response_model=SearchResult,
        responses=_errors(400, 404, 405),
        openapi_extra={"parameters": _search_parameters()},
    )
    def search(request: Request) -> dict:
        """The paragraphs that best answer `q`, best first, and whether the documents answer it at all."""
        _check_parameters(request, once=("q", "k"), repeatable=("doc",))
        params = request.query_params  # raw: the library checks them and says what is wrong, as for every way in
        q, k, names = params.get("q", ""), params.get("k"), params.getlist("doc") or None
        k = DEFAULT_K if k is None else number_or_text(k)
        return tools.search_passages(index, q, k, names, base_url=_base_url(request))

    @api.get("/documents", response_model=DocumentList, responses=_errors(405))
    def documents(request: Request) -> dict:
        """Every indexed document, with the names it can be asked for by."""
        _check_parameters(request)
        return tools.list_documents(index)

    @api.get(
        "/documents/{document:path}/paragraphs/{label}", response_model=PassageResult, responses=_errors(400, 404, 405)
    )
    def paragraph(request: Request, document: Document, label: Label) -> dict:
        """One paragraph by its document (symbol such as A/RES/79/277, short name or id) and its own label."""
        _check_parameters(request)
        return tools.get_paragraph(index, document, label, base_url=_base_url(request))

    @api.post(
        "/check",
        response_model=CheckResult,
        responses=_errors(400, 404, 405, 413),
        openapi_extra={"requestBody": _check_body()},
    )
    async def check(request: Request) -> dict:
        """Each paragraph of a draft checked against agreed language: its precedents in the documents, best
        first, what changed from the best one, and a verdict ("verbatim", "with changes", "partly agreed", "new")."""
        _check_parameters(request)
        body = await _json_body(request)
        text, names = body.get("text", ""), body.get("documents")
        return await run_in_threadpool(tools.check_text, index, text, names, base_url=_base_url(request))

    _match_whole_paths(api)
    api.add_middleware(_HeadAsGet)
    _add_error_handlers(api)
    api.openapi = lambda: _openapi(api)
    return api


def _check_parameters(request: Request, once: tuple[str, ...] = (), repeatable: tuple[str, ...] = ()) -> None:
    """QueryError for a query parameter the route does not take, or one it takes once given more often."""
    names = [name for name, _ in request.query_params.multi_items()]
    if unknown := [name for name in dict.fromkeys(names) if name not in (*once, *repeatable)]:
        taken = [*once, *repeatable]
        listed = f"{', '.join(taken[:-1])} and {taken[-1]}" if len(taken) > 1 else "".join(taken)
        takes = f"takes only {listed}" if taken else "takes none"
        said = ", ".join(repr(name) for name in unknown)
        raise QueryError(f"Unknown parameter{'s' if len(unknown) > 1 else ''} {said}: this route {takes}.")
    if twice := [name for name in once if names.count(name) > 1]:
        raise QueryError(f"{twice[0]} is given {names.count(twice[0])} times; give it once.")


async def _json_body(request: Request) -> dict:
    """The body as a JSON object holding only "text" and "documents"; a QueryError says what is wrong with it,
    and a body over MAX_BODY_BYTES is refused before it is read whole."""
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_BODY_BYTES:
            raise HTTPException(
                413, f"The body is over {MAX_BODY_BYTES:,} bytes; a draft holds at most {MAX_DRAFT_CHARS:,} characters."
            )
    try:
        body = json.loads(received)
    except ValueError:
        raise QueryError('The body must be JSON: {"text": "the draft", "documents": ["A/RES/79/277"]}.') from None
    if not isinstance(body, dict):
        raise QueryError('The body must be a JSON object: {"text": "the draft"}.')
    if unknown := [name for name in body if name not in ("text", "documents")]:
        raise QueryError(f"Unknown field {unknown[0]!r}: the body takes only text and documents.")
    return body


def _check_body() -> dict:
    """The check's body, described as the library checks it."""
    text = {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_DRAFT_CHARS,
        "pattern": READABLE_PATTERN,
        "description": f"The draft's text, its paragraphs as the draft numbers them; at most {MAX_DRAFT_CHARS:,} "
        "characters",
    }
    documents = {
        "type": "array",
        "minItems": 1,
        "items": {**NAME},
        "description": "Check against these documents only, each by its symbol, short name or id",
    }
    schema = {
        "type": "object",
        "properties": {"text": text, "documents": documents},
        "required": ["text"],
        "additionalProperties": False,
    }
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _search_parameters() -> list[dict]:
    """The search's parameters, described as the library checks them."""
    question = {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": READABLE_PATTERN}
    return [
        {
            "name": "q",
            "in": "query",
            "required": True,
            "description": "The question, or words to find; quote a phrase to require it. At most "
            f"{MAX_QUESTION_CHARS:,} characters (a longer one is refused, never cut), and something readable: "
            "a question of only spaces or control characters is refused.",
            "schema": question,
        },
        {
            "name": "k",
            "in": "query",
            "description": f"How many passages: a whole number from 1 to {MAX_K}",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": DEFAULT_K},
        },
        {
            "name": "doc",
            "in": "query",
            "description": "Search only these documents, each by its symbol, short name or id (repeat doc for more)",
            "schema": {"type": "array", "items": {**NAME}},
            "style": "form",
            "explode": True,
        },
    ]


def _errors(*statuses: int) -> dict:
    """The error responses a route can give, each with the one error body."""
    responses = {status: {"model": ErrorResult, "description": ERRORS[status]} for status in statuses}
    if 405 in responses:
        responses[405]["headers"] = {
            "Allow": {"description": "The methods the route takes", "schema": {"type": "string"}}
        }
    return responses


def _match_whole_paths(api: FastAPI) -> None:
    """Starlette compiles each route to a regex whose "." stops at a line feed and whose "$" matches before a
    final one: /documents/A%0A/paragraphs/1 matched no route, /search%0A matched /search. Compiled again, a
    path matches as the characters it holds say."""
    for route in api.routes:
        route.path_regex = re.compile(route.path_regex.pattern.removesuffix("$") + r"\Z", re.DOTALL)


class _EveryPathBelow(Mount):
    """A mount that takes every request at or below its path. Starlette's matches "<path>/.*$", whose "." stops
    at a line feed: /api/documents/A%0A/paragraphs/1, like /api itself, went on to the chat mounted at /, which
    answers in its own words."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        root_path = scope.get("root_path", "")
        path = scope["path"].removeprefix(root_path)
        if not (path == self.path or path.startswith(self.path + "/")):
            return Match.NONE, {}
        return Match.FULL, {
            "app_root_path": scope.get("app_root_path", root_path),
            "root_path": root_path + self.path,
            "endpoint": self.app,
        }


class _HeadAsGet:
    """HEAD as GET, whose headers it answers with (RFC 9110, 9.3.2): the HTTP server sends a HEAD no body."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)


def _openapi(api: FastAPI) -> dict:
    """The OpenAPI description as the API behaves: FastAPI lists a 422 for invalid path parameters, which
    this API never gives (the library checks them: 400 or 404)."""
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

    @api.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> JSONResponse:
        headers = error.headers
        if error.status_code == 405:  # Starlette names the route's methods; a GET route takes HEAD too
            allowed = (error.headers or {}).get("Allow", ALLOW)
            headers = {**(error.headers or {}), "Allow": ALLOW if "GET" in allowed else allowed}
        return _error(error.status_code, _http_message(request, error, headers), headers)

    @api.exception_handler(Exception)
    def server_error(request: Request, error: Exception) -> JSONResponse:  # still raised after: the server logs it
        return _error(500, "The server failed to answer; the error is logged. Try again, or report the request.")


def _http_message(request: Request, error: HTTPException, headers: dict | None) -> str:
    root = request.scope.get("root_path", "")
    if error.status_code == 404:
        return (
            f"No such API route. The routes: GET {root}/search?q=..., GET {root}/documents, GET "
            f"{root}/documents/{{document}}/paragraphs/{{label}} and POST {root}/check, described at "
            f"{root}/openapi.json."
        )
    if error.status_code == 405:
        return f"This route does not take {request.method}; it takes {(headers or {}).get('Allow', ALLOW)}."
    return str(error.detail)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)
