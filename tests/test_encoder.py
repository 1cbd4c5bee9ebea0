"""The ONNX export against sentence-transformers, its hash checks, and a query path without torch."""

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from rag.cli import main
from rag.errors import ModelError
from rag.store.encoder import MIN_COSINE, OnnxEmbedder, export_folder

SESSION_INDEX = Path(os.environ["RAG_INDEX"])


def test_the_export_gives_sentence_transformers_vectors_for_every_seed_text(seed_index, embedder, reference_embedder):
    stored = seed_index._stored
    texts = sorted({c.text for c in stored.chunks} | {s.text for s in stored.sentences})
    cosines = np.sum(embedder.embed(texts) * reference_embedder.embed(texts), axis=1)
    assert len(texts) > 500 and cosines.min() >= MIN_COSINE


def test_threads_embedding_at_once_get_the_same_vectors(embedder):
    questions = [f"What did the Summit say about topic number {i}?" for i in range(16)]
    alone = embedder.embed(questions)
    together = [None] * len(questions)

    def ask(i: int) -> None:
        together[i] = embedder.embed([questions[i]])[0]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert np.allclose(np.stack(together), alone, atol=1e-5)


@pytest.mark.parametrize("name", ["model.onnx", "tokenizer.json"])
def test_an_export_that_does_not_match_its_hash_is_refused(embedder, tmp_path, name):
    copy = tmp_path / "export"
    shutil.copytree(embedder.folder, copy)
    data = bytearray((copy / name).read_bytes())
    data[len(data) // 2] ^= 1
    (copy / name).write_bytes(bytes(data))
    with pytest.raises(ModelError, match=f"{name} does not match the hash recorded"):
        OnnxEmbedder(copy).embed(["gender digital divide"])


def test_an_export_of_another_model_is_refused(embedder, tmp_path):
    copy = tmp_path / "export"
    shutil.copytree(embedder.folder, copy)
    with pytest.raises(ModelError, match="is not of this index's model"):
        OnnxEmbedder(copy, key="0" * 16)
    record = json.loads((copy / "export.json").read_text())
    record["model"]["pooling"] = ["cls"]  # an export.json edited to claim another pooling is refused, not obeyed
    (copy / "export.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="is not of the model its export.json names"):
        OnnxEmbedder(copy)


def test_a_damaged_export_gets_a_message_and_rag_build_makes_it_again(tmp_path, capsys):
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "note.md").write_text("# Note\n\n1. Broadband reaches every school by 2030.\n")
    assert main(["build", "--docs", str(docs), "--index", str(index)]) == 0
    model = export_folder(index) / "model.onnx"
    model.write_bytes(model.read_bytes()[:-10])
    capsys.readouterr()
    assert main(["ask", "schools", "--docs", str(docs), "--index", str(index)]) == 1
    assert "does not match the hash recorded in its export.json" in capsys.readouterr().err
    assert main(["build", "--docs", str(docs), "--index", str(index)]) == 0
    assert main(["ask", "schools", "--docs", str(docs), "--index", str(index), "-k", "1"]) == 0
    assert "1. Note, para. 1" in capsys.readouterr().out


def test_asking_imports_neither_torch_nor_sentence_transformers(seed_index):
    script = (
        "import sys, rag\n"
        "rag.answer('What did the General Assembly say about women and the internet?')\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
