"""The model as the build and the questions use it: the ONNX export of the index's model (all-MiniLM-L6-v2
unless the index was built with another, see rag/store/model.py), run with onnxruntime and tokenizers. No
torch: a question is embedded in a few milliseconds and a cold process starts in well under a second.

The export is made once per index folder from the sentence-transformers model (rag/store/embedding.py),
checked against it, and kept beside the builds, keyed by the model (Model.key: a hash of its weights' sha256
and of all else that shapes its vectors):

index/models/<key>/   model.onnx, tokenizer.json, export.json (the model, hashes, inputs, padding, versions)

The pooling (cls, mean, max ...) runs here in numpy, as sentence-transformers runs it, then L2 normalisation.
An export whose files do not match the hashes in its export.json is refused; `rag build` makes it again.
"""

import atexit
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import ModelError
from rag.memory import release_freed_memory
from rag.store.model import Model, bundled
from rag.store.progress import say

log = logging.getLogger(__name__)

EXPORT_FORMAT = 2  # 2: the model's own pooling, window, inputs and padding, recorded in export.json
# Texts run through the model at once. Its attention memory grows with the batch times the square of the
# length, and onnxruntime keeps its peak: 8 texts of 256 word pieces peak at 370 MiB, 32 at 990 MiB, at the
# same speed on 2 cores.
BATCH = 8
MIN_COSINE = 0.9999  # the export must give sentence-transformers' vectors, to rounding
# Texts the export is checked on when it is made: short, long (cut at the window), non-ASCII, empty.
PROBES = (
    "",
    "ICT",
    "What did the General Assembly say about women's access to the internet?",
    "32. We emphasize our concern that only 41% of women have internet access and draw attention to the gender "
    "digital divide, which persists in access to and use of ICTs.",
    "Réaffirme la Déclaration de principes de Genève — “multistakeholder” cooperation, 2015–2025 (A/RES/70/125).",
    " ".join(["The Internet Governance Forum is a platform for multistakeholder dialogue."] * 40),
)


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors of the model (the export, or the model itself)."""

    def embed(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray: ...


def export_folder(index_dir: Path, model: Model | None = None) -> Path:
    """Where the export of `model` (default: the bundled one) is kept in `index_dir`."""
    return Path(index_dir) / "models" / (model or bundled()).key


class OnnxEmbedder:
    """The export, loaded in the background from the moment it is created (hash check, then session), so
    a process can read its index meanwhile; `embed` waits for it. Safe to share between threads."""

    def __init__(self, folder: Path, *, key: str | None = None, threads: int | None = None):
        self.folder = Path(folder)
        self._threads = threads or os.cpu_count() or 1
        self._record = _read_record(self.folder, key)
        self.model = Model.from_record(self._record["model"])
        self._session = self._tokenizer = None
        self._error: Exception | None = None
        self._loading = threading.Thread(target=self._load, name="load-onnx-model", daemon=True)
        self._loading.start()
        atexit.register(self._loading.join)  # onnxruntime aborts the process if it exits mid-load

    def embed(self, texts: list[str], *, batch_size: int = BATCH) -> np.ndarray:
        self.wait()
        vectors = np.zeros((len(texts), self.model.dimensions), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for batch in (order[i : i + batch_size] for i in range(0, len(order), batch_size)):
            vectors[batch] = self._embed_batch([texts[i] for i in batch])
        return vectors

    def wait(self) -> None:
        """Block until the export is checked and loaded; raise what went wrong if it could not be."""
        self._loading.join()
        if self._error is not None:
            raise self._error

    def _load(self) -> None:
        try:
            for name in ("model.onnx", "tokenizer.json"):
                if _sha256(self.folder / name) != self._record["files"].get(name):
                    raise ModelError(
                        f"The model export {self.folder / name} does not match the hash recorded in its "
                        f"export.json (a damaged or altered file); run `rag build` to export the model again."
                    )
            self._tokenizer = _tokenizer(self.folder / "tokenizer.json", self.model.window, self._record["padding"])
            self._session = _session(self.folder / "model.onnx", self._threads)
            release_freed_memory()  # the protobuf the session was made from
        except ModelError as error:
            self._error = error
        except Exception as error:  # onnxruntime and tokenizers raise their own types for unreadable files
            self._error = ModelError(f"Cannot load the model export in {self.folder} ({error}); run `rag build`.")

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        given = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = self._session.run(None, {name: given[name] for name in self._record["inputs"]})[0]
        pooled = pool(tokens, mask, self.model.pooling)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def pool(tokens: np.ndarray, mask: np.ndarray, modes: tuple[str, ...]) -> np.ndarray:
    """Token vectors -> one vector per text, as sentence-transformers' Pooling does it over right-padded
    batches; several modes are concatenated in the order given."""
    weights = mask[..., None].astype(np.float32)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    pooled = {
        "cls": lambda: tokens[:, 0],  # the first real token: padding is on the right
        "max": lambda: np.where(weights > 0, tokens, -np.inf).max(axis=1),
        "mean": lambda: (tokens * weights).sum(axis=1) / counts,
        "mean_sqrt_len_tokens": lambda: (tokens * weights).sum(axis=1) / np.sqrt(counts),
    }
    return np.concatenate([pooled[mode]() for mode in modes], axis=1)


def open_embedder(index_dir: Path, model: Model | None = None, *, reference=None) -> OnnxEmbedder:
    """The export of `model` (default: the bundled one) kept in `index_dir`, made first if it is missing
    (which needs torch, once)."""
    model = model or bundled()
    folder = export_folder(index_dir, model)
    if not (folder / "export.json").is_file():
        ensure_export(index_dir, model, reference=reference)
    return OnnxEmbedder(folder, key=model.key)


def ensure_export(index_dir: Path, model: Model | None = None, *, reference=None, progress: bool = False) -> Path:
    """Make the export of `model` (default: the bundled one) in `index_dir` unless a sound one is there:
    export the transformer from sentence-transformers (`reference`, else loaded now), check its vectors
    against it on the probe texts, and publish it by renaming, under a lock so two processes never export
    at once."""
    model = model or bundled()
    folder = export_folder(index_dir, model)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _lock(folder.parent / ".lock"):
        if _is_sound(folder, model.key):
            return folder
        from rag.store.embedding import SentenceTransformerEmbedder

        log.info("Exporting %s to ONNX in %s (once per index folder)", model.name, folder)
        say("Preparing the model for fast queries (an ONNX export, once per index folder) ...", progress)
        if reference is None or reference.spec.key != model.key:
            reference = SentenceTransformerEmbedder(model)  # which checks the model's files first
        draft = folder.parent / f".tmp-{uuid.uuid4().hex[:8]}"
        draft.mkdir()
        try:
            _export(reference, draft)
            shutil.rmtree(folder, ignore_errors=True)
            draft.rename(folder)
        except OSError as error:  # a full disk, most likely: nothing half-written is kept
            reason = error.strerror or str(error)
            raise ModelError(f"Cannot write the model export in {folder.parent}: {reason}; free some space.") from error
        finally:
            shutil.rmtree(draft, ignore_errors=True)
    return folder


def _export(reference, draft: Path) -> None:
    """Write the export into `draft`, and check it gives the reference's vectors."""
    from rag.store.embedding import export_transformer, save_tokenizer

    inputs = export_transformer(reference, draft / "model.onnx")
    pad_token, pad_id = save_tokenizer(reference, draft / "tokenizer.json")
    settings = {"inputs": inputs, "padding": {"token": pad_token, "id": pad_id}}
    _write_record(draft, reference.spec, settings)  # unchecked yet: enough for the export to load
    cosine = _agreement(OnnxEmbedder(draft, threads=1), reference)
    if cosine < MIN_COSINE:
        raise ModelError(
            f"The ONNX export of {reference.spec.name} does not reproduce its vectors (cosine {cosine:.6f}); "
            "this model cannot be used for search here."
        )
    _write_record(draft, reference.spec, settings, min_cosine=cosine)


