"""The MCP server through the official SDK's client, over both transports: stdio (`rag mcp` started as a
subprocess, as a desktop assistant starts it) and streamable HTTP (/mcp in the running app). Each transport
gets one session that makes every call; the tests check what came back."""

import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import anyio
import httpx
import pytest
from conftest import DRAFT_OUTCOME_RECORD, SEEDS
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from rag.errors import QueryError
from rag.integrations import tools
from rag.integrations.results import CheckResult, DocumentList, PassageResult, SearchResult
from rag.store import files
from ui.app import start_in_background

QUESTION = "gender digital divide"
UNKNOWN = "WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77."
SEED_IDS = [
    "000_4ff08e0d6091ebfe",
    "001_0e57f4d588244c4d",
    "002_c27263d9b30fc6e3",
    "003_2acf0993792d3d8c",
    "004_7b6cb249c0a88164",
]
STDIO_BASE = "http://127.0.0.1:7860"  # `rag mcp --url`: where a chat would serve the links
CALLS = {  # the unknown label comes before list_documents: the session must outlive a tool error
    "search": ("search_passages", {"question": QUESTION, "k": 5}),
    "paragraph": ("get_paragraph", {"document": "WSIS+10 outcome document", "label": "32"}),
    "unknown": ("get_paragraph", {"document": "WSIS+10 outcome document", "label": "99"}),
    "documents": ("list_documents", {}),
    "check": ("check_draft", {"text": (Path(__file__).parent.parent / "eval/precedents/example-draft.md").read_text()}),
}
K_REFUSED = "k, the number of passages, must be a whole number from 1 to 50 (got {})."
EMPTY = "The question is empty; ask a question or give some words to search for."
BAD_SEARCHES = {  # arguments the schema refuses, and what the library says of them through every way in
    "k true": ({"question": QUESTION, "k": True}, K_REFUSED.format("True")),
    "k text": ({"question": QUESTION, "k": "3"}, K_REFUSED.format("'3'")),
    "k float": ({"question": QUESTION, "k": 2.0}, K_REFUSED.format("2.0")),
    "k 0": ({"question": QUESTION, "k": 0}, K_REFUSED.format("0")),
    "k 51": ({"question": QUESTION, "k": 51}, K_REFUSED.format("51")),
    "bare string": (
        {"question": QUESTION, "documents": "A/RES/70/125"},
        "The documents to search must be a list of document names (UN symbol, short name or id), "
        "e.g. [\"A/RES/70/125\"] (got 'A/RES/70/125').",
    ),
    "no documents": (
        {"question": QUESTION, "documents": []},
        "The list of documents to search is empty; name at least one (UN symbol, short name or id), or leave the "
        "list out to search every document.",
    ),
    "empty question": ({"question": ""}, EMPTY),
    "no question": ({"k": 3}, EMPTY),  # as REST reads an absent q
}


async def exchange(streams, faults: list) -> dict:
    """Initialize (the handshake assistants speak), list the tools, make every call in CALLS."""

    async def on_message(message) -> None:
        if isinstance(message, Exception):  # e.g. a line on the server's stdout that is not JSON-RPC
            faults.append(message)

    async with ClientSession(*streams, message_handler=on_message) as session:
        results = {"server": (await session.initialize()).server_info}
        results["tools"] = {tool.name: tool for tool in (await session.list_tools()).tools}
        for key, (name, arguments) in CALLS.items():
            results[key] = await session.call_tool(name, arguments)
        results["bad"] = {key: await session.call_tool("search_passages", a) for key, (a, _) in BAD_SEARCHES.items()}
    return results


@pytest.fixture(scope="module")
def stdio(seed_index) -> dict:
    """`rag mcp` on the session's index, which it must open as it is, not rebuild."""
    index_dir = Path(os.environ["RAG_INDEX"])
    build = files.live_build(index_dir)
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "rag.cli", "mcp", "--docs", str(SEEDS), "--index", str(index_dir), "--url", STDIO_BASE],
        env={"HF_HUB_OFFLINE": "1"},
    )
    faults: list = []

    async def run() -> dict:
        async with stdio_client(params, errlog=errlog) as streams:
            return await exchange(streams, faults)

    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        results = anyio.run(run)
        errlog.seek(0)
        stderr = errlog.read()
    assert files.live_build(index_dir) == build
    return {**results, "faults": faults, "stderr": stderr, "base": STDIO_BASE}


@pytest.fixture(scope="module")
def chat(seed_index):
    url, stop = start_in_background(seed_index, mcp=True)
    yield url
    stop()


