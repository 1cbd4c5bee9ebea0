"""The chat and source viewer in a real browser (Debian's Chromium via Playwright), against a live server."""

import http.client
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import needs_chromium, write_docs

from rag import Index, RagError
from rag.integrations import tools
from ui.app import EMPTY_QUESTION, start_in_background

pytestmark = [pytest.mark.slow, needs_chromium]
ARTIFACTS = Path(__file__).parent / "artifacts"
OUTCOME = "004_7b6cb249c0a88164"
HOSTILE = (
    "# Hostile Notes\n\nThe water board met on <script>window.hacked = 1; alert('doc')</script> Tuesday.\n\n"
    "Irrigation canals <img src=x onerror=\"alert('img')\"> need repair before the monsoon.\n"
)


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory, embedder):
    docs = write_docs(tmp_path_factory.mktemp("hostile"), {"hostile.md": HOSTILE})
    url, stop = start_in_background(Index.open(docs, docs.parent / "index", embedder=embedder))
    yield url
    stop()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.outside = []
    page.on("request", lambda r: None if r.url.startswith((app_url, "data:", "blob:")) else page.outside.append(r.url))
    yield page
    context.close()


def ask(page, url, question):
    page.goto(url)
    page.fill("#wsis-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_selector(".wsis-answer", timeout=30_000)
    return page


def test_answer_is_quoted_cited_linked_and_copyable(page, app_url):
    ask(page, app_url, "What did the General Assembly say about women's access to the internet?")
    quotes = page.locator(".wsis-quote").all_inner_texts()
    assert any(q.startswith("32. We emphasize our concern that only 41% of women have internet access") for q in quotes)
    citations = page.locator(".wsis-source").all_inner_texts()
    assert "WSIS+10 outcome document (draft), para. 32" in citations
    documents = len({c.split(", ")[0] for c in citations})
    assert page.locator(".wsis-count").inner_text() == f"5 passages from {documents} documents"
    position = citations.index("WSIS+10 outcome document (draft), para. 32")
    page.locator(".wsis-copy:not(.wsis-copy-full)").nth(position).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("32. We emphasize our concern")
    assert copied.endswith("ICTs.\n(WSIS+10 outcome document (draft), para. 32)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "chat-1280.png")
    page.set_viewport_size({"width": 400, "height": 800})
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "chat-400.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone
    assert page.dialogs == [] and page.outside == []


def test_citation_link_opens_the_paragraph_highlighted(page, app_url):
    ask(page, app_url, "What did the General Assembly say about women's access to the internet?")
    link = page.locator(".wsis-source", has_text="para. 32")
    with page.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert viewer.url == f"{app_url}/source/{OUTCOME}#p-32"
    target = viewer.locator(":target")
    assert target.get_attribute("id") == "p-32"
    assert target.inner_text().startswith("32. We emphasize our concern that only 41% of women")
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 243, 191)"
    assert target.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    assert viewer.locator("h3#p-h4").inner_text() == "1.1 Bridging Digital Divides"


def test_viewer_anchors_unnumbered_paragraphs(page, app_url):
    page.goto(f"{app_url}/source/000_4ff08e0d6091ebfe#p-%C2%B611")
    target = page.locator(":target")
    assert target.inner_text().endswith("renewal of its mandate was broadly supported.")
    assert target.locator(".label").inner_text() == "¶11"


def test_unanswerable_question_abstains_with_weak_matches_folded(page, app_url):
    ask(page, app_url, "What is the capital of Australia?")
    assert page.locator(".wsis-notice").all_inner_texts() == [
        "No passage in these documents answers this question.",
        "The documents searched never use “Australia”.",
    ]
    assert page.locator(".wsis-count").count() == 0
    weak = page.locator("details.wsis-weak")
    assert not weak.get_attribute("open") and not page.locator(".wsis-weak .wsis-quote").first.is_visible()
    page.locator(".wsis-weak summary").click()
    assert page.locator(".wsis-weak .wsis-quote").first.is_visible()


def test_highlights_and_same_language_links(page, app_url):
    ask(page, app_url, "Notes with concern that there are still significant digital divides between women and men")
    same = page.locator(".wsis-same").first
    assert same.inner_text().startswith("Same language in: ")
    marks = page.locator(".wsis-quote mark").all_inner_texts()
    assert marks and all(len(m) > 20 for m in marks)  # whole sentences, not scattered words
    page.goto(f"{app_url}/source/{OUTCOME}#p-11")
    same = "Same language in: ECOSOC draft resolution (advance unedited version, 2016), unnumbered para. 9"
    assert page.locator(":target .wsis-same").inner_text() == same


def test_hostile_question_stays_inert(page, app_url):
    ask(page, app_url, "<img src=x onerror=alert(1)> digital divide")
    page.wait_for_timeout(500)
    assert page.locator(".wsis-question").last.inner_text() == "<img src=x onerror=alert(1)> digital divide"
    assert page.locator('#wsis-chat img[src="x"]').count() == 0
    assert page.dialogs == []


def test_hostile_document_stays_inert_in_chat_and_viewer(page, hostile_url):
    ask(page, hostile_url, "When did the water board meet?")
    ask(page, hostile_url, "Which canals need repair?")
    page.wait_for_timeout(500)
    quotes = " ".join(page.locator(".wsis-quote").all_inner_texts())
    assert "<script>window.hacked = 1; alert('doc')</script>" in quotes
    assert "<img src=x onerror=\"alert('img')\">" in quotes
    page.goto(f"{hostile_url}/source/hostile")
    page.wait_for_timeout(300)
    assert "<script>window.hacked = 1" in page.locator("main").inner_text()
    for check in (page.evaluate("window.hacked"), page.locator('img[src="x"]').count()):
        assert not check
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('hacked')).length") == 0
    assert page.dialogs == []


