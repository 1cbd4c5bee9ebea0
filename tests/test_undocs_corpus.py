"""Corpus-wide invariants on real UN documents no test was written for: the 40 PDFs of ../shared/undocs,
the text pdftotext extracts from each, and (slow) the 1,190 texts of its archive. Skipped, with a message,
where the corpus is not there ($RAG_UNDOCS points elsewhere). Each run writes what it counted to
tests/artifacts/undocs-*.json.
"""

import json
import os
import re
import shutil
import subprocess
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import coverage_problems, numbering

from rag.ingest.drafts import source_lines
from rag.ingest.formats import read_document
from rag.ingest.paragraphs import conventions_of, parse_document

ROOT = Path(__file__).resolve().parent.parent
UNDOCS = Path(os.environ.get("RAG_UNDOCS") or ROOT.parent / "shared" / "undocs")
ARTIFACTS = ROOT / "tests" / "artifacts"
QUOTABLE = ("paragraph", "item", "table")
JOB_OR_BARCODE = re.compile(r"\b\d{2}-\d{5}\b|\*\d{7}\*")
NUMBERED_LINE = re.compile(r"(\d{1,3})\.(?:\s|$)")
# Where pdftotext's reading order, not the parser, makes its text disagree with the PDF's: it moves the last
# line of the last page above the paragraph ("26.\nsession.\n...\nDecides to continue ..."), drops a
# section number ("II" glued to the paragraph above), or reorders the cells of a table.
PDFTOTEXT_DISORDER = {
    "A_C.3_80_L.46": "last line of the last page moved above its paragraph",
    "A_RES_78_213": "last line of the last page moved above its paragraph",
    "A_RES_79_175": "last line of the last page moved above its paragraph",
    "A_RES_80_215": "last line of the last page moved above its paragraph",
    "A_C.5_80_L.18": "section number II run into the words of paragraph 22",
    "A_C.3_80_L.1": "programme-of-work table read column by column",
    "A_C.5_80_L.5": "staffing tables read column by column",
    "A_RES_79_243": "a line of article 13(b) and the items of article 17 read out of order",
}

pytestmark = pytest.mark.skipif(not list(UNDOCS.glob("*.pdf")), reason=f"no UN PDFs in {UNDOCS} (set RAG_UNDOCS)")


@pytest.fixture(scope="module")
def pdfs():
    """Every PDF: (text, units, masthead)."""
    return {path.stem: _parsed(read_document(path).text, path.stem) for path in sorted(UNDOCS.glob("*.pdf"))}


