"""The document library: files added (checked whole first, read as the index will in a process with a time
limit) and removed, then indexed in the background; a file refused says why and never reaches the folder."""

import io
import zipfile
from pathlib import Path

import docx
import pytest

from rag import NotFoundError
from rag.library import add_files, remove_document

FIXTURES = Path(__file__).parent / "fixtures" / "undocs"


def word_file(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def test_files_added_are_checked_put_in_the_folder_and_searched(live_seeds, tmp_path):
    live = live_seeds
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    word = word_file(uploads / "x1", "Wombat Compact", "1. Every burrow shall have fibre by 2031.")
    text = uploads / "x2"
    text.write_text("Quokka Accord\n\n1. Every crater shall have broadband by 2040.\n", encoding="utf-8")
    added = add_files(
        live, [("wombat.docx", word), ("quokka.txt", text), ("A_RES_79_237.pdf", FIXTURES / "A_RES_79_237.pdf")]
    )
    assert [a.error for a in added] == ["", "", ""]
    assert live.wait().state == "current"
    assert {"wombat", "quokka", "A_RES_79_237"} <= {d.id for d in live.documents}
    assert live.search("burrow fibre", k=1)[0].doc_id == "wombat"
    assert not list(live.docs_dir.glob(".upload-*"))  # no staging copy left behind


def test_hostile_files_are_refused_with_their_reason_and_never_reach_the_folder(live_seeds, tmp_path):
    live = live_seeds
    before = sorted(p.name for p in live.docs_dir.iterdir())
    good = tmp_path / "good"
    good.write_text("Title\n\n1. A paragraph of text.\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    bomb = tmp_path / "bomb"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:  # a .docx that unpacks to 300 MB
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", io.BytesIO(b"0" * 300_000_000).getvalue())
    cases = {
        "../evil.txt": good,
        "sub/evil.txt": good,
        ".hidden.txt": good,
        "run.exe": good,
        "catalog.toml": good,
        "empty.txt": empty,
        "bomb.docx": bomb,
        "004_7b6cb249c0a88164.txt": good,  # a document the library already has
    }
    said = {a.name: a.error for a in add_files(live, list(cases.items()))}
    assert all(said.values()), said
    assert "no folders" in said["../evil.txt"] and "no folders" in said["sub/evil.txt"]
    assert "empty" in said["empty.txt"] and "already has" in said["004_7b6cb249c0a88164.txt"]
    assert "256 MB" in said["bomb.docx"] or "unpacks" in said["bomb.docx"], said["bomb.docx"]
    assert sorted(p.name for p in live.docs_dir.iterdir()) == before
    big = add_files(live, [("big.txt", good)], max_bytes=10)
    assert "over the" in big[0].error
    slow = add_files(live, [("slow.pdf", FIXTURES / "A_RES_79_237.pdf")], read_seconds=0.01)
    assert "took more than" in slow[0].error
    assert sorted(p.name for p in live.docs_dir.iterdir()) == before


def test_a_document_removed_leaves_the_folder_and_the_index(live_seeds):
    live = live_seeds
    assert remove_document(live, "003_2acf0993792d3d8c") == ["003_2acf0993792d3d8c.txt"]
    assert live.wait().state == "current"
    assert "003_2acf0993792d3d8c" not in {d.id for d in live.documents}
    with pytest.raises(NotFoundError):
        remove_document(live, "no-such-document")
