"""A document by any of its names, a paragraph by the label a reader types: Index.find_document, Index.paragraph."""

import re

import pytest

from rag import NotFoundError, QueryError
from rag.retrieval.lookup import internal_label

OUTCOME = "004_7b6cb249c0a88164"
DRAFT = "WSIS+10 outcome document (draft)"


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
    with pytest.raises(NotFoundError, match="Name a paragraph"):
        seed_index.paragraph("outcome document", "  ")
    with pytest.raises(NotFoundError, match="Name a document"):
        seed_index.find_document("")
    with pytest.raises(NotFoundError, match="^Unknown document id 'nope'"):
        seed_index.search("ICT", docs=["nope"])
    assert issubclass(NotFoundError, QueryError)  # every caller that handles a bad request handles this too


def test_headings_are_not_paragraphs(seed_index):
    with pytest.raises(NotFoundError):
        seed_index.paragraph("outcome document", "h1")
