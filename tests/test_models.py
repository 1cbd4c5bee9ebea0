"""Choosing the embedding model (`--model PATH`): a second real model, the bundled one saved with CLS pooling,
built, searched, reopened, checked and compared; its ONNX export against sentence-transformers."""

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import write_docs

from rag import Index, Settings
from rag.cli import main
from rag.errors import ModelError
from rag.evaluation.comparison import model_index_dir
from rag.retrieval.decision import BUNDLED, Decision
from rag.store import files
from rag.store.build import LEGACY_BUNDLED, build
from rag.store.checksums import seal
from rag.store.embedding import SentenceTransformerEmbedder
from rag.store.encoder import ensure_export, export_folder, pool
from rag.store.model import POOLING_MODES, Model, bundled, load_model
from rag.store.ocr import english_words, lexicon

DOCS = {
    "alpha.md": "# Alpha Report\n\n## Water\n\n1. Clean water is a human right for every village.\n\n"
    "2. Wells must be inspected every year by the district engineer.\n",
    "beta.txt": "Beta Notes\n\nSolar panels power the school in the valley.\n\nThe library opens at nine.\n",
}
WELLS = "2. Wells must be inspected every year by the district engineer."
TEXTS = ["Who inspects the wells?", WELLS, "Réaffirme la Déclaration de principes de Genève", ""]


@pytest.fixture(scope="session")
def cls_reference(cls_folder) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(load_model(cls_folder))


@pytest.fixture(scope="module")
def cls_index(tmp_path_factory, cls_folder, cls_reference) -> tuple[Path, Path]:
    """A small corpus built with `rag build --model` (the export made first, from the loaded reference)."""
    root = tmp_path_factory.mktemp("cls-index")
    docs, index = write_docs(root / "docs", DOCS), root / "index"
    ensure_export(index, load_model(cls_folder), reference=cls_reference)
    assert main(["build", "--docs", str(docs), "--index", str(index), "--model", str(cls_folder)]) == 0
    return docs, index


def with_exports(index: Path, *sources: tuple[Path, Model]) -> Path:
    """An index folder holding copies of exports already made, given as (export folder, its model): a build
    finds them sound and needs no torch export of its own."""
    for source, model in sources:
        shutil.copytree(source, export_folder(index, model))
    return index


def test_a_model_folder_is_read_as_sentence_transformers_reads_it(cls_folder):
    model = load_model(cls_folder)
    weights = hashlib.sha256((cls_folder / "model.safetensors").read_bytes()).hexdigest()
    assert (model.name, model.path, model.sha256) == ("cls-model", cls_folder.resolve(), weights)
    assert (model.dimensions, model.window, model.pooling, model.normalize) == (384, 256, ("cls",), True)
    assert (bundled().pooling, bundled().window) == (("mean",), 256)
    assert model.key != bundled().key  # the same transformer pooled otherwise: another export, other vectors
    assert not (cls_folder / "vocab.txt").exists() and lexicon(cls_folder) == english_words()  # from tokenizer.json


@pytest.mark.parametrize("modes", [(mode,) for mode in POOLING_MODES] + [("cls", "mean")])
def test_pooling_is_sentence_transformers_pooling(reference_embedder, modes):
    import torch
    from sentence_transformers.sentence_transformer.modules import Pooling

    tokens = np.random.default_rng(0).normal(size=(3, 7, 384)).astype(np.float32)
    mask = np.array([[1] * 7, [1] * 4 + [0] * 3, [1] + [0] * 6])  # right-padded, as the encoder pads
    features = {"token_embeddings": torch.from_numpy(tokens), "attention_mask": torch.from_numpy(mask)}
    expected = Pooling(384, pooling_mode=modes)(features)["sentence_embedding"].numpy()
    assert np.allclose(pool(tokens, mask, modes), expected, atol=1e-5)


def test_the_manifest_records_the_model(cls_index, cls_folder):
    manifest = files.read_manifest(files.live_build(cls_index[1]))
    assert manifest["model"] == load_model(cls_folder).record()
    assert (manifest["model"]["path"], manifest["model"]["pooling"]) == (str(cls_folder.resolve()), ["cls"])


