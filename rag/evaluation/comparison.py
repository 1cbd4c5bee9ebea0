"""Embedding models side by side (`rag eval --model A --model B`): each model gets its own index of the same
documents, kept under the index folder so a second run reuses it, and every retriever configuration is
evaluated on each; one result, one table row, per model and configuration."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rag.evaluation import experiments
from rag.evaluation.metrics import ConfigResult
from rag.evaluation.questions import Question
from rag.retrieval.index import Index
from rag.store.model import BUNDLED, Model, resolve


def model_index_dir(index_dir: Path, model: Model) -> Path:
    """Where the comparison keeps `model`'s index: beside the builds, never in place of the live one."""
    return Path(index_dir) / f"model-{model.key}"


def compare(
    models: list[Model | str | Path],
    questions: list[Question],
    names: list[str],
    docs_dir: Path,
    index_dir: Path,
    k: int = 10,
    progress: Callable = print,
    store: str | None = None,
) -> list[ConfigResult]:
    """Evaluate the configurations `names` with each model ("bundled", a folder, or a Model); the results are
    named "<model> · <configuration>", models in the order given."""
    chosen = list({model.key: model for model in map(resolve, models)}.values())  # every folder read up front
    results = []
    for model, label in zip(chosen, labels(chosen), strict=True):
        folder = model_index_dir(index_dir, model)
        progress(f"Model {label}: its index of {docs_dir} in {folder} (built on the first run) ...")
        index = Index.open(docs_dir, folder, model=model, store=store)
        for result in experiments.run(index, questions, names, docs_dir, k, progress):
            results.append(replace(result, name=f"{label} · {result.name}"))
    return results


def labels(models: list[Model]) -> list[str]:
    """Short names for the table: "bundled" or the model folder's name, with its key when names repeat."""
    names = [BUNDLED if model.path is None else model.name for model in models]
    repeated = {name for name in names if names.count(name) > 1}
    return [
        f"{name} ({model.key[:8]})" if name in repeated else name for name, model in zip(names, models, strict=True)
    ]
