"""The answer's own words, in fixed forms: what does not exist, what language the search reads, how a
misspelt word was read, how a question was joined to the one before. Everything else an
answer shows is quoted from the documents."""

import re

from rag.ingest.folder import Document
from rag.ingest.numbering import place
from rag.ingest.paragraphs import Unit


def numbering_ranges(units: list[Unit]) -> dict[str, dict[str, tuple[int, int]]]:
    """For each document, the range of its numbered paragraphs ("para": (1, 77)), of its preambular ones
    ("PP": (1, 16)), of its footnotes ("fn") and of the paragraphs it cites by position ("¶"), in the body
    (not in annexes)."""
    ranges: dict[str, dict[str, tuple[int, int]]] = {}
    for unit in units:
        kind, number = _numbered(unit.label) if unit.kind in ("paragraph", "footnote") else ("", 0)
        if kind:
            low, high = ranges.setdefault(unit.doc_id, {}).get(kind, (number, number))
            ranges[unit.doc_id][kind] = (min(low, number), max(high, number))
    return ranges


def _numbered(label: str) -> tuple[str, int]:
    if label.isdigit():
        return "para", int(label)
    if match := re.fullmatch(r"(PP|¶|fn)(\d+)", label):
        return match[1], int(match[2])
    return "", 0


def missing_paragraph(label: str, documents: list[Document], ranges: dict) -> str:
    """ "A/RES/79/277 has no para. 9; its paragraphs are numbered 1 to 6." """
    what = "footnote " + label.removeprefix("fn") if label.startswith("fn") else place(label)
    if not documents:
        return f"No document here has a {what}."
    notices = []
    for document in documents:
        kind = "PP" if label.startswith("PP") else "fn" if label.startswith("fn") else "para"
        low_high = ranges.get(document.id, {}).get(kind)
        numbered = {"PP": "preambular paragraphs", "fn": "footnotes"}.get(kind, "paragraphs")
        if low_high:
            low, high = low_high
            notices.append(f"{document.cited_as} has no {what}; its {numbered} are numbered {low} to {high}.")
        elif kind == "para" and (counted := ranges.get(document.id, {}).get("¶")):
            notices.append(
                f"{document.cited_as} has no {what}; it does not number its paragraphs, which are cited by "
                f"position, ¶{counted[0]} to ¶{counted[1]}."
            )
        else:
            notices.append(f"{document.cited_as} has no {what}; it does not number its {numbered}.")
    return " ".join(notices)


def misplaced(document: Document, kind: str, label: str) -> str:
    """ "WSIS+10 outcome document (draft) has no operative para. 3: its para. 3 is in its preamble." """
    other = "in its preamble" if kind == "operative" else "operative"
    return f"{document.cited_as} has no {kind} {place(label)}: its {place(label)} is {other}."


def not_held(names: tuple[str, ...], drafts: list[Document] = ()) -> str:
    """ "Resolution 80/118 is not among the documents searched."; with an earlier draft of it that is, "...;
    WSIS+10 outcome document (draft) is an earlier draft of it, which numbers its paragraphs differently"."""
    listed = " and ".join(names)
    said = f"{listed[0].upper()}{listed[1:]} {'is' if len(names) == 1 else 'are'} not among the documents searched"
    for draft in drafts:
        numbering = ", which numbers its paragraphs differently" if draft.renumbered else ""
        of = "it" if len(names) == 1 else draft.draft_of
        said += f"; {draft.cited_as} is an earlier draft of {of}{numbering}"
    return said + "."


NO_ANSWER = "No passage in these documents answers this question."


def unanswered(evidence, explained: bool) -> list[str]:
    """Why an answer abstains, when nothing else said so: the fixed notice, then, as facts, the question's
    key words the documents never use and those no passage shown holds."""
    return [] if explained else [NO_ANSWER, *words_missing(evidence)]


def words_missing(evidence) -> list[str]:
    """The question's key words the documents never use, and those no passage shown holds, as facts."""
    said = []
    never = list(evidence.never) if evidence else []
    if never:
        said.append(f"The documents searched never use {_listed(never, 'or')}.")
    shown = [word for word in (evidence.missing if evidence else ()) if word not in never]
    if shown:
        said.append(f"None of the passages shown has {_listed(shown, 'or')}.")
    return said


def _listed(words: list[str], joiner: str) -> str:
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {joiner} {quoted[-1]}"


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


def follow_up(previous: str) -> str:
    return f"Searched together with your previous question: “{previous}”."


def matched(passages, phrases: tuple[str, ...], total: int = 0) -> str:
    """What the first passages are: "The paragraph asked for"; "2 passages contain “net neutrality”", or, when
    more paragraphs hold the phrase than are shown, "28 passages contain “multistakeholder”; the 5 best
    follow". `total` counts every paragraph of the documents searched that holds the phrases."""
    references = sum(1 for p in passages if p.match == "reference")
    shown = sum(1 for p in passages if p.match == "phrase")
    if references:
        return "The paragraph asked for" if references == 1 else f"The {references} paragraphs asked for"
    quoted = " and ".join(f"“{phrase}”" for phrase in phrases)
    total = max(total, shown)
    said = f"{_plural(total, 'passage')} {'contains' if total == 1 else 'contain'} {quoted}"
    return said if total == shown else f"{said}; the {shown} best follow"


def related(count: int) -> str:
    return f"{_plural(count, 'related passage')} {'follows' if count == 1 else 'follow'}"


def counted(passages) -> str:
    """ "4 passages from 3 documents"."""
    documents = len({p.doc_id for p in passages})
    return f"{_plural(len(passages), 'passage')} from {_plural(documents, 'document')}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