def test_document_filter_restricts_results(page, app_url):
    page.goto(app_url)
    for name in ("President's Summary", "ECOSOC draft resolution", "Executive Summary", "CSTD Informal Note"):
        page.locator("#wsis-documents label", has_text=name).click()
    page.fill("#wsis-question textarea", "Internet Governance Forum mandate")
    page.keyboard.press("Enter")
    page.wait_for_selector(".wsis-answer")
    citations = page.locator(".wsis-source").all_inner_texts()
    assert len(citations) == 5 and all(c.startswith("WSIS+10 outcome document (draft), ") for c in citations)


ISLANDS = [f"island{n:02d}" for n in range(1, 16)]  # more documents than check boxes are offered for


@pytest.fixture(scope="module")
def many_url(tmp_path_factory, embedder):
    documents = {
        f"{name}.md": f"# Fisheries of {name}\n\n1. The boats of {name} land tuna and reef fish at the harbour.\n\n"
        f"2. The {name} cooperative sells the catch at the market each morning.\n"
        for name in ISLANDS
    }
    docs = write_docs(tmp_path_factory.mktemp("many") / "docs", documents)
    url, stop = start_in_background(Index.open(docs, docs.parent / "index", embedder=embedder))
    yield url
    stop()


def test_many_documents_are_chosen_in_a_searchable_list_and_none_chosen_is_all(page, many_url):
    ask(page, many_url, "Where do the boats land tuna?")
    everywhere = {c.split(",")[0] for c in page.locator(".wsis-source").all_inner_texts()}
    assert len(everywhere) == 5  # nothing chosen: every document searched
    assert page.locator("#wsis-documents input[type=checkbox]").count() == 0
    field = page.locator("#wsis-documents input").first
    field.click()
    field.fill("island07")
    options = page.get_by_role("option")
    assert options.all_inner_texts() == ["Fisheries of island07"]  # the list filters as one types
    options.first.click()
    page.fill("#wsis-question textarea", "Where do the boats land tuna?")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#wsis-chat .wsis-answer').length === 2")
    latest = page.locator(".wsis-answer").last.locator(".wsis-source").all_inner_texts()
    assert latest and all(c.startswith("Fisheries of island07") for c in latest)


def test_unknown_documents_and_path_tricks_get_404(page, app_url):
    for path in (
        "/source/nope",
        "/source/../../etc/passwd",
        "/source/..%2F..%2Fetc%2Fpasswd",
        "/source/%2Fetc%2Fpasswd",
        "/source//etc/passwd",
    ):
        response = page.goto(app_url + path)
        assert response.status == 404, path
        assert "root:" not in page.content()
    address = urlparse(app_url)
    for raw in ("/source/../../etc/passwd", "/source/..%2f..%2fseeds%2fcatalog.toml"):
        connection = http.client.HTTPConnection(address.hostname, address.port)
        connection.request("GET", raw)  # sent exactly as written, no client-side normalisation
        response = connection.getresponse()
        assert response.status == 404 and b"root:" not in response.read(), raw
    page.goto(f"{app_url}/source/nope")
    assert page.locator("h1").inner_text() == "Not found"


