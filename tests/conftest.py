"""Shared fixtures: the real model, loaded once per session, and an index of the seeds built in tmp."""

import os
import tempfile
from pathlib import Path

import pytest

# Tests never touch the real index/: anything that opens the default index gets a private folder.
os.environ["RAG_INDEX"] = tempfile.mkdtemp(prefix="rag-test-index-")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.retrieval.index import Index  # noqa: E402
from rag.store.embedding import Embedder  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def seed_index(embedder) -> Index:
    return Index.open(SEEDS, os.environ["RAG_INDEX"], embedder=embedder)  # also what rag.search() opens


def write_docs(folder: Path, documents: dict[str, str]) -> Path:
    """A small documents folder for a test."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
