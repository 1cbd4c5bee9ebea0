"""Structure-aware queries on the real seeds: paragraph numbers, sections, annexes and document names."""

import pytest

from rag.retrieval.references import ReferenceResolver

OUTCOME, ECOSOC, CSTD, SUMMARY = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d", "003_2acf0993792d3d8c", "002"


@pytest.fixture(scope="module")
def resolve(seed_index):
    units = seed_index._stored.units
    resolver = ReferenceResolver(seed_index.documents, units)

    def resolve(query):
        reference = resolver.resolve(query)
        as_labels = lambda rows: [(units[r].doc_id[:3], units[r].label) for r in rows]  # noqa: E731
        return [d[:3] for d in reference.docs], as_labels(reference.pinned), list(reference.missing)

    return resolve


@pytest.mark.parametrize(
    ("query", "docs", "pinned"),
    [
        ("What does paragraph 32 of the outcome document say?", ["004"], [("004", "32")]),
        ("§70 of the outcome document", ["004"], [("004", "70")]),
        ("§70 of A/RES/70/125", [], []),  # not held: its draft (004) numbers its paragraphs differently
        ("OP 20 quater ECOSOC WSIS resolution 2016", ["001"], [("001", "20 quater")]),
        ("para 6bis of the ECOSOC draft resolution", ["001"], [("001", "6bis")]),
        ("What does para. 43.ALT of the ECOSOC draft call for?", ["001"], [("001", "43.ALT")]),
        ("paragraph 1bis of the draft ECOSOC resolution", ["001"], [("001", "1bis")]),
        ("What does the last paragraph (77) of the outcome document decide?", ["004"], [("004", "77")]),
        ("What is question 6 of the WSIS+20 questionnaire in Annex 2?", [], [("003", "u37(6)")]),
        ("the conclusion of the President's summary", ["000"], [("000", "¶27")]),
    ],
)
def test_references_that_point_at_one_place_are_pinned(resolve, query, docs, pinned):
    assert resolve(query)[:2] == (docs, pinned)


def test_a_paragraph_brings_its_sub_items(resolve):
    assert resolve("Summarise paragraph 48 of the ECOSOC draft")[1] == [("001", "48")] + [
        ("001", f"48({letter})") for letter in "abcde"
    ]
    assert resolve("observation 7 in Annex 2 of the CSTD note")[1][:2] == [("003", "7"), ("003", "7(a)")]


def test_sections_by_number_title_and_annex(resolve):
    assert resolve("What is in section 1.3 Financial Mechanisms of the WSIS+10 outcome?")[1] == [
        ("004", str(n)) for n in range(39, 46)
    ]
    assert resolve("What are the recommendations of the executive summary?")[1][0] == ("002", "¶11")
    assert resolve("What is in Annex 1 of the CSTD informal note?")[1] == [("003", "u35"), ("003", "u36")]
    # "draft resolution" names the ECOSOC draft, not its heading "Draft resolution"
    assert resolve("Which strands of IGF work does the ECOSOC draft resolution welcome?")[1] == []


def test_a_number_without_a_document_is_that_paragraph_in_every_document_that_has_it(resolve):
    docs, pinned, missing = resolve("What does paragraph 32 say?")
    assert (docs, set(pinned), missing) == ([], {("001", "32"), ("004", "32")}, [])
    assert resolve("para 32")[1] == resolve("paragraph 32")[1]
    assert resolve("What goes into Part 3 of the proposed WSIS+20 report structure?")[1] == []


def test_a_paragraph_a_document_does_not_have_is_missing_not_another_documents(resolve):
    assert resolve("What does para 99 of the outcome document say?") == (["004"], [], ["99"])
    assert resolve("paragraph 20 quater of the outcome document") == (["004"], [], ["20quater"])
    assert resolve("What does paragraph 99 say?") == ([], [], ["99"])


def test_structure_queries_lead_the_ranking(seed_index):
    top = seed_index.search("What does paragraph 32 of the outcome document say?", k=3)
    assert (top[0].doc_id, top[0].label) == (OUTCOME, "32")
    top = seed_index.search("OP 12 of the ECOSOC WSIS text", k=1)
    assert (top[0].doc_id, top[0].label) == (ECOSOC, "12")


def test_preambular_paragraph_of_a_document_that_numbers_them(resolve):
    assert resolve("preambular paragraph 1 of the WSIS+10 outcome document")[1][0] == ("004", "1")