@pytest.fixture(scope="module")
def http(chat) -> dict:
    faults: list = []

    async def run() -> dict:
        async with streamable_http_client(chat + "/mcp") as streams:
            return await exchange(streams, faults)

    return {**anyio.run(run), "faults": faults, "base": chat}


@pytest.fixture(params=["stdio", "http"])
def session(request) -> dict:
    return request.getfixturevalue(request.param)


def test_tools_say_what_they_take(session):
    tools = session["tools"]
    assert sorted(tools) == ["check_draft", "get_paragraph", "list_documents", "search_passages"]
    properties = {name: tool.input_schema["properties"] for name, tool in tools.items()}
    assert sorted(properties["search_passages"]) == ["documents", "k", "question"]
    assert tools["search_passages"].input_schema["required"] == ["question"]
    k = properties["search_passages"]["k"]
    assert (k["type"], k["minimum"], k["maximum"], k["default"]) == ("integer", 1, 50, 5)
    documents = properties["search_passages"]["documents"]["anyOf"]
    assert documents == [
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1, "pattern": r"\S"}},
        {"type": "null"},
    ]
    assert sorted(properties["get_paragraph"]) == ["document", "label"]
    assert tools["get_paragraph"].input_schema["required"] == ["document", "label"]
    assert properties["list_documents"] == {}
    assert sorted(properties["check_draft"]) == ["documents", "text"]
    assert tools["check_draft"].input_schema["required"] == ["text"]
    assert properties["check_draft"]["text"]["maxLength"] == 300_000
    for tool in tools.values():
        assert len(tool.description) > 150 and "\n" not in tool.description
        assert tool.annotations.read_only_hint is True
        assert all(len(field["description"]) > 40 for field in tool.input_schema["properties"].values())
    titles = {name: {p: field["title"] for p, field in fields.items()} for name, fields in properties.items()}
    assert titles == {
        "search_passages": {"question": "Question", "k": "Number of passages", "documents": "Documents"},
        "get_paragraph": {"document": "Document", "label": "Paragraph label"},
        "list_documents": {},
        "check_draft": {"text": "Draft", "documents": "Documents"},
    }


def test_each_tool_describes_its_result_as_rest_does(session):
    """The output schemas are those of REST's response models; the client checks each result against them."""
    outputs = {name: tool.output_schema for name, tool in session["tools"].items()}
    assert outputs == {
        "search_passages": SearchResult.model_json_schema(),
        "get_paragraph": PassageResult.model_json_schema(),
        "list_documents": DocumentList.model_json_schema(),
        "check_draft": CheckResult.model_json_schema(),
    }
    assert outputs["search_passages"]["required"] == ["question", "answered", "notices", "passages"]
    assert outputs["list_documents"]["required"] == ["documents"]
    assert outputs["get_paragraph"]["required"] == [
        "quote",
        "plain_quote",
        "citation",
        "full_citation",
        "document",
        "document_name",
        "document_title",
        "label",
        "place",
        "section",
        "kind",
        "pages",
        "url",
        "score",
        "similarity",
        "weak",
        "match",
        "footnotes",
        "same_language",
    ]
    assert outputs["search_passages"]["additionalProperties"] is False


def test_the_server_says_its_version(session):
    server = session["server"]
    assert (server.name, server.title, server.version) == ("wsis-rag", "WSIS documents, quoted", version("wsis-rag"))


@pytest.mark.parametrize("case", BAD_SEARCHES)
def test_bad_arguments_get_the_library_message(session, seed_index, case):
    """Each bad argument is refused with the library's own message, the one Python (and so REST and the Gradio
    API) gives for it: the schema's rules, not pydantic's, and nothing coerced (true, "3", 2.0 are no k)."""
    arguments, message = BAD_SEARCHES[case]
    result = session["bad"][case]
    assert (result.is_error, [block.text for block in result.content]) == (True, [message])
    assert result.structured_content is None
    with pytest.raises(QueryError) as raised:
        tools.search_passages(seed_index, **{"question": "", **arguments})
    assert str(raised.value) == message


def test_search_returns_the_paragraphs_verbatim_and_cited(session, seed_index):
    result = session["search"]
    expected = seed_index.answer(QUESTION, 5)
    assert result.is_error is False and session["faults"] == []
    found = result.structured_content
    assert found["answered"] is True and found["notices"] == []
    assert [p["citation"] for p in found["passages"]] == [p.citation for p in expected.passages]
    top = found["passages"][0]
    assert top["citation"] == "WSIS+10 outcome document (draft), para. 32"
    assert top["quote"] == seed_index.paragraph("WSIS+10 outcome document", "32").text == expected.passages[0].text
    assert top["url"] == session["base"] + "/source/004_7b6cb249c0a88164#p-32"  # absolute


