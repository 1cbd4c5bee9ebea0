"""The same bad input gets the same message through every way in: Python, `rag ask` (`rag check`), the chat's
Gradio API, REST, MCP (over HTTP, on the running server) and both retrievers (which only search). Each row is
one input as each way sends it (a query string holds text only, so REST's k is the text "abc" where JSON sends
a number)."""

import io
import json

import anyio
import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from rag import RagError
from rag.cli import main
from rag.precedents.check import check_draft
from rag.precedents.draft import draft_from_text
from ui.app import start_in_background

LONG = "gender " * 285 + "divide"  # 2,001 characters
SEARCHES = {  # name: (question, k, documents)
    "empty question": ("", 5, None),
    "question of 2,001 characters": (LONG, 5, None),
    "question of control characters": ("\x01\x02", 5, None),
    "k = 0": ("gender", 0, None),
    "k = 51": ("gender", 51, None),
    "k = 'abc'": ("gender", "abc", None),
    "blank document name": ("gender", 5, [" "]),
    "unknown document": ("gender", 5, ["A/RES/99/1"]),
    "documents as a bare string": ("gender", 5, "A/RES/70/125"),
    "empty documents list": ("gender", 5, []),
}
PARAGRAPHS = {  # name: (document, label)
    "label '3 2'": ("WSIS+10 outcome document", "3 2"),
    "blank label": ("WSIS+10 outcome document", " "),
    "paragraph not there": ("WSIS+10 outcome document", "99"),
    "unknown document, by label": ("A/RES/99/1", "3"),
}

CHECKS = {  # name: (draft text, documents)
    "empty draft": ("", None),
    "draft of blank lines": (" \n\n \t", None),
    "draft of 300,001 characters": ("Welcomes. " * 30_000 + "x", None),
    "draft that is a number": (3, None),
    "check against an unknown document": ("1. Welcomes the report of the Secretary-General;", ["A/RES/99/1"]),
    "check against a bare string": ("1. Welcomes the report of the Secretary-General;", "A/RES/70/125"),
}


@pytest.fixture(scope="module")
def server(seed_index):
    url, stop = start_in_background(seed_index, mcp=True)
    yield url
    stop()


def library(seed_index, operation: str, arguments: tuple) -> str:
    with pytest.raises(RagError) as raised:
        if operation == "search":
            question, k, documents = arguments
            seed_index.answer(question, k, documents=documents)
        elif operation == "check":
            text, documents = arguments
            check_draft(seed_index, draft_from_text(text), documents=documents)
        else:
            seed_index.paragraph(*arguments)
    return str(raised.value)


def rest(url: str, operation: str, arguments: tuple) -> str | None:
    """None where a query string cannot carry the input (a bare string or an empty list of documents)."""
    if operation == "search":
        question, k, documents = arguments
        if isinstance(documents, str) or documents == []:
            return None
        reply = httpx.get(f"{url}/api/search", params={"q": question, "k": k, "doc": documents or []})
    elif operation == "check":
        text, documents = arguments
        reply = httpx.post(f"{url}/api/check", json={"text": text, **({"documents": documents} if documents else {})})
    else:
        document, label = arguments
        reply = httpx.get(f"{url}/api/documents/{_path(document)}/paragraphs/{_path(label)}")
    assert reply.status_code in (400, 404), reply.text
    return reply.json()["error"]["message"]


def _path(part: str) -> str:
    return httpx.URL("http://x/" + part).raw_path.decode()[1:].replace("/", "%2F")


def gradio(url: str, operation: str, arguments: tuple) -> str:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as raised:
        Client(url, verbose=False).predict(*arguments, api_name=f"/{operation}")
    return str(raised.value)


def mcp(url: str, operation: str, arguments: tuple) -> str:
    if operation == "search":
        name, values = "search_passages", dict(zip(("question", "k", "documents"), arguments, strict=True))
    elif operation == "check":
        name, values = "check_draft", dict(zip(("text", "documents"), arguments, strict=True))
    else:
        name, values = "get_paragraph", dict(zip(("document", "label"), arguments, strict=True))

    async def call():
        async with streamable_http_client(url + "/mcp") as streams, ClientSession(*streams) as session:
            await session.initialize()
            return await session.call_tool(name, values)

    result = anyio.run(call)
    assert result.is_error
    return result.content[0].text


def cli(operation: str, arguments: tuple, capsys, monkeypatch) -> str | None:
    """None where a shell cannot say it (documents other than repeated --doc; a draft that is not text)."""
    if operation == "check":
        text, documents = arguments
        if not isinstance(text, str) or isinstance(documents, str):
            return None
        monkeypatch.setattr("sys.stdin", io.StringIO(text))  # `rag check -` reads the draft's text
        assert main(["check", "-", *(f"--doc={d}" for d in documents or [])]) in (1, 2)
        return capsys.readouterr().err.removeprefix("rag: ").removesuffix("\n")
    if operation != "search":
        return None
    question, k, documents = arguments
    if isinstance(documents, str) or documents == []:
        return None
    argv = ["ask", question, "-k", str(k), *(f"--doc={d}" for d in documents or [])]
    assert main(argv) in (1, 2)
    return capsys.readouterr().err.removeprefix("rag: ").removesuffix("\n")


def retrievers(seed_index, arguments: tuple) -> dict[str, str]:
    """What each retriever raises: LangChain's given the input per call, LlamaIndex's when built with it."""
    from rag.integrations.langchain import PassageRetriever as LangChainRetriever
    from rag.integrations.llamaindex import PassageRetriever as LlamaIndexRetriever

    question, k, documents = arguments
    with pytest.raises(RagError) as langchain:
        LangChainRetriever(index=seed_index).invoke(question, k=k, documents=documents)
    with pytest.raises(RagError) as llamaindex:
        LlamaIndexRetriever(seed_index, similarity_top_k=k, documents=documents).retrieve(question)
    return {"LangChain": str(langchain.value), "LlamaIndex": str(llamaindex.value)}


CASES = [("search", name, arguments) for name, arguments in SEARCHES.items()]
CASES += [("paragraph", name, arguments) for name, arguments in PARAGRAPHS.items()]
CASES += [("check", name, arguments) for name, arguments in CHECKS.items()]


@pytest.mark.parametrize(("operation", "name", "arguments"), CASES, ids=[name for _, name, _ in CASES])
def test_the_same_bad_input_gets_the_same_message_everywhere(
    seed_index, server, capsys, monkeypatch, operation, name, arguments
):
    expected = library(seed_index, operation, arguments)
    answers = {
        "REST": rest(server, operation, arguments),
        "Gradio API": gradio(server, operation, arguments),
        "MCP": mcp(server, operation, arguments),
        "rag ask": cli(operation, arguments, capsys, monkeypatch),
    }
    if operation == "search":
        answers |= retrievers(seed_index, arguments)
    said = {way: message for way, message in answers.items() if message is not None}
    print(json.dumps({"input": name, "library": expected, **said}, ensure_ascii=False))
    assert said == dict.fromkeys(said, expected)
