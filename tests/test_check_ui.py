"""The "Check a draft" view in a real browser, over the seed index: a draft made of real paragraphs with known
edits, pasted or chosen as a file, comes back paragraph by paragraph with its verdicts, its changes and its
precedents; the downloads are the library's own exports; bad input gets the library's message; the view
meets WCAG 2.1 AA and works from the keyboard alone."""

import io
import json
import re
from pathlib import Path

import pytest
from conftest import needs_chromium
from docx import Document
from playwright.sync_api import expect
from test_accessibility import focus_shows, tab_to, violations
from test_hostile_ui import PAYLOADS

from rag import QueryError, compilation
from rag.integrations import tools
from rag.precedents import export
from rag.precedents.check import VERDICTS, check_draft
from rag.precedents.compare import body_start
from rag.precedents.draft import draft_from_text
from ui.check_render import paragraph_html

pytestmark = [pytest.mark.slow, needs_chromium]
ARTIFACTS = Path(__file__).parent / "artifacts"
OUTCOME = "004_7b6cb249c0a88164"
NEW_PARAGRAPH = (
    "Invites the moon rover consortium to paint every lunar crater in bright municipal colours before the "
    "third carnival of underwater kites;"
)
BADGES = [VERDICTS[v] for v in ("verbatim", "with changes", "partly agreed", "new")]
SUMMARY = "Checked: 4 paragraphs against 5 documents: 1 verbatim, 1 with changes, 1 partly agreed, 1 new."


@pytest.fixture(scope="module")
def draft(seed_index) -> str:
    """Four paragraphs, one of each verdict: para. 33 word for word; para. 32 with "We emphasize" made "We
    note"; para. 32's first sentence followed by new wording; a paragraph made up."""

    def body(label: str) -> str:
        text = seed_index.paragraph(OUTCOME, label).text
        return text[body_start(text) :]

    first_sentence = body("32").split(". ")[0] + "."
    paragraphs = (body("33"), body("32").replace("We emphasize", "We note"), f"{first_sentence} {NEW_PARAGRAPH}")
    return "\n\n".join(f"{n}. {p}" for n, p in enumerate((*paragraphs, NEW_PARAGRAPH), 1))


