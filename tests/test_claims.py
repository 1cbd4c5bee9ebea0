"""Every claim true (issue 19), each written from the question a diplomat or a student asked: what a document
is, which paragraph a citation is, what is not among the documents, whether the documents answer at all."""

import shutil
from pathlib import Path

import pytest
from conftest import write_docs

from rag import Index
from rag.cli import main
from rag.ingest.formats import read_document
from rag.ingest.identity import describe
from rag.ingest.paragraphs import parse_document
from rag.integrations import tools
from rag.retrieval.conversation import search_query
from rag.retrieval.notices import NO_ANSWER

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "undocs"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
OUTCOME, ECOSOC, CSTD, SUMMARY = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d", "003_2acf0993792d3d8c", "000"
DRAFT = "WSIS+10 outcome document (draft)"
DRAFT_OF = f"{DRAFT} is an earlier draft of it, which numbers its paragraphs differently."


def asked(answer):
    return [(p.doc_id[:3], p.label) for p in answer.passages if p.match == "reference"]


# 1. A draft cited under the adopted resolution's symbol


def test_the_draft_outcome_document_is_cited_as_the_draft_it_is(seed_index):
    passage = seed_index.paragraph("WSIS+10 outcome document", "77")
    assert passage.citation == f"{DRAFT}, para. 77"
    assert passage.full_citation == (
        "Outcome Document of the High-Level Meeting of the General Assembly on the Overall Review of the "
        "Implementation of WSIS Outcomes, draft of A/RES/70/125, which numbers its paragraphs differently, para. 77"
    )
    document = seed_index.document(OUTCOME)
    assert (document.symbol, document.status, document.draft_of, document.date) == ("", "draft", "A/RES/70/125", "")


def test_no_symbol_date_status_or_title_is_stated_that_the_seed_does_not_print(seed_index):
    for document in seed_index.documents:
        opening = " ".join(seed_index.text(document.id)[:3000].replace("<sup>", "").replace("</sup>", "").split())
        for claim in (document.symbol, document.status if document.status != "draft" else ""):
            assert claim.lower() in opening.lower(), (document.id, claim)
        assert not document.date or document.date[:4] in opening, (document.id, document.date)
    assert seed_index.manifest["catalog_notes"] == []


def test_a_catalog_claim_the_document_does_not_bear_out_is_flagged_and_not_stated(tmp_path, embedder, capsys):
    docs = write_docs(
        tmp_path / "docs",
        {
            "points.txt": "Talking points of the delegation\n\n1. We support the renewal of the forum.\n",
            "catalog.toml": '["points"]\nsymbol = "A/RES/70/125"\ndate = "2015-12-16"\nstatus = "adopted"\n'
            'aliases = ["resolution 70/125", "talking points"]\n',
        },
    )
    index = Index.open(docs, tmp_path / "index", embedder=embedder)
    document = index.document("points")
    assert (document.symbol, document.date, document.status, document.cited_as) == ("", "", "", document.title)
    assert document.aliases == ("talking points",)
    notes = index.manifest["catalog_notes"]
    assert notes[0] == (
        "points.txt: the catalog's symbol 'A/RES/70/125' is not printed in the document; it is not stated."
    )
    assert len(notes) == 4 and "alias 'resolution 70/125'" in notes[3]
    assert index.paragraph("talking points", "1").citation == "Talking points of the delegation, para. 1"
    assert main(["build", "--docs", str(docs), "--index", str(tmp_path / "index")]) == 0
    assert "Catalog fields not stated (the documents do not print them):" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("pdf", "adopted", "issued", "cited"),
    [
        ("A_RES_79_277", "2025-03-25", "2025-03-27", "25 March 2025"),
        ("A_RES_79_194", "2024-12-19", "2024-12-23", "19 December 2024"),
    ],
)
def test_a_resolution_is_dated_by_its_adoption_and_keeps_its_issue_date(pdf, adopted, issued, cited):
    path = FIXTURES / f"{pdf}.pdf"
    extracted = read_document(path)
    units, masthead = parse_document(pdf, extracted.text)
    document, notes = describe(path, extracted, units, {}, masthead)
    assert (document.date, document.adopted, document.issued, notes) == (adopted, adopted, issued, [])
    from rag.citations import full_citation

    assert f", {document.symbol}, {cited}, " in full_citation(document, units[-3])


