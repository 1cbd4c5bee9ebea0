"""The .docx and .html readers on real files written in tmp_path: seeds round-tripped through Word and HTML
come back as the same units, Word numbering and footnotes are written out, and bad files fail clearly."""

import html
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from rag.errors import DocumentsError
from rag.ingest.formats import read_document
from rag.ingest.formats.docx import read_docx
from rag.ingest.formats.html import read_html
from rag.ingest.formats.text import read_text_file
from rag.ingest.paragraphs import heading_title, parse

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROUND_TRIP_SEEDS = ["004_7b6cb249c0a88164.txt", "001_0e57f4d588244c4d.txt", "003_2acf0993792d3d8c.txt"]
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# "**bold**", "*italic*", "<sup>7</sup>": the light markup of the seeds, as formatted runs.
INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*|<sup>(?P<sup>.*?)</sup>")


def runs_of(text: str) -> list[tuple[str, str]]:
    """A unit's text as (text, format) pieces; format is "", "bold", "italic" or "sup"."""
    pieces, end = [], 0
    for match in INLINE.finditer(text):
        pieces.append((text[end : match.start()], ""))
        kind = match.lastgroup
        pieces.append((match[kind], kind))
        end = match.end()
    pieces.append((text[end:], ""))
    return [(words, kind) for words, kind in pieces if words]


def after_bullet(units, i: int) -> bool:
    """A seed paragraph written as a list item ("- 1. Recalling ..."): its bullet is a markup unit."""
    return i > 0 and units[i - 1].kind == "markup" and units[i - 1].text in ("-", "*", "•")


def write_docx(units, path: Path) -> Path:
    """A seed as Word writes it: heading styles, formatted runs, List Bullet items and real tables."""
    document = docx.Document()
    for i, unit in enumerate(units):
        if unit.kind == "heading":
            document.add_heading(heading_title(unit.text), level=max(unit.level, 1))
        elif unit.kind == "table":
            table = document.add_table(rows=len(unit.rows), cols=max(len(row) for row in unit.rows))
            for cells, row in zip(table.rows, unit.rows, strict=True):
                for cell, text in zip(cells.cells, row, strict=False):
                    add_runs(cell.paragraphs[0], text)
        elif unit.kind in ("paragraph", "item", "footnote"):
            add_runs(document.add_paragraph(style="List Bullet" if after_bullet(units, i) else None), unit.text)
    document.save(path)
    return path


def add_runs(paragraph, text: str) -> None:
    for words, kind in runs_of(text):
        run = paragraph.add_run(words)
        run.bold, run.italic = kind == "bold" or None, kind == "italic" or None
        run.font.superscript = kind == "sup" or None


def write_html(units, path: Path) -> Path:
    """A seed as a web page: h1-h6, em/strong/sup, ul items and tables."""
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>Seed</title></head><body><main>"]
    for i, unit in enumerate(units):
        if unit.kind == "heading":
            level = min(max(unit.level, 1), 6)
            parts.append(f"<h{level}>{html.escape(heading_title(unit.text))}</h{level}>")
        elif unit.kind == "table":
            rows = ("".join(f"<td>{html_runs(cell)}</td>" for cell in row) for row in unit.rows)
            parts.append("<table>" + "".join(f"<tr>{cells}</tr>" for cells in rows) + "</table>")
        elif unit.kind in ("paragraph", "item", "footnote"):
            body = html_runs(unit.text)
            parts.append(f"<ul><li>{body}</li></ul>" if after_bullet(units, i) else f"<p>{body}</p>")
    path.write_text("\n".join(parts) + "</main></body></html>", encoding="utf-8")
    return path


def html_runs(text: str) -> str:
    tags = {"": "", "bold": "strong", "italic": "em", "sup": "sup"}
    return "".join(
        f"<{tags[kind]}>{html.escape(words)}</{tags[kind]}>" if kind else html.escape(words)
        for words, kind in runs_of(text)
    )


BODY = ("paragraph", "item", "table", "footnote")


def body(units) -> list[tuple]:
    """What a reader must keep: each body unit's kind, label and text (a table's rows), in order."""
    return [(u.kind, u.label, u.rows if u.kind == "table" else u.text) for u in units if u.kind in BODY]


def headings(units) -> list[str]:
    return [heading_title(u.text) for u in units if u.kind == "heading"]


