"""Building, storing and reopening the index: round trip and rebuild rules (faults: test_faults.py)."""

import json

import numpy as np
import pytest
from conftest import write_docs

from rag import Index
from rag.errors import ModelError
from rag.store import files
from rag.store.build import build
from rag.store.embedding import check_weights
from rag.store.model import bundled_dir

DOCS = {
    "alpha.md": "# Alpha Report\n\n## Water\n\n1. Clean water is a human right for every village.\n\n"
    "2. Wells must be inspected every year by the district engineer.\n",
    "beta.txt": "Beta Notes\n\nSolar panels power the school in the valley.\n\nThe library opens at nine.\n",
}


@pytest.fixture
def small(tmp_path, embedder):
    docs = write_docs(tmp_path / "docs", DOCS)
    folder = tmp_path / "index"
    return docs, folder, Index.open(docs, folder, embedder=embedder)


def test_round_trip_restores_everything(small, embedder):
    docs, folder, index = small
    stored = files.load(files.live_build(folder))
    reopened = Index.open(docs, folder, embedder=embedder)
    assert reopened.manifest == index.manifest  # loaded, not rebuilt
    assert [u.text for u in reopened.units("alpha")] == [
        "# Alpha Report",
        "## Water",
        "1. Clean water is a human right for every village.",
        "2. Wells must be inspected every year by the district engineer.",
    ]
    vectors = stored.vectors("dense")
    assert vectors.shape == (len(stored.chunks), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], embedder.embed([stored.chunks[0].text])[0], atol=1e-5)


def test_manifest_records_model_versions_and_sources(small):
    manifest = small[2].manifest
    assert manifest["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["model"]["path"] is None  # the bundled model, wherever its package is installed
    assert manifest["model"]["sha256"].startswith("53aa5117")
    assert (manifest["model"]["dimensions"], manifest["model"]["window"]) == (384, 256)
    assert (manifest["model"]["pooling"], manifest["model"]["normalize"]) == (["mean"], True)
    assert set(manifest["sources"]) == {"alpha.md", "beta.txt"}
    assert manifest["counts"] == {"documents": 2, "units": 7, "chunks": 4}


def test_untitled_documents_get_titles_from_headings_or_file_names(small):
    titles = {d.id: (d.title, d.short_name) for d in small[2].documents}
    assert titles == {"alpha": ("Alpha Report", "Alpha Report"), "beta": ("Beta Notes", "Beta Notes")}


def test_changed_document_is_rebuilt_and_only_new_text_embedded(small, embedder):
    docs, folder, _ = small
    first = files.live_build(folder)
    (docs / "beta.txt").write_text(DOCS["beta.txt"] + "\nThe clinic treats malaria patients for free.\n")
    report = build(docs, folder, embedder=embedder)
    # the new paragraph is one new text (chunk and sentence alike); the other four are reused
    assert (report.chunks, report.sentences, report.embedded, report.reused) == (5, 5, 1, 4)
    assert files.live_build(folder) != first and not first.exists()  # old build removed once replaced
    index = Index.open(docs, folder, embedder=embedder)
    assert index.search("Where can malaria be treated?", k=1)[0].text == "The clinic treats malaria patients for free."


def test_added_and_removed_documents_and_catalog_changes_rebuild(small, embedder):
    docs, folder, _ = small
    (docs / "gamma.md").write_text("Gamma\n\nBees pollinate the orchards in spring.\n")
    (docs / "beta.txt").unlink()
    (docs / "catalog.toml").write_text('[alpha]\ntitle = "The Alpha Report"\nshort_name = "Alpha"\n')
    index = Index.open(docs, folder, embedder=embedder)
    assert sorted(d.id for d in index.documents) == ["alpha", "gamma"]
    hit = index.search("clean water right", k=1)[0]
    assert (hit.doc_title, hit.citation) == ("The Alpha Report", "Alpha, para. 1")


@pytest.mark.parametrize("field", ["parser_version", "chunker_version", "lexical_version", "model"])
def test_manifest_mismatch_triggers_rebuild(small, embedder, field):
    docs, folder, index = small
    path = files.live_build(folder) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest[field] = "something else"
    path.write_text(json.dumps(manifest))
    rebuilt = Index.open(docs, folder, embedder=embedder)
    assert rebuilt.manifest[field] == index.manifest[field]
    assert files.live_build(folder) != path.parent


def test_tampered_weights_are_refused(tmp_path):
    copy = tmp_path / "model"
    copy.mkdir()
    weights = (bundled_dir() / "model.safetensors").read_bytes()
    (copy / "model.safetensors").write_bytes(weights[:-1] + bytes([weights[-1] ^ 1]))
    with pytest.raises(ModelError, match="not the official sentence-transformers/all-MiniLM-L6-v2"):
        check_weights(copy)
    assert check_weights(bundled_dir()) == bundled_dir()
