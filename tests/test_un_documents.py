"""UN documents as issued: the masthead, running headers, footnotes, PP/OP labels, sub-items and annexes,
on real resolutions in both forms users have: the official PDF and the text pdftotext extracts from it.

Fixtures (tests/fixtures/undocs/): four small resolutions as PDF plus their `pdftotext` output, and one
resolution with an annex as text extracted by a third-party pipeline (from ../shared/undocs' archive).
"""

import re
from pathlib import Path

import pytest
from conftest import coverage_problems, numbering

from rag.ingest.formats import read_document
from rag.ingest.paragraphs import BODY_KINDS, parse, parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "undocs"
PDFS = sorted(FIXTURES.glob("*.pdf"))
TEXTS = sorted(FIXTURES.glob("*.txt"))
QUOTABLE = ("paragraph", "item", "table")
# What a running header or footer is made of: job number, barcode, page counter ("2/18" on a line of its own).
JOB_OR_BARCODE = re.compile(r"\b\d{2}-\d{5}\b|\*\d{7}\*")
PAGE_COUNTER_LINE = re.compile(r"^\s*(\d{1,3}/\d{1,3})\s*$", re.MULTILINE)


def units_of(path: Path):
    return parse(path.stem.split(".")[0], read_document(path).text)


def unit(path: Path, label: str):
    return next(u for u in units_of(path) if u.label == label)


def comparable(text: str) -> str:
    """Text without whitespace and hyphens: pdftotext drops a hyphen at a line end ("capacity-building" ->
    "capacitybuilding") and runs footnote calls apart ("issue, 1"), so only this much must agree."""
    return re.sub(r"[\s\-‑]+", "", text)


@pytest.mark.parametrize(
    ("name", "symbol", "title", "date"),
    [
        (
            "A_RES_79_277.pdf",
            "A/RES/79/277",
            "Modalities for the overall review by the General Assembly of the implementation of the outcomes of "
            "the World Summit on the Information Society",
            "2025-03-27",
        ),
        ("A_RES_78_243.pdftotext.txt", "A/RES/78/243", "Information and communications technology strategy", ""),
        ("A_RES_80_3.txt", "A/RES/80/3", "Awaza Political Declaration", ""),
    ],
)
def test_the_masthead_gives_symbol_title_and_date(name, symbol, title, date):
    _, masthead = parse_document("d", read_document(FIXTURES / name).text)
    assert (masthead.symbol, masthead.title, masthead.kind) == (symbol, title, "resolution")
    assert masthead.date == date or not date
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", masthead.date)


@pytest.mark.parametrize("path", PDFS + TEXTS, ids=lambda p: p.name)
def test_no_quotable_unit_holds_page_furniture(path):
    extracted = read_document(path)
    units, masthead = parse_document("d", extracted.text)
    pages = len(extracted.pages) or max(int(c.split("/")[1]) for c in PAGE_COUNTER_LINE.findall(extracted.text))
    counters = {f"{page}/{pages}" for page in range(1, pages + 1)}  # "2/18" ... on every page after the first
    for found in units:
        if found.kind in QUOTABLE:
            assert not JOB_OR_BARCODE.search(found.text), (found.label, found.text[:80])
            assert not counters & set(found.text.split()), (found.label, found.text[:80])
            assert not re.search(re.escape(masthead.symbol) + r"(?![\w/.])", found.text), found.label
    masthead_words = {"Distr.: General", "United Nations", "General Assembly"}
    assert not any(u.text in masthead_words for u in units if u.kind in QUOTABLE)


@pytest.mark.parametrize("path", PDFS + TEXTS, ids=lambda p: p.name)
def test_every_character_belongs_to_exactly_one_unit(path):
    assert coverage_problems(read_document(path).text, units_of(path)) == []


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_pdf_and_its_text_give_the_same_paragraphs(pdf):
    def body(path):
        return [(u.label, comparable(u.text)) for u in units_of(path) if u.kind in QUOTABLE]

    assert body(pdf) == body(FIXTURES / f"{pdf.stem}.pdftotext.txt")


@pytest.mark.parametrize("path", PDFS + TEXTS, ids=lambda p: p.name)
def test_operative_paragraphs_are_numbered_one_to_n(path):
    for scope, numbers in numbering(units_of(path)).items():
        assert numbers == list(range(1, len(numbers) + 1)), scope


