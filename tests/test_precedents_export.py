"""The check of a draft against agreed language as .docx (with real tracked changes) and .md, over the real seed
index: a draft made of seed paragraphs, edited so that the check has known changes."""

import copy
import datetime
import io

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from rag.precedents import export
from rag.precedents.check import VERDICTS, check_draft
from rag.precedents.compare import body_start
from rag.precedents.draft import draft_from_text
from rag.quote_text import runs

OUTCOME, ECOSOC = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d"
DAY = datetime.date(2026, 12, 8)
HELD = (  # the first half of the outcome document's para. 33
    "We recognize that certain policies have substantially contributed to bridging digital divides and ICT's value "
    "for sustainable development"
)
NEW_CLAUSE = (
    "invite all Member States to report every year on the blue economy, the governance of deep sea fishing in the "
    "Pacific and the protection of coral reefs from warming oceans, rising seas and acid rain in small island "
    "developing States."
)
NEW = "3. Requests a study of deep sea fishing quotas for tuna in the Indian Ocean and the Southern Ocean."


@pytest.fixture(scope="module")
def result(seed_index):
    """PP1: ECOSOC PP1 with "also" inserted (its footnote mark kept); PP2: ECOSOC PP2 verbatim; 1: the outcome
    document's para. 32 renumbered, with a word and a clause inserted and a verb changed; 2: half of its para. 33
    and a new clause (partly agreed); 3: new."""
    pp1, pp2 = (seed_index.paragraph(ECOSOC, label).text for label in ("PP1", "PP2"))
    para32 = seed_index.paragraph(OUTCOME, "32").text
    edited = (
        para32.replace("32. ", "1. ", 1)
        .replace("We emphasize our concern", "We emphasize our deep concern")
        .replace("including UN Women.", "including UN Women and the International Telecommunication Union.")
        .replace("We reaffirm our commitment", "We renew our commitment")
    )
    paragraphs = [pp1.replace("Recalling", "Recalling also"), pp2, edited, f"2. {HELD}, and {NEW_CLAUSE}", NEW]
    return check_draft(
        seed_index, draft_from_text("Draft resolution\n\nThe General Assembly,\n\n" + "\n\n".join(paragraphs) + "\n")
    )


@pytest.fixture(scope="module")
def document(result):
    return Document(io.BytesIO(export.to_docx(result, date=DAY)))


def drafted(document) -> list[Paragraph]:
    """The Word paragraphs that write the draft's: one per draft paragraph, with its redline or stretches."""
    return [p for p in document.paragraphs if p.style.name == "Draft Paragraph"]


def accepted(paragraph: Paragraph) -> str:
    """Its text with every revision accepted, as Word does it: deletions gone, insertions plain text."""
    p = copy.deepcopy(paragraph._p)
    for deleted in p.findall(qn("w:del")):
        p.remove(deleted)
    _unwrap(p, qn("w:ins"))
    return _text(p, paragraph)


def rejected(paragraph: Paragraph) -> str:
    """Its text with every revision rejected: insertions gone, deletions plain text again."""
    p = copy.deepcopy(paragraph._p)
    for inserted in p.findall(qn("w:ins")):
        p.remove(inserted)
    for deleted_text in p.iter(qn("w:delText")):
        deleted_text.tag = qn("w:t")
    _unwrap(p, qn("w:del"))
    return _text(p, paragraph)


def _unwrap(p, tag: str) -> None:
    for wrapper in p.findall(tag):
        for run in list(wrapper):
            wrapper.addprevious(run)
        p.remove(wrapper)


def _text(p, paragraph: Paragraph) -> str:
    """The edited paragraph's text as python-docx reads it, from its XML read afresh (an element renamed in
    place keeps the class of its old tag)."""
    return _collapsed(Paragraph(parse_xml(etree.tostring(p)), paragraph._parent).text)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def visible(text: str, marks=()) -> str:
    """A text as Word shows it: its markup read, its footnote marks raised (as the compilation writes quotes)."""
    return _collapsed("".join(part for part, _formats in runs(text, marks)))


