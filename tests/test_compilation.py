"""Compilations of agreed language (.docx and .md) over the real seed index, from the library and `rag ask`."""

import datetime
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from rag import compilation
from rag.citations import long_date
from rag.cli import main
from rag.integrations import tools
from rag.quote_text import plain_text
from rag.retrieval.index import Index

OUTCOME, ECOSOC, CSTD = "004_7b6cb249c0a88164", "001_0e57f4d588244c4d", "003_2acf0993792d3d8c"
DAY = datetime.date(2026, 12, 3)
GENDER = "gender digital divide"


@pytest.fixture(scope="module")
def passages(seed_index):
    """A numbered paragraph, a preambular one with a footnote, and a table."""
    return [seed_index.paragraph(OUTCOME, "32"), seed_index.paragraph(ECOSOC, "PP1"), seed_index.paragraph(CSTD, "u15")]


@pytest.fixture(scope="module")
def resolution(tmp_path_factory, embedder) -> Index:
    """A/RES/79/277 as published: a PDF whose footnote marks are digits printed flat ("2015,5 in which")."""
    docs = tmp_path_factory.mktemp("undocs")
    shutil.copy(Path(__file__).parent / "fixtures" / "undocs" / "A_RES_79_277.pdf", docs)
    return Index.open(docs, docs.parent / "undocs-index", embedder=embedder)


def reopened(data: bytes):
    document = Document(io.BytesIO(data))
    return document, [(p.style.name, p.text) for p in document.paragraphs]


def test_docx_holds_title_date_then_each_quote_with_its_citation(passages):
    outcome, ecosoc, table = passages
    document, paragraphs = reopened(compilation.to_docx(passages, date=DAY))
    assert paragraphs == [
        ("Title", "Compilation of agreed language"),
        ("Subtitle", "3 December 2026"),
        ("Quote", outcome.text),
        ("Citation", f"WSIS+10 outcome document (draft), para. 32\n{outcome.full_citation}"),
        ("Quote", "Recalling the outcome documents of the World Summit on the Information Society,1"),  # 1 raised
        ("Quote Footnote", "¹ See A/C.2/59/3 and A/60/687"),
        (
            "Citation",
            f"ECOSOC draft resolution (advance unedited version, 2016), preambular para. 1\n{ecosoc.full_citation}",
        ),
        ("Citation", f"CSTD Informal Note 2024, unnumbered para. 15\n{table.full_citation}"),
    ]
    assert outcome.full_citation == (
        "Outcome Document of the High-Level Meeting of the General Assembly on the Overall Review of the "
        "Implementation of WSIS Outcomes, draft of A/RES/70/125, which numbers its paragraphs differently, para. 32"
    )
    [word_table] = document.tables  # the table's cells as a Word table, between its quote's neighbours
    cells = [tuple(cell.text for cell in row.cells) for row in word_table.rows]
    assert cells[0] == ("April 2024", "Preliminary discussion at the 27th session of CSTD")
    assert table.rows[0][1] == "Preliminary discussion at the 27 <sup>th</sup> session of CSTD"
    assert cells == [tuple(plain_text(cell) for cell in row) for row in table.rows]
    assert [run.font.superscript for run in word_table.rows[0].cells[1].paragraphs[0].runs] == [None, True, None]
    body = [child.tag.rsplit("}", 1)[1] for child in document.element.body]
    assert body == ["p"] * 7 + ["tbl", "p", "sectPr"]
    assert document.core_properties.title == "Compilation of agreed language"


def test_markdown_quotes_verbatim_and_escapes_only_its_own_words(passages):
    outcome, ecosoc, table = passages
    assert compilation.to_markdown(passages, date=DAY) == (
        "# Compilation of agreed language\n\n3 December 2026\n\n"
        f"> {outcome.text}\n\n**WSIS+10 outcome document (draft), para. 32**\\\n{outcome.full_citation}\n\n"
        "> Recalling the outcome documents of the World Summit on the Information Society,¹\n\n"
        "> ¹ See [A/C.2/59/3](#) and [A/60/687](#)\n\n"
        "**ECOSOC draft resolution (advance unedited version, 2016), preambular para. 1**\\\n"
        f"{ecosoc.full_citation}\n\n"
        + "\n>\n".join("> " + "\t".join(cells) for cells in table.rows)
        + f"\n\n**CSTD Informal Note 2024, unnumbered para. 15**\\\n{table.full_citation}\n"
    )
    odd = replace(outcome, text="# 1. *Not* <b>a</b> [link](x)", citation="Notes_2 *draft*", full_citation="")
    assert compilation.to_markdown([odd], title="A <i>title</i>", date=DAY) == (
        "# A \\<i\\>title\\</i\\>\n\n3 December 2026\n\n> # 1. *Not* <b>a</b> [link](x)\n\n**Notes\\_2 \\*draft\\***\n"
    )


