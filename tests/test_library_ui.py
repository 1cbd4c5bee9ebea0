"""The Documents view in a real browser: the documents searched and the files skipped; on a server that may
change them, documents uploaded (a bad one refused with its reason), asked about once indexed, removed."""

import pytest
from conftest import needs_chromium
from playwright.sync_api import expect
from test_accessibility import violations

from ui.app import start_in_background

pytestmark = [pytest.mark.slow, needs_chromium]
NEW = "The Quokka Accord on lunar broadband commits every crater to affordable connectivity by 2040."


@pytest.fixture
def live_url(live_seeds):
    url, stop = start_in_background(live_seeds)
    yield url
    stop()


def open_library(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_role("tab", name="Documents").click()
    expect(page.locator("#wsis-library-table table tr")).to_have_count(6)  # a head and the five seeds
    return page


def test_documents_uploaded_are_asked_about_then_removed(browser, live_url, tmp_path):
    page = open_library(browser, live_url)
    quokka, empty = tmp_path / "quokka.txt", tmp_path / "empty.txt"
    quokka.write_text(f"Quokka Accord\n\n1. {NEW}\n", encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    page.locator("#wsis-library-upload input[type=file]").set_input_files([quokka, empty])
    said = page.locator("#wsis-library-said")
    expect(said).to_contain_text("quokka.txt: added")
    expect(said).to_contain_text("empty.txt: empty.txt is empty")
    expect(page.locator("#wsis-library-table")).to_contain_text("Quokka Accord", timeout=60_000)
    page.get_by_role("tab", name="Ask").click()
    page.fill("#wsis-question textarea", "Quokka Accord lunar broadband")
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-chat .wsis-passage").first).to_contain_text("Quokka Accord", timeout=30_000)
    page.get_by_role("tab", name="Documents").click()
    page.locator("#wsis-library-remove-choice input").fill("quokka")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#wsis-library-remove").click()
    expect(said).to_contain_text("Removed quokka.txt")
    expect(page.locator("#wsis-library-table table tr")).to_have_count(6, timeout=60_000)
    page.close()


def test_a_server_that_may_not_change_its_documents_shows_them_without_upload(browser, seed_index):
    url, stop = start_in_background(seed_index)  # a plain Index: nothing to add documents to
    try:
        page = open_library(browser, url)
        expect(page.locator("#wsis-library-upload")).to_have_count(0)
        expect(page.locator("#wsis-library-remove")).to_have_count(0)
        page.close()
    finally:
        stop()


@pytest.mark.parametrize("width", (1280, 400))
def test_the_documents_view_meets_wcag_21_aa(browser, live_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_url)
    page.get_by_role("tab", name="Documents").click()
    expect(page.locator("#wsis-library-table table")).to_be_visible()
    assert violations(page) == []
    page.close()
