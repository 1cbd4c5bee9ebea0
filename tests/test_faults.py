"""Faults in the index store: damaged files, kill -9, two builds at once, a full disk.

Each fault must end with a complete index that answers right, the previous one or the new one: never a
partial build, never a silently wrong answer, never a traceback. Where a real process is needed, builds run
as `python -m rag.cli build` in a subprocess, with the session's model export linked into the index folder
so that no subprocess exports the model again.
"""

import contextlib
import logging
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import write_docs

from rag import Index
from rag.errors import IndexStoreError
from rag.store import files
from rag.store.build import build, expected_manifest, up_to_date
from rag.store.encoder import export_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = (
    "Member States agree that every child in the district should have access to clean water, "
    "a working school and a library within walking distance of home."
)
# Two corpora with the same file names: "other" has the same number of chunks, most of them the same texts in
# another order, so one of its files in a build of "ref" has the right shape and the wrong rows.
CORPORA = {
    "ref": {
        "alpha.md": "# Alpha Report\n\n## Water\n\n1. Clean water is a human right for every village.\n\n"
        "2. Wells must be inspected every year by the district engineer.\n\n3. " + SHARED + "\n",
        "beta.txt": "Beta Notes\n\nSolar panels power the school in the valley. They were installed in 2019.\n\n"
        "The library opens at nine and closes at six.\n\nBees pollinate the orchards in spring.\n\n" + SHARED + "\n",
        "gamma.html": "<html><head><title>Gamma Page</title></head><body><h1>Gamma Page</h1>"
        "<p>The ferry to the island leaves at dawn.</p><p>Fishermen mend their nets on the pier.</p></body></html>",
    },
    "other": {
        "alpha.md": "# Alpha Report\n\n## Water\n\n1. Clean water is a human right for every village.\n\n"
        "2. Wells must be inspected every year by the district engineer.\n\n3. Pipes are replaced when they leak.\n",
        "beta.txt": "Beta Notes\n\n" + SHARED + "\n\nBees pollinate the orchards in spring.\n\nThe library opens at "
        "nine and closes at six.\n\nSolar panels power the school in the valley. They were installed in 2019.\n",
        "gamma.html": "<html><head><title>Gamma Page</title></head><body><h1>Gamma Page</h1>"
        "<p>Fishermen mend their nets on the pier.</p><p>The ferry to the island leaves at noon.</p></body></html>",
    },
}
ANSWERS = {  # in "ref": question -> (document, paragraph)
    "When are wells inspected?": ("alpha", "2. Wells must be inspected every year by the district engineer."),
    "What powers the school?": ("beta", "Solar panels power the school in the valley. They were installed in 2019."),
    "When does the ferry leave for the island?": ("gamma", "The ferry to the island leaves at dawn."),
}
FERRY = "When does the ferry leave for the island?"
FERRY_ANSWER = {"ref": "The ferry to the island leaves at dawn.", "other": "The ferry to the island leaves at noon."}
BUILD_FILES = [
    "checksums.json",
    "chunks.jsonl",
    "dense.faiss",
    "documents.json",
    "lexical/data.npy",
    "lexical/indices.npy",
    "lexical/indptr.npy",
    "lexical/terms.json",
    "manifest.json",
    "same_as.json",
    "sentences.faiss",
    "sentences.jsonl",
    "texts/gamma.txt",
    "units.jsonl",
    "vocabulary.json",
]
FAULTS = ("truncated", "edited", "swapped")
KILL_TRIALS = 20
KILLS_WHILE_WRITING = 6


@pytest.fixture(scope="module")
def corpora(tmp_path_factory, embedder) -> dict[str, tuple[Path, Path]]:
    """Each corpus's documents folder and a built index of it (never modified: tests damage copies)."""
    root = tmp_path_factory.mktemp("corpora")
    built = {}
    for name, documents in CORPORA.items():
        docs = write_docs(root / name / "docs", documents)
        Index.open(docs, root / name / "index", embedder=embedder)
        built[name] = (docs, root / name / "index")
    return built


@pytest.fixture(scope="module")
def reference(corpora, embedder) -> tuple[files.StoredIndex, dict[str, np.ndarray]]:
    """The build of "ref", and each of its texts embedded afresh (what a rebuild's vectors must be)."""
    stored = files.load(files.live_build(corpora["ref"][1]))
    texts = sorted({c.text for c in stored.chunks + stored.sentences})
    return stored, dict(zip(texts, embedder.embed(texts), strict=True))


