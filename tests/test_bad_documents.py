"""Bad files in a user's documents folder never block it: each is read correctly or skipped with one warning
naming it and the reason, every other document is indexed, and `rag build` lists what it skipped (and fails
with --strict). Text in another encoding than UTF-8 is decoded, and the index keeps the decoded text."""

import contextlib
import hashlib
import io
import logging
import os
import random
import shutil
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from conftest import coverage_problems, write_docs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from rag.cli import main
from rag.errors import DocumentsError
from rag.ingest.folder import MAX_TEXT_FILE_BYTES, document_files, read_documents
from rag.ingest.formats import MAX_TEXT_CHARS
from rag.ingest.formats.docx import MAX_UNPACKED_BYTES
from rag.ingest.formats.text import CONTROL, read_text_file
from rag.retrieval.index import Index
from rag.store.encoder import export_folder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "undocs"
RNG = random.Random(11)

# Documents read correctly, each about its own topic: name -> (bytes on disk, the text the index must hold).
SPANISH = "1. El Día Mundial de la Sociedad de la Información se celebra cada año el 17 de mayo.\n\n2. La Cumbre reafirmó su compromiso con el desarrollo.\n"  # noqa: E501
CAFE = "1. Delegates met at the café of the Palais des Nations and said “we reaffirm” the Geneva Declaration – with one voice.\n\n2. They will meet again in Tunis.\n"  # noqa: E501
BOM_MD = "# Geneva Plan of Action\n\n1. Every village should have a community telecentre with public Internet access.\n"
UTF16 = "1. Submarine cables and satellite links serve the small island developing States.\n"
CRLF = "1. Cybersecurity capacity building needs trained people in every ministry.\r\n\r\n2. Computer emergency response teams share what they learn.\r\n"  # noqa: E501
NUL = "1. Open data portals publish national budgets\x00 in machine-readable form.\n\n2. Citizens can download them.\n"
GOOD = "1. Broadband should reach every school by 2030.\n\n2. Member States will report on progress each year.\n"
READ = {
    "good.txt": (GOOD.encode(), GOOD),
    "spanish.txt": (SPANISH.encode("latin-1"), SPANISH),
    "cafe.txt": (CAFE.encode("cp1252"), CAFE),
    "bom.md": (b"\xef\xbb\xbf" + BOM_MD.encode(), BOM_MD),
    "utf16.txt": (UTF16.encode("utf-16"), UTF16),  # with its byte-order mark
    "crlf.txt": (CRLF.encode(), CRLF),
    "nul.txt": (NUL.encode(), NUL.replace("\x00", " ")),
}
# Files skipped, and what the reason must say (the whole reason is checked to start with the file's name).
SKIPPED = {
    "empty.txt": "empty.txt is empty (0 bytes).",
    "blank.md": "blank.md holds no text, only white space.",
    "image.txt": "is binary data, not text",
    "random.md": "is binary data, not text",
    "zeros.txt": "is binary data, not text",
    "ambiguous.txt": "is not UTF-8, and its encoding cannot be told with confidence",
    "huge.txt": "is 50 MB, over the 40 MB limit for a text or web page file",
    "dangling.txt": "is a symbolic link to",
    "loop.md": "is a symbolic link that loops back on itself",
    "outside.txt": "outside the documents folder; copy the file in to index it.",
    "pipe.txt": "is not a regular file (a pipe, socket or device)",
    "cut.pdf": "is not a readable PDF (Failed to load document (PDFium: Data format error); it lacks the %%EOF",
    "cut-at-the-end.pdf": "is incomplete: it lacks the %%EOF end marker",
    "encrypted.pdf": "is password-protected (encrypted)",
    "scan.pdf": "has no text layer (a scan?)",
    "webpage.pdf": "is not a PDF (it starts with '<!DOCTYPE html>",
    "junk.docx": "is not a readable Word .docx file (the package is damaged or holds no Word document)",
    "not-a-zip.docx": "is not a readable Word .docx file (it is not a zip package)",
    "report.txt": "has the same document id as report.pdf, which is read instead (.pdf before .txt)",
}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "PNG")
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A page that is only a picture, as a scanner writes it: no text layer."""
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _rc4(key: bytes, data: bytes) -> bytes:
    state, j = list(range(256)), 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(text: str, password: str) -> bytes:
    """A one-page PDF encrypted with the standard security handler, revision 2 (40-bit RC4, PDF 1.3): no
    library here writes encrypted PDFs, so it is made by the PDF reference's algorithms 2, 3 and 4."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    file_id = hashlib.md5(b"wsis").digest()
    padded = (password.encode("latin-1") + pad)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
    key = hashlib.md5(padded + owner + (-4).to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    content = _rc4(hashlib.md5(key + (4).to_bytes(3, "little") + b"\0\0").digest()[:10], content)  # object 4
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",  # noqa: E501
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%b> /U <%b> /P -4 >>"
        % (owner.hex().encode(), _rc4(key, pad).hex().encode()),
    ]
    out, offsets = bytearray(b"%PDF-1.3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    ids = b"<%b> <%b>" % (file_id.hex().encode(), file_id.hex().encode())
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [%b] >>\n" % (len(objects) + 1, ids)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def write_bad_folder(docs: Path) -> Path:
    docs.mkdir(parents=True)
    for name, (data, _) in READ.items():
        (docs / name).write_bytes(data)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.md").write_text("  \n\n\t \n", encoding="utf-8")
    (docs / "image.txt").write_bytes(png())
    (docs / "random.md").write_bytes(RNG.randbytes(4000))
    (docs / "zeros.txt").write_bytes(bytes(1000))
    (docs / "ambiguous.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    with (docs / "huge.txt").open("wb") as sparse:
        sparse.truncate(50 * 10**6)
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")
    (docs / "loop.md").symlink_to(docs / "loop.md")
    (docs.parent / "elsewhere.txt").write_text(GOOD, encoding="utf-8")
    (docs / "outside.txt").symlink_to(docs.parent / "elsewhere.txt")  # the folder is what the viewer may show
    os.mkfifo(docs / "pipe.txt")  # opening it would wait for a writer forever
    pdf = (FIXTURES / "A_RES_79_237.pdf").read_bytes()
    (docs / "cut.pdf").write_bytes(pdf[: len(pdf) // 2])
    (docs / "cut-at-the-end.pdf").write_bytes(pdf[:-2000])  # PDFium still reads every page of this one
    (docs / "encrypted.pdf").write_bytes(encrypted_pdf("Secret WSIS text.", "secret"))
    (docs / "scan.pdf").write_bytes(image_only_pdf())
    (docs / "webpage.pdf").write_text("<!DOCTYPE html><html><body>Not found</body></html>", encoding="utf-8")
    with zipfile.ZipFile(docs / "junk.docx", "w") as archive:
        archive.writestr("junk.bin", RNG.randbytes(2000))
        archive.writestr("readme.txt", "not a Word document")
    (docs / "not-a-zip.docx").write_bytes(RNG.randbytes(3000))
    shutil.copy(FIXTURES / "A_RES_79_237.pdf", docs / "report.pdf")
    (docs / "report.txt").write_text("1. The same resolution, as text.\n", encoding="utf-8")
    return docs


def with_model(index_dir: Path) -> Path:
    """An index folder holding the session's checked model export, so `rag build` does not export it again."""
    shutil.copytree(export_folder(Path(os.environ["RAG_INDEX"])), export_folder(index_dir))
    return index_dir


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run(argv: list[str]) -> tuple[int, str, str, list[str]]:
    """`rag ARGV` in-process: its exit code, what it printed, and the warnings it logged."""
    out, err, warnings = io.StringIO(), io.StringIO(), Warnings()
    logging.getLogger().addHandler(warnings)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        logging.getLogger().removeHandler(warnings)
    return code, out.getvalue(), err.getvalue(), warnings.messages


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory, embedder):
    """The folder, built once with `rag build`: its documents folder, index folder and the run's output."""
    root = tmp_path_factory.mktemp("bad")
    docs, index = write_bad_folder(root / "docs"), with_model(root / "index")
    return docs, index, run(["build", "--docs", str(docs), "--index", str(index)])


@pytest.fixture(scope="module")
def bad_index(bad_folder, embedder) -> Index:
    docs, index, _ = bad_folder
    return Index.open(docs, index, embedder=embedder)


def test_rag_build_indexes_the_good_files_and_ends_listing_the_skipped_ones(bad_folder, bad_index):
    _, _, (code, out, _, warnings) = bad_folder
    assert code == 0
    assert sorted(d.file for d in bad_index.documents) == sorted([*READ, "report.pdf"])
    listing = out[out.index(f"Skipped {len(SKIPPED)} files:\n") :].splitlines()[1:]
    assert [line.split()[0] for line in listing] == sorted(SKIPPED)  # the listing ends the output
    for line, name in zip(listing, sorted(SKIPPED), strict=True):
        assert line.startswith(f"  {name} ") and SKIPPED[name] in line, line
    for name in SKIPPED:  # one warning each, naming the file
        assert [w for w in warnings if f"{name} " in w] == [f"Skipped: {bad_index.manifest['skipped'][name]}"]
    assert len(warnings) == len(SKIPPED)
    assert all("\n" not in reason for reason in bad_index.manifest["skipped"].values())


def test_rag_build_strict_fails_with_the_same_listing_and_an_up_to_date_index_still_says_so(bad_folder):
    docs, index, (_, first, _, _) = bad_folder
    listing = first[first.index("Skipped ") :]
    code, out, err, _ = run(["build", "--docs", str(docs), "--index", str(index)])
    assert code == 0 and "is up to date" in out and out.endswith(listing)  # hashing a pipe or a loop never hangs
    code, out, err, _ = run(["build", "--strict", "--docs", str(docs), "--index", str(index)])
    assert code == 1 and out.endswith(listing)
    assert err == f"rag: --strict: {len(SKIPPED)} files could not be indexed.\n"


def test_rag_build_strict_fails_on_a_fresh_build_and_passes_a_clean_folder(tmp_path, embedder):
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD})
    (docs / "empty.md").write_bytes(b"")
    code, out, err, warnings = run(
        ["build", "--strict", "--docs", str(docs), "--index", str(with_model(tmp_path / "i"))]
    )
    assert (code, out.splitlines()[-2:]) == (1, ["Skipped 1 file:", "  empty.md is empty (0 bytes)."])
    assert warnings == ["Skipped: empty.md is empty (0 bytes)."]
    (docs / "empty.md").unlink()
    code, out, _, _ = run(["build", "--strict", "--docs", str(docs), "--index", str(tmp_path / "i")])
    assert code == 0 and "Skipped" not in out


def test_a_link_to_a_file_in_the_folder_is_indexed_as_that_file(tmp_path, embedder):
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD})
    (docs / "sub").mkdir()
    (docs / "sub" / "kept.txt").write_text("1. Kept in a subfolder and linked in.\n", encoding="utf-8")
    (docs / "linked.txt").symlink_to(docs / "sub" / "kept.txt")
    code, _, _, warnings = run(["build", "--docs", str(docs), "--index", str(with_model(tmp_path / "i"))])
    index = Index.open(docs, tmp_path / "i", embedder=embedder)
    assert (code, warnings) == (0, [])
    assert index.text("linked") == "1. Kept in a subfolder and linked in.\n"


