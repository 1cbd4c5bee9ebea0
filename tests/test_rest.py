"""The REST API at /api, through a plain HTTP client (the standard library's), on the real server and index."""

import json
import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import quote, urlencode

import pytest
from conftest import DRAFT_OUTCOME_RECORD
from fastapi.testclient import TestClient

from rag.integrations.rest import rest_api
from rag.retrieval.query import DEFAULT_K, MAX_K, MAX_QUESTION_CHARS, READABLE_PATTERN
from ui.app import start_in_background

DOCUMENTS = (
    "CSTD Informal Note 2024; ECOSOC draft resolution (advance unedited version, 2016); Executive Summary; "
    "President's Summary; WSIS+10 outcome document (draft)"
)
NO_ROUTE = (
    "No such API route. The routes: GET /api/search?q=..., GET /api/documents, GET "
    "/api/documents/{document}/paragraphs/{label} and POST /api/check, described at /api/openapi.json."
)
ROUTES = ["search?q=ICT", "documents", "documents/outcome%20document/paragraphs/32", "openapi.json"]


@pytest.fixture(scope="module")
def api(seed_index):
    url, stop = start_in_background(seed_index)
    yield url
    stop()


def get(url: str) -> tuple[int, dict, str]:
    """The status, the parsed JSON body and its content type of GET `url`, errors included."""
    status, body, headers = call(url)
    return status, json.loads(body), headers["Content-Type"]


