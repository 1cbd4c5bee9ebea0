"""Answers that say what they are, written from the questions users asked: paragraph numbers with and
without a document, paragraphs that do not exist, lookups without filler, quoted phrases, another
language, typos."""

import pytest

from rag.retrieval.language import foreign_language
from rag.retrieval.phrases import comparable, contains, only_in_names

OUTCOME, ECOSOC = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d"


@pytest.mark.parametrize("question", ["paragraph 32", "para 32"])
def test_a_paragraph_number_alone_finds_it_in_every_document_that_has_it(seed_index, question):
    answer = seed_index.answer(question)
    assert not answer.abstained
    found = {(p.doc_id, p.label) for p in answer.passages if p.match == "reference"}
    assert found == {(OUTCOME, "32"), (ECOSOC, "32")}
    assert [p.match for p in answer.passages][:2] == ["reference", "reference"]


def test_a_paragraph_that_does_not_exist_says_where_the_numbering_ends(seed_index):
    answer = seed_index.answer("What does para 99 of the outcome document say?")
    assert answer.abstained
    assert answer.notices == ("WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77.",)
    assert all(p.weak for p in answer.passages)


def test_a_preambular_paragraph_that_does_not_exist(seed_index):
    answer = seed_index.answer("preambular paragraph 30 of the ECOSOC draft")
    assert answer.notices == (
        "ECOSOC draft resolution (advance unedited version, 2016) has no preambular para. 30; "
        "its preambular paragraphs are numbered 1 to 8.",
    )


def test_a_lookup_is_the_paragraph_then_related_paragraphs_without_footnotes(seed_index):
    answer = seed_index.answer("Show me para 48 of the WSIS+10 outcome document")
    first = answer.passages[0]
    assert (first.doc_id, first.label, first.match) == (OUTCOME, "48", "reference")
    assert [p.match for p in answer.passages[1:]] == [""] * (len(answer.passages) - 1)
    assert not any(p.kind == "footnote" for p in answer.passages)


def test_a_paragraph_brings_its_sub_items_as_the_answer(seed_index):
    answer = seed_index.answer("Summarise paragraph 48 of the ECOSOC draft", k=8)
    assert [p.label for p in answer.passages if p.match] == ["48", "48(a)", "48(b)", "48(c)", "48(d)", "48(e)"]


def test_never_abstains_when_the_question_names_paragraphs_that_exist(seed_index):
    """The README's promise, over a paragraph of every kind in the seeds."""
    questions = [
        "paragraph 1 of the outcome document",
        "What does para. 77 of the WSIS+10 outcome document say?",
        "OP 20 quater of the ECOSOC draft",
        "preambular paragraph 3 of the ECOSOC draft",
        "PP8 of the ECOSOC draft resolution",
        "paragraph 12(a) of the CSTD note",
        "paragraph 6bis",
        "What is question 6 of the WSIS+20 questionnaire in Annex 2?",
    ]
    for question in questions:
        answer = seed_index.answer(question)
        assert not answer.abstained and answer.passages[0].match == "reference", question


def test_quoted_phrase_holders_come_first_and_say_so(seed_index):
    answer = seed_index.answer('"net neutrality"')
    holders = [p for p in answer.passages if p.match == "phrase"]
    assert len(holders) == 2 and answer.passages[: len(holders)] == tuple(holders)
    assert all(contains(comparable(p.text), "net neutrality") for p in holders)
    assert not any(contains(comparable(p.text), "net neutrality") for p in answer.passages[len(holders) :])
    assert answer.phrases == ("net neutrality",)


def test_a_phrase_only_inside_a_name_ranks_after_paragraphs_about_it(seed_index):
    answer = seed_index.answer('"enhanced cooperation"', k=8)
    places = [(p.doc_id, p.label) for p in answer.passages]
    assert places[:2] == [(OUTCOME, "70"), (OUTCOME, "69")]
    names = [i for i, p in enumerate(answer.passages) if only_in_names(p.text, "enhanced cooperation")]
    words = [i for i, p in enumerate(answer.passages) if p.match and not only_in_names(p.text, "enhanced cooperation")]
    assert names and max(words) < min(names)
    capitalised = seed_index.answer('"Enhanced Cooperation"', k=8)  # a question that asks for the name
    assert capitalised.passages[0].label in {p.label for i, p in enumerate(answer.passages) if i in names}


