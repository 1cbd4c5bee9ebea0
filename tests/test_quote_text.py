"""A quote's markup read as runs and as plain text: on the seeds' own markup (*Recalls*, 27<sup>th</sup>,
[A/60/687](#)) and on a real PDF whose footnote mark is printed flat ("15 and 16 December 2015,5 in which")."""

import re
from html.parser import HTMLParser
from pathlib import Path

from rag.ingest.formats import read_document
from rag.ingest.paragraphs import parse
from rag.integrations import tools
from rag.quote_text import plain_text, raise_marks, runs
from ui.render import inline

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
UNDOCS = Path(__file__).resolve().parent / "fixtures" / "undocs"
OUTCOME, ECOSOC, CSTD = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d", "003_2acf0993792d3d8c"
MARKUP = re.compile(r"\*|<sup>|</sup>|\]\(|<https?:")
ITALIC, BOLD, SUP, NONE = frozenset({"italic"}), frozenset({"bold"}), frozenset({"sup"}), frozenset()


def seed_unit(doc_id: str, label: str):
    return next(u for u in parse(doc_id, read_document(SEEDS / f"{doc_id}.txt").text) if u.label == label)


def resolution_unit(label: str):
    return next(u for u in parse("A_RES_79_277", read_document(UNDOCS / "A_RES_79_277.pdf").text) if u.label == label)


def test_runs_carry_the_formats_and_drop_the_markup_characters():
    assert runs("6. *Recalls* the **Geneva** 27 <sup>th</sup> session, see [A/60/687](#) \\_x") == [
        ("6. ", NONE),
        ("Recalls", ITALIC),
        (" the ", NONE),
        ("Geneva", BOLD),
        (" 27", NONE),  # the space before a superscript goes, as in print
        ("th", SUP),
        (" session, see A/60/687 _x", NONE),
    ]
    assert runs("*goals.<sup>1</sup>*") == [("goals.", ITALIC), ("1", ITALIC | SUP)]
    assert runs("on the issue,⁵ and 2015,5 in", ((13, 14), (24, 25))) == [
        ("on the issue,", NONE),
        ("5", SUP),
        (" and 2015,", NONE),
        ("5", SUP),
        (" in", NONE),
    ]


def test_plain_text_of_the_seeds_markup():
    assert plain_text(seed_unit(ECOSOC, "6").text) == (
        "6. Recalls General Assembly resolution 60/252 of 27 March 2006, in which the Assembly requested the "
        "Council to oversee the system-wide follow-up to the Geneva and Tunis outcomes of the World Summit;"
    )
    assert plain_text(seed_unit(ECOSOC, "fn1").text) == "¹ See A/C.2/59/3 and A/60/687"
    assert plain_text(seed_unit(CSTD, "u12").text) == (
        "An open invitation to contribute inputs to the review was published through an online questionnaire, "
        "available through the UNCTAD and ITU websites.⁹ A total of 148 submissions had been received to this "
        "questionnaire by the end of March 2024."
    )
    assert plain_text(seed_unit(CSTD, "u9").text) == (
        "This paper reports on developments since the 26th session, outlines the plan of work now proposed for "
        "implementation between the 27th and 28th sessions and, in an annex, summarises findings from the initial "
        "online consultation phase."
    )
    table = seed_unit(CSTD, "u15")
    assert table.rows[0] == ("April 2024", "Preliminary discussion at the 27 <sup>th</sup> session of CSTD")
    assert plain_text(table.rows[0][1]) == "Preliminary discussion at the 27th session of CSTD"
    assert plain_text(seed_unit(CSTD, "fn5").text) == (
        "⁵ https://unctad.org/publication/implementing-wsis-outcomes-ten-year-review"
    )


def test_text_without_markup_comes_back_unchanged():
    units = parse(OUTCOME, read_document(SEEDS / f"{OUTCOME}.txt").text)
    assert [u.label for u in units if plain_text(u.text, u.marks) != u.text] == []
    assert plain_text("2*3*4 = 24, a * b, \\ and 5 <sup> alone") == "2*3*4 = 24, a * b, \\ and 5 <sup> alone"


