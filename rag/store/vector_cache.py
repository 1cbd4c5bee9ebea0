"""Vectors a build has embedded but not yet published, kept on disk batch by batch, so that a build stopped
part way (Ctrl+C, `kill -9`, a full disk) resumes from what it had embedded instead of starting over.

index/vectors/<model key>/<sha256 of the file>.npz   digests of the texts (sha256) and their vectors

Each batch is written to a temporary file and renamed, so a batch is on disk whole or not at all; its name is
the hash of its bytes, so a damaged batch is found and dropped, never read as right. Once a build is published
its vectors live in the build itself (reused by the next one) and the batches are removed.
"""

import hashlib
import io
import logging
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

from rag.store.model import Model, bundled

log = logging.getLogger(__name__)

SUFFIX = ".npz"


def text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class VectorCache:
    def __init__(self, index_dir: Path, model: Model | None = None):
        """The cache of `model`'s vectors (default: the bundled model's): another model's are never read."""
        self.model = model or bundled()
        self.folder = Path(index_dir) / "vectors" / self.model.key
        self.writable = True

    def load(self) -> dict[bytes, np.ndarray]:
        """Every vector of the sound batches, by text digest; damaged batches and half-written files removed."""
        known: dict[bytes, np.ndarray] = {}
        if not self.folder.is_dir():
            return known
        for path in sorted(self.folder.iterdir()):
            batch = _read(path, self.model.dimensions) if path.suffix == SUFFIX else None
            if batch is None:
                log.info("Removing %s: not a whole batch of vectors", path.name)
                path.unlink(missing_ok=True)
                continue
            digests, vectors = batch
            known.update(zip((bytes(d) for d in digests), vectors, strict=True))
        return known

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep a batch of freshly embedded texts (written whole, then renamed into place). A batch that cannot
        be written (a full disk) only costs the resuming: the build goes on, saying so once."""
        if not self.writable:
            return
        try:
            self._write(texts, vectors)
        except OSError as error:
            self.writable = False
            reason = (error.strerror or str(error)).lower()
            log.warning(
                "Cannot keep embedded vectors in %s (%s): a stopped build would start over.", self.folder, reason
            )

    def _write(self, texts: list[str], vectors: np.ndarray) -> None:
        buffer = io.BytesIO()
        digests = np.frombuffer(b"".join(text_digest(t) for t in texts), np.uint8).reshape(len(texts), 32)
        np.savez(buffer, digests=digests, vectors=np.asarray(vectors, np.float32))
        data = buffer.getvalue()
        self.folder.mkdir(parents=True, exist_ok=True)
        draft = self.folder / f".tmp-{uuid.uuid4().hex[:8]}"
        try:
            with draft.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(draft, self.folder / f"{hashlib.sha256(data).hexdigest()[:32]}{SUFFIX}")
        finally:
            draft.unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove the batches: the published build now holds their vectors."""
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def _read(path: Path, dimensions: int) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest()[:32] != path.stem:
            return None
        with np.load(io.BytesIO(data), allow_pickle=False) as batch:
            digests, vectors = batch["digests"], batch["vectors"]
    except (OSError, ValueError, KeyError):
        return None
    if digests.shape != (len(vectors), 32) or vectors.shape[1:] != (dimensions,):
        return None
    return digests, vectors
