"""The MCP server over stdin and stdout (`rag mcp`, what a desktop assistant starts), ending cleanly however
the client leaves: stdin closed at any moment, SIGTERM or SIGINT."""

import contextlib
import os
import queue
import signal
import sys
import threading

import anyio
import anyio.to_thread

from rag.integrations.mcp import MCPServer, build_server  # says how to install a missing `mcp`
from rag.retrieval.index import Index


def run_stdio(index: Index, *, base_url: str = "") -> None:
    """Serve over stdin and stdout (what a desktop assistant starts) until the client closes stdin, or the
    process is sent SIGTERM or SIGINT (Ctrl+C): each ends it the same way, the calls under way finished.

    The process is then to exit, and ignores both signals from here on: one would interrupt its wait at exit
    for threads still in native code (the model warming up), and a thread left there aborts the process."""
    lines = _ClientLines(sys.stdin.fileno())
    # Python's own handlers, not the event loop's: those are removed when the loop stops, and a signal just
    # after stdin closed found the default handler again, which ended the process with -15.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: lines.close())
    try:
        anyio.run(_serve_stdio, build_server(index, base_url=base_url), lines)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        lines.close()  # a line still awaited (the server stopped otherwise) is not: its thread can end


async def _serve_stdio(server: MCPServer, lines: "_ClientLines") -> None:
    from mcp.server.stdio import stdio_server  # imported once rag.integrations.mcp has checked `mcp` is there

    async with stdio_server(stdin=lines) as (read, write):
        # What server.run("stdio") does, but with our stdin: the SDK's run_stdio_async() takes no streams.
        lowlevel = server._lowlevel_server
        await lowlevel.run(read, write, lowlevel.create_initialization_options())


class _ClientLines:
    """The client's lines on a file descriptor, as the SDK's stdio transport reads them (`async for line in`),
    ended by the client closing it or by close().

    The SDK reads stdin in a worker thread of the event loop, which nothing interrupts and the process must
    wait for at exit: a server sent SIGINT or SIGTERM ran on until the client wrote again (python-sdk#3551).
    Here a daemon thread reads, blocked in os.read() between lines, holding no lock and no native library
    state, so it can be left behind at exit; the loop takes its lines from a queue."""

    def __init__(self, fd: int):
        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        threading.Thread(target=self._read, args=(fd,), name="stdin", daemon=True).start()

    def close(self) -> None:
        self._lines.put(None)

    def __aiter__(self) -> "_ClientLines":
        return self

    async def __anext__(self) -> str:
        line = await anyio.to_thread.run_sync(self._lines.get, abandon_on_cancel=True)
        if line is None:
            self._lines.put(None)  # for a later read, and for a get() a cancellation left waiting
            raise StopAsyncIteration
        return line

    def _read(self, fd: int) -> None:
        pending = b""
        with contextlib.suppress(OSError):  # a descriptor closed or unreadable: as the end of input
            while chunk := os.read(fd, 1 << 16):
                *complete, pending = (pending + chunk).split(b"\n")
                for line in complete:
                    self._lines.put(line.decode("utf-8", "replace"))
        if pending:
            self._lines.put(pending.decode("utf-8", "replace"))
        self.close()