@pytest.mark.parametrize("name", ROUND_TRIP_SEEDS)
@pytest.mark.parametrize(
    ("suffix", "write", "read"),
    [(".docx", write_docx, read_docx), (".html", write_html, read_html)],
    ids=["docx", "html"],
)
def test_seed_round_trip(tmp_path, name, suffix, write, read):
    # Exact texts: the generators express all of these seeds' markup, so nothing needs stripping first.
    seed = parse(name, read_text_file(SEEDS / name).text)
    extracted = read(write(seed, tmp_path / f"seed{suffix}"))
    units = parse(name, extracted.text)
    assert extracted.stored is True
    assert extracted.pages == ()
    assert body(units) == body(seed)
    assert headings(units) == headings(seed)


def numbered_docx(path: Path, paragraphs: list[tuple[str, int, int]], levels: str) -> Path:
    """A document whose paragraphs carry (numId, ilvl) numbering from an abstract definition of `levels`."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    first_num.addprevious(parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride>'
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="91"><w:abstractNumId w:val="90"/>{restart}</w:num>'))
    for text, num_id, ilvl in paragraphs:
        num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = ilvl
        num_pr.get_or_add_numId().val = num_id
    document.save(path)
    return path


def level(ilvl: int, number_format: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def test_list_number_style_is_numbered(tmp_path):
    document = docx.Document()
    for text in ("Member States shall cooperate.", "The Forum meets every year.", "Reports are public."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Bulleted point, as a list item.", style="List Bullet")
    document.save(tmp_path / "list.docx")
    text = read_docx(tmp_path / "list.docx").text
    assert text == (
        "1. Member States shall cooperate.\n\n2. The Forum meets every year.\n\n3. Reports are public.\n\n"
        "- Bulleted point, as a list item.\n"
    )
    units = parse("list", text)
    assert [(u.kind, u.label) for u in units if u.kind != "markup"] == [
        ("paragraph", "1"),
        ("paragraph", "2"),
        ("paragraph", "3"),
        ("item", "u1"),
    ]


def test_nested_numbering_levels_and_restarts(tmp_path):
    levels = level(0, "decimal", "%1.") + level(1, "lowerLetter", "(%2)") + level(2, "lowerRoman", "(%3)")
    paragraphs = [
        ("Calls upon all stakeholders:", 90, 0),
        ("to share data;", 90, 1),
        ("to report on progress, including:", 90, 1),
        ("gender statistics;", 90, 2),
        ("regional figures;", 90, 2),
        ("Decides to remain seized of the matter.", 90, 0),
        ("to be restarted at (a) below a new number;", 90, 1),
        ("Requests a report, numbered from the override.", 91, 0),
    ]
    text = read_docx(numbered_docx(tmp_path / "nested.docx", paragraphs, levels)).text
    assert text.split("\n\n") == [
        "1. Calls upon all stakeholders:",
        "(a) to share data;",
        "(b) to report on progress, including:",
        "(i) gender statistics;",
        "(ii) regional figures;",
        "2. Decides to remain seized of the matter.",
        "(a) to be restarted at (a) below a new number;",
        "7. Requests a report, numbered from the override.\n",
    ]
    labels = [u.label for u in parse("nested", text)]
    assert labels == ["1", "1(a)", "1(b)", "1(i)", "1(ii)", "2", "2(a)", "7"]


def test_letter_format_follows_its_level_text(tmp_path):
    levels = level(0, "upperRoman", "%1.") + level(1, "lowerLetter", "%1.%2)", start=3) + level(2, "decimalZero", "%3")
    paragraphs = [("Introduction text.", 90, 0), ("A sub item.", 90, 1), ("Deeper.", 90, 2), ("Two.", 90, 0)]
    text = read_docx(numbered_docx(tmp_path / "letters.docx", paragraphs, levels)).text
    assert text.split("\n\n") == ["I. Introduction text.", "I.c) A sub item.", "01 Deeper.", "II. Two.\n"]


FOOTNOTES_XML = f"""<w:footnotes {W_NS}>
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>
<w:r><w:t xml:space="preserve"> See </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>A/60/687</w:t></w:r>
<w:r><w:t>.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>Resolution 70/125.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def footnote_reference(note_id: int):
    return parse_xml(
        f'<w:r {W_NS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def test_footnotes_follow_the_body_numbered_by_reference(tmp_path):
    document = docx.Document()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, FOOTNOTES_XML.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph = document.add_paragraph("Recalling the outcome of the overall review,")
    paragraph._p.append(footnote_reference(2))  # referenced first, so it is note 1 to the reader
    paragraph.add_run(" and the Tunis Agenda for the Information Society,")
    paragraph._p.append(footnote_reference(1))
    document.add_paragraph("Welcomes the progress made since 2005.")
    document.save(tmp_path / "notes.docx")
    text = read_docx(tmp_path / "notes.docx").text
    assert text == (
        "Recalling the outcome of the overall review,<sup>1</sup> and the Tunis Agenda for the Information "
        "Society,<sup>2</sup>\n\nWelcomes the progress made since 2005.\n\n---\n\n"
        "<sup>1</sup> Resolution 70/125.\n\n<sup>2</sup> See *A/60/687*.\n"
    )
    units = parse("notes", text)
    assert [(u.kind, u.label, u.text) for u in units if u.kind in ("footnote", "paragraph")] == [
        (
            "paragraph",
            "¶1",
            "Recalling the outcome of the overall review,<sup>1</sup> and the Tunis Agenda for the "
            "Information Society,<sup>2</sup>",
        ),
        ("paragraph", "¶2", "Welcomes the progress made since 2005."),
        ("footnote", "fn1", "<sup>1</sup> Resolution 70/125."),
        ("footnote", "fn2", "<sup>2</sup> See *A/60/687*."),
    ]


def test_docx_runs_tables_and_order(tmp_path):
    document = docx.Document()
    document.add_heading("Enabling environment", level=2)
    paragraph = document.add_paragraph("12. ")
    runs = (("Calls ", True, None), ("upon", True, None), (" all ", None, None), ("States", None, True))
    for words, italic, bold in runs:
        run = paragraph.add_run(words)
        run.italic, run.bold = italic, bold
    paragraph.add_run("\tto act").add_break()
    paragraph.add_run("now.  ")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("Region", "Users\t(%)", "Africa", "  33 "), strict=True):
        cell.text = text
    document.add_paragraph("")
    document.add_paragraph("After the table.")
    document.save(tmp_path / "runs.docx")
    text = read_docx(tmp_path / "runs.docx").text
    assert text == (
        "## Enabling environment\n\n12. *Calls upon* all **States** to act now.\n\n"
        "Region\tUsers (%)\nAfrica\t33\n\nAfter the table.\n"
    )
    units = parse("runs", text)
    assert [(u.kind, u.label, u.rows) for u in units] == [
        ("heading", "h1", ()),
        ("paragraph", "12", ()),
        ("table", "u1", (("Region", "Users (%)"), ("Africa", "33"))),
        ("paragraph", "u2", ()),
    ]


