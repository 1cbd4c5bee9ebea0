"""The retrieval API on the real seeds."""

import json
import threading
from dataclasses import FrozenInstanceError

import pytest

import rag
from rag import Index, NotFoundError, Passage, QueryError
from rag.retrieval.query import MAX_QUESTION_CHARS

BLANK_NAME = "The document name is blank; name a document by its UN symbol (e.g. A/RES/79/277), short name or id."

OUTCOME = "004_7b6cb249c0a88164"

# Questions whose right paragraph is obvious; each must be in the top 3.
OBVIOUS = [
    ("What share of women have internet access according to the outcome document?", "004", "32"),
    ("working definition of Internet governance", "004", "63"),
    ("radio frequency spectrum managed in the public interest", "004", "37"),
    ("Where was the tenth meeting of the Internet Governance Forum held?", "001", "35"),
    ("state of broadband 2015 report of the Broadband Commission", "001", "16"),
    ("When did the President of the General Assembly convene the informal interactive stakeholder consultation?",
     "000", "¶1"),
    ("Which speakers raised concerns about hate speech and extremism on the Internet?", "000", "¶16"),
    ("Which partnership was a direct response to the WSIS request to produce official information society statistics?",
     "002", "¶3"),
    ("What is the WSIS Stock-taking?", "002", "¶6"),
    ("rebuild the trust of Internet users affected by online surveillance", "002", "¶15"),
    ("How many submissions had the online questionnaire received by the end of March 2024?", "003", "u12"),
    ("Memorandum of Understanding with a Member-State for financial support of the review", "003", "u13"),
    ("Which regional commission will host the consultation for Western Asia?", "003", "u27"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "doc", "label"), OBVIOUS)
def test_obvious_questions_find_their_paragraph_in_the_top_3(seed_index, question, doc, label):
    top = [(p.doc_id[:3], p.label) for p in seed_index.search(question, k=3)]
    assert (doc, label) in top


def test_passage_carries_citation_link_and_verbatim_text(seed_index):
    best = seed_index.search("ending the gender digital divide and SDG 5 are mutually reinforcing", k=1)[0]
    assert isinstance(best, Passage)
    assert (best.doc_id, best.label, best.kind) == (OUTCOME, "32", "paragraph")
    assert best.citation == "WSIS+10 outcome document (draft), para. 32"
    assert best.url == f"/source/{OUTCOME}#p-32"
    assert best.section == "1. ICT for Development > 1.1 Bridging Digital Divides"
    assert best.doc_title.startswith("Outcome Document of the High-Level Meeting")
    source = (rag.retrieval.index.default_docs_dir() / f"{OUTCOME}.txt").read_text()
    assert best.text == " ".join(" ".join(source[s:e].split()) for s, e in best.spans)
    assert best.text.startswith("32. We emphasize our concern that only 41% of women have internet access")
    assert json.loads(json.dumps(best.to_dict()))["spans"] == [list(s) for s in best.spans]
    with pytest.raises(FrozenInstanceError):
        best.score = 1.0


def test_unnumbered_paragraphs_are_cited_by_position(seed_index):
    hit = seed_index.search("renewal of the IGF mandate broadly supported", k=1, documents=["000_4ff08e0d6091ebfe"])[0]
    assert (hit.citation, hit.url) == ("President's Summary, ¶11", "/source/000_4ff08e0d6091ebfe#p-%C2%B611")


def test_ranked_best_first_and_each_paragraph_once(seed_index):
    hits = seed_index.search("digital divide", k=50)
    assert len(hits) == 50
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({(h.doc_id, h.label) for h in hits}) == 50


def test_long_paragraph_split_in_chunks_still_appears_once(seed_index):
    query = "Part 1 the record since WSIS, Part 2 where we stand today, Part 3 looking to the future"
    hits = seed_index.search(query, k=20, documents=["003_2acf0993792d3d8c"])
    assert [h.label for h in hits].count("u36") == 1  # the Annex 1 table, embedded as two chunks


def test_document_filter_restricts_results(seed_index):
    hits = seed_index.search("Internet Governance Forum mandate", k=10, documents=[OUTCOME, "002_c27263d9b30fc6e3"])
    assert {h.doc_id for h in hits} == {OUTCOME, "002_c27263d9b30fc6e3"}
    only = seed_index.search("Internet Governance Forum mandate", k=50, documents=["002_c27263d9b30fc6e3"])
    assert {h.doc_id for h in only} == {"002_c27263d9b30fc6e3"} and len(only) == 19  # all its passages


