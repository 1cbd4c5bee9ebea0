"""Dense vectors in Milvus: a server ("milvus://HOST:PORT") or Milvus Lite (a local path ending ".db").

One collection holds one build's vectors of one kind (chunks or sentences). Its primary key `row` is the row
number, so a hit is line `row` of chunks.jsonl (or sentences.jsonl) as it is. It also keeps doc_id, unit,
label and text, so it can be read on its own, but a search asks only for keys and scores.

What Milvus imposes (measured on Milvus 2.3.5 and milvus-lite 3.2.2):
- A server gets an HNSW index, declared with the collection before any insert, and the collection is loaded
  only once every row is indexed: loaded earlier, it answers from a temporary index (recall@10 0.70-0.77)
  until it swaps the graph in, so results drift for a while.
- Milvus Lite (pure Python, inside this process) gets a FLAT index: exact, like the FAISS store; its HNSW
  loses rows under a document filter.
- A document filter is an expression evaluated in the engine (`doc_id in [...]`): the n best rows of those
  documents come back, not the n best overall thinned out afterwards.
- Every call has a timeout and every pymilvus error becomes an IndexStoreError naming the address, so a
  server that is down or wedged fails within the timeout instead of hanging a search.
"""

import json
import logging
import socket
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from rag.errors import IndexStoreError

SCHEME = "milvus://"
MAX_BYTES = {"doc_id": 512, "label": 256, "text": 65_535}  # VARCHAR max_length counts UTF-8 bytes
MAX_LIMIT = 16_384  # Milvus refuses a search limit (topk) above this, so deeper searches are clamped
BATCH_ROWS = 5_000
BATCH_BYTES = 32 << 20  # a server's proxy refuses gRPC messages over 64 MiB
HNSW = {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 32, "efConstruction": 200}}
FLAT = {"index_type": "FLAT", "metric_type": "IP", "params": {}}
EF_SEARCH = 256  # HNSW's search depth, raised to n when deeper (Milvus needs ef >= limit)
WRITE_TIMEOUT = 1_800.0  # indexing 100,000 vectors takes about two minutes on two cores
LOAD_TIMEOUT = 300.0  # loading them (after a server restart) about six seconds
QUERY_BATCH = 4_096  # rows fetched per query by vectors()