def test_word_markup_that_is_not_read(tmp_path):
    """Content controls are read; hidden and deleted text, field codes and text boxes are not."""
    document = docx.Document()
    body = [
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Inside a content control.</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        '<w:p><w:r><w:t xml:space="preserve">Visible </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden </w:t>'
        "</w:r><w:del><w:r><w:delText>deleted </w:delText></w:r></w:del><w:ins><w:r><w:t>inserted</w:t></w:r></w:ins>"
        '<w:hyperlink><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> link</w:t></w:r></w:hyperlink>'
        "<w:r><w:rPr><w:i/></w:rPr><w:t>ed</w:t></w:r><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>",
        "<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>Text box</w:t></w:r></w:p>"
        '</w:txbxContent></w:drawing></w:r><w:r><w:t xml:space="preserve"> after.</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>A title</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>'
        "<w:r><w:t>Numbering switched off.</w:t></w:r></w:p>",
    ]
    for xml in body:
        document.element.body[-1].addprevious(parse_xml(with_namespace(xml)))  # before the section properties
    document.save(tmp_path / "markup.docx")
    assert read_docx(tmp_path / "markup.docx").text == (
        "Inside a content control.\n\nVisible inserted *linked*\n\nAnchor after.\n\n# A title\n\n"
        "Numbering switched off.\n"
    )


def with_namespace(xml: str) -> str:
    """The first element of a WordprocessingML snippet, declaring the w: namespace."""
    name_end = re.search(r"[ />]", xml[1:]).start() + 1
    return xml[:name_end] + " " + W_NS + xml[name_end:]


def test_bullet_items_stay_apart(tmp_path):
    """Lower-case items after "; and" would read as one paragraph cut by a page break if a blank line
    stood between them, so consecutive bullets are written on consecutive lines."""
    items = ("to share data; and", "to report on progress.")
    document = docx.Document()
    for item in items:
        document.add_paragraph(item, style="List Bullet")
    document.save(tmp_path / "bullets.docx")
    page = tmp_path / "bullets.html"
    page.write_text("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>", encoding="utf-8")
    for path in (tmp_path / "bullets.docx", page):
        text = read_document(path).text
        assert text == "- to share data; and\n- to report on progress.\n"
        assert [(u.kind, u.text) for u in parse("bullets", text) if u.kind == "item"] == [
            ("item", "to share data; and"),
            ("item", "to report on progress."),
        ]


