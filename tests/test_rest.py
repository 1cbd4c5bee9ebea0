"""The REST API at /api, through a plain HTTP client (the standard library's), on the real server and index."""

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pytest
from conftest import DRAFT_OUTCOME_RECORD

from ui.app import start_in_background


@pytest.fixture(scope="module")
def api(seed_index):
    url, stop = start_in_background(seed_index)
    yield url
    stop()


def get(url: str) -> tuple[int, dict | list, str]:
    """The status, the parsed JSON body and its content type of GET `url`, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), error.headers["Content-Type"]


def test_search_returns_verbatim_cited_passages_with_absolute_links(api, seed_index):
    status, body, kind = get(f"{api}/api/search?" + urlencode({"q": "gender digital divide", "k": 3}))
    assert (status, kind) == (200, "application/json")
    assert body["answered"] is True and body["question"] == "gender digital divide"
    top = body["passages"][0]
    expected = seed_index.paragraph("WSIS+10 outcome document", "32")
    citation = "WSIS+10 outcome document (draft), para. 32"
    assert (top["citation"], top["quote"], top["label"]) == (citation, expected.text, "32")
    assert top["url"] == f"{api}/source/004_7b6cb249c0a88164#p-32"
    assert len(body["passages"]) == 3


def test_search_in_chosen_documents(api):
    query = urlencode([("q", "multistakeholder cooperation"), ("k", 4), ("doc", "ECOSOC draft resolution")])
    status, body, _ = get(f"{api}/api/search?{query}")
    assert status == 200
    assert {p["document_name"] for p in body["passages"]} == {"ECOSOC draft resolution"}


def test_a_question_the_documents_do_not_answer_says_so(api):
    status, body, _ = get(f"{api}/api/search?" + urlencode({"q": "what does paragraph 99 of the outcome document say"}))
    assert status == 200 and body["answered"] is False
    assert body["notices"] == ["WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77."]
    assert all(p["weak"] for p in body["passages"])


@pytest.mark.parametrize(
    "path",
    [
        quote("WSIS+10 outcome document", safe="") + "/paragraphs/32",
        "outcome%20document/paragraphs/para.%2032",
        "004_7b6cb249c0a88164/paragraphs/32",
    ],
)
def test_a_paragraph_by_document_and_label(api, seed_index, path):
    status, body, _ = get(f"{api}/api/documents/{path}")
    assert status == 200
    assert (body["citation"], body["quote"]) == (
        "WSIS+10 outcome document (draft), para. 32",
        seed_index.paragraph("WSIS+10 outcome document", "32").text,
    )


def test_documents_are_listed(api):
    status, body, _ = get(f"{api}/api/documents")
    assert status == 200
    assert len(body) == 5
    assert body[-1] == DRAFT_OUTCOME_RECORD


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("search?q=", 400, "The query is empty; ask a question or give some words to search for."),
        ("search?k=3", 400, "q: Field required"),
        ("search?q=ICT&k=0", 400, "k: Input should be greater than or equal to 1"),
        ("search?q=ICT&k=many", 400, "k: Input should be a valid integer, unable to parse string as an integer"),
        ("search?q=%00%01", 400, "The query has no readable characters"),
        ("search?q=ICT&doc=A/RES/99/1", 404, "No document named 'A/RES/99/1' is indexed."),
        (
            "documents/outcome%20document/paragraphs/99",
            404,
            "WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77.",
        ),
        (
            "documents/A/RES/70/125/paragraphs/32",  # the adopted text is not held; its draft is numbered otherwise
            404,
            "A/RES/70/125 is not among the documents searched; WSIS+10 outcome document (draft) is an earlier draft "
            "of it, which numbers its paragraphs differently.",
        ),
        ("documents/A/RES/99/1/paragraphs/1", 404, "No document named 'A/RES/99/1' is indexed."),
        ("nothing/here", 404, "No such API route; see /api/openapi.json."),
    ],
)
def test_errors_are_json_with_their_status(api, path, status, message):
    got, body, kind = get(f"{api}/api/{path}")
    assert (got, kind, body["error"]["status"]) == (status, "application/json", status)
    assert body["error"]["message"].startswith(message)


def test_the_openapi_description_covers_every_route(api):
    status, spec, _ = get(f"{api}/api/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "/api"}]  # the paths below are relative to the mount
    assert set(spec["paths"]) == {"/search", "/documents", "/documents/{document}/paragraphs/{label}"}
    search = spec["paths"]["/search"]["get"]
    assert [p["name"] for p in search["parameters"]] == ["q", "k", "doc"]
    assert set(search["responses"]) == {"200", "400", "404"}
    assert "quote" in spec["components"]["schemas"]["PassageResult"]["properties"]