def test_named_api_endpoints_for_scripts(app_url, seed_index):
    """The Gradio API offers the operations of every way in, with their JSON (rag.integrations.tools)."""
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    question = "working definition of Internet governance"
    result = client.predict(question, 2, [OUTCOME], api_name="/search")
    assert result == tools.search_passages(seed_index, question, 2, [OUTCOME])
    assert result["passages"][0]["citation"] == "WSIS+10 outcome document (draft), para. 63"
    assert result["passages"][0]["url"] == f"/source/{OUTCOME}#p-63"
    refused = client.predict("What is the capital of Australia?", 2, None, api_name="/search")
    assert refused["answered"] is False and all(p["weak"] for p in refused["passages"])
    paragraph = client.predict("WSIS+10 outcome document", "63", api_name="/paragraph")
    assert paragraph == tools.get_paragraph(seed_index, OUTCOME, "63")
    assert client.predict(api_name="/documents") == tools.list_documents(seed_index)


@pytest.mark.parametrize(
    ("arguments", "endpoint"),
    [
        (("  ", 2, None), "/search"),
        (("gender", 51, None), "/search"),
        (("gender", 2, "A/RES/70/125"), "/search"),
        (("gender", 2, []), "/search"),
        (("x" * 2001, 2, None), "/search"),
        (("WSIS+10 outcome document", "3 2"), "/paragraph"),
        (("no such document", "3"), "/paragraph"),
    ],
)
def test_the_api_refuses_bad_input_with_the_library_message(app_url, seed_index, arguments, endpoint):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    operation = tools.search_passages if endpoint == "/search" else tools.get_paragraph
    with pytest.raises(RagError) as library:
        operation(seed_index, *arguments)
    with pytest.raises(AppError) as api:
        Client(app_url, verbose=False).predict(*arguments, api_name=endpoint)
    assert str(api.value) == str(library.value)


@pytest.fixture(scope="module")
def un_url(tmp_path_factory, embedder):
    """A folder of UN documents as users bring them: an official PDF and text extracted from another."""
    fixtures = Path(__file__).parent / "fixtures" / "undocs"
    docs = tmp_path_factory.mktemp("un")
    (docs / "A_RES_79_277.pdf").write_bytes((fixtures / "A_RES_79_277.pdf").read_bytes())
    (docs / "A_RES_78_243.txt").write_bytes((fixtures / "A_RES_78_243.pdftotext.txt").read_bytes())
    url, stop = start_in_background(Index.open(docs, docs.parent / "index", embedder=embedder))
    yield url
    stop()


def test_pdf_passages_cite_symbol_and_page_and_open_the_pdf_there(page, un_url):
    ask(page, un_url, "What does OP 5 of A/RES/79/277 say?")
    first = page.locator(".wsis-passage").first
    assert first.locator(".wsis-source").inner_text() == "A/RES/79/277, para. 5, pp. 2-3"
    link = first.locator(".wsis-original")
    assert (link.inner_text(), link.get_attribute("href")) == ("PDF p. 2", "/original/A_RES_79_277#page=2")
    response = page.request.get(un_url + "/original/A_RES_79_277")
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert response.body()[:5] == b"%PDF-"
    for path in ("/original/A_RES_78_243", "/original/nope", "/original/../../etc/passwd", "/original/%2Fetc%2Fpasswd"):
        assert page.request.get(un_url + path).status == 404, path  # only indexed PDFs, looked up in memory


def test_examples_come_from_the_documents_loaded(page, un_url):
    page.goto(un_url)
    page.wait_for_selector(".wsis-example")
    examples = page.locator(".wsis-example").all_inner_texts()
    assert examples and any("A/RES/79/277" in e or "A/RES/78/243" in e for e in examples), examples
    assert not any("WSIS+10" in e for e in examples)


def test_viewer_of_a_pdf_links_the_original_and_the_footnotes(page, un_url):
    page.goto(un_url + "/source/A_RES_79_277#p-PP1")
    assert page.locator("header a[href='/original/A_RES_79_277']").inner_text() == "original PDF"
    notes = page.locator("#p-PP1 .notes a")
    assert notes.all_inner_texts() == ["1", "2", "3", "4"]
    notes.first.click()
    assert page.url.endswith("#p-fn1")


def test_copy_full_gives_title_symbol_date_and_paragraph(page, app_url):
    ask(page, app_url, "Show me para 48 of the WSIS+10 outcome document")
    page.locator(".wsis-copy-full").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("48. We moreover reaffirm")
    assert copied.endswith(
        "Implementation of WSIS Outcomes, draft of A/RES/70/125, which numbers its paragraphs differently, para. 48)"
    )


