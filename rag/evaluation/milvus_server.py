"""A throwaway Milvus standalone server for tests: `milvus-server` (the `milvus` package) on a free loopback port.

Each run gets a fresh data folder, since a server reusing another's folder recovers its collections. The
server is the Python wrapper plus its `milvus` child in a process group of their own: the child ignores
SIGTERM for up to a minute, so stopping sends SIGTERM, waits briefly, then SIGKILLs the whole group.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

START_TIMEOUT = 60.0
STOP_GRACE = 2.0


def executable() -> Path | None:
    """The milvus-server console script beside this Python, or None when the `milvus` package is missing."""
    path = Path(sys.executable).parent / "milvus-server"
    return path if path.is_file() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def milvus_server(timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Start a server, yield its "milvus://127.0.0.1:PORT", and kill it and remove its data when done."""
    script = executable()
    if script is None:
        raise RuntimeError("milvus-server is not installed; pip install milvus")
    data = Path(tempfile.mkdtemp(prefix="rag-milvus-"))
    port, etcd_client, etcd_peer = free_port(), free_port(), free_port()
    log = (data / "server.log").open("wb")
    process = subprocess.Popen(
        [str(script), "--data", str(data / "server"), "--proxy-port", str(port), "--etcd-port", str(etcd_client)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so the child dies with it
        env=os.environ | {"ETCD_CONFIG_PATH": str(_etcd_config(data, etcd_client, etcd_peer))},
    )
    try:
        _wait_ready(port, process, timeout, data / "server.log")
        yield f"milvus://127.0.0.1:{port}"
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def _etcd_config(folder: Path, client: int, peer: int) -> Path:
    """The embedded etcd's own settings. Without them it listens on 2379 and 2380 whatever --etcd-port
    says, so a second server on the machine (another test run, a developer's) fails to start."""
    path = folder / "etcd.yaml"
    path.write_text(
        f"listen-client-urls: http://127.0.0.1:{client}\n"
        f"advertise-client-urls: http://127.0.0.1:{client}\n"
        f"listen-peer-urls: http://127.0.0.1:{peer}\n"
        f"initial-advertise-peer-urls: http://127.0.0.1:{peer}\n"
        f"initial-cluster: default=http://127.0.0.1:{peer}\n",
        encoding="utf-8",
    )
    return path


def _wait_ready(port: int, process: subprocess.Popen, timeout: float, log: Path) -> None:
    """Poll until the server answers a request (the port opens a few seconds before it can serve)."""
    from pymilvus import MilvusClient

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"milvus-server exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            client = MilvusClient(uri=f"http://127.0.0.1:{port}", timeout=2.0)
            client.list_collections(timeout=2.0)
            client.close()
            return
        except Exception:  # not up yet: pymilvus raises several types while the server starts
            time.sleep(0.25)
    raise RuntimeError(f"milvus-server did not answer on port {port} within {timeout:g} s")


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(STOP_GRACE)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the milvus child outlives SIGTERM and its wrapper
    process.wait()
