"""How every kind of paragraph of every seed is cited and anchored: one convention, everywhere."""

import re

import pytest

from rag.citations import citation, full_citation, source_url
from rag.ingest.paragraphs import BODY_KINDS

OUTCOME, ECOSOC, CSTD = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d", "003_2acf0993792d3d8c"
SUMMARY, EXECUTIVE = "000_4ff08e0d6091ebfe", "002_c27263d9b30fc6e3"
DRAFT = "ECOSOC draft resolution (advance unedited version, 2016)"
OUTCOME_DRAFT = "WSIS+10 outcome document (draft)"  # an earlier draft of A/RES/70/125, not that text

# (document, label, what it is, short citation, viewer anchor)
TABLE = [
    (OUTCOME, "32", "numbered paragraph of a resolution", f"{OUTCOME_DRAFT}, para. 32", "#p-32"),
    (OUTCOME, "1", "numbered preambular paragraph", f"{OUTCOME_DRAFT}, para. 1", "#p-1"),
    (ECOSOC, "PP1", "unnumbered preambular paragraph", f"{DRAFT}, preambular para. 1", "#p-PP1"),
    (ECOSOC, "u6", "unnumbered operative paragraph", f"{DRAFT}, unnumbered para. 6", "#p-u6"),
    (ECOSOC, "6bis", "numbered with a suffix", f"{DRAFT}, para. 6bis", "#p-6bis"),
    (ECOSOC, "20 quater", "numbered with a spaced suffix", f"{DRAFT}, para. 20 quater", "#p-20-quater"),
    (ECOSOC, "48(a)", "lettered sub-item", f"{DRAFT}, para. 48(a)", "#p-48(a)"),
    (ECOSOC, "fn1", "footnote", f"{DRAFT}, footnote 1", "#p-fn1"),
    (CSTD, "7", "numbered paragraph of a note", "CSTD Informal Note 2024, para. 7", "#p-7"),
    (CSTD, "12(a)", "sub-item of a note", "CSTD Informal Note 2024, para. 12(a)", "#p-12(a)"),
    (CSTD, "u20", "unnumbered paragraph of a note", "CSTD Informal Note 2024, unnumbered para. 20", "#p-u20"),
    (CSTD, "u36", "table", "CSTD Informal Note 2024, unnumbered para. 36", "#p-u36"),
    (CSTD, "u37(3)", "list item in an unnumbered paragraph", "CSTD Informal Note 2024, unnumbered para. 37(3)",
     "#p-u37(3)"),
    (SUMMARY, "¶11", "paragraph of a document that numbers none", "President's Summary, ¶11", "#p-%C2%B611"),
    (EXECUTIVE, "¶3", "paragraph of a document that numbers none", "Executive Summary, ¶3", "#p-%C2%B63"),
]  # fmt: skip


@pytest.mark.parametrize(("doc", "label", "kind", "cited", "anchor"), TABLE, ids=[row[2] for row in TABLE])
def test_citation_table(seed_index, doc, label, kind, cited, anchor):
    unit = next(u for u in seed_index.units(doc) if u.label == label)
    assert citation(seed_index.document(doc), unit) == cited
    assert source_url(doc, label) == f"/source/{doc}{anchor}"


def test_no_unnumbered_paragraph_is_cited_like_a_printed_number(seed_index):
    """In a document that prints paragraph numbers, an unnumbered paragraph says so ("preambular para. 3",
    "unnumbered para. 6"): "¶15" beside a printed "15." reads as para. 15 when pasted."""
    for document in seed_index.documents:
        units = [u for u in seed_index.units(document.id) if u.kind in ("paragraph", "item", "table")]
        numbered = {citation(document, u) for u in units if u.label[:1].isdigit()}
        for unit in units:
            if not unit.label[:1].isdigit():
                cited = citation(document, unit)
                assert cited not in numbered
                if numbered:
                    assert re.search(r"(?:preambular|unnumbered) para\. \d", cited), cited


def test_documents_with_a_symbol_are_cited_by_it_and_drafts_with_their_status(seed_index):
    assert seed_index.document(OUTCOME).cited_as == OUTCOME_DRAFT
    assert (seed_index.document(OUTCOME).symbol, seed_index.document(OUTCOME).draft_of) == ("", "A/RES/70/125")
    assert seed_index.document(ECOSOC).cited_as == DRAFT
    assert seed_index.document(SUMMARY).cited_as == "President's Summary"


def test_the_section_path_is_context_not_part_of_the_citation(seed_index):
    hit = seed_index.search("paragraph 12(a) of the CSTD note", k=1)[0]
    assert hit.citation == "CSTD Informal Note 2024, para. 12(a)"
    assert hit.section == "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS"
    assert hit.to_dict()["section"] == hit.section  # kept whole in the JSON


def test_copy_gives_the_short_or_the_full_citation_with_the_quote(seed_index):
    hit = seed_index.search("paragraph 30 of the outcome document", k=1)[0]
    assert hit.quote_with_citation() == f"{hit.plain_text}\n({OUTCOME_DRAFT}, para. 30)"
    assert hit.quote_with_citation("full") == (
        f"{hit.plain_text}\n(Outcome Document of the High-Level Meeting of the General Assembly on the Overall Review "
        "of the Implementation of WSIS Outcomes, draft of A/RES/70/125, which numbers its paragraphs differently, "
        "para. 30)"
    )
    unit = next(u for u in seed_index.units(ECOSOC) if u.label == "6bis")
    assert full_citation(seed_index.document(ECOSOC), unit).endswith("advance unedited version), 2016, para. 6bis")


def test_copy_gives_plain_text_without_the_documents_markup(seed_index):
    recalls = seed_index.paragraph(ECOSOC, "6")
    assert recalls.text.startswith("6. *Recalls* General Assembly")
    assert recalls.quote_with_citation() == (
        "6. Recalls General Assembly resolution 60/252 of 27 March 2006, in which the Assembly requested the Council "
        "to oversee the system-wide follow-up to the Geneva and Tunis outcomes of the World Summit;\n"
        f"({DRAFT}, para. 6)"
    )
    table = seed_index.paragraph(CSTD, "u15")  # a table's cells are made plain too: "27 <sup>th</sup>"
    assert (
        table.quote_with_citation().split("\n")[0] == "April 2024\tPreliminary discussion at the 27th session of CSTD"
    )
    copies = [
        seed_index.paragraph(doc, unit.label).quote_with_citation("full")
        for doc in (OUTCOME, ECOSOC, CSTD, SUMMARY, EXECUTIVE)
        for unit in seed_index.units(doc)
        if unit.kind in BODY_KINDS
    ]
    assert [copy for copy in copies if re.search(r"\*|</?sup>|\]\(|<https?:", copy)] == []


def test_same_language_links_use_the_same_citations(seed_index):
    twins = seed_index.same_language(ECOSOC)
    assert twins["u9"][0].citation == f"{OUTCOME_DRAFT}, para. 11"
    assert seed_index.same_language(OUTCOME)["11"][0].citation == f"{DRAFT}, unnumbered para. 9"