def test_a_footnote_mark_a_pdf_prints_flat_is_found_and_raised():
    recalling = resolution_unit("PP2")
    start = recalling.text.index("December 2015,5 in which") + len("December 2015,")
    assert recalling.notes == ("fn5",)
    assert recalling.marks == ((start, start + 1),)
    assert plain_text(recalling.text, recalling.marks) == (
        "Recalling also the outcome document of the high-level meeting of the General Assembly on the overall "
        "review of the implementation of the outcomes of the World Summit on the Information Society, held in New "
        "York on 15 and 16 December 2015,⁵ in which the General Assembly was requested to undertake the overall "
        "review of the implementation of the outcomes of the World Summit on the Information Society in 2025, and "
        "in this regard reaffirming the centrality of the General Assembly to this process,"
    )
    first = resolution_unit("PP1")  # four marks, three of them after a space: "2003, 1 and"
    assert [first.text[s:e] for s, e in first.marks] == ["1", "2", "3", "4"]
    assert "December 2003,¹ and endorsed by the General Assembly,² and" in plain_text(first.text, first.marks)
    assert plain_text(first.text, first.marks).endswith("November 2005,³ and endorsed by the Assembly,⁴")


def test_raise_marks_writes_flat_marks_as_markup_and_moves_ranges():
    text = "in 2015,5 in which,⁵ and"
    assert raise_marks(text, ((8, 9), (18, 19)), ((0, 2), (8, 9), (10, 12))) == (
        "in 2015,<sup>5</sup> in which,⁵ and",
        ((0, 2), (8, 20), (21, 23)),
    )
    assert raise_marks(text, ()) == (text, ())


class _Runs(HTMLParser):
    """The chat's HTML read back as runs: what the chat shows, in what formats."""

    TAGS = {"em": "italic", "strong": "bold", "sup": "sup"}

    def __init__(self, markup: str):
        super().__init__()
        self.open: list[str] = []
        self.found: list[tuple[str, frozenset[str]]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        formats = frozenset(self.TAGS[tag] for tag in self.open if tag in self.TAGS)
        if self.found and self.found[-1][1] == formats:
            self.found[-1] = (self.found[-1][0] + data, formats)
        else:
            self.found.append((data, formats))


def test_the_reading_is_the_chats_on_every_seed_paragraph():
    units = [u for path in sorted(SEEDS.glob("*.txt")) for u in parse(path.stem, read_document(path).text)]
    texts = [u.text for u in units if u.kind != "markup"]  # not a stray "*" left where a page broke
    texts += [cell for u in parse(CSTD, read_document(SEEDS / f"{CSTD}.txt").text) for row in u.rows for cell in row]
    differ = [t for t in texts if runs(t) != _Runs(inline(re.sub(r"\s+(?=<sup>)", "", t))).found]
    assert differ == []
    assert sum(1 for t in texts if MARKUP.search(t)) > 50  # the comparison covers the seeds' markup
    assert [t for t in texts if MARKUP.search(plain_text(t))] == []


def test_a_passage_keeps_its_verbatim_quote_with_the_plain_text_beside_it(seed_index):
    recalls = seed_index.paragraph(ECOSOC, "6")
    assert recalls.text.startswith("6. *Recalls* General Assembly resolution 60/252")
    assert recalls.plain_text == plain_text(recalls.text)
    assert recalls.to_dict()["text"] == recalls.text and recalls.to_dict()["plain_text"] == recalls.plain_text
    result = tools.passage_result(recalls)
    assert (result["quote"], result["plain_quote"]) == (recalls.text, plain_text(recalls.text))
    marked = seed_index.paragraph(ECOSOC, "PP1")  # its mark kept through units.jsonl
    assert (marked.marks, marked.to_dict()["marks"]) == (((79, 80),), [[79, 80]])
    assert marked.text[79:80] == "¹"