def test_get_paragraph(session, seed_index):
    result = session["paragraph"]
    assert result.is_error is False
    paragraph = result.structured_content
    assert paragraph["quote"] == seed_index.paragraph("WSIS+10 outcome document", "32").text
    assert paragraph["quote"].startswith("32. We emphasize our concern that only 41% of women have internet access")
    assert (paragraph["citation"], paragraph["label"]) == ("WSIS+10 outcome document (draft), para. 32", "32")


def test_an_unknown_paragraph_is_a_tool_error_with_the_library_message(session):
    result = session["unknown"]
    assert result.is_error is True
    assert [(block.type, block.text) for block in result.content] == [("text", UNKNOWN)]
    assert "Traceback" not in result.content[0].text + session.get("stderr", "")


def test_list_documents_lists_the_seeds(session):
    documents = session["documents"].structured_content["documents"]
    assert [d["id"] for d in documents] == SEED_IDS
    assert documents[4] == DRAFT_OUTCOME_RECORD


def test_http_also_speaks_the_newer_protocol(chat):
    async def run():
        async with Client(chat + "/mcp") as client:  # "auto": the 2026 protocol, no handshake
            return client.protocol_version, await client.call_tool("search_passages", {"question": QUESTION, "k": 1})

    version, result = anyio.run(run)
    assert version == "2026-07-28"
    citations = [p["citation"] for p in result.structured_content["passages"]]
    assert citations == ["WSIS+10 outcome document (draft), para. 32"]


def test_http_refuses_another_host_on_loopback(chat):
    """DNS rebinding: a web page whose own domain resolves to 127.0.0.1 must not reach the tools."""
    headers = {"Accept": "application/json, text/event-stream"}
    refused = httpx.post(chat + "/mcp", json={}, headers={**headers, "Host": "attacker.example"})
    assert (refused.status_code, refused.text) == (421, "Invalid Host header")
    refused = httpx.post(chat + "/mcp", json={}, headers={**headers, "Origin": "http://attacker.example"})
    assert (refused.status_code, refused.text) == (403, "Invalid Origin header")


def test_no_mcp_unless_asked(seed_index):
    url, stop = start_in_background(seed_index)
    try:
        assert httpx.post(url + "/mcp", json={}).status_code == 404
    finally:
        stop()


@pytest.mark.parametrize(
    "command, code",
    [(["mcp"], 1), (["serve", "--mcp"], 1), (["ask", QUESTION, "-k", "1"], 0)],
    ids=["mcp", "serve --mcp", "ask"],
)
def test_without_the_extra(seed_index, command, code):
    """Without the `mcp` package the MCP commands say how to get it (before loading anything); `rag ask`
    never needs it."""
    script = "import sys; sys.modules['mcp'] = None; from rag.cli import main; sys.exit(main(sys.argv[1:]))"
    folders = ["--docs", str(SEEDS), "--index", os.environ["RAG_INDEX"]]
    done = subprocess.run([sys.executable, "-c", script, *command, *folders], capture_output=True, text=True)
    assert done.returncode == code, done.stderr
    if code:
        assert done.stdout == ""
        assert done.stderr.startswith("rag: The MCP server needs the `mcp` package (")
        assert done.stderr.endswith("); pip install 'wsis-rag[mcp]'.\n")
    else:
        assert done.stdout.startswith("1. WSIS+10 outcome document (draft), para. 32 · ")


def test_check_draft_gives_each_paragraph_its_verdict_and_precedents(session, seed_index):
    result = session["check"]
    assert result.is_error is False
    checked = result.structured_content
    assert checked["counts"] == {"verbatim": 1, "with changes": 2, "partly agreed": 0, "new": 1}
    assert [p["label"] for p in checked["paragraphs"]] == ["PP1", "1", "2", "3"]
    first = checked["paragraphs"][1]["precedents"][0]
    assert first["quote"] == seed_index.paragraph("WSIS+10 outcome document", "32").text  # verbatim, cited
    assert first["url"] == session["base"] + "/source/004_7b6cb249c0a88164#p-32"
    assert first["differences"][0] == {"op": "replace", "draft": "note ", "precedent": "emphasize "}
