"""Shared fixtures: the real model, loaded once per session, and an index of the seeds built in tmp."""

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# Tests never touch the real index/: anything that opens the default index gets a private folder, removed when
# the run ends (each holds the model's 87 MB export: a run leaving its own filled the disk over time).
os.environ["RAG_INDEX"] = tempfile.mkdtemp(prefix="rag-test-index-")
atexit.register(shutil.rmtree, os.environ["RAG_INDEX"], ignore_errors=True)
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.retrieval.index import Index  # noqa: E402
from rag.store.embedding import SentenceTransformerEmbedder  # noqa: E402
from rag.store.encoder import OnnxEmbedder, ensure_export  # noqa: E402
from ui.browser import chromium_available  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# How the REST API and the MCP tools list seed 004: the draft it is, with no symbol or date of its own.
DRAFT_OUTCOME_RECORD = {
    "id": "004_7b6cb249c0a88164",
    "symbol": "",  # an earlier draft of A/RES/70/125, not that text: it prints no symbol
    "name": "WSIS+10 outcome document",
    "cited_as": "WSIS+10 outcome document (draft)",
    "title": "Outcome Document of the High-Level Meeting of the General Assembly on the Overall Review of the "
    "Implementation of WSIS Outcomes",
    "date": "",
    "issued": "",
    "adopted": "",
    "status": "draft",
    "draft_of": "A/RES/70/125",
    "format": "txt",
}
# Browser tests skip, saying how to install it, where Debian's Chromium is missing.
needs_chromium = pytest.mark.skipif(
    not chromium_available(),
    reason="Chromium is not installed: `sudo apt-get install chromium` (make test does it as root)",
)


@pytest.fixture(scope="session")
def reference_embedder() -> SentenceTransformerEmbedder:
    """The model through sentence-transformers and torch: what the export is made from and checked against."""
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def embedder(reference_embedder) -> OnnxEmbedder:
    """The model as the library runs it: the ONNX export, made once in the session's index folder."""
    return OnnxEmbedder(ensure_export(Path(os.environ["RAG_INDEX"]), reference=reference_embedder))


@pytest.fixture(scope="session")
def seed_index(embedder) -> Index:
    return Index.open(SEEDS, os.environ["RAG_INDEX"], embedder=embedder)  # also what rag.search() opens


@pytest.fixture(scope="session")
def cls_folder(reference_embedder, tmp_path_factory) -> Path:
    """The bundled model's transformer with CLS pooling instead of mean: another model, saved as a user would
    (tests/test_models.py, and /tmp/cls-model in docs/embedding-model.md)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    bundled_model = reference_embedder.model
    pooling = Pooling(bundled_model.get_embedding_dimension(), pooling_mode="cls")
    variant = SentenceTransformer(modules=[bundled_model[0], pooling, bundled_model[2]], device="cpu")
    folder = tmp_path_factory.mktemp("models") / "cls-model"
    variant.save(str(folder))
    return folder


@pytest.fixture(scope="module")
def app_url(seed_index):
    """The chat over the seed index on a free port, one server per test module that asks for it."""
    from ui.app import start_in_background

    url, stop = start_in_background(seed_index)
    yield url
    stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, for the browser tests (each module skips it when it is missing)."""
    from playwright.sync_api import sync_playwright

    from ui.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def write_docs(folder: Path, documents: dict[str, str]) -> Path:
    """A small documents folder for a test."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def coverage_problems(source: str, units) -> list[str]:
    """What breaks the invariants every document keeps: each non-whitespace character of its text in
    exactly one unit, and each unit's text its spans read back (whitespace collapsed)."""
    from rag.ingest.layout import collapse

    problems, owner = [], [None] * len(source)
    for unit in units:
        if unit.text != " ".join(collapse(source[s:e]) for s, e in unit.spans):
            problems.append(f"{unit.label}: its text is not its spans read back")
        for start, end in unit.spans:
            for offset in range(start, end):
                if not source[offset].isspace():
                    if owner[offset] is not None:
                        problems.append(f"{unit.label} overlaps {owner[offset]} at {offset}")
                    owner[offset] = unit.label
    lost = [i for i, c in enumerate(source) if not c.isspace() and owner[i] is None]
    if lost:
        problems.append(f"characters in no unit: {source[lost[0] : lost[0] + 40]!r}")
    return problems


def numbering(units) -> dict[str, list[int]]:
    """The numbers of the numbered paragraphs in each numbering scope (the body, an annex, an article, and
    the list a paragraph opens with a colon: "11(1)", "11(2)" ...)."""
    scopes: dict[str, list[int]] = {}
    for unit in units:
        if unit.kind == "paragraph":
            *scope, local = unit.label.split(", ")
            if local.isdigit():
                scopes.setdefault(", ".join(scope), []).append(int(local))
            elif nested := re.fullmatch(r"(\d+)\((\d+)\)", local):
                scopes.setdefault(", ".join([*scope, nested[1]]), []).append(int(nested[2]))
    return scopes


@pytest.fixture(scope="session")
def milvus_uri():
    """A Milvus standalone server for this session (rag/evaluation/milvus_server.py), for the slow Milvus tests."""
    from rag.evaluation.milvus_server import executable, milvus_server

    if executable() is None:
        pytest.skip("milvus-server is not installed (the `milvus` package); pip install milvus==2.3.5")
    with milvus_server() as uri:
        yield uri


@pytest.fixture
def live_seeds(tmp_path, embedder):
    """A LiveIndex over a copy of the seeds in folders of its own: for tests that add and remove documents."""
    from rag.retrieval.live import LiveIndex

    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(SEEDS, docs)
    return LiveIndex(Index.open(docs, index_dir, embedder=embedder), docs, index_dir)