@pytest.mark.parametrize("name", sorted(READ))
def test_a_file_read_in_another_encoding_is_indexed_as_its_decoded_text(bad_index, name):
    doc = Path(name).stem
    text = READ[name][1]
    assert bad_index.text(doc) == text  # what the source viewer and every span read
    assert coverage_problems(text, bad_index.units(doc)) == []
    assert not any(c in unit.text for unit in bad_index.units(doc) for c in "\ufeff\x00")


@pytest.mark.parametrize(
    ("question", "doc", "quote"),
    [
        ('"Día Mundial"', "spanish", SPANISH.split("\n\n")[0]),
        ("Where did the delegates meet to reaffirm the Geneva Declaration?", "cafe", CAFE.split("\n\n")[0]),
        ("community telecentre in every village", "bom", BOM_MD.split("\n\n")[1].strip()),
        ("submarine cables for small island States", "utf16", UTF16.strip()),
        ("trained people for cybersecurity", "crlf", CRLF.split("\r\n\r\n")[0]),
        (
            "open data portals and budgets",
            "nul",
            "1. Open data portals publish national budgets in machine-readable form.",
        ),
    ],
)
def test_the_quote_of_a_decoded_file_is_its_decoded_text(bad_index, question, doc, quote):
    top = bad_index.search(question, k=1)[0]
    assert (top.doc_id, top.text) == (doc, quote)
    source = bad_index.text(doc)
    assert " ".join(" ".join(source[s:e].split()) for s, e in top.spans) == quote  # spans point into it