def test_a_build_holds_exactly_the_files_faulted_below(corpora):
    build_folder = files.live_build(corpora["ref"][1])
    assert sorted(p.relative_to(build_folder).as_posix() for p in build_folder.rglob("*") if p.is_file()) == BUILD_FILES


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", [*BUILD_FILES, files.CURRENT])
def test_a_damaged_file_is_found_on_open_and_the_index_rebuilt(
    corpora, reference, embedder, tmp_path, caplog, name, fault
):
    docs, source = corpora["ref"]
    folder = tmp_path / "index"
    shutil.copytree(source, folder)
    damaged = files.live_build(folder)
    other = corpora["other"][1]
    if name == files.CURRENT:
        _damage(folder / name, fault, other / name)
    else:
        _damage(damaged / name, fault, files.live_build(other) / name)
    with caplog.at_level(logging.INFO, logger="rag"):
        index = Index.open(docs, folder, embedder=embedder)
    assert files.live_build(folder) != damaged and not damaged.exists()  # rebuilt; the damaged build removed
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    if name == "manifest.json":  # an edited manifest is damaged, unreadable, or describes other documents
        assert warnings == [] or "manifest" in warnings[0]
    elif name != files.CURRENT:  # a CURRENT naming no build is no index: built without a warning
        # a swapped checksums.json is the list of another build: the first file it does not describe is named
        named = "" if name == "checksums.json" else f"{name} "
        assert warnings and all(f"is damaged: {named}" in w and w.endswith(" Rebuilding.") for w in warnings)
    _assert_answers_right(index, folder, reference)


def test_loading_a_build_a_newer_one_removed_is_a_clear_error(corpora, embedder, tmp_path):
    docs, source = corpora["ref"]
    folder = tmp_path / "index"
    shutil.copytree(source, folder)
    old = files.live_build(folder)
    build(docs, folder, embedder=embedder)
    assert not old.exists()  # an open that had read CURRENT before the new build was published ...
    with pytest.raises(IndexStoreError, match="Unreadable manifest in"):
        files.load(old)  # ... finds its build gone, a clear error that Index.open answers by reading CURRENT again
    assert Index.open(docs, folder, embedder=embedder).search(FERRY, k=1)[0].text == FERRY_ANSWER["ref"]


def test_up_to_date_only_when_current_and_intact(corpora, tmp_path):
    docs, source = corpora["ref"]
    folder = tmp_path / "index"
    shutil.copytree(source, folder)
    assert up_to_date(docs, folder) and not up_to_date(corpora["other"][0], folder)
    _damage(files.live_build(folder) / "units.jsonl", "edited", None)
    assert not up_to_date(docs, folder)
    (folder / "CURRENT").unlink()
    assert not up_to_date(docs, folder)


def test_debris_of_an_interrupted_build_leaves_the_previous_index_live(corpora, reference, embedder, tmp_path):
    docs, source = corpora["ref"]
    folder = tmp_path / "index"
    shutil.copytree(source, folder)
    live = files.live_build(folder)
    (folder / ".tmp-build-crashed").mkdir()
    (folder / ".tmp-build-crashed" / "units.jsonl").write_text('{"half": ')
    shutil.copytree(live, folder / "build-renamed-but-never-published")  # killed between rename and CURRENT
    (folder / "CURRENT.tmp").write_text("build-renamed-but-never-published")
    reopened = Index.open(docs, folder, embedder=embedder)
    assert files.live_build(folder) == live and reopened.manifest == reference[0].manifest
    build(docs, folder, embedder=embedder)
    assert _debris(folder) == []
    _assert_answers_right(Index.open(docs, folder, embedder=embedder), folder, reference)