class MilvusStore:
    """A connection to Milvus that writes, lists, drops and opens the collections of builds."""

    def __init__(self, uri: str, timeout: float = 10.0):
        self.uri, self.timeout = str(uri), timeout
        self.lite = not self.uri.startswith(SCHEME)
        self.address, client_uri = _address(self.uri)
        if self.lite and not Path(client_uri).parent.is_dir():
            raise IndexStoreError(f"Cannot open Milvus Lite at {self.uri}: its folder does not exist; check --store.")
        client_class = _pymilvus_client()
        try:
            self._client = client_class(uri=client_uri, timeout=timeout)
        except Exception as error:  # pymilvus raises its own types and grpc's; all mean "cannot connect"
            raise IndexStoreError(self._unreachable("connect", error, None)) from error

    def __enter__(self) -> "MilvusStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection. (Milvus Lite's engine runs in this process and keeps its .db, locked against
        other processes, until the process exits: pymilvus starts it once per path and never stops it.)"""
        with self._errors("close the connection"):
            self._client.close()

    def collections(self, prefix: str = "") -> list[str]:
        with self._errors("list collections"):
            names = self._client.list_collections(timeout=self.timeout)
        return sorted(name for name in names if name.startswith(prefix))

    def drop(self, name: str) -> None:
        with self._errors(f"drop collection {name}"):
            if self._client.has_collection(name, timeout=self.timeout):
                self._client.drop_collection(name, timeout=self.timeout)

    def write(self, name: str, rows: Sequence[Mapping], vectors: np.ndarray) -> None:
        """(Re)create collection `name`: entity i is row i (doc_id, unit, label, text) with vector i."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(rows) != len(vectors):
            raise ValueError(f"{len(rows)} rows need a ({len(rows)}, d) array of vectors, not {vectors.shape}.")
        entities = [_entity(i, row) for i, row in enumerate(rows)]
        self.drop(name)
        with self._errors(f"write collection {name}"):
            self._create(name, vectors.shape[1])
            for batch in _batches(entities, vectors):
                self._client.insert(name, batch, timeout=WRITE_TIMEOUT)
            self._client.flush(name, timeout=WRITE_TIMEOUT)
            self._wait_indexed(name, len(entities))
            self._client.load_collection(name, timeout=WRITE_TIMEOUT)

    def open(self, name: str) -> "MilvusVectors":
        """The searchable vectors of collection `name`."""
        with self._errors(f"open collection {name}"):
            if not self._client.has_collection(name, timeout=self.timeout):
                raise IndexStoreError(f"Milvus at {self.address} has no collection {name}; run `rag build` again.")
            self._client.load_collection(name, timeout=LOAD_TIMEOUT)
            fields = self._client.describe_collection(name, timeout=self.timeout)["fields"]
            index = self._client.describe_index(name, "vector", timeout=self.timeout)
        dimensions = next(int(field["params"]["dim"]) for field in fields if field["name"] == "vector")
        return MilvusVectors(self, name, dimensions, EF_SEARCH if index.get("index_type") == "HNSW" else 0)

    def _create(self, name: str, dimensions: int) -> None:
        from pymilvus import DataType

        schema = self._client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=MAX_BYTES["doc_id"])
        schema.add_field("unit", DataType.INT64)
        schema.add_field("label", DataType.VARCHAR, max_length=MAX_BYTES["label"])
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_BYTES["text"])
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimensions)
        index = self._client.prepare_index_params()
        index.add_index(field_name="vector", **(FLAT if self.lite else HNSW))
        # Without index_params pymilvus creates the collection unloaded; the index is declared at once.
        self._client.create_collection(name, schema=schema, timeout=WRITE_TIMEOUT)
        self._client.create_index(name, index, timeout=WRITE_TIMEOUT)

    def _wait_indexed(self, name: str, count: int) -> None:
        """Wait until all `count` rows are indexed (Milvus 2.3.5 reports the state "Finished" while rows are
        still pending: only the counts tell)."""
        deadline = time.monotonic() + WRITE_TIMEOUT
        while time.monotonic() < deadline:
            progress = self._client.describe_index(name, "vector", timeout=self.timeout)
            if progress.get("indexed_rows", 0) >= count and progress.get("pending_index_rows", 0) == 0:
                return
            time.sleep(0.5)
        raise IndexStoreError(f"Milvus at {self.address} did not index {name} in {WRITE_TIMEOUT:.0f} s.")

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn pymilvus's and gRPC's exceptions into an IndexStoreError naming the address and the action."""
        try:
            yield
        except IndexStoreError:
            raise
        except Exception as error:  # pymilvus's errors and grpc's have no common base
            if not _from_client(error):
                raise
            why = None if self.lite else _tcp_problem(self.address, self.timeout)
            if why:
                raise IndexStoreError(self._unreachable(action, error, why)) from error
            raise IndexStoreError(
                f"Milvus at {self.address} failed to {action}: {_detail(error)}. Check the server and its "
                "logs, or rebuild with `rag build`."
            ) from error

    def _unreachable(self, action: str, error: Exception, why: str | None) -> str:
        if self.lite:
            return (
                f"Cannot open Milvus Lite at {self.address} ({_detail(error)}); only one process at a time can "
                "use it, so stop any other that has it open, or check the path given to --store."
            )
        why = why or _tcp_problem(self.address, self.timeout) or f"no Milvus answer within {self.timeout:g} s"
        doing = "" if action == "connect" else f" to {action}"
        return f"Cannot reach Milvus at {self.address}{doing} ({why}); start the server or check --store."


class MilvusVectors:
    """VectorSearch over one Milvus collection (see rag/store/dense.py)."""

    def __init__(self, store: MilvusStore, name: str, dimensions: int, ef: int):
        self._store, self.name, self.dimensions = store, name, dimensions
        self._ef = ef  # HNSW's search depth; 0 for an exact (FLAT) index

    def __len__(self) -> int:
        with self._store._errors(f"count {self.name}"):
            stats = self._store._client.get_collection_stats(self.name, timeout=self._store.timeout)
        return int(stats["row_count"])

    def search(self, query: np.ndarray, n: int, docs: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        n, docs = min(n, MAX_LIMIT), None if docs is None else list(docs)
        if n <= 0 or docs == []:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        with self._store._errors(f"search {self.name}"):
            hits = self._store._client.search(
                self.name,
                data=[np.asarray(query, dtype=np.float32).reshape(-1).tolist()],
                anns_field="vector",
                limit=n,
                filter="" if docs is None else f"doc_id in [{', '.join(map(_quote, docs))}]",
                search_params={"metric_type": "IP", "params": {"ef": max(self._ef, n)} if self._ef else {}},
                timeout=self._store.timeout,
            )[0]
        return np.asarray(hits.distances, np.float32), np.asarray(hits.ids, np.int64)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The stored vectors of these rows, in that order."""
        rows = [int(row) for row in rows]
        found: dict[int, list[float]] = {}
        with self._store._errors(f"read vectors of {self.name}"):
            for start in range(0, len(rows), QUERY_BATCH):
                wanted = sorted(set(rows[start : start + QUERY_BATCH]))
                entities = self._store._client.query(
                    self.name, filter=f"row in {wanted}", output_fields=["vector"], timeout=self._store.timeout
                )
                found.update((int(entity["row"]), entity["vector"]) for entity in entities)
        missing = [row for row in rows if row not in found]
        if missing:
            raise IndexStoreError(f"Milvus collection {self.name} has no row {missing[0]}; run `rag build` again.")
        return np.asarray([found[row] for row in rows], np.float32).reshape(len(rows), self.dimensions)