def call(url: str, method: str = "GET") -> tuple[int, bytes, Message]:
    """The status, the body and the headers of `method` `url`, errors included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


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
    chosen = [("doc", "ECOSOC draft resolution"), ("doc", "President's Summary")]  # doc is repeatable
    query = urlencode([("q", "multistakeholder cooperation"), ("k", 8), *chosen])
    status, body, _ = get(f"{api}/api/search?{query}")
    assert status == 200
    assert {p["document_name"] for p in body["passages"]} == {"ECOSOC draft resolution", "President's Summary"}


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
    assert list(body) == ["documents"] and len(body["documents"]) == 5
    assert body["documents"][-1] == DRAFT_OUTCOME_RECORD


K_RANGE = "k, the number of passages, must be a whole number from 1 to 50"
BLANK_NAME = "The document name is blank; name a document by its UN symbol (e.g. A/RES/79/277), short name or id."


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("search?q=", 400, "The question is empty; ask a question or give some words to search for."),
        ("search?k=3", 400, "The question is empty; ask a question or give some words to search for."),
        (
            "search?q=" + "a" * (MAX_QUESTION_CHARS + 1),
            400,
            "The question is 2,001 characters long; the limit is 2,000. Ask about one point at a time, or search "
            "for a sentence of the text.",
        ),
        (
            "search?q=%01",
            400,
            "The question has no readable characters (only control characters or text that is not valid Unicode); "
            "ask a question in words.",
        ),
        # k as the library says it, whatever way in: not FastAPI's own words
        ("search?q=ICT&k=0", 400, f"{K_RANGE} (got 0)."),
        ("search?q=ICT&k=51", 400, f"{K_RANGE} (got 51)."),
        ("search?q=ICT&k=abc", 400, f"{K_RANGE} (got 'abc')."),
        ("search?q=ICT&k=true", 400, f"{K_RANGE} (got 'true')."),
        ("search?q=ICT&k=2.0", 400, f"{K_RANGE} (got '2.0')."),
        ("search?q=ICT&doc=", 400, BLANK_NAME),
        # a misspelt parameter, ignored, would answer another question: "docs" would search every document
        ("search?q=ICT&docs=ECOSOC", 400, "Unknown parameter 'docs': this route takes only q, k and doc."),
        ("search?q=ICT&k=3&k=4", 400, "k is given 2 times; give it once."),
        ("documents?page=2", 400, "Unknown parameter 'page': this route takes none."),
        (
            "documents/outcome%20document/paragraphs/32?x=1&y=",
            400,
            "Unknown parameters 'x', 'y': this route takes none.",
        ),
        ("search?q=ICT&doc=A/RES/99/1", 404, f"No document named 'A/RES/99/1' is indexed. Documents: {DOCUMENTS}."),
        (
            "documents/outcome%20document/paragraphs/99",
            404,
            "WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77.",
        ),
        (
            "documents/outcome%20document/paragraphs/3%202",  # not para. 32
            404,
            "WSIS+10 outcome document (draft) has no paragraph labelled '3 2': a label is one number as printed "
            "(e.g. 32, 48(a) or PP3), not numbers apart.",
        ),
        (
            "documents/outcome%20document/paragraphs/%20",
            400,
            "The paragraph's label is blank; name it by its number as printed, e.g. 32, 48(a) or PP3.",
        ),
        (
            "documents/%20/paragraphs/1",
            400,
            "The document name is blank; name a document by its UN symbol (e.g. A/RES/79/277), short name or id.",
        ),
        (
            "documents/A/RES/70/125/paragraphs/32",  # the adopted text is not held; its draft is numbered otherwise
            404,
            "A/RES/70/125 is not among the documents searched; WSIS+10 outcome document (draft) is an earlier draft "
            "of it, which numbers its paragraphs differently.",
        ),
        (
            "documents/A/RES/99/1/paragraphs/1",
            404,
            f"No document named 'A/RES/99/1' is indexed. Documents: {DOCUMENTS}.",
        ),
        ("nothing/here", 404, NO_ROUTE),
    ],
)
def test_errors_are_json_with_their_status(api, path, status, message):
    got, body, kind = get(f"{api}/api/{path}")
    assert (got, kind, body) == (status, "application/json", {"error": {"status": status, "message": message}})


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        # a line feed once took the request out of the API, to the chat's own {"detail": "Not Found"}
        ("documents/A%0A/paragraphs/1", 404, f"No document named 'A\\n' is indexed. Documents: {DOCUMENTS}."),
        ("documents/%00/paragraphs/1", 404, f"No document named '\\x00' is indexed. Documents: {DOCUMENTS}."),
        (
            "documents/outcome%20document%0A/paragraphs/1%0A2",
            404,
            "WSIS+10 outcome document (draft) has no paragraph labelled '1 2': a label is one number as printed "
            "(e.g. 32, 48(a) or PP3), not numbers apart.",
        ),
        (
            "documents//paragraphs/1",
            400,
            "The document name is blank; name a document by its UN symbol (e.g. A/RES/79/277), short name or id.",
        ),
        ("search%0A?q=ICT", 404, NO_ROUTE),  # not /search: "$" in a route's regex matched before a final line feed
        ("%0A", 404, NO_ROUTE),
        ("%00", 404, NO_ROUTE),
        ("", 404, NO_ROUTE),  # /api itself
        ("/", 404, NO_ROUTE),
        ("/documents", 404, NO_ROUTE),
        ("search/?q=ICT", 404, NO_ROUTE),  # one address per resource: no redirect to /search
        ("documents/", 404, NO_ROUTE),
        ("documents/outcome%20document/paragraphs/32/", 404, NO_ROUTE),
        ("documents/outcome%20document/paragraphs", 404, NO_ROUTE),
        ("openapi.json/", 404, NO_ROUTE),
    ],
)
def test_every_path_under_the_api_is_answered_by_it(api, path, status, message):
    url = f"{api}/api/{path}" if path else f"{api}/api"
    got, body, kind = get(url)
    assert (got, kind, body) == (status, "application/json", {"error": {"status": status, "message": message}})


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_a_method_a_route_does_not_take_is_405_with_allow(api, path, method):
    status, body, headers = call(f"{api}/api/{path}", method)
    assert (status, headers["Allow"], headers["Content-Type"]) == (405, "GET, HEAD", "application/json")
    message = f"This route does not take {method}; it takes GET, HEAD."
    assert json.loads(body) == {"error": {"status": 405, "message": message}}


def test_a_method_on_no_route_is_404(api):
    status, body, _ = call(f"{api}/api/nothing", "POST")
    assert (status, json.loads(body)) == (404, {"error": {"status": 404, "message": NO_ROUTE}})


@pytest.mark.parametrize("path", [*ROUTES, "search?q=", "nothing"])
def test_head_answers_the_headers_of_get(api, path):
    status, body, headers = call(f"{api}/api/{path}", "HEAD")
    got, got_body, got_headers = call(f"{api}/api/{path}")
    assert (status, body, headers["Content-Type"]) == (got, b"", got_headers["Content-Type"])
    assert headers["Content-Length"] == got_headers["Content-Length"] == str(len(got_body))


def test_a_failure_of_the_server_is_json_too():
    class Broken:
        def answer(self, *args, **kwargs):
            raise RuntimeError("a bug")

    with TestClient(rest_api(Broken()), raise_server_exceptions=False) as client:
        response = client.get("/search?q=ICT")
    message = "The server failed to answer; the error is logged. Try again, or report the request."
    assert (response.status_code, response.json()) == (500, {"error": {"status": 500, "message": message}})


def test_the_openapi_description_covers_every_route(api):
    status, spec, _ = get(f"{api}/api/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "/api"}]  # the paths below are relative to the mount
    reading = {"/search", "/documents", "/documents/{document}/paragraphs/{label}"}
    assert set(spec["paths"]) == {*reading, "/check"}
    assert all(list(spec["paths"][path]) == ["get"] for path in reading)  # the routes that read take GET (and HEAD)
    assert list(spec["paths"]["/check"]) == ["post"]  # the check takes its draft in the body
    operations = {path: methods.get("get") or methods["post"] for path, methods in spec["paths"].items()}
    statuses = {path: set(operation["responses"]) for path, operation in operations.items()}
    assert statuses == {
        "/search": {"200", "400", "404", "405"},
        "/documents": {"200", "405"},
        "/documents/{document}/paragraphs/{label}": {"200", "400", "404", "405"},
        "/check": {"200", "400", "404", "405", "413"},
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResult"}}}
    for operation in operations.values():
        errors = {status: r for status, r in operation["responses"].items() if status != "200"}
        assert all(response["content"] == error for response in errors.values())
        assert set(errors["405"]["headers"]) == {"Allow"}
    assert "quote" in spec["components"]["schemas"]["PassageResult"]["properties"]


def test_the_openapi_description_states_the_library_rules(api):
    """What the library refuses, the description refuses too: a client (or Schemathesis) can check before asking."""
    _, spec, _ = get(f"{api}/api/openapi.json")
    search = spec["paths"]["/search"]["get"]["parameters"]
    name = {"type": "string", "minLength": 1, "pattern": r"[^\s\x1c-\x1f\x85\ufeff]"}  # not blank, however read
    assert [(p["name"], p.get("required", False), p["schema"]) for p in search] == [
        ("q", True, {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": READABLE_PATTERN}),
        ("k", False, {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": DEFAULT_K}),
        ("doc", False, {"type": "array", "items": name}),
    ]
    paragraph = spec["paths"]["/documents/{document}/paragraphs/{label}"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in paragraph] == [
        ("document", "path", True),
        ("label", "path", True),
    ]
    assert all(name.items() <= p["schema"].items() for p in paragraph)
    assert all(p["description"] for p in search + paragraph)