def test_the_check_has_the_changes_the_draft_was_made_with(result):
    assert [(p.label, p.verdict) for p in result.paragraphs] == [
        ("PP1", "with changes"),
        ("PP2", "verbatim"),
        ("1", "with changes"),
        ("2", "partly agreed"),
        ("3", "new"),
    ]


def test_docx_holds_title_what_was_checked_and_the_verdict_counts(document, result):
    assert [(p.style.name, p.text) for p in document.paragraphs[:3]] == [
        ("Title", "Check of pasted text against agreed language"),
        ("Subtitle", "8 December 2026"),
        ("Normal", "Checked against 5 documents of the index."),
    ]
    [table] = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Verdict", "Paragraphs", "Draft paragraphs"],
        [VERDICTS["verbatim"], "1", "PP2"],
        [VERDICTS["with changes"], "2", "PP1, 1"],
        [VERDICTS["partly agreed"], "1", "2"],
        [VERDICTS["new"], "1", "3"],
    ]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"{p.label}: {p.verdict_text}" for p in result.paragraphs]
    assert len(drafted(document)) == len(result.paragraphs)


def test_docx_redline_is_word_tracked_changes(document):
    body = document.element.body
    revisions = body.findall(".//" + qn("w:ins")) + body.findall(".//" + qn("w:del"))
    assert revisions and {r.get(qn("w:author")) for r in revisions} == {"WSIS RAG"}
    assert {r.get(qn("w:date")) for r in revisions} == {"2026-12-08T00:00:00Z"}
    assert len({r.get(qn("w:id")) for r in revisions}) == len(revisions)  # Word wants each id once
    for deleted in body.findall(".//" + qn("w:del")):  # Word shows a deletion's text only from w:delText
        assert not deleted.findall(".//" + qn("w:t")) and deleted.findall(".//" + qn("w:delText"))
    changes = [
        (child.tag.rsplit("}", 1)[1], "".join(t.text for t in child.iter(qn("w:t"), qn("w:delText"))))
        for child in drafted(document)[2]._p
        if child.tag in (qn("w:ins"), qn("w:del"))
    ]
    assert changes == [
        ("ins", "deep "),
        ("ins", " and the International Telecommunication Union"),  # the space before it was part of "equal"
        ("del", "reaffirm "),  # a changed word: the precedent's struck, then the draft's
        ("ins", "renew "),
    ]


def test_accepting_all_gives_the_draft_and_rejecting_all_the_precedent(document, result):
    assert redlines_checked(document, result) == 3
    renumbered = drafted(document)[2]
    assert accepted(renumbered).startswith("1. We emphasize our deep concern that only 41% of women")
    assert rejected(renumbered) == "1. " + result.paragraphs[2].precedents[0].passage.text.removeprefix("32. ")
    assert flat(rejected(drafted(document)[0])).endswith("Information Society,1")  # the precedent's mark


def test_every_redline_of_a_whole_document_gives_back_both_texts(seed_index):
    """The outcome document's draft checked against the other seeds: precedents with footnote marks, curly
    quotes and changes the test did not make."""
    result = check_draft(seed_index, draft_from_text(seed_index.text(OUTCOME)))
    document = Document(io.BytesIO(export.to_docx(result, date=DAY)))
    assert redlines_checked(document, result) >= 3  # 4 today: paras. 9, 10, 11 and 36 (its precedent in *italics*)


def redlines_checked(document, result) -> int:
    """How many redlines give back the draft paragraph when accepted and the precedent when rejected (after
    the draft's own number); fails at the first that does not."""
    checked = 0
    for written, paragraph, unit in zip(drafted(document), result.paragraphs, result.draft.paragraphs, strict=True):
        if not paragraph.precedents:
            continue
        precedent = paragraph.precedents[0].passage
        assert accepted(written) == visible(paragraph.text, unit.marks)
        body = precedent.text[body_start(precedent.text) :]
        # A footnote mark one side raises and the other prints flat is the same text (compare.py): either form
        expected = visible(paragraph.text[: body_start(paragraph.text)] + body, _moved(precedent))
        assert flat(rejected(written)) == flat(expected)
        checked += 1
    return checked


