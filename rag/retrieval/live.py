"""An index that catches up with its documents folder while it serves (the library view, `rag serve --watch`).

LiveIndex stands where an Index is used: every attribute is the current Index's. refresh() rebuilds in a
background thread (only new or changed files are read and embedded: rag.store.extracted, the vector
reuse); the current Index answers until the new build is complete, published (the build's atomic switch)
and loaded, then one reference is swapped, so a request is answered by one whole index or the other, never
by a half-built one. A failed build leaves the current index as it was, and says why in `status`.
"""

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.errors import RagError
from rag.retrieval.index import Index
from rag.store import files
from rag.store.build import BuildReport, build

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Status:
    state: str = "current"  # "current", "building" or "failed"
    message: str = ""  # what the last build did, or why it failed
    started: float = 0.0  # time.time() of the build under way or last finished
    finished: float = 0.0
    report: BuildReport | None = field(default=None, repr=False)


class LiveIndex:
    def __init__(self, index: Index, docs_dir: Path, index_dir: Path, *, store: str | None = None):
        self._current = index
        self._docs_dir, self._index_dir, self._store = Path(docs_dir), Path(index_dir), store
        self._lock = threading.Lock()
        self._pending = False  # a refresh asked for while a build runs: one more build after it
        self._thread: threading.Thread | None = None
        self.status = Status()

    @property
    def current(self) -> Index:
        return self._current

    @property
    def docs_dir(self) -> Path:
        return self._docs_dir

    def __getattr__(self, name: str):
        return getattr(self._current, name)

    def refresh(self) -> None:
        """Catch up with the documents folder in the background; asked again while a build runs, one more build
        follows it (the files may have changed since it read them)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._pending = True
                return
            # Said at once, not when the thread gets to it: a page asking right after sees the build under way.
            self.status = Status("building", "Reading the new and changed documents …", time.time())
            self._thread = threading.Thread(target=self._rebuild_until_current, name="index-refresh", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> Status:
        """Until the refresh under way (and any it queued) is done; for tests and scripts."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status

    def _rebuild_until_current(self) -> None:
        while True:
            self._rebuild()
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending = False

    def _rebuild(self) -> None:
        self.status = Status("building", "Reading the new and changed documents …", time.time())
        try:
            with files.build_lock(self._index_dir):
                report = build(
                    self._docs_dir, self._index_dir, embedder=self._current.embedder, store=self._resolved_store()
                )
                fresh = Index(
                    files.load(report.folder),
                    embedder=self._current.embedder,
                    docs_dir=self._docs_dir,
                    index_dir=self._index_dir,
                )
        except RagError as error:  # the documents or the disk: said, and the current index kept
            log.warning("The index was not rebuilt: %s", error)
            self.status = replace(self.status, state="failed", message=str(error), finished=time.time())
            return
        except Exception as error:  # noqa: BLE001 - a build failing in any way must leave the server serving
            log.exception("The index was not rebuilt")
            message = f"The index was not rebuilt ({type(error).__name__}: {error}); the documents are as before."
            self.status = replace(self.status, state="failed", message=message, finished=time.time())
            return
        self._current = fresh
        said = (
            f"{report.documents} documents, {_counted(report.extracted, 'file')} read anew, "
            f"{_counted(report.embedded, 'text')} embedded"
        )
        self.status = Status("current", said, self.status.started, time.time(), report)

    def _resolved_store(self) -> str:
        from rag.store import stores

        return stores.resolve(self._store)


def _counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"


def watch(live: LiveIndex, stop: threading.Event) -> None:
    """Refresh `live` whenever a document file of its folder (or the catalog) is added, changed or removed by
    other means (a synced drive, a script): `rag serve --watch`. Changes that come together are one refresh."""
    from watchfiles import watch as changes

    from rag.ingest.folder import CATALOG_NAME
    from rag.ingest.formats import SUFFIXES

    def is_document(_change, path: str) -> bool:
        name = Path(path).name
        return name == CATALOG_NAME or (Path(path).suffix.lower() in SUFFIXES and not name.startswith("."))

    for _ in changes(live.docs_dir, watch_filter=is_document, stop_event=stop, recursive=False, raise_interrupt=False):
        live.refresh()
