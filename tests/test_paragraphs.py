"""The parser on the real seeds: golden cases per document, and invariants over every file."""

from pathlib import Path

import pytest
from conftest import coverage_problems

from rag.ingest.layout import collapse
from rag.ingest.paragraphs import parse

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def units_of(prefix: str):
    path = next(p for p in SEED_FILES if p.name.startswith(prefix))
    return parse(path.stem, path.read_text(encoding="utf-8"))


def unit(prefix: str, label: str):
    return next(u for u in units_of(prefix) if u.label == label)


@pytest.mark.parametrize(
    ("prefix", "count", "kinds"),
    [
        ("000", 34, {"heading": 7, "paragraph": 27}),
        ("001", 87, {"heading": 8, "paragraph": 67, "item": 6, "footnote": 5, "markup": 1}),
        ("002", 35, {"heading": 4, "paragraph": 7, "item": 12, "markup": 12}),
        ("003", 134, {"heading": 14, "paragraph": 63, "item": 21, "table": 3, "footnote": 10, "markup": 23}),
        ("004", 163, {"heading": 11, "paragraph": 77, "markup": 75}),
    ],
)
def test_unit_counts(prefix, count, kinds):
    units = units_of(prefix)
    assert len(units) == count
    assert {k: sum(u.kind == k for u in units) for k in kinds} == kinds
    assert sum(u.kind not in kinds for u in units) == 0


