"""WCAG 2.1 A and AA in a real browser: axe-core (the standard engine, as axe-playwright-python ships it) over
every state of the chat and over the source viewer, at a desktop's width and a phone's. A violation fails
the test with what axe says of each element."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import needs_chromium
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, needs_chromium]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
WIDTHS = (1280, 400)
OUTCOME = "004_7b6cb249c0a88164"


def violations(page) -> list[str]:
    """Each WCAG 2.1 A or AA violation axe finds on the page as it is, one line per element."""
    found = Axe().run(page, options={**WCAG_21_AA, "resultTypes": ["violations"]}).response["violations"]
    return [
        f"{rule['id']}: {node['target']} {(node.get('any') or node.get('all') or [{}])[0].get('message', '')}"
        for rule in found
        for node in rule["nodes"]
    ]


def ask(page, question: str) -> None:
    answers = page.locator("#wsis-chat .wsis-answer").count()
    page.fill("#wsis-question textarea", question)
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-chat .wsis-answer")).to_have_count(answers + 1, timeout=30_000)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_state_of_the_chat_meets_wcag_21_aa(browser, app_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(app_url)
    page.wait_for_selector("#wsis-question textarea")
    states = {"empty chat": violations(page)}
    for state, question in (
        ("an answer", "gender digital divide"),
        ("a paragraph the document lacks", "What does para 99 of the outcome document say?"),
        ("weak matches", "Who won the 2022 FIFA World Cup final?"),
        ("a quoted phrase in many paragraphs", '"multistakeholder"'),
        ("a refused question", "x " * 1001),
    ):
        ask(page, question)
        if state == "weak matches":  # shown folded: unfold them, so that they are checked too
            page.locator("#wsis-chat details").last.evaluate("details => { details.open = true; }")
        states[state] = violations(page)
    page.locator(".wsis-answer").first.locator(".wsis-add").first.click()
    page.locator(".wsis-answer").first.locator(".wsis-add").nth(1).click()
    expect(page.locator("#wsis-compilation-items label")).to_have_count(2)
    states["a compilation of two paragraphs"] = violations(page)
    page.close()
    assert {state: found for state, found in states.items() if found} == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_source_viewer_meets_wcag_21_aa(browser, app_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{app_url}/source/{OUTCOME}#p-32")
    assert violations(page) == []
    page.goto(f"{app_url}/source/no-such-document")
    assert violations(page) == []
    page.close()


def tab_to(page, selector: str, limit: int = 60) -> int:
    """Press Tab until the focus is on an element matching `selector`; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} is not reached with {limit} presses of Tab")


def test_a_keyboard_alone_asks_copies_compiles_and_exports(browser, app_url, seed_index):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#wsis-question textarea")
    tab_to(page, "#wsis-question textarea")
    page.keyboard.type("gender digital divide")
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-chat .wsis-answer")).to_have_count(1, timeout=30_000)
    expect(page.locator("#wsis-live")).to_have_text("Answer: 5 passages from 3 documents")  # said once

    tab_to(page, ".wsis-copy")  # the first passage's Copy, its outline showing where the keyboard is
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    first = seed_index.answer("gender digital divide").passages[0]
    expect(page.locator(".wsis-copy").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == first.quote_with_citation()

    tab_to(page, ".wsis-add")
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-compilation-items label")).to_have_count(1)
    tab_to(page, "#wsis-export-docx")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".docx")
    context.close()
