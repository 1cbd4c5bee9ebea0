"""Follow-up questions: "and for women?" only makes sense after the question before it."""

import re

from rag.retrieval.phrases import QUOTED

OPENERS = ("and ", "or ", "but ", "what about", "how about", "and what", "same for", "also ", "then ")
REFERRING = frozenset("it its they them their this that these those there also too instead same".split())
SHORT = 8  # words; a longer question usually stands on its own


def is_follow_up(question: str) -> bool:
    """True for a question that leans on the previous one: an "and..." opener, or a short question that
    refers back ("what does it say about youth?"). Never one that quotes wording: "same rights that people
    have offline" in quotes asks for those words, wherever they are."""
    if QUOTED.search(question):
        return False
    text = question.strip().lower()
    words = re.findall(r"[a-z']+", text)
    if not words:
        return False
    return text.startswith(OPENERS) or (len(words) <= SHORT and any(w in REFERRING for w in words))


def search_query(question: str, previous: str | None) -> str:
    """What to search for: a follow-up is searched together with the question it follows. Its own words
    count twice: they are what is asked now ("what about enhanced cooperation?"); the previous question
    gives the context."""
    question = question.strip()
    if previous and is_follow_up(question):
        return f"{previous.strip()} {question} {question}"
    return question