def test_the_stored_text_not_the_file_is_what_a_decoded_document_is_read_from(bad_folder, bad_index):
    docs, _, _ = bad_folder
    assert (docs / "spanish.txt").read_bytes() == SPANISH.encode("latin-1")  # the file stays as it was
    assert bad_index.text("good") == GOOD and bad_index.text("crlf") == CRLF  # UTF-8 files are their own text
    assert set(bad_index._stored.texts) >= {"spanish", "cafe", "bom", "utf16", "nul"}
    assert not {"good", "crlf"} & set(bad_index._stored.texts)
    heading = bad_index.units("bom")[0]  # the byte-order mark no longer hides the heading it stood before
    assert (heading.kind, heading.text) == ("heading", "# Geneva Plan of Action")


def test_of_two_files_of_one_document_id_the_first_that_reads_is_kept(tmp_path):
    docs = write_docs(tmp_path / "docs", {"report.txt": GOOD, "report.md": "# Notes\n\n1. Also a report.\n"})
    (docs / "report.pdf").write_bytes(b"%PDF-1.7 damaged")
    readable, skipped = read_documents(docs)
    assert [p.name for p in readable] == ["report.md"]  # .pdf first, but it does not read; then .md before .txt
    assert skipped["report.pdf"].startswith("report.pdf is not a readable PDF")
    assert skipped["report.txt"] == (
        "report.txt has the same document id as report.md, which is read instead (.md before .txt); "
        "rename one of them to index both."
    )


