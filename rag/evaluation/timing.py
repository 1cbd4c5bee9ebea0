"""Measuring for `rag bench`: wall time of commands run as real subprocesses, the start-up, memory and
answers of a running server, and the statistics the bench reports (medians, percentiles, ratios)."""

import logging
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError

log = logging.getLogger(__name__)

COMMAND_TIMEOUT = 1800  # seconds; the longest command measured (a build of the 40 PDFs) takes about 2 minutes
START_TIMEOUT = 120
STOP_GRACE = 10


class BenchError(RagError):
    """A command the bench measures failed or timed out: its figure cannot be measured."""


def percentile(values: Sequence[float], percent: float) -> float:
    """The percentile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * percent / 100
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def summary(values: Sequence[float]) -> dict:
    """What the report keeps of repeated measurements: the median, the range, and every run."""
    return {"median": percentile(values, 50), "min": min(values), "max": max(values), "runs": list(values)}


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return ours / theirs


def timed_command(argv: Sequence[str], *, env: dict | None = None, cwd: Path | None = None) -> tuple[float, str]:
    """Run a command to its end; its wall time in seconds and its stdout. A failure raises BenchError."""
    began = time.perf_counter()
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, env=env, cwd=cwd, timeout=COMMAND_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{_shown(argv)} took more than {COMMAND_TIMEOUT} s") from error
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise BenchError(f"{_shown(argv)} exited with {done.returncode}: {_tail(done.stderr)}")
    return seconds, done.stdout


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its children, in MiB."""
    import psutil

    process = psutil.Process(pid)
    processes = [process, *process.children(recursive=True)]
    return sum(p.memory_info().rss for p in processes if p.is_running()) / 2**20


@dataclass
class ServerRun:
    address_s: float  # from start until the server printed its address
    ready_s: float  # from start until GET / answered 200
    rss_mib: float | None = None  # after the questions, when any were asked
    answered: int = 0
    answer_ms: list[float] = field(default_factory=list)  # each question through the HTTP API


def measure_server(
    argv: Sequence[str],
    url: str,
    *,
    ask: Callable[[object, str], object] | None = None,
    questions: Sequence[str] = (),
    env: dict | None = None,
) -> ServerRun:
    """Start a server, time its address line and its first 200, optionally ask it questions through
    gradio_client (`ask(client, question)`) and read its memory; always stop it."""
    began = time.perf_counter()
    server = subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    output: list[str] = []
    printed = threading.Event()
    threading.Thread(target=_read_lines, args=(server, url, output, printed), daemon=True).start()
    try:
        address_s = _wait(lambda: printed.is_set(), server, began, output) - began
        ready_s = _wait(lambda: answers_200(url), server, began, output) - began
        run = ServerRun(address_s, ready_s)
        if ask and questions:
            _ask_all(url, ask, questions, run)
            run.rss_mib = tree_rss_mib(server.pid)
        return run
    finally:
        _stop(server)


def _read_lines(server: subprocess.Popen, url: str, output: list[str], printed: threading.Event) -> None:
    for line in server.stdout:
        output.append(line)
        if url in line:
            printed.set()


def _wait(condition: Callable[[], bool], server: subprocess.Popen, began: float, output: list[str]) -> float:
    """The moment `condition` first holds; BenchError when the server exits or takes too long."""
    while not condition():
        if server.poll() is not None:
            raise BenchError(f"the server exited with {server.returncode}: {_tail(''.join(output))}")
        if time.perf_counter() - began > START_TIMEOUT:
            raise BenchError(f"the server was not up after {START_TIMEOUT} s: {_tail(''.join(output))}")
        time.sleep(0.01)
    return time.perf_counter()


def answers_200(url: str) -> bool:
    """Whether GET `url` answers 200 now (a server that is not up yet does not)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _ask_all(url: str, ask: Callable[[object, str], object], questions: Sequence[str], run: ServerRun) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for question in questions:
        began = time.perf_counter()
        ask(client, question)
        run.answer_ms.append((time.perf_counter() - began) * 1000)
        run.answered += 1


def _stop(server: subprocess.Popen) -> None:
    """Ctrl+C first, as a user stops it; then SIGTERM, then SIGKILL, to its own process group only."""
    for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if server.poll() is not None:
            break
        os.killpg(server.pid, sent)
        try:
            server.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            log.info("The server did not stop on %s", sent.name)
    if server.stdout:
        server.stdout.close()


def _shown(argv: Sequence[str]) -> str:
    return " ".join(Path(argv[0]).name if i == 0 else str(a) for i, a in enumerate(argv))


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"