def formatted(paragraph) -> list[tuple[str, str]]:
    """A Word paragraph's runs, each with how it is set: "" (as the style has it), "italic", "bold", "sup"."""
    return [
        (run.text, " ".join(name for name, on in (("italic", run.italic), ("bold", run.bold),
                                                  ("sup", run.font.superscript)) if on))
        for run in paragraph.runs
    ]  # fmt: skip


def test_docx_sets_the_documents_italics_and_raises_footnote_marks(seed_index, resolution):
    recalls, noted = seed_index.paragraph(ECOSOC, "6"), seed_index.paragraph(CSTD, "u8")
    recalling = resolution.paragraph("A/RES/79/277", "PP2")
    assert recalls.text.startswith("6. *Recalls* General") and "2015,5 in which" in recalling.text
    document = Document(io.BytesIO(compilation.to_docx([recalls, noted, recalling], date=DAY)))
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert formatted(quotes[0]) == [("6. ", ""), ("Recalls", "italic"), (recalls.text.removeprefix("6. *Recalls*"), "")]
    assert [(text, how) for text, how in formatted(quotes[1]) if how] == [("th", "sup"), ("8", "sup"), ("th", "sup")]
    before, after = recalling.text.split("2015,5 in which")
    assert formatted(quotes[2]) == [(before + "2015,", ""), ("5", "sup"), (" in which" + after, "")]
    assert [p.text for p in document.paragraphs if p.style.name == "Quote Footnote"] == ["5 Resolution 70/125."]
    assert document.styles["Quote"].font.italic is False  # upright, so the document's own italics show
    written = "".join(p.text for p in document.paragraphs)
    assert "*" not in written and "<sup>" not in written and "](" not in written


def test_markdown_writes_a_flat_footnote_mark_as_a_superscript(resolution):
    recalling = resolution.paragraph("A/RES/79/277", "PP2")
    written = compilation.to_markdown([recalling], date=DAY)
    assert f"> {recalling.text.replace('2015,5 in which', '2015,<sup>5</sup> in which')}\n\n> 5 Resolution 70/125." in (
        written
    )


def test_the_order_is_kept_without_duplicates():
    a, b, c = (OUTCOME, "32"), (OUTCOME, "11"), (ECOSOC, "PP1")
    keys = compilation.added(compilation.added(compilation.added((), a), b), a)
    assert keys == (a, b)
    keys = compilation.added(keys, c)
    assert compilation.moved(keys, c, -1) == (a, c, b)
    assert compilation.moved(keys, a, -1) == (a, b, c)  # already first
    assert compilation.moved(keys, c, 1) == (a, b, c)  # already last
    assert compilation.moved(keys, (OUTCOME, "99"), 1) == keys
    assert compilation.removed(keys, b) == (a, c)


def test_a_list_entry_is_the_citation_then_the_start_of_the_quote(passages):
    assert compilation.summary(passages[0]) == (
        "WSIS+10 outcome document (draft), para. 32\n"
        "32. We emphasize our concern that only 41% of women have internet access and…"
    )
    assert compilation.file_name("docx", DAY) == "agreed-language-2026-12-03.docx"


def test_rag_ask_writes_a_docx_compilation_of_the_answer(seed_index, tmp_path, capsys):
    target = tmp_path / "gender.docx"
    assert main(["ask", GENDER, "--format", "docx", "--output", str(target)]) == 0
    assert capsys.readouterr().err == f"Wrote {target}.\n"
    expected = seed_index.answer(GENDER).passages
    _, paragraphs = reopened(target.read_bytes())
    assert paragraphs[:2] == [
        ("Title", "Compilation of agreed language"),
        ("Subtitle", long_date(datetime.date.today().isoformat())),
    ]
    assert [text for style, text in paragraphs if style == "Quote"] == [p.text for p in expected]
    assert [text.split("\n")[0] for style, text in paragraphs if style == "Citation"] == [p.citation for p in expected]


def test_rag_ask_prints_markdown_and_json(seed_index, capsys):
    assert main(["ask", GENDER, "-k", "2", "--format", "md"]) == 0
    expected = seed_index.answer(GENDER, k=2).passages
    assert capsys.readouterr().out == compilation.to_markdown(expected)
    assert main(["ask", GENDER, "-k", "2", "--format", "md", "--title", "Gender: elements for WSIS+20"]) == 0
    assert capsys.readouterr().out == compilation.to_markdown(expected, title="Gender: elements for WSIS+20")
    assert main(["ask", GENDER, "-k", "2", "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == tools.answer_result(seed_index.answer(GENDER, k=2))
    assert main(["ask", GENDER, "-k", "2", "--json"]) == 0  # the older spelling
    assert capsys.readouterr().out == printed


def test_weak_matches_are_never_written_as_agreed_language(tmp_path, capsys):
    target = tmp_path / "none.md"
    assert main(["ask", "Who won the 2022 FIFA World Cup final?", "--format", "md", "--output", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and not target.exists()
    said, refusal = captured.err.rstrip("\n").rsplit("\n", 1)
    assert said == "The documents searched never use “won”, “FIFA” or “Cup”.\nNone of the passages shown has “2022”."
    assert refusal.startswith("rag: No passage answers this question well enough, so no compilation was written")