def test_a_file_removed_between_listing_and_reading_is_skipped(tmp_path):
    docs = write_docs(tmp_path / "docs", {f"note{i:03}.txt": f"{i}. Paragraph {i} on broadband.\n" for i in range(400)})
    listing = document_files(docs)
    listing[0].unlink()
    readable, skipped = read_documents(docs, listing)
    assert skipped == {"note000.txt": "note000.txt was removed or moved while the folder was being read; build again."}
    # And removed while it is being read, by another thread: each file is read or skipped, never a traceback.
    doomed = listing[1::2]
    remover = threading.Thread(target=lambda: [p.unlink() for p in doomed])
    remover.start()
    readable, skipped = read_documents(docs, listing)
    remover.join()
    assert {p.name for p in readable} | set(skipped) == {p.name for p in listing}
    assert not {p.name for p in readable} & set(skipped)
    assert set(skipped) <= {p.name for p in [*doomed, listing[0]]}
    assert all(
        reason == f"{name} was removed or moved while the folder was being read; build again."
        for name, reason in skipped.items()
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens any file whatever its mode; the dangling link covers it")
def test_a_file_without_read_permission_is_skipped(tmp_path):
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD, "locked.txt": GOOD})
    (docs / "locked.txt").chmod(0)
    _, skipped = read_documents(docs)
    assert skipped == {"locked.txt": "locked.txt cannot be opened: permission denied; make it readable or remove it."}


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".pdf", ".docx"])
def test_a_50_mb_file_is_refused_quickly_without_reading_it_into_memory(tmp_path, suffix):
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD})
    with (docs / f"huge{suffix}").open("wb") as sparse:
        sparse.truncate(50 * 10**6)
    tracemalloc.start()
    try:
        readable, skipped = read_documents(docs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.name for p in readable] == ["good.txt"] and list(skipped) == [f"huge{suffix}"]
    assert peak < 2 * 10**6
    expected = {
        ".pdf": "huge.pdf is not a PDF (it starts with",
        ".docx": "huge.docx is not a readable Word .docx file (it is not a zip package)",
    }.get(suffix, f"huge{suffix} is 50 MB, over the {MAX_TEXT_FILE_BYTES // 10**6} MB limit")
    assert skipped[f"huge{suffix}"].startswith(expected)