@pytest.mark.parametrize(
    ("query", "k", "docs", "message"),
    [
        ("", 5, None, "The question is empty; ask a question or give some words to search for."),
        ("   \n\t", 5, None, "The question is empty; ask a question or give some words to search for."),
        (None, 5, None, "The question must be text, not NoneType."),
        ("gender", 0, None, "k, the number of passages, must be a whole number from 1 to 50 (got 0)."),
        ("gender", -3, None, "k, the number of passages, must be a whole number from 1 to 50 (got -3)."),
        ("gender", 51, None, "k, the number of passages, must be a whole number from 1 to 50 (got 51)."),
        ("gender", "3", None, "k, the number of passages, must be a whole number from 1 to 50 (got '3')."),
        ("gender", True, None, "k, the number of passages, must be a whole number from 1 to 50 (got True)."),
        ("gender", 2.0, None, "k, the number of passages, must be a whole number from 1 to 50 (got 2.0)."),
        (
            "gender",
            5,
            [],
            "The list of documents to search is empty; name at least one (UN symbol, short name or "
            "id), or leave the list out to search every document.",
        ),
        ("gender", 5, [" "], BLANK_NAME),
        (
            "gender",
            5,
            "A/RES/70/125",
            "The documents to search must be a list of document names (UN symbol, short "
            "name or id), e.g. [\"A/RES/70/125\"] (got 'A/RES/70/125').",
        ),
        (
            "\x01\u202e",
            5,
            None,
            "The question has no readable characters (only control characters or text that is "
            "not valid Unicode); ask a question in words.",
        ),
    ],
)
def test_bad_input_raises_a_clear_value_error(seed_index, query, k, docs, message):
    for operation in (seed_index.search, seed_index.answer):
        with pytest.raises(QueryError) as caught:
            operation(query, k=k, documents=docs)
        assert str(caught.value) == message and isinstance(caught.value, ValueError)


def test_an_unknown_document_is_not_found(seed_index):
    with pytest.raises(
        NotFoundError, match="^No document named 'no_such_document' is indexed. Documents: CSTD Informal Note 2024; "
    ) as caught:
        seed_index.search("gender", documents=["no_such_document"])
    assert isinstance(caught.value, ValueError)


def test_an_over_long_question_is_refused_not_cut(seed_index):
    limit = "women internet access gender digital divide " * 44 + "x" * 64  # 2,000 characters: searched
    assert len(limit) == MAX_QUESTION_CHARS and len(seed_index.search(limit, k=3)) == 3
    with pytest.raises(QueryError) as caught:
        seed_index.answer(limit + "s", k=3)
    assert str(caught.value) == (
        "The question is 2,001 characters long; the limit is 2,000. Ask about one point at a time, or search for "
        "a sentence of the text."
    )


def test_concurrent_searches_agree_with_sequential_ones(seed_index):
    questions = [q for q, _, _ in OBVIOUS]
    expected = {q: [p.label for p in seed_index.search(q, k=5)] for q in questions}
    results, errors = {}, []

    def ask(question):
        try:
            for _ in range(3):
                results[question] = [p.label for p in seed_index.search(question, k=5)]
        except Exception as error:  # surfaced below; a thread's exception would otherwise be lost
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == expected


def test_module_level_search_uses_the_default_index(seed_index):
    assert [p.label for p in rag.search("gender digital divide", k=3)] == [
        p.label for p in seed_index.search("gender digital divide", k=3)
    ]


def test_index_is_reusable_and_lists_documents(seed_index):
    assert sorted(d.short_name for d in seed_index.documents) == [
        "CSTD Informal Note 2024",
        "ECOSOC draft resolution",
        "Executive Summary",
        "President's Summary",
        "WSIS+10 outcome document",
    ]
    assert isinstance(seed_index, Index)


def test_example_questions_read_as_a_person_asks(seed_index):
    """Headings' capitals as the paragraphs write the words ("The road ahead" is "the road ahead", a shouted
    "FIRST" is "first"), acronyms kept ("WSIS+20")."""
    assert seed_index.example_questions() == [
        "What does the President's Summary say about opening segment?",
        "What does the ECOSOC draft resolution say about the road ahead?",
        "What does the CSTD Informal Note 2024 say about annex 2: preliminary report on the first WSIS+20 "
        "consultation process?",
        "What does paragraph 1 of the ECOSOC draft resolution say?",
    ]
