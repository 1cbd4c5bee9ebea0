"""The chat's compilation panel in a real browser: collect paragraphs from two answers, reorder, remove,
download the .docx and the .md, and find in them the index's own quotes and citations in the chosen order."""

import io
from pathlib import Path

import pytest
from conftest import needs_chromium
from docx import Document
from playwright.sync_api import expect

from rag import compilation

pytestmark = [pytest.mark.slow, needs_chromium]
ARTIFACTS = Path(__file__).parent / "artifacts"
OUTCOME = "004_7b6cb249c0a88164"


def ask(page, question: str, answers: int) -> None:
    page.fill("#wsis-question textarea", question)
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-chat .wsis-answer")).to_have_count(answers, timeout=30_000)


def add(page, answer: int, passage: int) -> None:
    page.locator(".wsis-answer").nth(answer).locator(".wsis-add").nth(passage).click()


def choose(page, citation: str) -> None:
    page.locator("#wsis-compilation-items label").filter(has_text=citation).click()


def downloaded(page, button: str) -> bytes:
    with page.expect_download() as download:
        page.locator(button).click()
    return Path(download.value.path()).read_bytes()


def test_collect_reorder_remove_and_export(browser, app_url, seed_index):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    outside = []
    page.on("request", lambda r: None if r.url.startswith((app_url, "data:", "blob:")) else outside.append(r.url))
    page.goto(app_url)
    listed = page.locator("#wsis-compilation-items label")
    ask(page, "gender digital divide", 1)
    add(page, 0, 0)  # para. 32
    add(page, 0, 1)  # para. 11
    add(page, 0, 0)  # para. 32 again: not a second time
    ask(page, "What is the working definition of Internet governance?", 2)
    add(page, 1, 0)  # para. 63
    para = {label: seed_index.paragraph(OUTCOME, label) for label in ("32", "11", "63")}
    expect(listed).to_have_text([compilation.summary(para[label]) for label in ("32", "11", "63")])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "compilation-1280.png")

    choose(page, "para. 63")
    page.locator("#wsis-compilation-up").click()  # 32, 63, 11
    expect(listed).to_have_text([compilation.summary(para[label]) for label in ("32", "63", "11")])
    choose(page, "para. 32")
    page.locator("#wsis-compilation-down").click()  # 63, 32, 11
    expect(listed).to_have_text([compilation.summary(para[label]) for label in ("63", "32", "11")])
    choose(page, "para. 11")
    page.locator("#wsis-compilation-remove").click()  # 63, 32
    chosen = [para["63"], para["32"]]
    expect(listed).to_have_text([compilation.summary(p) for p in chosen])

    document = Document(io.BytesIO(downloaded(page, "#wsis-export-docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert [text for style, text in paragraphs if style == "Quote"] == [p.text for p in chosen]
    assert [text.split("\n")[0] for style, text in paragraphs if style == "Citation"] == [
        "WSIS+10 outcome document (draft), para. 63",
        "WSIS+10 outcome document (draft), para. 32",
    ]
    assert paragraphs[0] == ("Title", "Compilation of agreed language")
    assert downloaded(page, "#wsis-export-md").decode("utf-8") == compilation.to_markdown(chosen)
    assert outside == []
    page.close()


def test_each_browser_session_has_its_own_compilation(browser, app_url):
    first, second = browser.new_page(), browser.new_page()
    first.goto(app_url)
    ask(first, "gender digital divide", 1)
    add(first, 0, 0)
    expect(first.locator("#wsis-compilation-items label")).to_have_count(1)
    second.goto(app_url)
    expect(second.locator("#wsis-compilation-items")).to_contain_text("Collect paragraphs here")
    assert second.locator("#wsis-compilation-items label").count() == 0
    assert second.locator("#wsis-export-docx").is_disabled() and second.locator("#wsis-compilation-up").is_disabled()
    first.close()
    second.close()


def test_adds_pressed_in_quick_succession_all_arrive(browser, app_url):
    """Three Add buttons pressed within a few milliseconds: each paragraph reaches the compilation, once."""
    page = browser.new_page()
    page.goto(app_url)
    ask(page, "gender digital divide", 1)
    page.evaluate("() => document.querySelectorAll('.wsis-add').forEach((b, i) => { if (i < 3) b.click(); })")
    expect(page.locator("#wsis-compilation-items label")).to_have_count(3, timeout=15_000)
    page.close()