def test_text_over_the_limit_is_refused_naming_it(tmp_path):
    size = MAX_TEXT_CHARS + 1000
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD, "log.txt": ("x" * 99 + "\n") * (size // 100)})
    _, skipped = read_documents(docs)
    assert skipped == {
        "log.txt": f"log.txt holds {size:,} characters of text, over the limit of {MAX_TEXT_CHARS:,} (about 4,000 "
        "pages) a document may have; split it into smaller files."
    }


def test_a_word_file_that_unpacks_to_too_much_is_refused_before_it_is_unpacked(tmp_path):
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD})
    package = zipfile.ZipFile(docs / "bomb.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    with package, package.open("word/document.xml", "w", force_zip64=True) as part:
        for _ in range(MAX_UNPACKED_BYTES // 2**20 + 1):
            part.write(bytes(2**20))
    assert (docs / "bomb.docx").stat().st_size < 2 * 10**6
    _, skipped = read_documents(docs)
    assert skipped["bomb.docx"].startswith("bomb.docx unpacks to 257 MB, over the 256 MB limit for a Word file")


def test_a_folder_of_only_bad_files_says_so(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    with pytest.raises(DocumentsError, match=r"None of the documents in .* could be read: empty.txt is empty"):
        read_documents(docs)


ENGLISH = "The World Summit on the Information Society reaffirmed its commitment to development.\n"
LANGUAGES = {
    "cp1252": "Nous réaffirmons notre volonté de bâtir à Genève une société de l'information.\n",  # not cp1250's ŕ
    "cp1251": "Всемирная встреча на высшем уровне подтвердила свои обязательства.\n",
    "cp1253": "Η Παγκόσμια Διάσκεψη για την Κοινωνία της Πληροφορίας επιβεβαίωσε τις δεσμεύσεις της.\n",
    "shift_jis": "世界情報社会サミットの成果文書は、情報通信技術の開発を支援する。\n",
    "gb18030": "世界信息社会峰会的成果文件支持信息通信技术的发展。\n",
    "utf-16-le": ENGLISH,  # no byte-order mark: told by charset-normalizer
    "utf-16-be": ENGLISH,
    "utf-32": ENGLISH,  # Python writes the byte-order mark
}


@pytest.mark.parametrize("encoding", LANGUAGES)
def test_text_in_other_encodings_is_decoded(tmp_path, encoding):
    path = tmp_path / "document.txt"
    path.write_bytes(LANGUAGES[encoding].encode(encoding))
    extracted = read_text_file(path)
    assert (extracted.text, extracted.stored) == (LANGUAGES[encoding], True)


def test_stray_control_characters_read_as_spaces(tmp_path):
    path = tmp_path / "document.txt"
    path.write_bytes(b"\xfe\xff" + (ENGLISH + "\x1b[0m\x07").encode("utf-16-be"))
    extracted = read_text_file(path)
    assert (extracted.text, extracted.stored) == (ENGLISH + " [0m ", True)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfeabc", "document.txt starts with a UTF-16-LE byte-order mark but is not UTF-16-LE text (byte 4)"),
        ("Caf\xe9 society".encode("latin-1"), "document.txt is not UTF-8, and its encoding cannot be told"),
        (b"\x00\x01\x02\x03" * 100 + ENGLISH.encode(), "document.txt is binary data, not text"),
    ],
    ids=["broken-bom", "too-short-to-tell", "mostly-controls"],
)
def test_text_that_cannot_be_decoded_with_confidence_is_refused(tmp_path, data, reason):
    path = tmp_path / "document.txt"
    path.write_bytes(data)
    with pytest.raises(DocumentsError) as error:
        read_text_file(path)
    assert str(error.value).startswith(reason)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(st.binary(max_size=3000), st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
)
def test_any_bytes_are_read_as_clean_text_or_refused_with_a_reason(tmp_path, data):
    path = tmp_path / "any.txt"
    path.write_bytes(data)
    try:
        extracted = read_text_file(path)
    except DocumentsError as error:
        assert str(error).startswith("any.txt ") and "\n" not in str(error)
        return
    assert not CONTROL.search(extracted.text)
    if not extracted.stored:
        assert extracted.text == data.decode("utf-8")  # a UTF-8 file is its own text


def test_a_pdf_with_more_text_than_the_limit_stops_being_read(tmp_path, monkeypatch):
    monkeypatch.setattr("rag.ingest.formats.pdf.MAX_TEXT_CHARS", 1000)  # the real limit takes a 4,000-page PDF
    docs = write_docs(tmp_path / "docs", {"good.txt": GOOD})
    shutil.copy(FIXTURES / "A_RES_79_237.pdf", docs / "long.pdf")
    _, skipped = read_documents(docs)
    assert skipped == {
        "long.pdf": "long.pdf holds more than 1,000 characters of text by page 1 of 2, over the limit (about 4,000 "
        "pages) a document may have; split it."
    }