def test_html_keeps_the_main_content(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        """<html><head><title>WSIS</title><style>p {color: red}</style><script>track()</script></head><body>
        <header><h1>UN site</h1></header><nav><ul><li>Home</li></ul></nav>
        <div>Outside main.</div>
        <main><h2>Outcome <em>document</em></h2>
          <div>Loose text sits in the division, before its paragraph.
            <p>6. We <strong>reaffirm</strong> the <em>WSIS</em><em> vision</em>.<sup>3</sup><br>Second line.</p>
          </div>
          <aside>Related links</aside>
          <ol start="3" type="a"><li>first item;</li><li><p>second item.</p></li></ol>
          <ol type="I"><li>Roman one.</li><li>Roman two.</li></ol>
          <ul><li>A bullet.</li></ul>
          <table><caption>Users</caption><tr><th>Region</th><th>Share</th></tr><tr><td>Africa</td><td>33 %</td></tr>
          </table>
          <form><input value="search"></form>
        </main>
        <footer>Contact us</footer></body></html>""",
        encoding="utf-8",
    )
    text = read_html(page).text
    assert text.split("\n\n") == [
        "## Outcome *document*",
        "Loose text sits in the division, before its paragraph.",
        "6. We **reaffirm** the *WSIS vision*.<sup>3</sup> Second line.",
        "c. first item;",
        "d. second item.",
        "I. Roman one.",
        "II. Roman two.",
        "- A bullet.",
        "Users",
        "Region\tShare\nAfrica\t33 %\n",
    ]
    units = parse("page", text)
    assert [(u.kind, u.label) for u in units if u.kind != "markup"] == [
        ("heading", "h1"),
        ("paragraph", "u1"),
        ("paragraph", "6"),
        ("item", "6(c)"),
        ("item", "6(d)"),
        ("paragraph", "u2"),
        ("paragraph", "u3"),
        ("item", "u4"),
        ("heading", "h2"),  # the caption
        ("table", "u5"),
    ]


def test_hostile_html_is_only_text(tmp_path):
    page = tmp_path / "hostile.htm"
    page.write_text(
        "<body><script>alert(1)</script><p>Safe <img src=x onerror=alert(2)>text"
        "<iframe src='javascript:alert(3)'></iframe><svg onload=alert(4)><text>svg</text></svg></p>"
        "<template><p>hidden</p></template><noscript>Enable JS</noscript><p hidden>Hidden.</p>"
        "<p>&lt;script&gt; shown as text</p><!-- <p>comment</p> --></body>",
        encoding="utf-8",
    )
    assert read_document(page).text == "Safe text\n\n<script> shown as text\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bytes(range(256)) * 8, "it is not a zip package"),
        (b"", "the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "password-protected"),
        (None, "holds no Word document"),
    ],
    ids=["random-bytes", "empty", "encrypted", "zip-without-word"],
)
def test_unreadable_docx_names_the_file(tmp_path, data, reason):
    path = tmp_path / "broken report.docx"
    if data is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notes.txt", "not a Word document")
    else:
        path.write_bytes(data)
    with pytest.raises(DocumentsError, match=re.escape("broken report.docx is not a readable Word .docx file")) as err:
        read_document(path)
    assert reason in str(err.value)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (
            '<meta charset="windows-1251"><p>Всемирная встреча на высшем уровне</p>'.encode("cp1251"),
            "Всемирная встреча на высшем уровне\n",
        ),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>世界情報社会サミット</p>'.encode(
                "shift_jis"
            ),
            "世界情報社会サミット\n",
        ),
        ('<meta charset="iso-8859-1"><p>“Tunis” Agenda – 2005</p>'.encode("cp1252"), "“Tunis” Agenda – 2005\n"),
        (
            "\ufeff<p>Sommet mondial sur la société de l’information</p>".encode("utf-16-le"),
            "Sommet mondial sur la société de l’information\n",
        ),
        (b"<p>Undeclared caf\xe9 bytes</p>", "Undeclared caf\ufffd bytes\n"),
        (b'<meta charset="no-such-codec"><p>Plain</p>', "Plain\n"),
    ],
    ids=["cp1251", "shift-jis", "latin1-means-cp1252", "utf16-bom", "undeclared-invalid", "unknown-charset"],
)
def test_html_encodings(tmp_path, data, text):
    page = tmp_path / "encoded.html"
    page.write_bytes(data)
    assert read_html(page).text == text
