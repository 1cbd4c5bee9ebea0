"""Highlights: the sentence of a passage that best answers the query, or the quoted phrase itself."""

import numpy as np

from rag.retrieval.phrases import phrase_spans

TERM_WEIGHT = 0.3  # share of query terms in a sentence, added to its similarity to the query


def highlights(
    text: str,
    sentences: list[tuple[int, int]],
    similarities: np.ndarray | None,
    query: str,
    phrases: list[str],
    terms,
) -> tuple[tuple[int, int], ...]:
    """Character ranges of `text` to emphasise. Quoted phrases are marked where they occur; otherwise the
    best sentence, when the passage has more than one (emphasising all of it would say nothing). `terms` turns
    text into search terms, as the lexical index does."""
    marked = sorted(span for phrase in phrases for span in phrase_spans(text, phrase))
    if marked:
        return tuple(marked)
    if len(sentences) < 2:
        return ()
    wanted = set(terms(query))
    overlap = np.array([len(wanted & set(terms(text[s:e]))) / max(1, len(wanted)) for s, e in sentences])
    score = overlap * TERM_WEIGHT + (similarities if similarities is not None else 0.0)
    return (sentences[int(np.argmax(score))],)
