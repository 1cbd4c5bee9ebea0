"""The answer-or-not decision an index answers with, per embedding model. Similarities are the model's own:
the bundled all-MiniLM-L6-v2's weights mean nothing for another model, whose unrelated texts may sit at 0.75.
`rag eval --calibrate --save` fits one on reference questions and keeps it here, beside the builds:

index/abstention.json   {"<model key>": {"features": [...], "weights": [...], "bias": ..., "cut": ...,
                         "model": "cls-model", "questions": 35, ...}}

It outlives rebuilds of the same model; a build of another model finds none of its own. The store only
keeps the record; rag/retrieval/decision.py reads it.
"""

import json
import os
import uuid
from pathlib import Path

from rag.errors import IndexStoreError
from rag.store.model import Model

FILE = "abstention.json"


def saved(index_dir: Path, model: Model) -> dict | None:
    """The decision fitted for `model` and kept in `index_dir` (its record, and how it was fitted), if any."""
    entry = _read(Path(index_dir) / FILE).get(model.key)
    return entry if isinstance(entry, dict) and isinstance(entry.get("weights"), list) else None


def save(index_dir: Path, model: Model, fitted: dict) -> Path:
    """Keep `fitted` (the decision's record, and how it was fitted) as `model`'s in `index_dir`."""
    path = Path(index_dir) / FILE
    entries = _read(path)
    entries[model.key] = {"model": model.name, **fitted}
    draft = path.with_name(f".{FILE}.{uuid.uuid4().hex[:8]}")
    try:
        draft.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(draft, path)  # a reader sees the old file or the new one, never half of one
    except OSError as error:
        draft.unlink(missing_ok=True)
        raise IndexStoreError(f"Cannot save the decision in {path} ({error.strerror or error}).") from error
    return path


def _read(path: Path) -> dict:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none, or unreadable: the bundled threshold applies, and the next save writes it whole again
    return entries if isinstance(entries, dict) else {}