# (file, label, text start, text end, spans)
GOLDEN = [
    # preambular paragraphs, cited as delegates cite them, with the footnote call kept in the quote
    ("A_RES_79_277.pdf", "PP1", "Recalling the Declaration of Principles and the Plan of", "by the Assembly,4", 1),
    ("A_RES_79_277.pdftotext.txt", "PP3", "Recognizing that the overall review", "respect for the Tunis Agenda,", 1),
    # an operative paragraph whose number stands on a line of its own in pdftotext's output
    ("A_RES_79_277.pdftotext.txt", "1", "1. Decides that the overall review will be concluded", "Society;", 1),
    # a paragraph that runs across a page break, with a footnote between its halves
    ("A_RES_79_277.pdf", "5", "5. Requests the President of the General Assembly, in 2025,", "Assembly;", 2),
    ("A_RES_78_243.pdf", "8", "8. Also recalls paragraph 19 of the report of the Advisory Committee", "strategy;", 2),
    ("A_RES_78_243.pdftotext.txt", "8", "8.", "strategy;", 2),
    # sub-items, and roman sub-items of a sub-item
    ("A_RES_78_243.pdf", "7(d)", "(d) The Secretary-General’s efforts in leveraging", "Development; 5", 1),
    ("A_RES_79_237.pdf", "2(b)(i)", "(i) modalities on the participation", "other elements as required;", 1),
    ("A_RES_80_80.pdftotext.txt", "7(c)", "(c) To continue to task the Office", "performance of its tasks;", 1),
    # an annex numbering its paragraphs on its own, under its roman-numbered sections
    ("A_RES_80_3.txt", "annex, 1", "1. We, the Heads of State and Government", "developing countries.", 2),
    ("A_RES_80_3.txt", "annex, 13", "13. We strongly commit ourselves to the full implementation", None, 1),
]


@pytest.mark.parametrize(("name", "label", "start", "end", "spans"), GOLDEN)
def test_golden_units(name, label, start, end, spans):
    found = unit(FIXTURES / name, label)
    assert found.text.startswith(start)
    assert end is None or found.text.endswith(end)
    assert len(found.spans) == spans


def test_footnotes_are_units_of_their_own_never_in_a_quote():
    for path in (FIXTURES / "A_RES_79_277.pdf", FIXTURES / "A_RES_79_277.pdftotext.txt"):
        units = units_of(path)
        assert [u.label for u in units if u.kind == "footnote"] == [f"fn{n}" for n in range(1, 7)]
        assert comparable(unit(path, "fn6").text).endswith("Seeresolution70/1.")
        assert "resolution 70/1." not in unit(path, "5").text  # footnote 6 stands between its halves


def test_sections_of_an_annex_are_context():
    found = unit(FIXTURES / "A_RES_80_3.txt", "annex, 3")
    assert found.section == "Annex Awaza Political Declaration > I. Global context and shared commitments"
    assert unit(FIXTURES / "A_RES_80_3.txt", "1").section == ""


def test_body_kinds_are_what_search_sees():
    assert set(QUOTABLE) | {"footnote"} == BODY_KINDS


@pytest.mark.parametrize("name", ["A_RES_79_277.pdf", "A_RES_79_277.pdftotext.txt"])
def test_footnote_marks_point_to_their_footnotes(name):
    recalling = unit(FIXTURES / name, "PP1")
    assert recalling.notes == ("fn1", "fn2", "fn3", "fn4")
    assert [recalling.text[start - 6 : end] for start, end in recalling.marks] == [
        "2003, 1",
        "mbly, 2",
        "2005, 3",
        "embly,4" if name.endswith(".pdf") else "mbly, 4",
    ]
    assert unit(FIXTURES / name, "PP2").notes == ("fn5",)
    assert unit(FIXTURES / name, "PP3").notes == ()  # "Tunis Agenda," with no mark after it


def test_a_raised_mark_glued_to_its_word_is_a_call_even_after_goals():
    assert unit(FIXTURES / "A_RES_79_277.pdf", "PP6").notes == ("fn6",)  # "Sustainable Development Goals6"
    assert unit(FIXTURES / "A_RES_79_277.pdftotext.txt", "PP6").notes == ()  # "Goals 6" may be SDG 6: no link
