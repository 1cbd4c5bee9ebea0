"""A folder mixing every format a diplomat's folder holds: an official PDF, text extracted from one, a Word
file and a web page made from seeds, and Markdown. It builds into one index, and UN documents in it are
cited by symbol, paragraph and page, with a link to the PDF at that page."""

import shutil
from pathlib import Path

import pytest
from test_formats import write_docx, write_html

from rag import Index
from rag.ingest.formats.text import read_text_file
from rag.ingest.layout import collapse
from rag.ingest.paragraphs import parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "undocs"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SUMMARY = "002_c27263d9b30fc6e3"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, embedder) -> Index:
    docs = tmp_path_factory.mktemp("mixed")
    shutil.copy(FIXTURES / "A_RES_79_277.pdf", docs / "A_RES_79_277.pdf")
    shutil.copy(FIXTURES / "A_RES_78_243.pdftotext.txt", docs / "A_RES_78_243.txt")
    seed = parse(SUMMARY, read_text_file(SEEDS / f"{SUMMARY}.txt").text)
    write_docx(seed, docs / "executive-summary.docx")
    write_html(seed, docs / "executive-summary-web.html")
    (docs / "notes.md").write_text("# Notes\n\nThe review of WSIS will be held in 2025.\n", encoding="utf-8")
    return Index.open(docs, docs.parent / "index", embedder=embedder)


def test_every_format_builds_into_one_index(mixed):
    formats = {d.id: d.format for d in mixed.documents}
    assert formats == {
        "A_RES_79_277": "pdf",
        "A_RES_78_243": "txt",
        "executive-summary": "docx",
        "executive-summary-web": "html",
        "notes": "md",
    }
    assert mixed.manifest["skipped"] == {}


def test_un_documents_are_titled_and_cited_by_their_masthead(mixed):
    pdf = mixed.document("A_RES_79_277")
    assert (pdf.symbol, pdf.short_name, pdf.date) == ("A/RES/79/277", "A/RES/79/277", "2025-03-25")  # adopted
    assert (pdf.adopted, pdf.issued) == ("2025-03-25", "2025-03-27")
    assert pdf.kind == "resolution"
    assert pdf.title.startswith("Modalities for the overall review by the General Assembly")
    assert len(pdf.pages) == 3
    assert mixed.document("A_RES_78_243").title == "Information and communications technology strategy"


def test_a_paragraph_named_by_number_is_cited_by_symbol_paragraph_and_page(mixed):
    top = mixed.search("What does OP 5 of A/RES/79/277 say?", k=3)[0]
    assert (top.label, top.citation) == ("5", "A/RES/79/277, para. 5, pp. 2-3")
    assert top.full_citation == (
        "Modalities for the overall review by the General Assembly of the implementation of the outcomes of the "
        "World Summit on the Information Society, A/RES/79/277, 25 March 2025, para. 5, pp. 2-3"
    )
    assert top.original_url == "/original/A_RES_79_277#page=2"
    assert top.text.startswith("5. Requests the President of the General Assembly, in 2025, to appoint two")
    assert top.quote_with_citation().endswith("(A/RES/79/277, para. 5, pp. 2-3)")


@pytest.mark.parametrize(
    ("question", "doc", "label", "place"),
    [
        ("PP3 of resolution 79/277", "A_RES_79_277", "PP3", "preambular para. 3"),
        ("the second preambular paragraph of 79/277", "A_RES_79_277", "PP2", "preambular para. 2"),
        ("paragraph 7(d) of A/RES/78/243", "A_RES_78_243", "7(d)", "para. 7(d)"),
        ("What does operative paragraph 8 of 78/243 recall?", "A_RES_78_243", "8", "para. 8"),
        ("footnote 6 of 79/277", "A_RES_79_277", "fn6", "footnote 6"),
    ],
)
def test_structure_questions_on_un_documents(mixed, question, doc, label, place):
    answer = mixed.answer(question, k=3)
    top = answer.passages[0]
    assert (top.doc_id, top.label, top.place, answer.abstained) == (doc, label, place, False)


def test_text_extracted_from_a_pdf_has_pages_from_its_form_feeds(mixed):
    top = mixed.search("paragraph 8 of A/RES/78/243", k=1)[0]
    assert top.pages == (2, 3) and top.original_url == ""  # runs across a page break; a .txt: no PDF to open


def test_quotes_are_verbatim_from_the_stored_text_and_carry_their_footnotes(mixed):
    for passage in mixed.search("Declaration of Principles and Plan of Action of the World Summit", k=5):
        text = mixed.text(passage.doc_id)
        assert passage.text == " ".join(collapse(text[s:e]) for s, e in passage.spans)
    pp1 = next(p for p in mixed.search("PP1 of 79/277", k=1))
    assert pp1.footnotes == (
        "1 See A/C.2/59/3, annex.",
        "2 See resolution 59/220.",
        "3 See A/60/687.",
        "4 See resolution 60/252.",
    )


def test_example_questions_come_from_the_documents_loaded(mixed):
    examples = mixed.example_questions()
    assert examples[0] == "What does A/RES/78/243 say about information and communications technology strategy?"
    assert "What does paragraph 1 of A/RES/79/277 say?" in examples
    assert not any("wsis+10 outcome document" in q.lower() for q in examples)  # nothing about documents not loaded


def test_a_bad_file_is_skipped_with_its_reason_and_never_stops_the_others(tmp_path, embedder):
    from rag.store.build import build

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FIXTURES / "A_RES_79_237.pdf", docs / "good.pdf")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 this is not really a PDF")
    (docs / "broken-word.docx").write_bytes(b"PK\x03\x04 not a Word file")
    (docs / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    report = build(docs, tmp_path / "index", embedder=embedder)
    assert report.documents == 1
    assert set(report.skipped) == {"broken.pdf", "broken-word.docx", "latin1.txt"}
    assert report.skipped["broken.pdf"].startswith("broken.pdf is not a readable PDF")
    assert "UTF-8" in report.skipped["latin1.txt"]


def test_a_folder_where_nothing_can_be_read_says_so(tmp_path, capsys):
    from rag.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "broken.pdf").write_bytes(b"not a PDF at all")
    assert main(["build", "--docs", str(docs), "--index", str(tmp_path / "index")]) == 1
    assert "None of the documents in" in capsys.readouterr().err


def test_a_paragraph_of_a_document_not_in_the_index_is_not_taken_from_another(mixed):
    from rag.retrieval.references import ReferenceResolver

    resolver = ReferenceResolver(mixed.documents, mixed._stored.units)
    assert resolver.resolve("What does paragraph 5 of resolution 80/118 say?").pinned == ()
    assert resolver.resolve("What does paragraph 5 of resolution 79/277 say?").pinned != ()