def _pymilvus_client() -> type:
    """pymilvus's MilvusClient, imported only when a Milvus store is used. At import pymilvus gives its
    loggers stderr handlers of their own, and it logs a traceback with every failed call (Milvus Lite with
    every failed open), each of which this module raises as an IndexStoreError: their records go back to
    the application's logging, and only critical ones pass (lower these loggers' levels to see them all)."""
    try:
        from pymilvus import MilvusClient
    except ImportError as error:
        raise IndexStoreError(f"A Milvus store needs pymilvus ({error}); pip install 'wsis-rag[milvus]'.") from error

    for name in ("pymilvus", "pymilvus.milvus_client", "pymilvus.bulk_writer"):
        log = logging.getLogger(name)
        for handler in list(log.handlers):
            log.removeHandler(handler)
        log.propagate = True
        log.setLevel(logging.NOTSET)
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    logging.getLogger("milvus_lite.server_manager").setLevel(logging.CRITICAL)
    # Milvus Lite serves pymilvus in-process over gRPC and answers a call it lacks (AllocTimestamp) with an
    # error pymilvus handles; gRPC's server would print a traceback for each.
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    return MilvusClient


def _address(uri: str) -> tuple[str, str]:
    """(what messages call the store, the URI pymilvus connects to)."""
    if not uri.startswith(SCHEME):
        return uri, str(Path(uri).expanduser().absolute())
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number
        host = port = None
    if not host or not port:
        raise IndexStoreError(f"{uri} is not a Milvus address; write milvus://HOST:PORT (milvus://127.0.0.1:19530).")
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}", f"http://{host}:{port}"


def _tcp_problem(address: str, timeout: float) -> str | None:
    """Why nothing answers at `address` as far as a plain TCP connection tells, or None when one opens."""
    host, _, port = address.rpartition(":")
    wait = min(timeout, 5.0)
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=wait):
            return None
    except ConnectionRefusedError:
        return "connection refused"
    except TimeoutError:
        return f"no answer within {wait:g} s"
    except socket.gaierror:
        return "unknown host"
    except OSError as error:
        return error.strerror or type(error).__name__


def _from_client(error: Exception) -> bool:
    import grpc
    from pymilvus.exceptions import MilvusException

    return isinstance(error, MilvusException | grpc.RpcError)


def _detail(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__  # pymilvus keeps it in .message


def _entity(row: int, fields: Mapping) -> dict:
    """Row `row` as Milvus stores it; a field too long for its VARCHAR is refused, never truncated."""
    entity = {"row": row, "unit": int(fields["unit"])} | {name: str(fields[name]) for name in MAX_BYTES}
    for name, limit in MAX_BYTES.items():
        size = len(entity[name].encode("utf-8"))
        if size > limit:
            raise IndexStoreError(
                f"Row {row} ({entity['doc_id'][:80]} {entity['label'][:40]}) has a {name} of {size:,} bytes; "
                f"Milvus stores at most {limit:,}. Split the paragraph or use the FAISS store."
            )
    return entity


def _batches(entities: list[dict], vectors: np.ndarray) -> Iterator[list[dict]]:
    """Entities with their vectors, in batches small enough for one gRPC message."""
    batch: list[dict] = []
    size = 0
    for entity, vector in zip(entities, vectors, strict=True):
        batch.append({**entity, "vector": vector})
        size += vector.nbytes + len(entity["text"].encode("utf-8")) + 64
        if len(batch) == BATCH_ROWS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _quote(value: str) -> str:
    """A string literal of Milvus's filter language, whose escapes are JSON's (quotes, backslashes, controls)."""
    return json.dumps(str(value), ensure_ascii=False)
