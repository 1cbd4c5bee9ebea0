"""Checking a draft against agreed language, on the seeds: drafts made from real paragraphs with known edits
(a clause inserted, a verb softened, a paragraph split or merged, a sentence from another document spliced
in, a paragraph written new) must come out as what they are."""

import re

import pytest

from rag import QueryError
from rag.precedents.check import CHANGED, NEW, PARTLY, VERBATIM, check_draft
from rag.precedents.compare import body_start, compare
from rag.precedents.draft import draft_from_text

OUTCOME = "004_7b6cb249c0a88164"
NOTE = "003_2acf0993792d3d8c"
NEW_PARAGRAPH = (
    "Invites the moon rover consortium to paint every lunar crater in bright municipal colours before the "
    "third carnival of underwater kites;"
)


def body(index, label: str, doc: str = OUTCOME) -> str:
    text = index.paragraph(doc, label).text
    return text[body_start(text) :]


def check(index, *paragraphs: str):
    """A draft of these operative paragraphs, numbered 1, 2 ..., checked against the seeds."""
    text = "\n\n".join(f"{n}. {p}" for n, p in enumerate(paragraphs, 1))
    return check_draft(index, draft_from_text(text)).paragraphs


def best(paragraph):
    return paragraph.precedents[0]


def test_a_paragraph_repeated_word_for_word_is_verbatim_agreed_language(seed_index):
    (checked,) = check(seed_index, body(seed_index, "32"))
    assert checked.verdict == VERBATIM and checked.label == "1"
    assert (best(checked).passage.doc_id, best(checked).passage.label) == (OUTCOME, "32")
    assert best(checked).passage.text == seed_index.paragraph(OUTCOME, "32").text  # the index's verbatim quote
    assert best(checked).comparison.changes == ()
    assert [s.source.label for s in checked.stretches] == ["32"]


def test_an_inserted_clause_is_the_one_change(seed_index):
    original = body(seed_index, "33")
    clause = "in particular for young people and persons with disabilities,"
    head, tail = original.split(" and we commit", 1)
    assert head.endswith(",")
    (checked,) = check(seed_index, f"{head} {clause} and we commit{tail}")
    assert checked.verdict == CHANGED
    (change,) = best(checked).comparison.changes
    assert change.op == "insert" and change.precedent == ""
    assert words(change.draft) == words(clause)  # which of the two commas is the new one is a matter of taste


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_a_softened_verb_is_a_replacement_of_that_word(seed_index):
    original = body(seed_index, "32")
    assert original.startswith("We emphasize our concern")
    (checked,) = check(seed_index, original.replace("We emphasize", "We note", 1))
    changes = best(checked).comparison.changes
    assert [(c.op, c.draft.strip(), c.precedent.strip()) for c in changes] == [("replace", "note", "emphasize")]
    assert checked.verdict == CHANGED


def test_the_redline_gives_back_both_texts(seed_index):
    original = body(seed_index, "34")
    edited = original.replace("free flow", "free and safe flow", 1).replace("grows", "keeps growing", 1)
    (checked,) = check(seed_index, edited)
    pieces = best(checked).comparison.pieces
    assert "".join(p.draft for p in pieces) == edited
    assert "".join(p.precedent for p in pieces) == original


def test_a_paragraph_split_in_two_keeps_its_precedent_for_each_half(seed_index):
    original = body(seed_index, "34")
    first, second = original.split(". ", 1)
    checked = check(seed_index, first + ".", second)
    assert [best(p).passage.label for p in checked] == ["34", "34"]
    assert [p.verdict for p in checked] == [CHANGED, CHANGED]
    assert all(p.note.startswith("Split:") for p in checked)
    assert {c.op for c in best(checked[0]).comparison.changes} == {"delete"}  # the second half dropped


def test_two_paragraphs_merged_into_one_come_out_as_merged(seed_index):
    (checked,) = check(seed_index, body(seed_index, "33") + " " + body(seed_index, "34"))
    assert checked.verdict == CHANGED
    assert best(checked).passage.label == "33"
    assert [p.label for p in best(checked).merged] == ["34"]
    assert checked.note.startswith("Merged:")
    assert [words(c.precedent) for c in best(checked).comparison.changes] == [["34"]]  # only its number dropped


def test_a_sentence_spliced_from_another_document_is_credited_to_that_document(seed_index):
    spliced = _sentence_of(seed_index, NOTE)
    (checked,) = check(seed_index, body(seed_index, "32") + " " + spliced)
    assert best(checked).passage.label == "32"
    assert {s.source.doc_id for s in checked.stretches if s.source} == {OUTCOME, NOTE}
    from_note = [s for s in checked.stretches if s.source and s.source.doc_id == NOTE]
    assert " ".join(s.text for s in from_note).split() == spliced.split()


def _sentence_of(index, doc: str) -> str:
    """A first sentence of 15 to 30 words of one of the document's paragraphs that no other document holds."""
    for unit in index.units(doc):
        sentence = unit.text[body_start(unit.text) :].split(". ")[0] + "."
        alone = unit.kind == "paragraph" and not index.paragraph(doc, unit.label).same_as
        if alone and 15 <= len(sentence.split()) <= 30:
            return sentence
    raise AssertionError(f"no long sentence in {doc}")


def test_a_paragraph_written_new_is_new_language(seed_index):
    (checked,) = check(seed_index, NEW_PARAGRAPH)
    assert checked.verdict == NEW
    assert checked.precedents == ()
    assert [s.source for s in checked.stretches] == [None]


def test_new_wording_inside_an_old_paragraph_stands_apart(seed_index):
    (checked,) = check(seed_index, NEW_PARAGRAPH + " " + body(seed_index, "32"))
    assert checked.verdict == CHANGED  # most of it is paragraph 32, with a sentence added
    new = [s.text for s in checked.stretches if s.source is None]
    assert words(" ".join(new)) == words("1. " + NEW_PARAGRAPH)


def test_a_paragraph_made_of_pieces_of_several_with_new_wording_is_partly_agreed(seed_index):
    outcome, note = _sentence_of(seed_index, OUTCOME), _sentence_of(seed_index, NOTE)
    (checked,) = check(seed_index, f"{outcome} {NEW_PARAGRAPH} {note}")
    assert checked.verdict == PARTLY
    held = {s.source.doc_id: words(s.text) for s in checked.stretches if s.source}
    assert held == {OUTCOME: words("1. " + outcome), NOTE: words(note)}
    assert [words(s.text) for s in checked.stretches if s.source is None] == [words(NEW_PARAGRAPH)]


def test_the_draft_is_never_its_own_precedent(seed_index):
    text = seed_index.text(OUTCOME)
    result = check_draft(seed_index, draft_from_text(text))
    assert result.excluded == (seed_index.document(OUTCOME).cited_as,)
    assert result.against == len(seed_index.documents) - 1
    cited = {p.passage.doc_id for paragraph in result.paragraphs for p in paragraph.precedents}
    assert OUTCOME not in cited and cited  # its twins elsewhere are found


def test_an_empty_or_oversized_draft_is_refused_with_a_reason():
    with pytest.raises(QueryError, match="empty"):
        draft_from_text("  \n ")
    with pytest.raises(QueryError, match="300,000"):
        draft_from_text("Word. " * 60_000)


def test_case_counts_but_spacing_of_hyphens_from_a_pdf_does_not():
    assert compare("Urges States to act", "Urges states to act").changes != ()
    assert compare(
        "the pre -design and standard - setting stages", "the pre‑design and standard-setting stages"
    ).identical
