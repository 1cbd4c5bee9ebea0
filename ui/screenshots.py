"""Regenerate the README's screenshots from the real app: `python -m ui.screenshots`."""

from pathlib import Path

from playwright.sync_api import sync_playwright

from rag import Index
from ui.app import start_in_background
from ui.browser import launch

OUT = Path(__file__).parent / "screenshots"
QUESTION = "What did the General Assembly say about women's access to the internet?"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    url, stop = start_in_background(Index.open())
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
            browser.close()
    finally:
        stop()
    names = ("chat.png", "chat-400.png", "compilation.png", "source.png")
    print("Wrote " + ", ".join(str(OUT / name) for name in names))


if __name__ == "__main__":
    main()
