"""Clients that leave at any moment: `rag mcp` must end cleanly however its client goes (stdin closed right
after start, after `initialize`, right after `tools/list`, during a search; SIGTERM or SIGINT), and the HTTP
endpoint must go on answering after clients that hang up mid-request.

Before the fix, 24 of 60 stdio sessions closed before any search ended in SIGABRT ("terminate called without
an active exception": a daemon thread warming up the model was still inside onnxruntime when the interpreter
finalized), SIGINT left the server waiting for its client's next line, and SIGTERM killed it. Run on that
code, this test failed every signal session, and in two runs 4 and 5 of its 6 sessions closed early aborted."""

import json
import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import anyio
import httpx
import pytest
from conftest import SEEDS
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from ui.app import start_in_background

QUESTION = "gender digital divide"
TOP = "WSIS+10 outcome document (draft), para. 32"
INITIALIZE = {
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
}
INITIALIZED = {"method": "notifications/initialized"}
LIST = {"method": "tools/list"}
SEARCH = {"method": "tools/call", "params": {"name": "search_passages", "arguments": {"question": QUESTION, "k": 3}}}
# What the client sends and waits for a reply to (False: leaves before the reply), then how it leaves.
LISTED = [(INITIALIZE, True), (INITIALIZED, False), (LIST, True)]
SESSIONS = {
    "at start": ([], "close"),
    "after initialize": ([(INITIALIZE, True)], "close"),
    **{f"after tools/list {n}": (LISTED, "close") for n in range(1, 5)},
    "during a search": ([*LISTED, (SEARCH, False)], "close"),
    "after a search": ([*LISTED, (SEARCH, True)], "close"),
    "SIGTERM after tools/list": (LISTED, signal.SIGTERM),
    "SIGINT after tools/list": (LISTED, signal.SIGINT),
    "SIGTERM during a search": ([*LISTED, (SEARCH, False)], signal.SIGTERM),
    "SIGINT after stdin closed": (LISTED, "close+SIGINT"),
    "SIGTERM after stdin closed": (LISTED, "close+SIGTERM"),
}


def session(messages: list[tuple[dict, bool]], leave) -> tuple[int, str, list[dict]]:
    """Run `rag mcp`, send `messages` as JSON-RPC lines, leave as `leave` says; (exit code, stderr, replies)."""
    command = [sys.executable, "-m", "rag.cli", "mcp", "--docs", str(SEEDS), "--index", os.environ["RAG_INDEX"]]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    replies = []
    for number, (message, awaited) in enumerate(messages):
        request = {"jsonrpc": "2.0", **message} | ({"id": number} if "id" not in message else {})
        if message["method"].startswith("notifications/"):
            request.pop("id")
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
        if awaited:
            replies.append(json.loads(process.stdout.readline()))
    if leave in ("close", "close+SIGINT", "close+SIGTERM"):
        process.stdin.close()
    if leave != "close":
        process.send_signal(leave if isinstance(leave, signal.Signals) else signal.Signals[leave.split("+")[1]])
    try:
        code = process.wait(timeout=30)  # its output left unread is a reply or two: it fits in the pipe
    except subprocess.TimeoutExpired:
        process.kill()
        code = "hung"
    return code, process.stderr.read().decode(), replies


def test_rag_mcp_ends_cleanly_however_the_client_leaves(seed_index):
    with ThreadPoolExecutor(3) as pool:  # three at a time: their start-ups overlap what the others wait for
        ended = dict(zip(SESSIONS, pool.map(lambda s: session(*s), SESSIONS.values()), strict=True))
    assert {name: (code, stderr) for name, (code, stderr, _) in ended.items()} == {name: (0, "") for name in SESSIONS}
    _, _, replies = ended["after a search"]
    assert [reply["id"] for reply in replies] == [0, 2, 3]
    assert replies[0]["result"]["serverInfo"]["name"] == "wsis-rag"
    assert [tool["name"] for tool in replies[1]["result"]["tools"]] == [
        "search_passages",
        "get_paragraph",
        "list_documents",
        "check_draft",
    ]
    assert replies[2]["result"]["structuredContent"]["passages"][0]["citation"] == TOP


@pytest.fixture(scope="module")
def chat(seed_index):
    url, stop = start_in_background(seed_index, mcp=True)
    yield url
    stop()


async def search_once(url: str) -> str:
    async with streamable_http_client(url) as streams, ClientSession(*streams) as client:
        await client.initialize()
        result = await client.call_tool("search_passages", {"question": QUESTION, "k": 1})
    return result.structured_content["passages"][0]["citation"]


async def leave_mid_search(url: str, after: float) -> None:
    """A session that hangs up `after` seconds into a search: its connection is closed under the request."""
    async with streamable_http_client(url) as streams, ClientSession(*streams) as client:
        await client.initialize()
        with anyio.move_on_after(after):
            await client.call_tool("search_passages", {"question": QUESTION, "k": 50})


def hang_up(url: str, sent: float) -> None:
    """POST a search to /mcp and close the connection unread, after sending only `sent` of its body (1: all of
    it, so the server searches for a client that has gone)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, **SEARCH}).encode()
    address = urlsplit(url)
    head = (
        f"POST /mcp HTTP/1.1\r\nHost: {address.netloc}\r\nAccept: application/json, text/event-stream\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(head.encode() + body[: int(len(body) * sent)])


def test_http_answers_after_clients_hang_up_mid_request(chat):
    url = chat + "/mcp"
    for sent in (0, 0.5, 1, 1, 1):
        hang_up(chat, sent)

    async def run() -> list[str]:
        async with anyio.create_task_group() as group:
            for after in (0.0, 0.01, 0.05, 0.1, 0.2, 0.3):
                group.start_soon(leave_mid_search, url, after)
        return [await search_once(url) for _ in range(2)]

    assert anyio.run(run) == [TOP, TOP]
    assert httpx.get(chat + "/api/documents").status_code == 200
