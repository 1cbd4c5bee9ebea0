"""Checksums of a build folder: seal() records each file's size and sha256 once the build is written,
verify() checks them when it is read, so a truncated, edited or swapped file is found, not read as right.

checksums.json also holds the sha256 of its own list of files, so an edit to it, or the checksums of
another build put in its place, is found too.
"""

import hashlib
import json
import os
from pathlib import Path

from rag.errors import IndexStoreError

CHECKSUMS = "checksums.json"


def seal(folder: Path) -> None:
    """Write checksums.json for every other file of the folder, flushing each file and subfolder to disk on
    the way (a build is published only once all of it is on disk)."""
    listed = {_name(folder, path): _fingerprint(path, sync=True) for path in _files_of(folder)}
    text = json.dumps({"files": listed, "sha256": _digest(listed)}, separators=(",", ":"))
    with (folder / CHECKSUMS).open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    for subfolder in sorted({path.parent for path in folder.rglob("*")}, reverse=True):
        fsync(subfolder)


def verify(folder: Path) -> None:
    """Raise IndexStoreError naming the first file that is not the one sealed (or was never sealed)."""
    listed = _read(folder)
    try:
        present = {_name(folder, path) for path in _files_of(folder)}
    except OSError as error:  # the folder went while it was listed: a newer build was published meanwhile
        raise _damaged(folder, f"its files cannot be listed ({error.strerror})") from error
    unexpected = sorted(present - set(listed))
    if unexpected:
        raise _damaged(folder, f"{unexpected[0]} is not a file the build wrote")
    for name, expected in listed.items():
        if problem := _difference(folder / name, expected):
            raise _damaged(folder, f"{name} {problem}")


def intact(folder: Path, names: tuple[str, ...]) -> bool:
    """Whether these files of a sealed folder are the ones sealed."""
    try:
        listed = _read(folder)
    except IndexStoreError:
        return False
    return all(_difference(folder / name, listed.get(name)) is None for name in names)


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read(folder: Path) -> dict[str, dict]:
    try:
        sealed = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
        listed, digest = sealed["files"], sealed["sha256"]
    except FileNotFoundError as error:
        raise _damaged(folder, f"{CHECKSUMS} is missing") from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _damaged(folder, f"{CHECKSUMS} is unreadable") from error
    if not isinstance(listed, dict) or digest != _digest(listed):
        raise _damaged(folder, f"{CHECKSUMS} is not the list the build wrote (its digest differs)")
    return listed


def _difference(path: Path, expected) -> str | None:
    """How a file differs from its sealed size and sha256; None when it is the same file."""
    if not isinstance(expected, dict):
        return "is not in the list the build wrote"
    try:
        size = path.stat().st_size
        if size != expected.get("size"):
            return f"has {size} bytes, not the {expected.get('size')} written"
        if _fingerprint(path, sync=False) != expected:
            return "is not the file the build wrote (its sha256 differs)"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    return None


def _fingerprint(path: Path, *, sync: bool) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        if sync:
            os.fsync(handle.fileno())
        return {"size": handle.tell(), "sha256": digest.hexdigest()}


def _digest(listed: dict) -> str:
    return hashlib.sha256(json.dumps(listed, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _files_of(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and path != folder / CHECKSUMS)


def _name(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


def _damaged(folder: Path, what: str) -> IndexStoreError:
    return IndexStoreError(f"The index in {folder} is damaged: {what}; run `rag build` to rebuild.")