# 2. A paragraph of a document that is not indexed answered from another document


@pytest.mark.parametrize(
    "question", ["paragraph 72 of the Tunis Agenda", "Tunis Agenda paragraph 34 definition of internet governance"]
)
def test_a_text_the_documents_cite_but_the_index_does_not_hold_lends_no_paragraph(seed_index, question):
    answer = seed_index.answer(question)
    assert answer.notices == ("The Tunis Agenda is not among the documents searched.",)
    assert answer.abstained and asked(answer) == []


def test_the_adopted_resolution_named_is_not_the_draft(seed_index):
    for question in ("paragraphs 55 to 65 of resolution 70/125", "OP 3 of A/RES/70/125"):
        answer = seed_index.answer(question)
        typed = "Resolution 70/125" if "resolution" in question else "A/RES/70/125"
        assert answer.notices == (f"{typed} is not among the documents searched; {DRAFT_OF}",)
        assert answer.abstained and asked(answer) == []


def test_a_document_named_after_a_paragraph_restricts_the_lookup_or_is_said_to_be_missing(seed_index):
    answer = seed_index.answer("para 3 of the delegation talking points")
    assert answer.notices == ("“the delegation talking points” is not among the documents searched.",)
    assert answer.abstained and asked(answer) == []


# 3. The product cannot find its own citations


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("¶4 of the President's summary", (SUMMARY, "¶4")),
        ("President's Summary, ¶4", (SUMMARY, "¶4")),
        ("paragraph 4 of the President's summary", (SUMMARY, "¶4")),
        ("unnumbered para. 7 of the CSTD Informal Note 2024", ("003", "u7")),
        ("u7 of the CSTD note", ("003", "u7")),
        ("para 7 of the CSTD note", ("003", "7")),
    ],
)
def test_a_citation_the_product_prints_finds_its_paragraph(seed_index, question, found):
    answer = seed_index.answer(question)
    assert asked(answer)[0] == found and not answer.abstained


# 4. Ranges, lists and qualifiers


@pytest.mark.parametrize(
    "question", ["paragraphs 55 to 65 of the outcome document", "paras. 55-65 of the outcome document"]
)
def test_a_range_is_every_paragraph_in_it_in_order_whatever_k(seed_index, question):
    answer = seed_index.answer(question, k=5)
    assert asked(answer) == [("004", str(n)) for n in range(55, 66)]
    assert answer.notices == ()


def test_a_list_is_those_paragraphs_and_says_which_the_document_lacks(seed_index):
    answer = seed_index.answer("paras 3, 5 and 7 of the ECOSOC draft")
    assert asked(answer) == [("001", "3"), ("001", "5")]
    assert answer.notices == (
        "ECOSOC draft resolution (advance unedited version, 2016) has no para. 7; its paragraphs are numbered 1 to 62.",
    )


def test_operative_and_preambular_are_honoured(seed_index):
    answer = seed_index.answer("OP 3 of the outcome document")
    assert answer.notices == (f"{DRAFT} has no operative para. 3: its para. 3 is in its preamble.",)
    assert answer.abstained and asked(answer) == []
    assert asked(seed_index.answer("PP 3 of the outcome document")) == [("004", "3")]
    assert asked(seed_index.answer("OP 3 of the ECOSOC draft")) == [("001", "3")]


# 5. Refuses what it can answer


@pytest.mark.parametrize(
    ("question", "answering"),
    [
        ("what does the outcome doc say about women?", {("004", "32"), ("004", "11")}),
        ("women", {("004", "32"), ("004", "11")}),
        ("youth", {("001", "62"), ("003", "15")}),
    ],
)
def test_short_topical_questions_are_answered(seed_index, question, answering):
    answer = seed_index.answer(question)
    assert not answer.abstained and answer.notices == ()
    assert answering <= {(p.doc_id[:3], p.label) for p in answer.passages}


