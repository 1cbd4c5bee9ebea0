"""A search's parameters as every way in reads them: the question (text, readable, of bounded length), how many
passages, which documents. Python, the chat, its Gradio API, REST, MCP, the CLI and the retrievers all pass
through these checks, so the same bad input gets the same message through each (rag/integrations/tools.py
turns the result into the same JSON)."""

import re

from rag.errors import QueryError

MAX_QUESTION_CHARS = 2000  # a long paragraph; far past the model's 256 word pieces
DEFAULT_K = 5
MAX_K = 50  # passages one search returns at most: enough to read, bounded work per request
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1, but tab and line feed
MARKUP = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides, isolates
# What a readable question holds somewhere, for schemas (ECMA-262 and Python read it alike): a character that is
# neither space, nor control character, nor bidi control, nor U+FFFD (what a lone surrogate becomes).
READABLE_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]"


def check_query(query: str) -> str:
    """The question readable and stripped; QueryError when it is not text, is longer than MAX_QUESTION_CHARS
    (refused, never cut: a cut question is another question) or has nothing readable."""
    if not isinstance(query, str):
        raise QueryError(f"The question must be text, not {type(query).__name__}.")
    if len(query) > MAX_QUESTION_CHARS:
        raise QueryError(
            f"The question is {len(query):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask about one point at a time, or search for a sentence of the text."
        )
    if not query.strip():
        raise QueryError("The question is empty; ask a question or give some words to search for.")
    text = readable(query).strip()
    if not re.search(READABLE_PATTERN, text):  # it was control characters and lone surrogates
        raise QueryError(
            "The question has no readable characters (only control characters or text that is not valid "
            "Unicode); ask a question in words."
        )
    return text


def check_k(k: int) -> int:
    """`k`, a whole number of passages from 1 to MAX_K; QueryError otherwise (a bool, "3" or 2.0 included)."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError(f"k, the number of passages, must be a whole number from 1 to {MAX_K} (got {k!r}).")
    return k


def number_or_text(text: str) -> int | str:
    """A whole number typed as text ("3") as the number; anything else as it is, for check_k to refuse with
    its own message (a shell or a query string sends every value as text)."""
    return int(text) if re.fullmatch(r"[+-]?[0-9]{1,9}", text.strip()) else text


def check_document_names(names: list[str] | None) -> list[str] | None:
    """`names` as a list of non-blank names (None: every document); QueryError for a bare string, an empty
    list (a filter that matched nothing is not "everything") or a blank name."""
    if names is None:
        return None
    if isinstance(names, str) or not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise QueryError(
            "The documents to search must be a list of document names (UN symbol, short name or id), "
            f'e.g. ["A/RES/70/125"] (got {names!r}).'
        )
    if not names:
        raise QueryError(
            "The list of documents to search is empty; name at least one (UN symbol, short name or id), or "
            "leave the list out to search every document."
        )
    for name in names:
        check_document_name(name)
    return list(names)


def check_document_name(name: str) -> None:
    """QueryError for a document name that is not text or is blank (the same whether searched in or fetched from)."""
    if not isinstance(name, str) or not name.strip():
        raise QueryError(
            f"The document name is {_blank_or_not_text(name)}; name a document by its UN symbol (e.g. "
            "A/RES/79/277), short name or id."
        )


def check_label(label: str) -> None:
    """QueryError for a paragraph label that is not text or is blank."""
    if not isinstance(label, str) or not label.strip():
        raise QueryError(
            f"The paragraph's label is {_blank_or_not_text(label)}; name it by its number as printed, e.g. 32, "
            "48(a) or PP3."
        )


def _blank_or_not_text(value) -> str:
    return "blank" if isinstance(value, str) else f"not text ({type(value).__name__})"


def without_markup(text: str) -> str:
    """`text` with HTML or XML tags and entities as spaces: pasted from a web page, they are no words of the
    question ("<em>gender</em>" asks about gender), and read as words they sank the answer or made it seem
    another language."""
    return " ".join(MARKUP.sub(" ", text).split()) if "<" in text or "&" in text else text


def readable(text: str) -> str:
    """`text` without what cannot be searched or safely echoed. A lone surrogate (sent by a browser, or left
    by a badly decoded pipe: "\\ud800abc") breaks the tokenizer and any UTF-8 output, so it becomes U+FFFD as
    a UTF-8 decoder would make it, while a well-formed pair becomes its one character. Control characters
    become spaces: the model drops them, and echoed in a notice they could drive a terminal. Bidi overrides
    go: they only reorder how text displays, including the app's own words after an echoed question."""
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return BIDI_CONTROLS.sub("", CONTROL_CHARACTERS.sub(" ", text))
