from rag.ingest.markers import classify


def test_paragraph_numbers_in_their_printed_forms():
    cases = {
        "12. We acknowledge": "12",
        "- 12. We acknowledge": "12",
        "6bis. *Recalls* that": "6bis",
        "16ter. We further": "16ter",
        "16bis Reaffirming the commitment": "16bis",
        "20 quater Encourages WSIS": "20 quater",
        "20sexies Reiterates importance": "20sexies",
        "Ibis Recognizes the value": "1bis",
        "43.ALT *Calls upon*": "43.ALT",
        "49bis.ALT *Recalls*": "49bis.ALT",
        "3) Another numbering": "3",
    }
    for line, label in cases.items():
        marker = classify(line)
        assert (marker.kind, marker.value) == ("number", label), line


def test_things_that_are_not_paragraph_numbers():
    assert classify("15 April 2024").kind == "text"
    assert classify("2016/... **Assessment of the progress**").kind == "text"
    assert classify("Ibis is a bird").kind == "text"
    assert classify("*Notes* the ongoing").kind == "text"


def test_sections_letters_bullets_footnotes_headings():
    assert (classify("1.1 Bridging Digital Divides").kind, classify("1.1 Bridging Digital Divides").level) == (
        "section",
        2,
    )
    assert classify("4.1. Enhanced Cooperation").value == "4.1"
    assert (classify("(d) Encourages the").kind, classify("(d) Encourages the").value) == ("letter", "d")
    assert classify("  - a. the growing need".strip()).value == "a"
    assert classify("- a) continued efforts").bullet_end == 2
    assert classify("\uf0b7 One primary challenge").kind == "bullet"
    assert (classify("¹ See [A/60/687](#)").kind, classify("¹ See [A/60/687](#)").value) == ("footnote", "1")
    assert classify("<sup>10</sup> [https://unctad.org]").value == "10"
    assert classify("#### *Timetable*").level == 4
    assert classify("---").kind == "rule"