@pytest.fixture(scope="module")
def pdftotexts(tmp_path_factory):
    """The same documents as `pdftotext` (poppler) extracts them, as many users have them."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    folder = tmp_path_factory.mktemp("pdftotext")
    parsed = {}
    for path in sorted(UNDOCS.glob("*.pdf")):
        target = folder / f"{path.stem}.txt"
        subprocess.run(["pdftotext", str(path), str(target)], check=True)
        parsed[path.stem] = _parsed(read_document(target).text, path.stem)
    return parsed


def _parsed(text: str, doc_id: str):
    units, masthead = parse_document(doc_id, text)
    return text, units, masthead


def test_every_pdf_is_a_un_document_cited_by_its_symbol(pdfs):
    symbols = {doc_id: masthead.symbol for doc_id, (_, _, masthead) in pdfs.items()}
    assert symbols == {doc_id: doc_id.replace("_", "/") for doc_id in pdfs}
    assert all(masthead.title and re.fullmatch(r"\d{4}-\d\d-\d\d", masthead.date) for _, _, masthead in pdfs.values())


def test_invariants_on_every_pdf_and_its_text(pdfs, pdftotexts):
    report = {}
    for form, parsed in (("pdf", pdfs), ("pdftotext", pdftotexts)):
        counts = Counter()
        for doc_id, (text, units, masthead) in parsed.items():
            problems = _problems(text, units, masthead)
            assert problems == [], f"{doc_id} ({form}): {problems[:3]}"
            counts.update(u.kind for u in units)
            counts["numbered paragraphs"] += sum(len(n) for n in numbering(units).values())
            counts["preambular paragraphs"] += sum(u.label.rsplit(", ", 1)[-1].startswith("PP") for u in units)
            counts["sub-items"] += sum("(" in u.label for u in units if u.kind == "item")
        report[form] = {"documents": len(parsed), **counts}
    _write("undocs-invariants.json", report)


def test_pdf_and_its_pdftotext_text_give_the_same_paragraphs(pdfs, pdftotexts):
    agree, differ = [], {}
    for doc_id in pdfs:
        ours, theirs = _quotable(pdfs[doc_id][1]), _quotable(pdftotexts[doc_id][1])
        (agree.append(doc_id) if ours == theirs else differ.setdefault(doc_id, _first_difference(ours, theirs)))
    _write("undocs-pdf-vs-text.json", {"agree": len(agree), "differ": differ})
    assert set(differ) <= set(PDFTOTEXT_DISORDER), {d: differ[d] for d in set(differ) - set(PDFTOTEXT_DISORDER)}
    assert len(agree) >= len(pdfs) - len(PDFTOTEXT_DISORDER)


@pytest.mark.slow
def test_numbering_over_the_whole_archive(tmp_path):
    archive = UNDOCS / "ga-78-80-text.tar.xz"
    if not archive.exists():
        pytest.skip(f"no text archive at {archive}")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    numbered_documents = ok = 0
    failures = {}
    for path in sorted(tmp_path.rglob("*.txt")):
        text = read_document(path).text
        units, _ = parse_document(path.stem, text)
        expected = _numbers_in_text(text)
        if not expected:
            continue  # a document that numbers no paragraph
        numbered_documents += 1
        scopes = numbering(units)
        found = sorted(n for numbers in scopes.values() for n in numbers)
        in_order = all(numbers == list(range(1, len(numbers) + 1)) for numbers in scopes.values())
        if in_order and found == expected:
            ok += 1
        else:
            failures[path.stem] = {"lost or extra": sorted(set(expected) ^ set(found))[:10], "scopes": scopes}
    share = ok / numbered_documents
    _write(
        "undocs-archive-numbering.json",
        {
            "numbering documents": numbered_documents,
            "1..N, nothing lost": ok,
            "share": round(share, 4),
            "failures": failures,
        },
    )
    assert share >= 0.98, f"{ok}/{numbered_documents} = {share:.1%}; failures: {sorted(failures)}"


def _problems(text: str, units, masthead) -> list[str]:
    """What breaks an invariant in one document."""
    problems = coverage_problems(text, units)
    for unit in units:
        if unit.kind in QUOTABLE and (JOB_OR_BARCODE.search(unit.text) or re.search(_symbol(masthead), unit.text)):
            problems.append(f"{unit.label}: page furniture in a quote: {unit.text[:60]!r}")
    for scope, numbers in numbering(units).items():
        if masthead.kind in ("resolution", "draft resolution") and numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"numbering of {scope or 'the body'}: {numbers[:40]}")
    notes = sorted(u.label.removeprefix("fn") for u in units if u.kind == "footnote")
    if notes != sorted(str(n) for n in range(1, len(notes) + 1)):  # every footnote, each a unit of its own
        problems.append(f"footnotes {notes}")
    return problems


def _symbol(masthead) -> str:
    return re.escape(masthead.symbol) + r"(?![\w/.])"


def _numbers_in_text(text: str) -> list[int]:
    """Paragraph numbers as printed, found without the parser: body lines that start "12." (or a bare
    "12" where extraction lost the full stop and it follows 11), outside masthead, headers and footnotes."""
    conventions = conventions_of(text)
    skip = set(conventions.roles) | {i for _, lines in conventions.footnotes for i in lines} if conventions else set()
    numbers, last = [], 0
    for i, line in enumerate(source_lines(text)):
        content = text[line.start : line.end]
        if i in skip:
            continue
        if (match := NUMBERED_LINE.match(content)) or (content.isdigit() and int(content) == last + 1):
            last = int(match[1] if match else content)
            numbers.append(last)
    return sorted(numbers)


def _quotable(units) -> list[tuple[str, str]]:
    """Labels and texts, without whitespace and hyphens: pdftotext drops a hyphen that ends a line
    ("capacity-\\nbuilding" -> "capacitybuilding") and spaces footnote calls apart ("issue, 1")."""
    return [(u.label, re.sub(r"[\s\-‑]+", "", u.text)) for u in units if u.kind in QUOTABLE]


def _first_difference(ours, theirs) -> str:
    pair = next(((a, b) for a, b in zip(ours, theirs, strict=False) if a != b), None)
    return f"{len(ours)} vs {len(theirs)} units" + (f"; {pair[0][0]} vs {pair[1][0]}" if pair else "")


def _write(name: str, data: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")


def test_the_undocs_reference_questions_quote_their_documents_verbatim(pdfs):
    from rag.evaluation.questions import check_questions, load_questions

    questions = load_questions(ROOT / "eval" / "undocs-questions.jsonl")
    assert check_questions(questions, [u for _, units, _ in pdfs.values() for u in units]) == []
    assert len(questions) >= 60 and {q.kind for q in questions} >= {"structure", "unanswerable", "paraphrase"}