# (document, label, kind, section, text start, text end, number of spans)
GOLDEN = [
    # 000: OCR damage kept as printed; headings from short unpunctuated lines, one of them OCR-damaged.
    (
        "000",
        "¶1",
        "paragraph",
        "Introduction",
        "In accordance with General Assembly resolution 68/302",
        "scheduled for 15-16 December 2015.",
        1,
    ),
    (
        "000",
        "¶15",
        "paragraph",
        "leT gaps, areas for continned focus and challenges including the digital divide",
        "It was stressed that the rapid development of ICT",
        '"disrupt" technology and established economic models.',
        1,
    ),
    # a new paragraph after a page break, with no blank line before it
    (
        "000",
        "¶16",
        "paragraph",
        "leT gaps, areas for continned focus and challenges including the digital divide",
        "Many speakers expressed concerns about cyber security",
        "protect themselves from such threats.",
        1,
    ),
    (
        "000",
        "¶19",
        "paragraph",
        "Harnessing leT for development",
        "It was noted that it is impoliant to understand",
        "scheduled for July 13- 16 in Addis Ababa, Ethiopia.",
        1,
    ),
    (
        "000",
        "¶27",
        "paragraph",
        "Conclusion",
        "The WSlSlO Informal Interactive Stakeholder Consultation",
        "impOltance of linking the WSIS review to the SDGs.",
        1,
    ),
    # 001: numbered paragraphs in all their forms, continuations across page breaks and a footnote
    (
        "001",
        "1bis",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "Ibis Recognizes the value",
        "in their respective roles and responsibilities;",
        1,
    ),
    (
        "001",
        "3",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "3. *Notes* the implementation",
        "information and communications technology for development;",
        1,
    ),
    (
        "001",
        "6bis",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "6bis. *Recalls* that General Assembly resolution 70/125",
        "implementing the outcomes of the World Summit;",
        1,
    ),
    (
        "001",
        "10",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "10. *Notes with great concern* that many developing countries",
        "to bridge the digital and knowledge divides;",
        1,
    ),
    (
        "001",
        "16ter",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "16ter. We further reaffirm",
        "UN General Assembly Resolution 70/125;",
        1,
    ),
    (
        "001",
        "20 quater",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "20 quater Encourages WSIS Action Line facilitators",
        "according to their existing mandates and resources.",
        1,
    ),
    (
        "001",
        "20sexies",
        "paragraph",
        "Taking stock: reviewing the implementation of the outcomes of the World Summit on the Information Society",
        "20sexies Reiterates importance",
        "support implementation of the 2030 Agenda.",
        1,
    ),
    (
        "001",
        "36",
        "paragraph",
        "Internet Governance Forum",
        "36. *Welcomes* the holding of the eleventh meeting",
        "Internet Governance Forum are being taken into consideration;",
        2,
    ),
    (
        "001",
        "fn3",
        "footnote",
        "Internet Governance Forum",
        "³ See [A/60/687](#).",
        "³ See [A/60/687](#).",
        1,
    ),
    (
        "001",
        "43.ALT",
        "paragraph",
        "The road ahead",
        "43.ALT *Calls upon* United Nations entities",
        "2030 Agenda for Sustainable Development;⁴",
        1,
    ),
    (
        "001",
        "48(d)",
        "item",
        "The road ahead",
        "(d) Encourages the Partnership on Measuring ICT",
        "using big data for official statistics;",
        1,
    ),
    (
        "001",
        "62",
        "paragraph",
        "The road ahead",
        "62. *Emphasizes* the importance of promoting",
        "as well as youth and other underrepresented groups;",
        1,
    ),
    # 002: double-spaced, hard-wrapped; a blank line between every line is not a paragraph end
    (
        "002",
        "¶1",
        "paragraph",
        "1. Achievements",
        "International and regional cooperation among all stakeholders",
        "the Information Society for supporting sustainable development beyond 2015.",
        1,
    ),
    (
        "002",
        "¶4",
        "paragraph",
        "1. Achievements",
        "Furthermore, to achieve international and regional cooperation",
        "multi-stakeholder Internet governance discussions to take place.",
        1,
    ),
    (
        "002",
        "¶10",
        "item",
        "2. Challenges",
        "Innovations have created a truly hyper-connected world",
        "Big Data and the protection of children online.",
        1,
    ),
    (
        "002",
        "¶11",
        "item",
        "3. Recommendations",
        "Harness information and communications technologies (ICTs)",
        "regional cooperation and cross-sectoral collaboration",
        1,
    ),
    # 003: markdown headings, tables, lettered sub-items, Annex 2 items continued after blank lines
    (
        "003",
        "u15",
        "table",
        "Proposed programme of work > Timetable",
        "April 2024 Preliminary discussion",
        "Presentation by CSTD during General Assembly meeting",
        1,
    ),
    (
        "003",
        "u27",
        "table",
        "Proposed programme of work > In-person consultations",
        "Africa with UNECA to be scheduled",
        "Western Asia with ESCWA UAE, May 2024",
        1,
    ),
    (
        "003",
        "u36",
        "table",
        "ANNEX 1: PRELIMINARY STRUCTURE FOR THE WSIS+20 REPORT",
        "Introduction Overview of changes",
        "Conclusion Summary of findings",
        1,
    ),
    (
        "003",
        "u20",
        "paragraph",
        "Proposed programme of work > Contributions by Member-States, United Nations entities "
        "and international organisations",
        "Member-States of the United Nations will be invited",
        "their priorities for the future.",
        1,
    ),
    (
        "003",
        "3",
        "paragraph",
        "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS",
        "3. The pervasiveness and increased reliance",
        "had been accelerated by the COVID-19 pandemic.",
        1,
    ),
    (
        "003",
        "9",
        "paragraph",
        "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS",
        "9. The importance of developing human capital",
        "more local and multilingual content online.",
        1,
    ),
    (
        "003",
        "13",
        "paragraph",
        "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS",
        "13. The dynamic nature of digital development",
        "build on that established by WSIS.",
        1,
    ),
    (
        "003",
        "7(d)",
        "item",
        "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS",
        "d. cybersecurity;",
        "d. cybersecurity;",
        1,
    ),
    (
        "003",
        "12(a)",
        "item",
        "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS",
        "a) continued efforts to close digital divides",
        "build digital capabilities and literacy;",
        1,
    ),
    # the questionnaire's own 1-8 list is cited through the paragraph that introduces it
    (
        "003",
        "u37(3)",
        "paragraph",
        "ANNEX 2: PRELIMINARY REPORT ON THE FIRST WSIS+20 CONSULTATION PROCESS",
        "3. How much progress do you believe",
        "implementing specific WSIS outcomes?",
        1,
    ),
    (
        "003",
        "fn7",
        "footnote",
        "REFERENCES",
        "<sup>7</sup> [https://www.un.org/techenvoy/",
        "Global_Digital_Compact_Zero_Draft.pdf)",
        1,
    ),
    # 004: "- 12." list-marked numbers, page-break continuations (after a stray "- " too), section numbers
    (
        "004",
        "5",
        "paragraph",
        "Preamble",
        "5. Reaffirming its resolution 69/313",
        "in the spirit of global partnership and solidarity.",
        1,
    ),
    (
        "004",
        "11",
        "paragraph",
        "Preamble",
        "11. We express concern, however, that there are still significant",
        "especially ICTs for development.",
        1,
    ),
    (
        "004",
        "12",
        "paragraph",
        "Preamble",
        "12. We acknowledge that particular attention",
        "migrants and remote and rural communities.",
        1,
    ),
    (
        "004",
        "17",
        "paragraph",
        "1. ICT for Development",
        "17. We commit to harnessing the potential of ICTs",
        "to support implementation of the 2030 Agenda.",
        2,
    ),
    (
        "004",
        "32",
        "paragraph",
        "1. ICT for Development > 1.1 Bridging Digital Divides",
        "32. We emphasize our concern that only 41% of women",
        "decision-making processes related to ICTs.",
        1,
    ),
    (
        "004",
        "57",
        "paragraph",
        "3. Building Confidence and Security in the use of ICTs",
        "57. However, we are concerned about certain and growing uses",
        "in order to foster trust and security in the Information Society.",
        2,
    ),
    (
        "004",
        "70",
        "paragraph",
        "4. Internet Governance > 4.1. Enhanced Cooperation",
        "70. We note, however, divergent",
        "regular reporting of the Secretary-General on WSIS implementation.",
        1,
    ),
    (
        "004",
        "76",
        "paragraph",
        "5. Follow-up and Review",
        "76. We acknowledge the importance of data and statistics",
        "to data gathering and dissemination and should be continued.",
        1,
    ),
]


