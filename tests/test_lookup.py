"""A document by any of its names, a paragraph by the label a reader types: Index.find_document, Index.paragraph."""

import pytest

from rag import NotFoundError, QueryError
from rag.retrieval.lookup import internal_label, label_key

OUTCOME = "004_7b6cb249c0a88164"


def test_a_label_is_compared_as_a_reader_writes_it():
    assert label_key("Paragraph 48 (a)") == label_key("para. 48(a)") == "para48(a)"
    assert label_key("PP3") == "pp3"
    assert internal_label("para. 99") == "99"
    assert internal_label("preambular paragraph 3") == "PP3"


@pytest.mark.parametrize("name", ["A/RES/70/125", "a/res/70/125 ", "WSIS+10 Outcome Document", OUTCOME])
def test_a_document_is_found_by_symbol_short_name_or_id(seed_index, name):
    assert seed_index.find_document(name).id == OUTCOME


@pytest.mark.parametrize(
    ("document", "label", "citation"),
    [
        ("A/RES/70/125", "32", "A/RES/70/125, para. 32"),
        ("A/RES/70/125", "para. 32", "A/RES/70/125, para. 32"),
        ("WSIS+10 Outcome Document", "Paragraph 3", "A/RES/70/125, para. 3"),
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
    ],
)
def test_a_paragraph_is_found_by_its_label_and_quoted_as_search_quotes_it(seed_index, document, label, citation):
    passage = seed_index.paragraph(document, label)
    assert passage.citation == citation
    found = next(p for p in seed_index.search(passage.text[:200], k=5) if p.url == passage.url)
    assert passage.text == found.text


def test_what_is_not_there_is_said_clearly(seed_index):
    with pytest.raises(NotFoundError, match=r"^A/RES/70/125 has no para\. 99; its paragraphs are numbered 1 to 77\.$"):
        seed_index.paragraph("A/RES/70/125", "99")
    with pytest.raises(NotFoundError, match="No document named 'A/RES/99/1' is indexed. Documents: A/RES/70/125; "):
        seed_index.paragraph("A/RES/99/1", "1")
    with pytest.raises(NotFoundError, match="Name a paragraph"):
        seed_index.paragraph("A/RES/70/125", "  ")
    with pytest.raises(NotFoundError, match="Name a document"):
        seed_index.find_document("")
    with pytest.raises(NotFoundError, match="^Unknown document id 'nope'"):
        seed_index.search("ICT", docs=["nope"])
    assert issubclass(NotFoundError, QueryError)  # every caller that handles a bad request handles this too


def test_headings_are_not_paragraphs(seed_index):
    with pytest.raises(NotFoundError):
        seed_index.paragraph("A/RES/70/125", "h1")