def test_its_query_vectors_are_its_own_through_the_onnx_path(cls_index, cls_reference, embedder):
    index = Index.open(*cls_index)
    vectors = index.embedder.embed(TEXTS)
    assert index.embedder.model.pooling == ("cls",)
    assert np.sum(vectors * cls_reference.embed(TEXTS), axis=1).min() > 0.9999
    assert np.sum(vectors * embedder.embed(TEXTS), axis=1).max() < 0.95  # not the bundled model's vectors
    stored = files.load(files.live_build(cls_index[1]))  # kept: its vectors are read in place
    assert np.allclose(np.linalg.norm(stored.vectors("dense"), axis=1), 1.0, atol=1e-5)  # inner product = cosine


def test_search_finds_the_paragraph(cls_index):
    assert Index.open(*cls_index).search("Who inspects the wells?", k=1)[0].text == WELLS


def test_without_model_the_index_keeps_its_own(cls_index, capsys):
    docs, index = cls_index
    live = files.live_build(index)
    assert main(["build", "--docs", str(docs), "--index", str(index)]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert main(["ask", "Who inspects the wells?", "--docs", str(docs), "--index", str(index), "-k", "1"]) == 0
    assert "1. Alpha Report, para. 2" in capsys.readouterr().out
    assert files.live_build(index) == live  # neither command rebuilt it with the bundled model


def test_another_model_rebuilds_and_then_stays(tmp_path, cls_index, cls_folder, embedder, capsys):
    docs, built = cls_index
    cls = load_model(cls_folder)
    index = with_exports(tmp_path / "index", (embedder.folder, bundled()), (export_folder(built, cls), cls))
    assert main(["build", "--docs", str(docs), "--index", str(index)]) == 0
    assert model_record(index)["pooling"] == ["mean"]  # no index yet: the bundled model
    assert main(["build", "--docs", str(docs), "--index", str(index), "--model", str(cls_folder)]) == 0
    assert main(["build", "--docs", str(docs), "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "Indexed 2 documents" in out and "is up to date" in out  # rebuilt for the new model, then kept
    assert model_record(index)["pooling"] == ["cls"]
    assert Index.open(docs, index, model="bundled").manifest["model"]["pooling"] == ["mean"]


def test_an_index_from_before_the_choice_of_model_is_rebuilt_with_its_vectors(tmp_path, cls_index, embedder):
    docs, _ = cls_index
    index = with_exports(tmp_path / "index", (embedder.folder, bundled()))
    build(docs, index)
    live = files.live_build(index)
    manifest = files.read_manifest(live)
    manifest["model"] = LEGACY_BUNDLED  # as manifests recorded the bundled model before --model
    (live / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    seal(live)
    report = build(docs, index)
    assert (report.embedded, report.reused > 0) == (0, True)
    assert model_record(index)["name"] == bundled().name


def model_record(index: Path) -> dict:
    return files.read_manifest(files.live_build(index))["model"]


def test_a_model_whose_weights_changed_is_refused_with_a_message(tmp_path, cls_index, cls_folder, capsys):
    mine = tmp_path / "my-model"
    shutil.copytree(cls_folder, mine)
    model = load_model(mine)
    docs, index = cls_index[0], with_exports(tmp_path / "index", (export_folder(cls_index[1], model), model))
    build(docs, index, model=model)
    weights = bytearray((mine / "model.safetensors").read_bytes())
    weights[-1] ^= 1
    (mine / "model.safetensors").write_bytes(bytes(weights))
    assert main(["build", "--docs", str(docs), "--index", str(index), "--force"]) == 1
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"rag: The model in {mine.resolve()} has changed since the index was built with it (its ")
    assert f"`rag build --model {mine.resolve()}`" in err and "Traceback" not in err
    with pytest.raises(ModelError, match="has changed since the index was built with it"):
        Index.open(write_docs(tmp_path / "more", DOCS | {"gamma.md": "Bees pollinate orchards.\n"}), index)


def _without_weights(folder: Path, source: Path) -> Path:
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("*.safetensors"))
    return folder


def _pooled_by(folder: Path, source: Path, mode: str) -> Path:
    _without_weights(folder, source)
    (folder / "model.safetensors").symlink_to(source / "model.safetensors")
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"embedding_dimension": 384, "pooling_mode": mode}))
    return folder


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda tmp, source: tmp / "nowhere", "No model folder at"),
        (lambda tmp, source: write_docs(tmp / "docs", DOCS) / "alpha.md", "No model folder at"),
        (lambda tmp, source: write_docs(tmp / "docs", DOCS), "has no modules.json: it is not a sentence-transformers"),
        (lambda tmp, source: _without_weights(tmp / "m", source), "has no weights (model.safetensors or pytorch"),
        (lambda tmp, source: _pooled_by(tmp / "m", source, "weightedmean"), "pools with weightedmean; the query"),
    ],
)
def test_a_folder_that_is_no_usable_model_gets_a_message(tmp_path, cls_folder, capsys, make, said):
    docs, index = write_docs(tmp_path / "corpus", DOCS), tmp_path / "index"
    bad = make(tmp_path, cls_folder)
    assert main(["build", "--docs", str(docs), "--index", str(index), "--model", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rag: ") and said in err and "Traceback" not in err
    assert files.live_build(index) is None


def test_eval_compares_models_one_row_each(tmp_path, cls_index, cls_folder, embedder, capsys):
    docs, built = cls_index
    cls = load_model(cls_folder)
    root = tmp_path / "index"
    with_exports(model_index_dir(root, bundled()), (embedder.folder, bundled()))
    with_exports(model_index_dir(root, cls), (export_folder(built, cls), cls))
    questions = tmp_path / "questions.jsonl"
    gold = {"doc": "alpha", "quote": "Wells must be inspected every year by the district engineer"}
    questions.write_text(json.dumps({"id": "w", "question": "Who inspects the wells?", "gold": [gold]}) + "\n")
    argv = ["eval", "--docs", str(docs), "--index", str(root), "--questions", str(questions), "--split", "all"]
    argv += [
        "--retriever",
        "dense",
        "--out",
        str(tmp_path / "reports"),
        "--model",
        "bundled",
        "--model",
        str(cls_folder),
    ]
    assert main(argv) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row.split(" | ")[0] for row in rows] == ["| configuration", "| bundled · dense", "| cls-model · dense"]
    assert all(row.split(" | ")[1] == "1.000" for row in rows[1:])  # Success@1: both find the paragraph
    report = json.loads((tmp_path / "reports" / "eval-questions-models-all.json").read_text())
    assert list(report["configurations"]) == ["bundled · dense", "cls-model · dense"]


def test_a_decision_fitted_for_the_model_is_kept_and_answered_with(tmp_path, cls_index, cls_folder, capsys):
    """Similarities are each model's own: the CLS variant's unrelated texts sit near 0.75, so the bundled
    model's decision (off the subject under 0.426) never abstains with it. A decision fitted on reference
    questions is saved and used."""
    docs, built = cls_index
    index_dir = tmp_path / "index"
    shutil.copytree(built, index_dir)
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"question": "Who inspects the wells?", "gold": [{"doc": "alpha", "quote": WELLS}]},
        {"question": "What powers the school?", "gold": [{"doc": "beta", "quote": "Solar panels power the school"}]},
        {"question": "What is the capital of Australia?"},
        {"question": "How do list comprehensions work in Python?"},
    ]
    questions.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    before = Index.open(docs, index_dir)
    assert before.decision == BUNDLED and not before.answer("What is the capital of Australia?").abstained

    folder = ["--docs", str(docs), "--index", str(index_dir), "--questions", str(questions), "--split", "all"]
    assert main(["eval", "--calibrate", "--save", *folder]) == 0
    saved = json.loads((index_dir / "abstention.json").read_text(encoding="utf-8"))
    fitted = Decision.from_record(saved[load_model(cls_folder).key])
    assert fitted != BUNDLED and "are decided with it" in capsys.readouterr().out

    after = Index.open(docs, index_dir)
    assert after.decision == fitted
    assert after.answer("What is the capital of Australia?").abstained
    assert not after.answer("Who inspects the wells?").abstained
    assert not after.answer("What is the capital of Australia?", settings=Settings(abstain_below=0.0)).abstained


def test_save_without_calibrate_and_an_unfitted_model_are_said(tmp_path, cls_index, cls_folder, capsys):
    docs, built = cls_index
    assert main(["eval", "--save", "--index", str(built)]) == 2
    assert "--save keeps what --calibrate fits" in capsys.readouterr().err
    index_dir = shutil.copytree(built, tmp_path / "index")
    assert main(["build", "--force", "--docs", str(docs), "--index", str(index_dir)]) == 0
    assert "decided as the bundled model's are; fit this model's decision on reference" in capsys.readouterr().err
