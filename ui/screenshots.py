"""Regenerate the README's screenshots from the real app: `python -m ui.screenshots`."""

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

from rag import Index
from rag.retrieval.index import default_docs_dir, default_index_dir
from rag.retrieval.live import LiveIndex
from ui.app import start_in_background
from ui.browser import launch

OUT = Path(__file__).parent / "screenshots"
QUESTION = "What did the General Assembly say about women's access to the internet?"
# A real draft resolution to check, where the UN documents folder is at hand; else one made of the seeds' paragraphs.
UNDOCS = Path(os.environ.get("RAG_UNDOCS") or Path(__file__).resolve().parent.parent.parent / "shared" / "undocs")
DRAFT = UNDOCS / "A_C.3_80_L.46.pdf"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    index = Index.open()
    live = LiveIndex(index, default_docs_dir(), default_index_dir())  # as `rag serve` runs it: documents editable
    url, stop = start_in_background(live)
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url)
            page.fill("#wsis-question textarea", QUESTION)
            page.keyboard.press("Enter")
            page.wait_for_selector(".wsis-passage")
            page.wait_for_timeout(1000)  # let the scroll to the answer settle
            page.screenshot(path=OUT / "chat.png")
            for passage in (0, 2, 1):  # three paragraphs in the compilation panel, the export under them
                page.locator(".wsis-add").nth(passage).click()
            page.locator("#wsis-compilation-items label").nth(2).wait_for()
            page.mouse.move(0, 0)  # no button hovered
            page.screenshot(path=OUT / "compilation.png", full_page=True)
            page.goto(f"{url}/source/004_7b6cb249c0a88164#p-32")
            page.wait_for_timeout(500)
            page.screenshot(path=OUT / "source.png")
            phone = browser.new_page(viewport={"width": 400, "height": 800})  # a phone's width
            phone.goto(url)
            phone.fill("#wsis-question textarea", QUESTION)
            phone.keyboard.press("Enter")
            phone.wait_for_selector(".wsis-passage")
            phone.wait_for_timeout(1000)
            phone.screenshot(path=OUT / "chat-400.png")
            library = browser.new_page(viewport={"width": 1280, "height": 800})
            library.goto(url)
            library.get_by_role("tab", name="Documents").click()
            library.wait_for_selector("#wsis-library-table table")
            library.screenshot(path=OUT / "library.png")
            check_screenshot(browser, index)
            browser.close()
    finally:
        stop()
    names = ("chat.png", "chat-400.png", "compilation.png", "source.png", "library.png", "check.png")
    print("Wrote " + ", ".join(str(OUT / name) for name in names))


def check_screenshot(browser, seeds: Index) -> None:
    """check.png: a real draft resolution checked against the UN documents folder (its index built once, in
    index/undocs), where that folder is at hand; else a draft made of the seeds' paragraphs, against them."""
    real = DRAFT.is_file()
    index = Index.open(UNDOCS, Path(__file__).resolve().parent.parent / "index" / "undocs") if real else seeds
    url, stop = start_in_background(index)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 1300})
        page.goto(url)
        page.get_by_role("tab", name="Check a draft").click()
        if real:
            page.locator("#wsis-draft-file input[type=file]").set_input_files(DRAFT)  # checked once chosen
        else:
            page.fill("#wsis-draft textarea", seeds_draft(index))
            page.locator("#wsis-check-button").click()
        page.wait_for_selector("#wsis-check-result .wsis-checked", timeout=60_000)
        page.mouse.move(0, 0)
        page.screenshot(path=OUT / "check.png")
    finally:
        stop()


def seeds_draft(index: Index) -> str:
    """A draft of four paragraphs, one of each verdict: the outcome document's para. 33 word for word, its para. 32
    with a verb changed, para. 32's first sentence with new wording after it, and a paragraph made up."""
    from rag.precedents.compare import body_start

    def body(label: str) -> str:
        text = index.paragraph("004_7b6cb249c0a88164", label).text
        return text[body_start(text) :]

    made_up = "Invites all stakeholders to publish an annual digital inclusion report card for every region;"
    paragraphs = (body("33"), body("32").replace("We emphasize", "We note"), body("32").split(". ")[0] + ". " + made_up)
    return "\n\n".join(f"{n}. {p}" for n, p in enumerate((*paragraphs, made_up), 1))


if __name__ == "__main__":
    main()