def test_an_abbreviation_the_documents_define_finds_the_paragraphs_that_spell_it_out(tmp_path, embedder):
    docs = write_docs(
        tmp_path / "docs",
        {
            "brief.txt": "Brief on Internet governance\n\n1. The Internet Governance Forum (IGF) met in Riyadh.\n\n"
            "2. Delegations praised the Internet Governance Forum for its open sessions on artificial intelligence.\n",
            "other.txt": "Notes on trade\n\n1. Tariffs on digital goods were discussed at length.\n",
        },
    )
    index = Index.open(docs, tmp_path / "index", embedder=embedder)
    answer = index.answer("IGF", k=3)
    assert not answer.abstained
    assert {("brief", "1"), ("brief", "2")} <= {(p.doc_id, p.label) for p in answer.passages[:2]}


# 6. Answers confidently what it cannot answer


@pytest.mark.parametrize(
    ("question", "never"),
    [
        ("Which countries voted against the WSIS+10 outcome?", "The documents searched never use “voted”."),
        ("What budget did the GA allocate to the IGF secretariat in 2016?", "The documents searched never use “GA”."),
    ],
)
def test_specific_facts_the_documents_lack_are_not_answered_and_the_reply_says_why(seed_index, question, never):
    answer = seed_index.answer(question)
    assert answer.abstained and all(p.weak for p in answer.passages)
    assert answer.notices[:2] == (NO_ANSWER, never)
    assert answer.notices[2].startswith("None of the passages shown has “")


def test_every_unanswered_reply_carries_a_notice_through_every_way_in(seed_index):
    question = "How do I bake sourdough bread?"
    assert seed_index.answer(question).notices[0] == NO_ANSWER
    result = tools.search_passages(seed_index, question, 2)
    assert not result["answered"] and result["notices"][0] == NO_ANSWER


# 7. Other untrue statements


def test_a_quoted_phrase_is_never_joined_to_the_previous_question():
    previous = "para 6bis of the ECOSOC draft resolution"
    assert search_query('"same rights that people have offline"', previous) == '"same rights that people have offline"'
    assert search_query("and for women?", "gender digital divide") != "and for women?"


def test_the_count_of_passages_holding_a_phrase_is_every_one_of_them(seed_index):
    answer = seed_index.answer('"multistakeholder"', k=5)
    every = seed_index.containing("multistakeholder")
    assert answer.phrase_total == len(every) == 27
    assert [p.match for p in answer.passages] == ["phrase"] * 5
    assert {p.url for p in answer.passages} <= {p.url for p in every}
    assert all("multi" in p.text.lower() and "stakeholder" in p.text.lower() for p in every)


def test_a_users_paraphrase_never_folds_the_resolution_it_quotes(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FIXTURES / "A_RES_79_194.pdf", docs)
    resolution = "Looks forward, in accordance with its resolution 70/125, to its high-level meeting on the overall"
    (docs / "points.txt").write_text(
        "Delegation talking points\n\n"
        "1. We look forward to the high-level meeting on the overall review of the implementation of the outcomes "
        "of the World Summit on the Information Society in 2025, and we will engage constructively.\n\n"
        f"2. {resolution} review of the implementation of the outcomes of the World Summit on the Information "
        "Society in 2025, involving the input and participation of all stakeholders, including in the preparatory "
        "process, to take stock of progress on the outcomes of the World Summit and identify both areas of "
        "continued focus and challenges;\n",
        encoding="utf-8",
    )
    index = Index.open(docs, tmp_path / "index", embedder=embedder)
    twins = index.same_language("points")
    assert "1" not in twins  # a paraphrase quoting a phrase is not the same language
    assert [t.citation for t in twins["2"]] == ["A/RES/79/194, para. 61, p. 16"]
    first = index.search("the 2025 high-level meeting on the overall review of WSIS outcomes", k=3)
    shown = [(p.doc_id, p.label) for p in first]
    assert ("A_RES_79_194", "61") in shown and ("points", "2") not in shown  # the resolution, never its copy
