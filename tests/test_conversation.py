from rag.retrieval.conversation import is_follow_up, search_query


def test_follow_ups_are_searched_with_the_previous_question():
    previous = "What does the outcome document say about the digital divide?"
    assert search_query("and for women?", previous) == f"{previous} and for women? and for women?"
    assert search_query("What about youth?", previous) == f"{previous} What about youth? What about youth?"
    assert search_query("Is that also in the ECOSOC draft?", previous).startswith(previous)


def test_standalone_questions_are_searched_alone():
    previous = "What does the outcome document say about the digital divide?"
    assert search_query("How was the mandate of the Internet Governance Forum extended?", previous) == (
        "How was the mandate of the Internet Governance Forum extended?"
    )
    assert search_query("and for women?", None) == "and for women?"
    assert not is_follow_up("Which challenges did respondents to the WSIS+20 consultation identify?")
    assert not is_follow_up("?!")