def _agreement(export: OnnxEmbedder, reference) -> float:
    """The lowest cosine between the export's vector and the reference model's, over the probe texts."""
    texts = list(PROBES)
    return float(np.min(np.sum(export.embed(texts) * reference.embed(texts), axis=1)))


def _write_record(folder: Path, model: Model, settings: dict, *, min_cosine: float | None = None) -> None:
    import onnxruntime
    import tokenizers

    record = {
        "format": EXPORT_FORMAT,
        "model": model.record(),
        "files": {name: _sha256(folder / name) for name in ("model.onnx", "tokenizer.json")},
        **settings,  # the ONNX inputs and the padding token
        "normalisation": "L2, after pooling",
        "checked": {"probe_texts": len(PROBES), "min_cosine": min_cosine},
        "versions": {"onnxruntime": onnxruntime.__version__, "tokenizers": tokenizers.__version__},
    }
    (folder / "export.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _read_record(folder: Path, key: str | None = None) -> dict:
    """export.json, if it is of this format and of the model `key` names (any model when None)."""
    try:
        record = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(f"No readable model export in {folder}; run `rag build` to make it.") from error
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT:
        raise ModelError(f"The model export in {folder} is of another format; run `rag build` to make it again.")
    try:
        model = Model.from_record(record.get("model"))
    except (ModelError, AttributeError) as error:
        raise ModelError(
            f"The model export in {folder} is not of the model its export.json names (an altered record); "
            "run `rag build` to make it again."
        ) from error
    if key is not None and model.key != key:
        raise ModelError(f"The model export in {folder} is not of this index's model; run `rag build`.")
    return record


def _is_sound(folder: Path, key: str) -> bool:
    try:
        record = _read_record(folder, key)
    except ModelError:
        return False
    return record["checked"].get("min_cosine") is not None and all(
        _sha256(folder / name) == digest for name, digest in record["files"].items()
    )


def _tokenizer(path: Path, window: int, padding: dict):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=window)  # right, longest first: as sentence-transformers truncates
    tokenizer.enable_padding(pad_id=padding["id"], pad_token=padding["token"])  # right: pool() relies on it
    return tokenizer


def _session(path: Path, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle pool threads sleep instead of spinning: spinning saves ~1 ms a question on an idle machine, but
    # with many users on 2 cores it doubles the CPU a question costs and starves the web server's threads.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: no notes about unused initialisers on every start
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


@contextlib.contextmanager
def _lock(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
