"""The documents as tools for AI assistants, over the Model Context Protocol: search the paragraphs that answer a
question, fetch one paragraph by its number, list the documents, check a draft against agreed language. Quotes
and citations only, as everywhere.

Built on the official `mcp` SDK rather than Gradio's built-in MCP: one set of tool definitions serves both
stdio (`rag mcp`, started by a desktop assistant: mcp_stdio.py) and streamable HTTP at /mcp inside the chat's
FastAPI server (`rag serve --mcp`); each tool has a hand-written description and typed, described
parameters; and the stdio process never imports Gradio, so an assistant gets its tools as soon as the index is
read.

As every way in, the tools take their arguments as sent and let the library check them (a bad one gets its
message), and return the result models of rag/integrations/results.py, which describe each tool's output."""

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from importlib.metadata import version
from typing import Annotated, Any

from pydantic import Field

from rag.errors import RagError
from rag.integrations import tools
from rag.integrations.results import CheckResult, DocumentList, PassageResult, SearchResult
from rag.precedents.draft import MAX_DRAFT_CHARS
from rag.retrieval.index import Index
from rag.retrieval.query import DEFAULT_K, MAX_K, MAX_QUESTION_CHARS, READABLE_PATTERN

try:
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.server.mcpserver.tools import Tool
    from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
    from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
    from mcp.server.transport_security import TransportSecuritySettings
    from mcp.types import CallToolResult, TextContent, ToolAnnotations
except ImportError as error:  # an optional extra: say how to get it instead of a traceback
    raise RagError(f"The MCP server needs the `mcp` package ({error}); pip install 'wsis-rag[mcp]'.") from error

INSTRUCTIONS = (
    "Tools over a fixed set of UN documents on the World Summit on the Information Society (WSIS). They return "
    "only the documents' own paragraphs, verbatim, each with its citation and a link. Quote them as given and "
    "cite them; never present your own wording as the documents'. When `answered` is false, no paragraph "
    "answers the question: say so rather than stretching the nearest ones."
)
# Hints for the assistant (and for clients that ask before running a tool): the tools only read.
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
# Where a server on this machine only may be reached from: a Host or Origin naming anything else is a web
# page that had its own domain resolve to 127.0.0.1 (DNS rebinding), and is refused.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# The parameters as JSON schema publishes them: the rules the library checks (rag/retrieval/query.py), from its
# constants. The library, not pydantic, checks what a client sends (_ArgumentsAsSent).
Question = Annotated[
    str,
    Field(
        title="Question",
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        pattern=READABLE_PATTERN,
        description="The question or topic in English, as a person would ask it, e.g. 'What did the General "
        "Assembly say about the gender digital divide?'. It may name a paragraph ('paragraph 5 of A/RES/79/277') "
        'or put a phrase in double quotes to check whether that exact wording is used ("enhanced cooperation").',
    ),
]
HowMany = Annotated[
    int,
    Field(
        title="Number of passages",
        ge=1,
        le=MAX_K,
        description=f"How many passages to return, best first (1 to {MAX_K}).",
    ),
]
# A document name or a label: the library refuses a blank one. (\S: ECMA-262 and Python read it alike.)
Name = Annotated[str, Field(min_length=1, pattern=r"\S")]
Documents = Annotated[
    list[Name] | None,
    Field(
        title="Documents",
        min_length=1,
        description="Search only these documents, each named by its UN symbol ('A/RES/79/277'), short name or "
        "id as list_documents gives them. Omit to search all of them.",
    ),
]
DraftText = Annotated[
    str,
    Field(
        title="Draft",
        min_length=1,
        max_length=MAX_DRAFT_CHARS,
        pattern=READABLE_PATTERN,
        description="The draft's text, as pasted from a resolution: its paragraphs separated by line breaks, "
        "numbered as the draft numbers them ('5.', '(a)'); preambular paragraphs unnumbered. At most "
        f"{MAX_DRAFT_CHARS:,} characters.",
    ),
]
DocumentName = Annotated[
    Name,
    Field(
        title="Document",
        description="The document: its UN symbol ('A/RES/79/277'), short name or id, as list_documents gives.",
    ),
]
Label = Annotated[
    Name,
    Field(
        title="Paragraph label",
        description="The paragraph's own number as the document prints it: '32', '48(a)', '6bis', '20 quater'; "
        "'PP3' for the third preambular paragraph; 'u6' or '¶7' for an unnumbered one, as a citation gives it.",
    ),
]


