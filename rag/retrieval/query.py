"""A question as every search reads it: text, readable, stripped and cut to a bounded length.

search(), answer(), the CLI and the chat API all pass through check_query(), so a question they are sent
is read the same way by each."""

import re

from rag.errors import QueryError

MAX_QUERY_CHARS = 4000  # far past the model's 256 word pieces; the model cuts the rest
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1, but tab and line feed
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides, isolates


def check_query(query: str) -> str:
    """The query readable, stripped and cut to MAX_QUERY_CHARS; QueryError when it is not text or nothing
    readable is left."""
    if not isinstance(query, str):
        raise QueryError(f"The query must be text, not {type(query).__name__}.")
    if not query.strip():
        raise QueryError("The query is empty; ask a question or give some words to search for.")
    text = readable(query).strip()
    if all(c.isspace() or c == "\ufffd" for c in text):  # it was control characters and lone surrogates
        raise QueryError(
            "The query has no readable characters (only control characters or text that is not valid Unicode); "
            "ask a question in words."
        )
    return text[:MAX_QUERY_CHARS]


def readable(text: str) -> str:
    """`text` without what cannot be searched or safely echoed. A lone surrogate (sent by a browser, or left
    by a badly decoded pipe: "\\ud800abc") breaks the tokenizer and any UTF-8 output, so it becomes U+FFFD as
    a UTF-8 decoder would make it, while a well-formed pair becomes its one character. Control characters
    become spaces: the model drops them, and echoed in a notice they could drive a terminal. Bidi overrides
    go: they only reorder how text displays, including the app's own words after an echoed question."""
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return BIDI_CONTROLS.sub("", CONTROL_CHARACTERS.sub(" ", text))
