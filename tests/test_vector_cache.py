"""A build stopped part way resumes from the vectors it had embedded; its progress is said as it goes."""

import re

import numpy as np
import pytest
from conftest import write_docs

from rag import Index
from rag.store import build as build_module
from rag.store import files
from rag.store.build import build
from rag.store.progress import Meter
from rag.store.vector_cache import VectorCache, text_digest

DOCUMENTS = {
    f"report{n}.txt": "\n\n".join(
        f"{i}. The district {n} school number {i} reports {i * n} pupils with broadband in year {2000 + i}. "
        f"Its {i + n} teachers were trained in {2010 + n}."
        for i in range(1, 13)
    )
    for n in range(1, 9)
}


class StopsAfter:
    """The real model, with the process "stopped" (as Ctrl+C stops it) once it has embedded `batches` batches."""

    def __init__(self, embedder, batches: int):
        self.embedder, self.left = embedder, batches

    def embed(self, texts, **options):
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return self.embedder.embed(texts, **options)


def test_a_stopped_build_resumes_from_the_batches_it_had_embedded(tmp_path, embedder, monkeypatch):
    monkeypatch.setattr(build_module, "EMBED_BATCH", 16)
    docs, folder = write_docs(tmp_path / "docs", DOCUMENTS), tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build(docs, folder, embedder=StopsAfter(embedder, 3))
    assert files.live_build(folder) is None  # nothing published
    kept = VectorCache(folder).load()
    assert len(kept) == 3 * 16
    report = build(docs, folder, embedder=embedder)
    distinct = {c.text for c in files.load(report.folder).chunks + files.load(report.folder).sentences}
    assert (report.reused, report.embedded) == (3 * 16, len(distinct) - 3 * 16)
    assert not (folder / "vectors").exists()  # published: the build holds the vectors now
    stored = files.load(report.folder)
    texts = [c.text for c in stored.chunks]
    fresh = embedder.embed(texts)
    assert np.allclose(stored.dense.reconstruct_n(0, len(texts)), fresh, atol=1e-5)  # kept vectors are the texts'
    hit = Index(stored, embedder=embedder, docs_dir=docs).search("pupils in district 3 school number 7", k=1)[0]
    assert hit.doc_id == "report3" and hit.label == "7"


def test_a_damaged_or_half_written_batch_is_dropped(tmp_path, embedder):
    cache = VectorCache(tmp_path / "index")
    texts = ["one text", "another text", "a third"]
    cache.add(texts[:2], embedder.embed(texts[:2]))
    (damaged,) = cache.folder.iterdir()
    cache.add(texts[2:], embedder.embed(texts[2:]))
    (sound,) = set(cache.folder.iterdir()) - {damaged}
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    (cache.folder / ".tmp-12345678").write_bytes(data[:100])  # a write a kill cut short
    kept = cache.load()
    assert list(kept) == [text_digest("a third")]
    assert np.allclose(kept[text_digest("a third")], embedder.embed(["a third"])[0])
    assert list(cache.folder.iterdir()) == [sound]  # the damaged batch and the draft removed


def test_progress_lines_say_the_rate_and_the_time_left(capsys, monkeypatch):
    monkeypatch.setattr("rag.store.progress.LINE_EVERY", 0.0)
    meter = Meter("Embedding", 50_115, "texts")
    assert capsys.readouterr().err == "Embedding 50,115 texts ...\n"  # said at once, before the first batch
    meter.advance(12_288)
    line = capsys.readouterr().err.strip()
    assert line.startswith("Embedding: 12,288 of 50,115 texts (25%), ")
    assert line.endswith(" left") and "texts/s, about " in line
    meter.close()
    assert re.fullmatch(r"Embedding: 12,288 texts in \d+\.\d s\.\n", capsys.readouterr().err)
