"""`rag serve --watch`: a file added to the documents folder by other means (a script, a synced drive) is
searched, listed and shown by the running server once indexed, through REST, the viewer and a fresh chat
page's document filter; a file removed is gone from all of them."""

import threading
import time

import httpx
import pytest
from conftest import needs_chromium
from playwright.sync_api import expect

from rag.retrieval.live import watch
from ui.app import start_in_background

NEW = "The Quokka Accord on lunar broadband commits every crater to affordable connectivity by 2040."


@pytest.fixture
def served(live_seeds):
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(live_seeds, stop), daemon=True)
    watcher.start()
    url, stop_server = start_in_background(live_seeds)
    yield live_seeds.docs_dir, url
    stop.set()
    stop_server()
    watcher.join(timeout=10)


def documents(url: str) -> set[str]:
    return {d["id"] for d in httpx.get(f"{url}/api/documents").json()["documents"]}


def until(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server did not catch up with the folder"
        time.sleep(0.2)


def test_the_server_catches_up_with_files_added_and_removed(served):
    docs, url = served
    time.sleep(0.5)  # the watcher is listening
    (docs / "quokka.txt").write_text(f"Quokka Accord\n\n1. {NEW}\n", encoding="utf-8")
    until(lambda: "quokka" in documents(url))
    found = httpx.get(f"{url}/api/search", params={"q": "Quokka Accord lunar broadband", "k": 1}).json()
    assert found["passages"][0]["document"] == "quokka"
    assert httpx.get(f"{url}/source/quokka").status_code == 200
    (docs / "quokka.txt").unlink()
    until(lambda: "quokka" not in documents(url))
    assert httpx.get(f"{url}/source/quokka").status_code == 404


@needs_chromium
@pytest.mark.slow
def test_a_chat_page_opened_after_the_rebuild_offers_the_new_document(served, browser):
    docs, url = served
    time.sleep(0.5)
    (docs / "quokka.txt").write_text(f"Quokka Accord\n\n1. {NEW}\n", encoding="utf-8")
    until(lambda: "quokka" in documents(url))
    page = browser.new_page()
    page.goto(url)
    expect(page.locator("#wsis-documents")).to_contain_text("Quokka Accord")
    expect(page.locator("#wsis-documents input[type=checkbox]")).to_have_count(6)
    page.fill("#wsis-question textarea", "Quokka Accord lunar broadband")
    page.keyboard.press("Enter")
    expect(page.locator("#wsis-chat .wsis-passage").first).to_contain_text("Quokka Accord", timeout=30_000)
    page.close()
