"""The abstention threshold an index answers with, per embedding model. Similarities are the model's own: the
bundled all-MiniLM-L6-v2's threshold (0.459) means nothing for another model, whose unrelated texts may sit
at 0.75. `rag eval --calibrate --save` fits one on reference questions and keeps it here, beside the builds:

index/abstention.json   {"<model key>": {"abstain_below": 0.809, "model": "cls-model", "questions": 35, ...}}

It outlives rebuilds of the same model; a build of another model finds none of its own.
"""

import json
import os
import uuid
from pathlib import Path

from rag.errors import IndexStoreError
from rag.store.model import Model

FILE = "abstention.json"
BUNDLED_THRESHOLD = 0.459  # the bundled model's, fitted on the seeds' dev split (README, Quality)


def saved(index_dir: Path, model: Model) -> dict | None:
    """The fitted threshold kept for `model` in `index_dir` ({"abstain_below": ..., how it was fitted}), if any."""
    entry = _read(Path(index_dir) / FILE).get(model.key)
    if isinstance(entry, dict) and isinstance(entry.get("abstain_below"), int | float):
        return entry
    return None


def threshold(index_dir: Path, model: Model) -> float:
    """What answers abstain below: the threshold fitted for this model here, else the bundled model's."""
    entry = saved(index_dir, model)
    return float(entry["abstain_below"]) if entry else BUNDLED_THRESHOLD


def save(index_dir: Path, model: Model, fitted: dict) -> Path:
    """Keep `fitted` (abstain_below, and how it was fitted) as `model`'s threshold in `index_dir`."""
    path = Path(index_dir) / FILE
    entries = _read(path)
    entries[model.key] = {"model": model.name, **fitted}
    draft = path.with_name(f".{FILE}.{uuid.uuid4().hex[:8]}")
    try:
        draft.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(draft, path)  # a reader sees the old file or the new one, never half of one
    except OSError as error:
        draft.unlink(missing_ok=True)
        raise IndexStoreError(f"Cannot save the threshold in {path} ({error.strerror or error}).") from error
    return path


def _read(path: Path) -> dict:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none, or unreadable: the bundled threshold applies, and the next save writes it whole again
    return entries if isinstance(entries, dict) else {}
