"""The `rag` command, run in-process against the session's seed index ($RAG_INDEX)."""

import io
import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.integrations.results import PassageResult
from rag.store import files


@pytest.fixture(autouse=True)
def built(seed_index):
    """The default index is the session's seed index, so `rag ask` loads it instead of building."""
    return seed_index


def test_ask_prints_quotes_with_citations(capsys):
    assert main(["ask", "What is the working definition of Internet governance?", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. WSIS+10 outcome document (draft), para. 63 · 4. Internet Governance  [")
    assert "  > 63. We reiterate the working definition of Internet governance set out in paragraph 34" in out
    assert "/source/004_7b6cb249c0a88164#p-63" in out
    assert "\n2. " in out and "\n3. " not in out


K_MESSAGE = "k, the number of passages, must be a whole number from 1 to 50"


def test_ask_json_for_scripts(capsys):
    assert (
        main(["ask", "enhanced cooperation working group", "--json", "-k", "3", "--doc", "001_0e57f4d588244c4d"]) == 0
    )
    result = json.loads(capsys.readouterr().out)  # the JSON of REST, MCP and the Gradio API
    assert (result["question"], result["answered"], len(result["passages"])) == (
        "enhanced cooperation working group",
        True,
        3,
    )
    assert {p["document"] for p in result["passages"]} == {"001_0e57f4d588244c4d"}
    assert set(result["passages"][0]) == set(PassageResult.model_fields)


def test_ask_in_documents_named_by_name(capsys):
    named = ["--doc", "WSIS+10 outcome document", "--doc", "ECOSOC draft resolution"]
    assert main(["ask", "gender", "--json", "-k", "2", *named]) == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    assert {p["document"] for p in passages} <= {"004_7b6cb249c0a88164", "001_0e57f4d588244c4d"} and len(passages) == 2


def test_ask_says_why_it_has_no_answer_and_that_the_passages_are_only_near(capsys):
    assert main(["ask", "What does para 99 of the outcome document say?", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77.\n"
        "Nearest passages (weak matches):\n1. "
    )
    assert main(["ask", "Who won the 2022 FIFA World Cup final?", "-k", "1"]) == 0
    assert capsys.readouterr().out.startswith(
        "No passage in these documents answers this question.\n"
        "The documents searched never use “won”, “FIFA” or “Cup”.\n"
        "None of the passages shown has “2022”, “World” or “final”.\n"
        "Nearest passages (weak matches):\n1. "
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "   "], "rag: The question is empty"),
        (
            ["ask", "gender", "-k", "0"],
            "rag: k, the number of passages, must be a whole number from 1 to 50 (got 0).\n",
        ),
        (
            ["ask", "gender", "-k", "x"],
            "rag: k, the number of passages, must be a whole number from 1 to 50 (got 'x').\n",
        ),
        (
            ["ask", "gender", "--doc", "nope"],
            "rag: No document named 'nope' is indexed. Documents: CSTD Informal Note 2024; ECOSOC draft resolution "
            "(advance unedited version, 2016); Executive Summary; President's Summary; WSIS+10 outcome document "
            "(draft).\n",
        ),
        (
            ["ask", "gender", "--doc", "A/RES/70/125"],  # the adopted text is not held: its draft is no stand-in
            "rag: A/RES/70/125 is not among the documents searched; WSIS+10 outcome document (draft) is an earlier "
            "draft of it, which numbers its paragraphs differently.",
        ),
    ],
)
def test_bad_input_gets_a_message_and_exit_code_2(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and "Traceback" not in captured.err and captured.out == ""


def test_missing_documents_folder_exit_code_1(capsys, tmp_path):
    assert main(["ask", "gender", "--docs", str(tmp_path / "nowhere"), "--index", str(tmp_path / "ix")]) == 1
    assert "No documents folder at" in capsys.readouterr().err


def test_build_reports_up_to_date_and_builds_a_users_folder(capsys, tmp_path):
    assert main(["build"]) == 0
    assert "is up to date" in capsys.readouterr().out
    docs = tmp_path / "mine"
    docs.mkdir()
    (docs / "notes.md").write_text("# My notes\n\n1. Broadband reaches every school by 2030.\n")
    assert main(["build", "--docs", str(docs), "--index", str(tmp_path / "ix")]) == 0  # chunk = sentence: one text
    assert (
        "Indexed 1 document: 2 units, 1 chunks, 1 sentences (1 texts embedded, 0 reused) in" in capsys.readouterr().out
    )
    assert main(["ask", "schools", "--docs", str(docs), "--index", str(tmp_path / "ix"), "-k", "1"]) == 0
    assert "1. My notes, para. 1" in capsys.readouterr().out


def test_build_keeps_the_faiss_index_type_asked_for(capsys, tmp_path):
    docs, folder = tmp_path / "mine", tmp_path / "ix"
    docs.mkdir()
    (docs / "notes.md").write_text("# My notes\n\n1. Broadband reaches every school by 2030.\n\n2. Libraries too.\n")
    assert main(["build", "--docs", str(docs), "--index", str(folder), "--dense-index", "ivf"]) == 0
    assert files.read_manifest(files.live_build(folder))["dense"]["dense"]["type"] == "IVF,SQ8"
    assert main(["build", "--docs", str(docs), "--index", str(folder)]) == 0  # auto: whatever was built
    assert main(["build", "--docs", str(docs), "--index", str(folder), "--dense-index", "ivf"]) == 0
    assert capsys.readouterr().out.count("is up to date") == 2
    assert main(["build", "--docs", str(docs), "--index", str(folder), "--dense-index", "flat"]) == 0
    assert "Indexed 1 document" in capsys.readouterr().out
    assert files.read_manifest(files.live_build(folder))["dense"]["dense"]["type"] == "Flat"
    assert main(["ask", "libraries", "--docs", str(docs), "--index", str(folder), "-k", "1"]) == 0
    assert "Libraries too." in capsys.readouterr().out


EXAMPLE_DRAFT = "eval/precedents/example-draft.md"


def test_check_writes_json_and_a_docx_report(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    assert main(["check", EXAMPLE_DRAFT, "--format", "json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert [p["verdict"] for p in checked["paragraphs"]] == ["verbatim", "with changes", "with changes", "new"]
    report = tmp_path / "check.docx"
    assert main(["check", EXAMPLE_DRAFT, "--format", "docx", "--output", str(report)]) == 0
    assert capsys.readouterr().err == f"Wrote {report}.\n"
    assert report.read_bytes()[:2] == b"PK"  # a .docx is a zip


def test_check_against_one_document_and_from_stdin(capsys, monkeypatch):
    text = (Path(__file__).resolve().parent.parent / EXAMPLE_DRAFT).read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["check", "-", "--doc", "WSIS+10 outcome document", "--format", "json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["checked_against"] == 1 and checked["draft"]["name"] == "standard input"
    cited = {p["document_name"] for paragraph in checked["paragraphs"] for p in paragraph["precedents"]}
    assert cited == {"WSIS+10 outcome document"}  # the ECOSOC draft's twin is not searched


def test_check_says_why_a_file_is_no_draft(capsys, tmp_path):
    odd = tmp_path / "draft.xlsx"
    odd.write_bytes(b"x")
    assert main(["check", str(odd)]) == 1
    assert capsys.readouterr().err == (
        "rag: draft.xlsx is not a draft this can read: choose a .docx, .pdf, .txt, .md or .html file.\n"
    )