def test_concurrent_opens_build_once(embedder, tmp_path):
    docs = write_docs(tmp_path / "docs", CORPORA["ref"])
    folder = tmp_path / "index"
    opened = []
    threads = [
        threading.Thread(target=lambda: opened.append(Index.open(docs, folder, embedder=embedder))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 3 and len({index.manifest["built_at"] for index in opened}) == 1
    assert len([p for p in folder.iterdir() if p.name.startswith("build-")]) == 1


@pytest.mark.slow
def test_kill_9_at_random_moments_of_a_build_leaves_the_old_or_the_new_index(corpora, embedder, tmp_path):
    docs = {name: corpora[name][0] for name in CORPORA}
    folder = _index_with_export(tmp_path / "index")
    build(docs["ref"], folder, embedder=embedder)
    began = time.monotonic()
    assert _finish(_rag_build(docs["other"], folder, "--force"))[0] == 0
    duration = time.monotonic() - began  # spawn to exit
    rng, outcomes, live_corpus = random.Random(11), Counter(), "other"
    # kills at moments spread over the whole build, then a few more once it has begun writing its folder
    moments = [("any", rng.uniform(0, duration)) for _ in range(KILL_TRIALS)]
    moments += [("writing", rng.uniform(0, 0.1)) for _ in range(KILLS_WHILE_WRITING)]
    for phase, delay in moments:
        target = "other" if live_corpus == "ref" else "ref"
        before = files.live_build(folder)
        process = _rag_build(docs[target], folder, "--force")
        if phase == "writing":
            _wait_for_a_temporary_folder(folder, process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        killed = _finish(process)[0] == -signal.SIGKILL
        assert files.live_build(folder) is not None
        stored = files.load(files.live_build(folder))  # complete: every file is the one its build sealed
        corpus = _corpus_of(stored.manifest, docs)
        assert corpus == target or (corpus == live_corpus and files.live_build(folder) == before)
        index = Index.open(docs[corpus], folder, embedder=embedder)
        assert index.manifest == stored.manifest  # opened as it is, not rebuilt
        assert index.search(FERRY, k=1)[0].text == FERRY_ANSWER[corpus]
        outcomes["new" if corpus == target else "old", "killed" if killed else "exited", bool(_debris(folder))] += 1
        live_corpus = corpus
    print(f"\n{len(moments)} kills, builds of {duration:.2f} s; (index, process, debris left): {dict(outcomes)}")
    assert sum(n for (which, _, _), n in outcomes.items() if which == "old") > 0  # some kills hit the build
    assert _finish(_rag_build(docs[live_corpus], folder, "--force"))[0] == 0
    assert _debris(folder) == []  # what killed builds left is cleaned by the next one


@pytest.mark.slow
def test_two_builds_at_once_end_with_one_complete_index(corpora, embedder, tmp_path):
    docs = {name: corpora[name][0] for name in CORPORA}
    folder = _index_with_export(tmp_path / "index")
    build(docs["ref"], folder, embedder=embedder)
    for first, second in (("ref", "ref"), ("ref", "other"), ("other", "ref")):
        reads = _reading(docs["ref"], folder, embedder) if first == second == "ref" else contextlib.nullcontext([])
        with reads as answers:
            processes = [_rag_build(docs[corpus], folder, "--force") for corpus in (first, second)]
            results = [_finish(process) for process in processes]
        assert [code for code, _, _ in results] == [0, 0], results
        assert all(out.startswith("Indexed 3 documents") for _, out, _ in results)
        assert set(answers) <= {FERRY_ANSWER["ref"]}  # an open while both built always got a whole index
        assert _debris(folder) == []
        stored = files.load(files.live_build(folder))
        corpus = _corpus_of(stored.manifest, docs)
        assert corpus in (first, second)
        index = Index.open(docs[corpus], folder, embedder=embedder)
        assert index.manifest == stored.manifest and index.search(FERRY, k=1)[0].text == FERRY_ANSWER[corpus]


@pytest.mark.slow
def test_a_full_disk_during_a_build_leaves_the_previous_index_live(corpora, embedder, tmp_path):
    """RLIMIT_FSIZE makes a write past the limit fail with EFBIG, as a full disk fails one with ENOSPC."""
    docs = {name: corpora[name][0] for name in CORPORA}
    folder = _index_with_export(tmp_path / "index")
    build(docs["ref"], folder, embedder=embedder)
    live = files.live_build(folder)
    failed_at = []
    for limit in (64, 1024, 4096):  # bytes: the manifest, the units and the vectors are each too large once
        code, _, err = _finish(_rag_build(docs["other"], folder, limit=limit))
        said = [line for line in err.splitlines() if line.startswith("rag: ")]
        assert code == 1 and "Traceback" not in err, err
        assert len(said) == 1, err
        message = re.fullmatch(
            rf"rag: Could not write the index in {re.escape(str(folder))}: file too large \((\S+)\); "
            r"the previous index is still in use; run `rag build` again once fixed\.",
            said[0],
        )
        assert message, said[0]
        failed_at.append(message[1])
        assert files.live_build(folder) == live and _debris(folder) == []  # nothing published, nothing left
        index = Index.open(docs["ref"], folder, embedder=embedder)
        assert index.manifest == files.read_manifest(live) and index.search(FERRY, k=1)[0].text == FERRY_ANSWER["ref"]
    print(f"\nfile-size limits of 64, 1024 and 4096 bytes stopped the build writing {failed_at}")
    assert len(set(failed_at)) > 1, failed_at  # the disk filled at different moments of the build
    assert _finish(_rag_build(docs["other"], folder))[0] == 0  # room again: the new documents are published
    assert Index.open(docs["other"], folder, embedder=embedder).search(FERRY, k=1)[0].text == FERRY_ANSWER["other"]
    assert _debris(folder) == []


@pytest.mark.slow
def test_no_space_left_on_a_small_real_disk(corpora, embedder, tmp_path):
    """The same on a real full file system: a small tmpfs, where this runs as root (never in CI)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    with _tmpfs(disk):
        docs = {name: corpora[name][0] for name in CORPORA}
        folder = disk / "index"
        folder.mkdir()
        (folder / "models").symlink_to(export_folder(Path(os.environ["RAG_INDEX"])).parent)
        build(docs["ref"], folder, embedder=embedder)
        live = files.live_build(folder)
        stats = os.statvfs(disk)
        used = (stats.f_blocks - stats.f_bfree) * stats.f_frsize
        _mount_options(disk, f"remount,size={used + 32 * 1024}")  # room for a third of another build
        code, _, err = _finish(_rag_build(docs["other"], folder))
        assert code == 1 and "Traceback" not in err, err
        assert f"rag: Could not write the index in {folder}: no space left on device (" in err
        assert "; the previous index is still in use; run `rag build` again once fixed." in err
        assert files.live_build(folder) == live and _debris(folder) == []
        assert Index.open(docs["ref"], folder, embedder=embedder).search(FERRY, k=1)[0].text == FERRY_ANSWER["ref"]
        _mount_options(disk, "remount,size=4m")
        assert _finish(_rag_build(docs["other"], folder))[0] == 0
        assert Index.open(docs["other"], folder, embedder=embedder).search(FERRY, k=1)[0].text == FERRY_ANSWER["other"]


def _damage(path: Path, fault: str, other: Path | None) -> None:
    """Truncate a file to half, change one byte of it, or put the same file of another build in its place."""
    data = path.read_bytes()
    if fault == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif fault == "edited":
        rng = random.Random(path.name)
        at = rng.randrange(len(data))
        path.write_bytes(data[:at] + bytes([(data[at] + rng.randrange(1, 256)) % 256]) + data[at + 1 :])
    else:
        swapped = other.read_bytes()
        assert swapped != data, f"{path.name} is the same in both builds: swapping it would change nothing"
        path.write_bytes(swapped)


def _assert_answers_right(index: Index, folder: Path, reference) -> None:
    """The index answers the reference questions, and is the reference build again with vectors that are
    its own texts' (not ones reused from a damaged build)."""
    reference, fresh = reference
    for question, (doc_id, text) in ANSWERS.items():
        hit = index.search(question, k=1)[0]
        assert (hit.doc_id, hit.text) == (doc_id, text), question
    stored = files.load(files.live_build(folder))
    assert stored.manifest == index.manifest
    for part in ("documents", "units", "chunks", "sentences", "same_as", "texts", "vocabulary"):
        assert getattr(stored, part) == getattr(reference, part), part
    for rows, stem in ((stored.chunks, "dense"), (stored.sentences, "sentences")):
        assert np.allclose(stored.vectors(stem), [fresh[c.text] for c in rows], atol=1e-5)


def _corpus_of(manifest: dict, docs: dict[str, Path]) -> str:
    (corpus,) = [name for name, folder in docs.items() if manifest["sources"] == expected_manifest(folder)["sources"]]
    return corpus


def _debris(folder: Path) -> list[str]:
    """What a build left beside the live one: temporary folders, unpublished builds, a half-written CURRENT."""
    live = files.live_build(folder)
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.startswith((".tmp-", "CURRENT.tmp")) or (p.name.startswith("build-") and p != live)
    )


def _index_with_export(folder: Path) -> Path:
    """An index folder holding (hard links to) the session's model export, which a `rag build` finds sound."""
    shutil.copytree(export_folder(Path(os.environ["RAG_INDEX"])), export_folder(folder), copy_function=_link)
    return folder


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def _rag_build(docs: Path, folder: Path, *options: str, limit: int | None = None) -> subprocess.Popen:
    """`rag build` in its own process; `limit` caps the size of any file it writes (bytes)."""
    command = [sys.executable, "-m", "rag.cli", "build", "--docs", str(docs), "--index", str(folder), *options]
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=None if limit is None else lambda: _limit_file_size(limit),
    )


def _wait_for_a_temporary_folder(folder: Path, process: subprocess.Popen) -> None:
    """Return once the build has begun writing its temporary folder (or has exited)."""
    while process.poll() is None and not any(p.name.startswith(".tmp-build-") for p in folder.iterdir()):
        time.sleep(0.001)


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@contextlib.contextmanager
def _reading(docs: Path, folder: Path, embedder):
    """Open the index again and again while the block runs; yields the answers the opens gave."""
    answers, done = [], threading.Event()

    def read():
        while not done.is_set():
            try:
                answers.append(Index.open(docs, folder, embedder=embedder).search(FERRY, k=1)[0].text)
            except Exception as error:  # noqa: BLE001 (shown by the test's assertion, not lost in a thread)
                answers.append(repr(error))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        yield answers
    finally:
        done.set()
        reader.join()
    assert answers  # the reader did open the index while the builds ran


@contextlib.contextmanager
def _tmpfs(mount_point: Path):
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True)
    if result.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _mount_options(mount_point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", options, str(mount_point)], check=True, capture_output=True)
