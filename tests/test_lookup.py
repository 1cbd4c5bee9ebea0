"""A document by any of its names, a paragraph by the label a reader types: Index.find_document, Index.paragraph."""

import re

import pytest

from rag import NotFoundError, QueryError
from rag.retrieval.lookup import internal_label

OUTCOME = "004_7b6cb249c0a88164"
DRAFT = "WSIS+10 outcome document (draft)"
ECOSOC = "ECOSOC draft resolution (advance unedited version, 2016)"
BLANK_LABEL = "The paragraph's label is blank; name it by its number as printed, e.g. 32, 48(a) or PP3."
BLANK_DOCUMENT = "The document name is blank; name a document by its UN symbol (e.g. A/RES/79/277), short name or id."


def test_a_missing_label_is_said_as_the_index_would_store_it():
    assert internal_label("para. 99") == "99"
    assert internal_label("preambular paragraph 3") == "PP3"
    assert internal_label("¶40") == "¶40"
    assert internal_label("unnumbered para. 9") == "u9"
    assert internal_label("footnote 12") == "fn12"


@pytest.mark.parametrize("name", ["WSIS+10 outcome document", "wsis+10 OUTCOME document ", "outcome document", OUTCOME])
def test_a_document_is_found_by_short_name_alias_or_id(seed_index, name):
    assert seed_index.find_document(name).id == OUTCOME


def test_the_adopted_text_of_a_draft_is_not_the_draft(seed_index):
    with pytest.raises(NotFoundError) as raised:
        seed_index.find_document("A/RES/70/125")
    assert str(raised.value) == (
        f"A/RES/70/125 is not among the documents searched; {DRAFT} is an earlier draft of it, which numbers "
        "its paragraphs differently."
    )


@pytest.mark.parametrize(
    ("document", "label", "citation"),
    [
        ("WSIS+10 outcome document", "32", f"{DRAFT}, para. 32"),
        ("outcome document", "para. 32", f"{DRAFT}, para. 32"),
        ("WSIS+10 Outcome Document", "Paragraph 3", f"{DRAFT}, para. 3"),
        (
            "ECOSOC draft resolution",
            "PP3",
            "ECOSOC draft resolution (advance unedited version, 2016), preambular para. 3",
        ),
        (
            "ECOSOC draft resolution",
            "unnumbered para. 6",
            "ECOSOC draft resolution (advance unedited version, 2016), unnumbered para. 6",
        ),
        ("President's Summary", "¶3", "President's Summary, ¶3"),
        ("President's Summary", "para 4", "President's Summary, ¶4"),
        ("President's Summary", "paragraph 4", "President's Summary, ¶4"),
        ("CSTD Informal Note 2024", "u7", "CSTD Informal Note 2024, unnumbered para. 7"),
        ("CSTD Informal Note 2024", "7", "CSTD Informal Note 2024, para. 7"),
        ("CSTD Informal Note 2024", "footnote 2", "CSTD Informal Note 2024, footnote 2"),
        # spaces a label may hold: the index compares labels without them
        ("ECOSOC draft resolution", "20 quater", f"{ECOSOC}, para. 20 quater"),
        ("ECOSOC draft resolution", "20quater", f"{ECOSOC}, para. 20 quater"),
        ("ECOSOC draft resolution", "48 (a)", f"{ECOSOC}, para. 48(a)"),
        ("ECOSOC draft resolution", "para. 48 (a)", f"{ECOSOC}, para. 48(a)"),
        ("ECOSOC draft resolution", "16 ter", f"{ECOSOC}, para. 16ter"),
        ("ECOSOC draft resolution", "PP 3", f"{ECOSOC}, preambular para. 3"),
        ("outcome document", " 32 ", f"{DRAFT}, para. 32"),
    ],
)
def test_a_paragraph_is_found_by_its_label_and_quoted_as_search_quotes_it(seed_index, document, label, citation):
    passage = seed_index.paragraph(document, label)
    assert passage.citation == citation
    found = next(p for p in seed_index.search(passage.text[:200], k=5) if p.url == passage.url)
    assert passage.text == found.text


def test_what_is_not_there_is_said_clearly(seed_index):
    missing = rf"^{re.escape(DRAFT)} has no para\. 99; its paragraphs are numbered 1 to 77\.$"
    with pytest.raises(NotFoundError, match=missing):
        seed_index.paragraph("outcome document", "99")
    with pytest.raises(NotFoundError, match=r"^President's Summary has no ¶40; .* by position, ¶1 to ¶27\.$"):
        seed_index.paragraph("President's Summary", "¶40")
    with pytest.raises(NotFoundError, match="No document named 'A/RES/99/1' is indexed. Documents: CSTD Informal "):
        seed_index.paragraph("A/RES/99/1", "1")
    with pytest.raises(NotFoundError, match="^No document named 'nope' is indexed"):
        seed_index.search("ICT", documents=["nope"])
    assert issubclass(NotFoundError, QueryError)  # every caller that handles a bad request handles this too


@pytest.mark.parametrize(
    ("label", "said"),
    [("3 2", "3 2"), ("3  2", "3 2"), ("3\t2", "3 2"), ("3\n2", "3 2"), ("3.2", "3.2"), ("para. 3 2", "para. 3 2")],
)
def test_numbers_apart_are_no_label(seed_index, label, said):
    """Not para. 32, though the index compares labels without their spaces and dots."""
    with pytest.raises(NotFoundError) as raised:
        seed_index.paragraph("outcome document", label)
    assert str(raised.value) == (
        f"{DRAFT} has no paragraph labelled '{said}': a label is one number as printed (e.g. 32, 48(a) or PP3), not "
        "numbers apart."
    )


@pytest.mark.parametrize(
    ("document", "label", "message"),
    [
        ("outcome document", "", BLANK_LABEL),
        ("outcome document", " \t\n", BLANK_LABEL),
        ("outcome document", 32, BLANK_LABEL.replace("blank", "not text (int)")),
        ("", "32", BLANK_DOCUMENT),
        ("  ", "32", BLANK_DOCUMENT),
        (None, "32", BLANK_DOCUMENT.replace("blank", "not text (NoneType)")),
    ],
)
def test_a_blank_document_or_label_is_refused_not_missing(seed_index, document, label, message):
    """Refused (400 through REST) as a blank name among a search's documents is: nothing can be named blank."""
    with pytest.raises(QueryError) as raised:
        seed_index.paragraph(document, label)
    assert (type(raised.value), str(raised.value)) == (QueryError, message)


def test_a_blank_name_is_refused_by_find_document_too(seed_index):
    with pytest.raises(QueryError) as raised:
        seed_index.find_document(" ")
    assert (type(raised.value), str(raised.value)) == (QueryError, BLANK_DOCUMENT)


def test_headings_are_not_paragraphs(seed_index):
    with pytest.raises(NotFoundError):
        seed_index.paragraph("outcome document", "h1")