def build_server(index: Index, *, base_url: str = "") -> MCPServer:
    """The MCP server over `index`, transport-free. Links in results start with `base_url` (e.g. the address
    of a running `rag serve`); over HTTP they start with the address the request was sent to."""

    def search_passages(
        ctx: Context, question: Question, k: HowMany = DEFAULT_K, documents: Documents = None
    ) -> Annotated[CallToolResult, SearchResult]:
        """Find the paragraphs of the WSIS documents that best answer a question, best first. Each passage's
        `quote` is a whole paragraph, verbatim, with its `citation` ('A/RES/79/277, para. 5, pp. 2-3'), `full_citation`,
        `section`, `pages`, `url` (the paragraph in its source) and `same_language` (the same text agreed in
        other documents). `answered` is false when no passage answers the question well enough: the passages
        are then only the nearest, each marked `weak`, and `notices` say why (a paragraph the document does not
        have, a quoted phrase no paragraph contains, a question not in English)."""
        return _run(tools.search_passages, index, question, k, documents, base_url=_base(ctx, base_url))

    def get_paragraph(ctx: Context, document: DocumentName, label: Label) -> Annotated[CallToolResult, PassageResult]:
        """Fetch one paragraph by its document and its own number, e.g. document 'A/RES/79/277' and label '5'.
        Returns its verbatim `quote` with its `citation`, `section`, `pages` and `url`. A document or label the
        index does not hold is an error whose message says what the document has."""
        return _run(tools.get_paragraph, index, document, label, base_url=_base(ctx, base_url))

    def list_documents() -> Annotated[CallToolResult, DocumentList]:
        """List the documents that can be searched: for each its `id`, UN `symbol` (empty when it has none),
        short `name`, how passages from it are `cited_as`, its `title`, `date` (a resolution's adoption date,
        else its issue date; `issued` and `adopted` apart), a draft's `status` and `draft_of` (the adopted
        text's symbol, which numbers its paragraphs its own way) and `format`. The symbol, name or id is what
        the other tools take as a document."""
        return _run(tools.list_documents, index)

    def check_draft(
        ctx: Context, text: DraftText, documents: Documents = None
    ) -> Annotated[CallToolResult, CheckResult]:
        """Check a draft resolution against agreed language, paragraph by paragraph. For each draft paragraph
        (its `label` as the draft numbers it): a `verdict` ('verbatim', 'with changes', 'partly agreed', 'new'),
        its `precedents` in the documents, best first (an adopted text and the most recent first among those
        with the same language), each with its verbatim `quote`, `citation`, `date`, whether it is `adopted`, and
        the `differences` from it to the draft ('insert': the draft adds, 'delete': it drops, 'replace'); and
        `stretches`: which parts of the paragraph have a precedent (`source`) and which are new (null)."""
        return _run(tools.check_text, index, text, documents, base_url=_base(ctx, base_url))

    return MCPServer(
        "wsis-rag",
        title="WSIS documents, quoted",
        version=version("wsis-rag"),
        instructions=INSTRUCTIONS,
        log_level="WARNING",
        tools=[
            _tool(search_passages, "Search the WSIS documents"),
            _tool(get_paragraph, "Get a paragraph"),
            _tool(list_documents, "List the documents"),
            _tool(check_draft, "Check a draft against agreed language"),
        ],
    )


def _tool(fn: Callable[..., Any], title: str) -> Tool:
    """A read-only tool, described by its docstring on one line (the SDK sends a docstring as it is, and before
    Python 3.13 that keeps the source's indentation), its arguments passed to the library as sent."""
    tool = Tool.from_function(fn, title=title, description=" ".join(fn.__doc__.split()), annotations=READ_ONLY)
    return tool.model_copy(update={"fn_metadata": _ArgumentsAsSent(**dict(tool.fn_metadata))})


class _ArgumentsAsSent(FuncMetadata):
    """A tool's arguments as the client sent them, for the library to check, so a bad one gets the library's
    message, as through REST, the Gradio API and Python. The SDK would have pydantic validate them first: in
    its own words, and coercing what the schema refuses (true and "3" taken as numbers, 2.0 as 2). An absent
    text is empty text, as REST reads an absent q; every required parameter is text."""

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        sent = self.pre_parse_json(arguments_to_validate)  # a list sent as JSON text, as some clients do
        fields = self.arg_model.model_fields
        return {name: sent.get(name, "" if field.is_required() else field.default) for name, field in fields.items()}


def _run(operation: Callable[..., Any], *args: Any, **kwargs: Any) -> CallToolResult:
    """The operation's result, as data and as its JSON text; a library error (a bad k, an unknown document or
    paragraph) is a tool error whose text is the library's message alone, never a traceback."""
    try:
        result = operation(*args, **kwargs)
    except RagError as error:
        return CallToolResult(content=[TextContent(type="text", text=str(error))], is_error=True)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=result)


def _base(ctx: Context, default: str) -> str:
    """The address links start with: the one an HTTP request was sent to, else the one the server was given."""
    request = ctx.request_context.request  # a Starlette request over HTTP, None over stdio
    return str(request.base_url) if request is not None else default


def http_endpoint(
    index: Index, *, loopback: bool
) -> tuple[StreamableHTTPASGIApp, Callable[[Any], AbstractAsyncContextManager[None]]]:
    """The server over streamable HTTP: an ASGI app to route at one path of a web app, and the lifespan that
    web app must run. The SDK's session manager serves requests only inside its run(), and the lifespan of an
    app routed or mounted inside another never runs by itself.

    Stateless: the tools need nothing from one request to the next, so no session is kept per client and any
    of several servers behind a load balancer can answer. `loopback`: the server listens on this machine only,
    so requests naming another host are refused (DNS rebinding); a server listening on the network is
    reachable directly anyway, under names it cannot know, and checks no host (as the chat)."""
    server = build_server(index)
    # Called for the session manager it makes; its own Starlette app is left unused, the manager routed in ours.
    server.streamable_http_app(stateless_http=True, transport_security=_host_check(loopback))
    manager = server.session_manager
    return StreamableHTTPASGIApp(manager), lambda _app: manager.run()


def _host_check(loopback: bool) -> TransportSecuritySettings:
    if not loopback:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[*LOOPBACK_HOSTS, *(f"{host}:*" for host in LOOPBACK_HOSTS)],
        allowed_origins=[f"http://{host}{port}" for host in LOOPBACK_HOSTS for port in ("", ":*")],
    )