@pytest.mark.parametrize(("prefix", "label", "kind", "section", "start", "end", "spans"), GOLDEN)
def test_golden_units(prefix, label, kind, section, start, end, spans):
    found = unit(prefix, label)
    assert (found.kind, found.section) == (kind, section)
    assert found.text.startswith(start)
    assert found.text.endswith(end)
    assert len(found.spans) == spans


@pytest.mark.parametrize(
    ("prefix", "label", "joined"),
    [
        ("004", "5", "Action Agenda of the Third International Conference on Financing for Development"),
        ("004", "11", "such as between and within countries and between women and men"),
        (
            "004",
            "17",
            "technical and academic communities, and all other relevant stakeholders to integrate ICTs",
        ),
        ("004", "57", "in cooperation with all stakeholders and international expert bodies"),
        ("004", "39", "increased substantially in the last decade, now reaching to the trillions"),
        ("001", "10", "and that, for the majority of the poor, the promise of science"),
        ("001", "36", "in the preparatory process for the meeting, recommendations from the report"),
        ("003", "3", "and the root of wider economic and social changes described in some responses"),
        ("003", "9", "Some respondents commented on the importance of cultural diversity"),
        ("003", "13", "need to be addressed by the international community. Fears were expressed"),
        (
            "003",
            "u18",
            "in the annual reports prepared by CSTD for the Secretary-General. The WSIS+20 report",
        ),
    ],
)
def test_paragraphs_continue_across_page_breaks(prefix, label, joined):
    assert joined in unit(prefix, label).text


def test_stray_marks_and_footnotes_stay_out_of_quotes():
    assert " - " not in unit("004", "57").text  # the stray "- " where it resumes is markup
    assert "A/60/687" not in unit("001", "36").text  # the footnote between its halves is its own unit
    assert [u.text for u in units_of("002") if u.kind == "markup"] == ["\uf0b7"] * 12


def test_headings_and_their_levels():
    headings = [(u.text, u.level) for u in units_of("004") if u.kind == "heading"]
    assert headings[:5] == [
        (
            "Outcome Document of the High-Level Meeting of the General Assembly on the Overall Review of the "
            "Implementation of WSIS Outcomes",
            0,
        ),
        ("Preamble", 1),
        ("1. ICT for Development", 1),
        ("1.1 Bridging Digital Divides", 2),
        ("1.2 Enabling Environment", 2),
    ]
    assert [u.text for u in units_of("000") if u.kind == "heading"] == [
        "President's Summary",
        "Introduction",
        "Opening Segment",
        "Progress made in the implementation of WSIS outcomes",
        "leT gaps, areas for continned focus and challenges including the digital divide",
        "Harnessing leT for development",
        "Conclusion",
    ]


def test_numbered_labels_in_document_order():
    labels = [u.label for u in units_of("001") if u.kind == "paragraph" and u.label[0].isdigit()]
    assert labels[:8] == ["1", "1bis", "2", "3", "4", "5", "6", "6bis"]
    assert labels[-8:] == ["20", "47bis", "47ter", "48", "49", "49bis.ALT", "55", "62"]
    assert [u.label for u in units_of("004") if u.kind == "paragraph"] == [str(n) for n in range(1, 78)]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_character_belongs_to_exactly_one_unit(path):
    source = path.read_text(encoding="utf-8")
    assert coverage_problems(source, parse(path.stem, source)) == []


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_text_is_the_spans_read_back(path):
    source = path.read_text(encoding="utf-8")
    units = parse(path.stem, source)
    for found in units:
        assert found.text == " ".join(collapse(source[s:e]) for s, e in found.spans)
        assert all(source[s:e] == source[s:e].strip() for s, e in found.spans)  # spans start and end on text
    assert len({u.label for u in units}) == len(units)  # labels are unique anchors
    assert [u.position for u in units] == list(range(len(units)))