def open_view(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Check a draft").click()
    expect(page.locator("#wsis-draft textarea")).to_be_visible()


def check(page, text: str) -> None:
    page.fill("#wsis-draft textarea", text)
    page.locator("#wsis-check-button").click()
    expect(page.locator("#wsis-check-result .wsis-check")).to_be_visible(timeout=30_000)


def downloaded(page, button: str) -> bytes:
    with page.expect_download() as download:
        page.locator(button).click()
    return Path(download.value.path()).read_bytes()


def test_a_pasted_draft_comes_back_paragraph_by_paragraph(browser, app_url, seed_index, draft):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    outside = []
    page.on("request", lambda r: None if r.url.startswith((app_url, "data:", "blob:")) else outside.append(r.url))
    open_view(page, app_url)
    check(page, draft)
    blocks = page.locator(".wsis-checked")
    expect(blocks.locator(".wsis-badge")).to_have_text(BADGES)
    expect(page.locator(".wsis-check-summary")).to_have_text(SUMMARY)
    expect(page.locator("#wsis-live")).to_have_text(SUMMARY)  # said once to a screen reader
    verbatim, changed, partly, new = (blocks.nth(i) for i in range(4))

    cited = verbatim.locator(".wsis-precedent a")  # the best precedent, cited and linked to its place
    expect(cited).to_have_text("WSIS+10 outcome document (draft), para. 33")
    expect(cited).to_have_attribute("href", f"/source/{OUTCOME}#p-33")
    expect(changed.locator(".wsis-precedent a")).to_have_text("WSIS+10 outcome document (draft), para. 32")
    expect(changed.locator("del")).to_have_text(["emphasize"])  # the redline: what the draft drops, what it adds
    expect(changed.locator("ins")).to_have_text(["note"])
    expect(changed.locator("mark.wsis-new")).to_have_text("We note (new wording)")  # said in text too
    expect(partly.locator(".wsis-from a")).to_have_text("WSIS+10 outcome document (draft), para. 32")
    expect(partly.locator("mark.wsis-new")).to_contain_text(NEW_PARAGRAPH)
    expect(new.locator(".wsis-draft-text")).to_have_text(f"4. {NEW_PARAGRAPH}")
    expect(new.locator(".wsis-precedent")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "check-1280.png", full_page=True)

    verbatim.locator("details summary").click()  # the precedent's quote: added to the compilation as in the chat
    verbatim.locator(".wsis-add").click()
    added = compilation.summary(seed_index.paragraph(OUTCOME, "33"))
    expect(page.locator("#wsis-compilation-items label")).to_have_text([added])

    result = check_draft(seed_index, draft_from_text(draft))  # the downloads are the library's exports
    document = Document(io.BytesIO(downloaded(page, "#wsis-check-docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"{n}: {verdict}" for n, verdict in enumerate(BADGES, 1)]
    assert downloaded(page, "#wsis-check-md").decode("utf-8") == export.to_markdown(result)
    assert json.loads(downloaded(page, "#wsis-check-json")) == tools.check_text(seed_index, draft)
    assert outside == []
    page.close()


def test_a_file_chosen_is_checked(browser, app_url, draft, tmp_path):
    document = Document()
    for paragraph in draft.split("\n\n"):
        document.add_paragraph(paragraph)
    path = tmp_path / "our draft.docx"
    document.save(path)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    open_view(page, app_url)
    page.locator("#wsis-draft-file input[type=file]").set_input_files(path)  # checked once chosen
    expect(page.locator(".wsis-checked .wsis-badge")).to_have_text(BADGES, timeout=30_000)
    expect(page.locator(".wsis-check-summary")).to_contain_text("4 paragraphs of our draft.docx against")
    page.close()


def test_bad_input_gets_the_librarys_message(browser, app_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    open_view(page, app_url)
    page.locator("#wsis-check-button").click()
    with pytest.raises(QueryError) as empty:
        draft_from_text("  ")
    notice = page.locator("#wsis-check-result .wsis-notice")
    expect(notice).to_have_text(str(empty.value))
    expect(page.locator("#wsis-live")).to_have_text(f"Not checked: {empty.value}")
    expect(page.locator("#wsis-check-docx")).to_be_disabled()

    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a Word file")
    page.locator("#wsis-draft-file input[type=file]").set_input_files(broken)
    expect(notice).to_contain_text("broken.docx is not a readable Word .docx file")

    page.fill("#wsis-draft textarea", "1. " + NEW_PARAGRAPH)  # typing sets the file aside: the text is checked
    page.locator("#wsis-check-button").click()
    expect(page.locator(".wsis-checked .wsis-badge")).to_have_text(["New language"])
    for box in page.locator("#wsis-documents input[type=checkbox]").all():
        box.uncheck()
    page.locator("#wsis-check-button").click()
    expect(notice).to_have_text("Choose at least one document to check the draft against.")
    page.close()


def test_a_hostile_draft_and_file_name_render_inert(browser, app_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    dialogs, outside = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda r: None if r.url.startswith((app_url, "data:", "blob:")) else outside.append(r.url))
    open_view(page, app_url)
    hostile = [p for p in PAYLOADS if len(p) < 1000]
    check(page, "\n\n".join(f"{n}. Welcomes {payload} the report;" for n, payload in enumerate(hostile, 1)))
    shown = page.locator(".wsis-draft-text").all_text_contents()
    assert len(shown) == len(hostile) and "<script>alert('script')</script>" in shown[0]
    inert = ".wsis-check :is(script, img, svg, iframe, object, embed, style, form, base, link, meta, math)"
    assert page.locator(inert).count() == 0
    assert page.locator(".wsis-check a[href]:not([href^='/source/']):not([href^='https://evil.example'])").count() == 0
    named = tmp_path / "<img src=x onerror=alert('file')>.txt"
    named.write_text("1. " + NEW_PARAGRAPH, encoding="utf-8")
    page.locator("#wsis-draft-file input[type=file]").set_input_files(named)
    expect(page.locator(".wsis-check-summary")).to_contain_text("onerror=alert('file')")  # Gradio drops the < >
    assert page.locator(inert).count() == 0
    page.wait_for_timeout(300)  # any handler would have run
    assert (dialogs, outside) == ([], [])
    page.close()


@pytest.mark.parametrize("width", (1280, 400))
def test_every_state_of_the_view_meets_wcag_21_aa(browser, app_url, draft, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    open_view(page, app_url)
    states = {"empty view": violations(page)}
    check(page, draft)
    page.locator("#wsis-check-result details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    states["a result with all four verdicts"] = violations(page)
    page.fill("#wsis-draft textarea", "")
    page.locator("#wsis-check-button").click()
    expect(page.locator("#wsis-check-result .wsis-notice")).to_be_visible()
    states["an error notice"] = violations(page)
    if width == 400:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "check-400.png", full_page=True)
    page.close()
    assert {state: found for state, found in states.items() if found} == {}


def test_a_keyboard_alone_opens_the_view_pastes_and_checks(browser, app_url, draft):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    page.wait_for_selector("#wsis-question textarea")
    tab_to(page, "#wsis-check-tab-button")
    assert focus_shows(page)
    page.keyboard.press("Enter")
    tab_to(page, "#wsis-draft textarea")
    assert focus_shows(page)
    page.keyboard.insert_text(draft)  # as a paste does
    tab_to(page, "#wsis-check-button")
    assert focus_shows(page)
    page.keyboard.press("Enter")
    expect(page.locator(".wsis-checked .wsis-badge")).to_have_text(BADGES, timeout=30_000)
    expect(page.locator("#wsis-live")).to_have_text(SUMMARY)
    tab_to(page, "#wsis-check-result summary")  # the folds open from the keyboard too
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-check-result details").first).to_have_attribute("open", "")
    page.close()


def test_a_merged_precedent_is_said_and_both_paragraphs_linked(seed_index):
    """Rendering only: the draft joined paras. 33 and 34 into one."""
    joined = " ".join(seed_index.paragraph(OUTCOME, label).text for label in ("33", "34"))
    (checked,) = check_draft(seed_index, draft_from_text(joined.replace("34. We", "we"))).paragraphs
    shown = paragraph_html(checked)
    links = re.findall(r'<p class="wsis-precedent">.*?</p>', shown)[0]
    assert f'href="/source/{OUTCOME}#p-33"' in links and f'href="/source/{OUTCOME}#p-34"' in links
    assert "(joined into one by the draft)" in links and "Merged: joins" in shown
    assert '<del class="wsis-del">34. We</del> <ins class="wsis-ins">we</ins>' in shown
