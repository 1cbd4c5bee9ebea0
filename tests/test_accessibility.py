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


def tab_to(page, selector: str, key: str = "Tab", limit: int = 80) -> int:
    """Press Tab (or `key`) until the focus is on an element matching `selector`; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} is not reached with {limit} presses of {key}")


def focus_shows(page) -> bool:
    """The focused element draws an outline (style.css gives one to every control, Gradio's included)."""
    style = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle, getComputedStyle(document.activeElement).outlineWidth]"
    )
    return style[0] != "none" and style[1] != "0px"


def test_a_keyboard_alone_asks_copies_compiles_and_exports(browser, app_url, seed_index):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#wsis-question textarea")
    box = page.locator("#wsis-question textarea")
    tab_to(page, ".wsis-example")  # an example question, taken into the box, the focus with it
    assert focus_shows(page)
    example = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(box).to_be_focused()
    expect(box).to_have_value(example)
    page.keyboard.press("Control+A")
    page.keyboard.type("gender digital divide")

    tab_to(page, "#wsis-documents input[type=checkbox]")  # a filter, off and on again
    assert focus_shows(page)
    first_document = page.locator("#wsis-documents input[type=checkbox]").first
    page.keyboard.press("Space")
    expect(first_document).not_to_be_checked()
    page.keyboard.press("Space")
    expect(first_document).to_be_checked()
    tab_to(page, "#wsis-k input[type=number]")  # the passages box says its limit where a number passes it
    assert focus_shows(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("50")
    expect(page.locator("#wsis-k-hint")).to_have_text("At most 10 passages per answer: 10 will be shown.")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    expect(page.locator("#wsis-k-hint")).to_have_text("")

    tab_to(page, "#wsis-question textarea", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-chat .wsis-answer")).to_have_count(1, timeout=30_000)
    expect(page.locator("#wsis-live")).to_have_text("Answer: 5 passages from 3 documents")  # said once
    passages = seed_index.answer("gender digital divide").passages

    tab_to(page, ".wsis-copy")  # the first passage's Copy, its outline showing where the keyboard is
    assert focus_shows(page)
    page.keyboard.press("Enter")
    expect(page.locator(".wsis-copy").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == passages[0].quote_with_citation()
    tab_to(page, ".wsis-copy-full")
    page.keyboard.press("Enter")
    expect(page.locator(".wsis-copy-full").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == passages[0].quote_with_citation("full")

    for _ in passages[:2]:  # the first two passages into the compilation
        tab_to(page, ".wsis-add")
        assert focus_shows(page)
        page.keyboard.press("Enter")
    items = page.locator("#wsis-compilation-items label")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(passages[0].citation)
    tab_to(page, "#wsis-compilation-items input[type=radio]")  # the first chosen, moved down, then removed
    assert focus_shows(page)
    page.keyboard.press("Space")
    expect(page.locator("#wsis-compilation-items input[type=radio]").first).to_be_checked()
    tab_to(page, "#wsis-compilation-down")
    assert focus_shows(page)
    page.keyboard.press("Enter")
    expect(items.first).to_contain_text(passages[1].citation)
    tab_to(page, "#wsis-compilation-remove")
    assert focus_shows(page)
    page.keyboard.press("Enter")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(passages[1].citation)

    tab_to(page, "#wsis-export-docx")
    assert focus_shows(page)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".docx")
    context.close()


def test_on_a_phone_the_compilation_comes_under_the_question_once_it_holds_a_paragraph(browser, app_url):
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(app_url)
    page.wait_for_selector("#wsis-question textarea")

    def top(selector: str) -> float:
        return page.locator(selector).first.bounding_box()["y"]

    assert top("#wsis-documents") < top("#wsis-examples") < top("#wsis-compilation")  # empty: last
    ask(page, "gender digital divide")
    page.locator(".wsis-add").first.click()
    expect(page.locator("#wsis-compilation-items label")).to_have_count(1)
    assert top("#wsis-question") < top("#wsis-compilation") < top("#wsis-documents") < top("#wsis-examples")
    page.close()