def test_a_question_in_another_language_says_the_search_reads_english(seed_index):
    answer = seed_index.answer("Que disent les documents sur l'accès des femmes à internet ?")
    assert answer.abstained and all(p.weak for p in answer.passages)
    assert answer.notices == (
        "The documents and the search are in English; this question seems to be in French. The nearest "
        "passages follow, as weak matches; asking in English finds more.",
    )
    assert seed_index.answer("How was the mandat of the Internet Govrnance Forum extnded?").notices == ()


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("互联网治理论坛的任务是什么？", "Chinese"),  # unspaced: no four words to count
        ("インターネットガバナンスフォーラムとは", "Japanese"),
        ("인터넷 거버넌스 포럼이란", "Korean"),
        ("¿Qué dice la resolución sobre la brecha digital de género?", "Spanish"),
        ("Что говорится о цифровом разрыве в резолюции?", "Russian"),
        ("Je, Umoja wa Mataifa unasema nini kuhusu mtandao wa intaneti?", "a language other than English"),
        ("What is the Chinese for Internet Governance Forum, 互联网治理论坛?", ""),
        ("Wht dos teh outcme sy abot digtal divde?", ""),
    ],
)
def test_the_language_of_a_question_is_named(seed_index, question, language):
    assert foreign_language(question, seed_index._stored.vocabulary) == language


def test_typos_are_read_as_the_words_the_documents_use(seed_index):
    typed = seed_index.answer("How was the mandat of the Internet Govrnance Forum extnded?")
    spelt = seed_index.answer("How was the mandate of the Internet Governance Forum extended?")
    assert typed.corrections == (("mandat", "mandate"), ("Govrnance", "governance"), ("extnded", "extended"))
    assert [p.label for p in typed.passages[:3]] == [p.label for p in spelt.passages[:3]]
    assert (OUTCOME, "68") in [(p.doc_id, p.label) for p in typed.passages[:2]]  # "We extend the mandate"
    assert seed_index.answer("gender digital divide").corrections == ()


@pytest.mark.parametrize(
    "question",
    [
        "What do the WSIS documents say about ICANN and the IANA stewardship transition?",  # acronyms
        "Which ICTs matter most?",
        "the inter-sessional work of the IGF",  # part of a hyphenated word
        "Should spyware vendors stop selling their tools abroad?",  # English two edits from "spare"
        "Should AI chatbots be regulated?",  # two edits from "chariots"
        "How do I reset my home wifi router?",  # short: one edit from "wife"
        "Who helped the secretariat analyse the contributions?",  # British spelling
    ],
)
def test_names_acronyms_and_real_words_are_left_as_typed(seed_index, question):
    assert seed_index.answer(question).corrections == ()


def test_a_paragraph_of_a_document_not_held_is_said_so_not_taken_from_another(seed_index):
    answer = seed_index.answer("What does paragraph 12 of resolution 76/189 say?")
    assert answer.notices == ("Resolution 76/189 is not among the documents searched.",)
    assert answer.abstained and all(p.weak for p in answer.passages)
    assert seed_index.answer("footnote 2 of A/C.3/80/L.46").notices == (
        "A/C.3/80/L.46 is not among the documents searched.",
    )


def test_a_document_not_held_mentioned_as_a_topic_still_gets_the_passages_that_cite_it(seed_index):
    answer = seed_index.answer("What do the documents say about General Assembly resolution 60/252?")
    assert answer.notices == ("Resolution 60/252 is not among the documents searched.",)
    assert not answer.abstained and "60/252" in answer.passages[0].text
    assert seed_index.answer("Does para 3 of the outcome document follow resolution 60/252?").notices == ()
