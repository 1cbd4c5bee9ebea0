"""answer(): abstention, highlights, exact phrases and agreed-language links, on the real seeds."""

import json

import pytest

import rag
from rag import Answer, Settings
from rag.ingest.paragraphs import BODY_KINDS
from rag.store.agreed import same_language

OUTCOME, ECOSOC = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d"


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Australia?", "How do list comprehensions work in Python?", "best cherry blossoms"],
)
def test_off_topic_questions_abstain_with_weak_matches(seed_index, question):
    answer = seed_index.answer(question, k=3)
    assert isinstance(answer, Answer)
    assert answer.abstained and answer.confidence < seed_index.decision.floor
    assert answer.notices[0] == "No passage in these documents answers this question."
    assert len(answer.passages) == 3 and all(p.weak for p in answer.passages)


def test_answerable_questions_do_not_abstain(seed_index):
    answer = seed_index.answer("What share of women have internet access according to the outcome document?")
    assert not answer.abstained and answer.confidence > 0.6
    assert not any(p.weak for p in answer.passages)
    assert answer.passages[0].label in {"26", "32"}


def test_references_never_abstain(seed_index):
    answer = seed_index.answer("OP 12 of the ECOSOC WSIS text")
    assert not answer.abstained and answer.passages[0].label == "12"


def test_best_sentence_is_highlighted(seed_index):
    hit = seed_index.answer("Which UN entity supports gender mainstreaming in the WSIS Action Lines?", k=5).passages
    para = next(p for p in hit if p.doc_id == OUTCOME and p.label == "32")
    assert [para.text[s:e] for s, e in para.highlights] == [
        "We recognize that ending the gender digital divide and achievement of SDG 5 on gender are mutually "
        "reinforcing efforts, and we commit to mainstream gender in the WSIS process, including through a new "
        "emphasis on gender in the implementation and monitoring of WSIS Action Lines, with the support of relevant "
        "United Nations entities, including UN Women."
    ]


def test_quoted_phrases_come_first_and_are_marked(seed_index):
    answer = seed_index.answer('"enhanced cooperation"', k=5)
    assert not answer.abstained and answer.missing_phrases == ()
    for passage in answer.passages:
        marked = [passage.text[s:e].lower() for s, e in passage.highlights]
        assert marked and set(marked) == {"enhanced cooperation"}


def test_missing_phrase_abstains_and_says_so(seed_index):
    answer = seed_index.answer('Do the documents speak of "digital apartheid"?', k=3)
    assert answer.abstained and answer.missing_phrases == ("digital apartheid",)
    assert all(p.weak for p in answer.passages)


def test_agreed_language_is_found_across_documents(seed_index):
    units = seed_index._stored.units
    pairs = {
        (units[a].doc_id[:3], units[a].label, units[b].doc_id[:3], units[b].label)
        for a, b, _ in same_language(units, BODY_KINDS)
    }
    assert pairs == {("001", "u8", "004", "9"), ("001", "u9", "004", "11"), ("001", "8", "004", "36")}


def test_near_identical_paragraphs_are_shown_once_with_links(seed_index):
    passages = seed_index.search(
        "remarkable evolution and diffusion of ICTs penetration into almost all corners of the globe", k=5
    )
    places = [(p.doc_id, p.label) for p in passages]
    assert (OUTCOME, "9") in places and (ECOSOC, "u8") not in places  # the twin is not a separate answer
    shown = passages[places.index((OUTCOME, "9"))]
    assert [(t.citation, t.url) for t in shown.same_as] == [
        ("ECOSOC draft resolution (advance unedited version, 2016), unnumbered para. 8", f"/source/{ECOSOC}#p-u8")
    ]
    assert 0.6 <= shown.same_as[0].similarity <= 1.0
    both = seed_index.search("remarkable evolution and diffusion of ICTs", k=10, settings=Settings(same_language=False))
    assert {(OUTCOME, "9"), (ECOSOC, "u8")} <= {(p.doc_id, p.label) for p in both}
    assert seed_index.same_language(ECOSOC)["u9"][0].citation == "WSIS+10 outcome document (draft), para. 11"


def test_module_level_answer_and_json(seed_index):
    answer = rag.answer("gender digital divide", k=2)
    data = json.loads(json.dumps(answer.to_dict()))
    assert set(data) == {
        "query",
        "abstained",
        "confidence",
        "missing_phrases",
        "passages",
        "notices",
        "phrases",
        "corrections",
        "phrase_total",
        "evidence",
    }
    assert set(data["evidence"]) == {"similarity", "shown", "wants", "numbers", "terms", "missing", "never"}
    assert data["passages"][0]["citation"] and isinstance(data["passages"][0]["highlights"], list)
