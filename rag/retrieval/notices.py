"""The answer's own words, in fixed forms: what does not exist, what language the search reads, how a
misspelt word was read, how a question was shortened or joined to the one before. Everything else an
answer shows is quoted from the documents."""

import re

from rag.ingest.folder import Document
from rag.ingest.numbering import place
from rag.ingest.paragraphs import Unit


def numbering_ranges(units: list[Unit]) -> dict[str, dict[str, tuple[int, int]]]:
    """For each document, the range of its numbered paragraphs ("para": (1, 77)) and of its preambular
    ones ("PP": (1, 16)), in the body (not in annexes)."""
    ranges: dict[str, dict[str, tuple[int, int]]] = {}
    for unit in units:
        kind, number = _numbered(unit.label) if unit.kind == "paragraph" else ("", 0)
        if kind:
            low, high = ranges.setdefault(unit.doc_id, {}).get(kind, (number, number))
            ranges[unit.doc_id][kind] = (min(low, number), max(high, number))
    return ranges


def _numbered(label: str) -> tuple[str, int]:
    if label.isdigit():
        return "para", int(label)
    if match := re.fullmatch(r"PP(\d+)", label):
        return "PP", int(match[1])
    return "", 0


def missing_paragraph(label: str, documents: list[Document], ranges: dict) -> str:
    """ "A/RES/70/125 has no para. 99; its paragraphs are numbered 1 to 77." """
    what = place(label)
    if not documents:
        return f"No document here has a {what}."
    notices = []
    for document in documents:
        kind = "PP" if label.startswith("PP") else "para"
        low_high = ranges.get(document.id, {}).get(kind)
        numbered = "preambular paragraphs" if kind == "PP" else "paragraphs"
        if low_high:
            low, high = low_high
            notices.append(f"{document.cited_as} has no {what}; its {numbered} are numbered {low} to {high}.")
        else:
            notices.append(f"{document.cited_as} has no {what}; it does not number its {numbered}.")
    return " ".join(notices)


def not_held(names: tuple[str, ...]) -> str:
    """ "Resolution 80/118 is not among the documents searched." """
    listed = " and ".join(names)
    return f"{listed[0].upper()}{listed[1:]} {'is' if len(names) == 1 else 'are'} not among the documents searched."


def other_language(language: str) -> str:
    return (
        f"The documents and the search are in English; this question seems to be in {language}. "
        "The nearest passages follow, as weak matches; asking in English finds more."
    )


def of_answer(answer) -> list[str]:
    """Everything an answer says besides its passages, as the shell and the integrations give it: why nothing
    answers (its notices), the quoted phrases no passage holds, and the words read as other words."""
    said = [*answer.notices, *(no_phrase(phrase) for phrase in answer.missing_phrases)]
    if answer.corrections:
        said.append(spelling(list(answer.corrections)))
    return said


def spelling(corrections: list[tuple[str, str]]) -> str:
    read = ", ".join(f"“{word}” as “{fixed}”" for word, fixed in corrections)
    return f"Words the documents do not use were read as the closest ones they do: {read}."


def no_phrase(phrase: str) -> str:
    return f"No passage contains “{phrase}”."


def shortened(limit: int) -> str:
    return f"The question was shortened to its first {limit:,} characters."


def follow_up(previous: str) -> str:
    return f"Searched together with your previous question: “{previous}”."


def matched(passages, phrases: tuple[str, ...]) -> str:
    """What the first passages are: "The paragraph asked for", "2 passages contain “net neutrality”"."""
    count = sum(1 for p in passages if p.match)
    if any(p.match == "phrase" for p in passages):
        quoted = " and ".join(f"“{phrase}”" for phrase in phrases)
        return f"{_plural(count, 'passage')} {'contains' if count == 1 else 'contain'} {quoted}"
    return "The paragraph asked for" if count == 1 else f"The {count} paragraphs asked for"


def related(count: int) -> str:
    return f"{_plural(count, 'related passage')} {'follows' if count == 1 else 'follow'}"


def counted(passages) -> str:
    """ "4 passages from 3 documents"."""
    documents = len({p.doc_id for p in passages})
    return f"{_plural(len(passages), 'passage')} from {_plural(documents, 'document')}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