def test_a_lookup_sets_the_paragraph_apart_from_related_passages(page, app_url):
    ask(page, app_url, "Show me para 48 of the WSIS+10 outcome document")
    counts = page.locator(".wsis-count").all_inner_texts()
    assert counts == ["The paragraph asked for", "4 related passages follow"]
    assert "footnote" not in " ".join(page.locator(".wsis-source").all_inner_texts())


def test_quoted_phrase_says_where_its_matches_stop(page, app_url):
    ask(page, app_url, '"net neutrality"')
    counts = page.locator(".wsis-count").all_inner_texts()
    assert counts == ["2 passages contain “net neutrality”", "3 related passages follow"]


@pytest.mark.parametrize("width", [1280, 400])
def test_no_control_covers_the_quotes_and_examples_read_in_full(page, app_url, seed_index, width):
    page.set_viewport_size({"width": width, "height": 800})
    ask(page, app_url, "gender digital divide")
    arrow = page.locator('#wsis-chat button[aria-label="Scroll down"]')
    assert arrow.count() == 0 or not arrow.is_visible()
    quotes = [q.bounding_box() for q in page.locator(".wsis-quote").all()]
    for control in page.locator("#wsis-chat button:visible").all():
        box = control.bounding_box()
        for quote in quotes:  # no button lies over a quote's text
            overlap_x = min(box["x"] + box["width"], quote["x"] + quote["width"]) - max(box["x"], quote["x"])
            overlap_y = min(box["y"] + box["height"], quote["y"] + quote["height"]) - max(box["y"], quote["y"])
            assert overlap_x <= 0 or overlap_y <= 0
    examples = page.locator(".wsis-example")
    assert examples.all_inner_texts() == seed_index.example_questions()  # each in full, no "..."
    assert all(e.evaluate("e => e.scrollWidth <= e.clientWidth") for e in examples.all())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    examples.nth(1).click()
    assert page.input_value("#wsis-question textarea") == seed_index.example_questions()[1]


def test_an_empty_question_gets_a_hint_once(page, app_url):
    ask(page, app_url, "   ")
    page.keyboard.press("Enter")  # again: the hint is not repeated
    page.wait_for_timeout(500)
    assert page.locator("#wsis-chat .wsis-answer").all_inner_texts() == [EMPTY_QUESTION]


def test_markup_in_a_question_is_not_read_as_words(seed_index):
    tagged = seed_index.answer("<p>What does the <b>outcome document</b> say about <em>gender</em>?</p>", 2)
    plain = seed_index.answer("What does the outcome document say about gender?", 2)
    assert (tagged.abstained, tagged.notices) == (False, ())
    assert [p.citation for p in tagged.passages] == [p.citation for p in plain.passages]


def test_an_over_long_question_is_refused_and_kept_to_be_shortened(page, app_url):
    question = " ".join(["What did the General Assembly say about the gender digital divide?"] * 43)
    ask(page, app_url, question)
    assert page.locator(".wsis-notice").first.inner_text() == (
        "The question is 2,880 characters long; the limit is 2,000. Ask about one point at a time, or search for a "
        "sentence of the text."
    )
    assert page.locator("#wsis-question textarea").input_value() == question


def test_a_follow_up_shows_what_was_searched(page, app_url):
    ask(page, app_url, "How was the mandate of the Internet Governance Forum extended?")
    page.fill("#wsis-question textarea", "and for youth?")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.wsis-answer').length >= 2", timeout=30_000)
    note = page.locator(".wsis-answer").last.locator(".wsis-note").inner_text()
    previous = "How was the mandate of the Internet Governance Forum extended?"
    assert note == f"Searched together with your previous question: “{previous}”."


def test_a_question_in_french_says_the_search_reads_english(page, app_url):
    ask(page, app_url, "Que disent les documents sur l'accès des femmes à internet ?")
    assert page.locator(".wsis-notice").inner_text().startswith("The documents and the search are in English;")
    assert page.locator("details.wsis-weak[open] .wsis-quote").count() == 5  # the weak matches shown, not folded


def test_the_chat_api_takes_documents_by_symbol_or_name(app_url):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(app_url, verbose=False)
    passages = client.predict("gender digital divide", 2, ["WSIS+10 outcome document"], api_name="/search")["passages"]
    draft = "WSIS+10 outcome document (draft)"
    assert [p["citation"] for p in passages] == [f"{draft}, para. 32", f"{draft}, para. 11"]
    answer = client.predict("gender digital divide", 1, ["President's Summary"], api_name="/search")
    assert answer["passages"][0]["document_name"] == "President's Summary"
    with pytest.raises(AppError, match="No document named 'A/RES/99/1' is indexed"):
        client.predict("gender", 1, ["A/RES/99/1"], api_name="/search")