def flat(text: str) -> str:
    """Raised footnote marks as plain digits."""
    return text.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))


def _moved(precedent):
    """The precedent's marks where they stand after the draft's number replaces its own."""
    shift = body_start(precedent.text)
    return tuple((start - shift, end - shift) for start, end in precedent.marks)


def test_docx_quotes_the_best_precedent_verbatim_with_its_citation(document, result, seed_index):
    paragraphs = document.paragraphs
    para32 = seed_index.paragraph(OUTCOME, "32")
    [quote] = [i for i, p in enumerate(paragraphs) if p.style.name == "Quote" and p.text == para32.text]
    assert paragraphs[quote + 1].style.name == "Citation"
    assert paragraphs[quote + 1].text == f"{para32.citation}\n{para32.full_citation}"
    assert paragraphs[quote + 1].runs[0].bold
    ecosoc = seed_index.paragraph(ECOSOC, "PP1")
    [quote] = [i for i, p in enumerate(paragraphs) if p.style.name == "Quote" and p.text.startswith("Recalling the")]
    assert paragraphs[quote + 1].text == "¹ See A/C.2/59/3 and A/60/687"  # its footnote, the links read
    assert paragraphs[quote + 2].text.startswith(ecosoc.citation)


def test_docx_shows_which_stretches_have_a_precedent_and_highlights_new_ones(document):
    partly, new = drafted(document)[3:5]
    cited = "[WSIS+10 outcome document (draft), para. 33]"
    assert partly.text.startswith(f"2. {HELD}, and {cited} invite all")
    assert _highlighted(partly) == NEW_CLAUSE
    assert _next(document, partly).text.startswith("No paragraph of the documents checked holds most of this one")
    assert new.text == NEW and _highlighted(new) == NEW
    assert _next(document, new).text == "No precedent in the documents checked."


def _highlighted(paragraph: Paragraph) -> str:
    return "".join(run.text for run in paragraph.runs if run.font.highlight_color == WD_COLOR_INDEX.YELLOW)


def _next(document, paragraph: Paragraph) -> Paragraph:
    paragraphs = [p._p for p in document.paragraphs]
    return document.paragraphs[paragraphs.index(paragraph._p) + 1]


def test_markdown_holds_the_same_with_del_and_ins(result, seed_index):
    markdown = export.to_markdown(result, date=DAY)
    assert markdown.startswith(
        "# Check of pasted text against agreed language\n\n8 December 2026\n\n"
        "Checked against 5 documents of the index.\n\n"
    )
    assert "| Agreed language with changes | 2 | PP1, 1 |" in markdown
    for paragraph in result.paragraphs:
        assert f"## {paragraph.label}: {paragraph.verdict_text}\n" in markdown
    assert "We emphasize our <ins>deep </ins>concern" in markdown
    assert "including UN Women<ins> and the International Telecommunication Union</ins>." in markdown
    assert "We <del>reaffirm </del><ins>renew </ins>our commitment" in markdown
    para32 = seed_index.paragraph(OUTCOME, "32")
    assert f"> {para32.text}\n\n**{para32.citation}**\\\n{para32.full_citation}\n" in markdown
    assert f"2. {HELD}, and [WSIS+10 outcome document (draft), para. 33] <mark>{NEW_CLAUSE}</mark>" in markdown
    assert f"<mark>{NEW}</mark>\n\nNo precedent in the documents checked.\n" in markdown


def test_a_draft_that_is_in_the_index_is_left_out_and_said_so(seed_index):
    result = check_draft(seed_index, draft_from_text(seed_index.text(ECOSOC)))
    said = "Checked against 4 documents of the index. Left out as the draft itself: ECOSOC draft resolution"
    assert said in export.to_markdown(result, date=DAY)
    assert Document(io.BytesIO(export.to_docx(result, date=DAY))).paragraphs[2].text.startswith(said)


def test_file_name():
    assert export.file_name("docx", DAY) == "draft-check-2026-12-08.docx"
    assert export.file_name("md", DAY) == "draft-check-2026-12-08.md"
