"""Hostile text and access, against the real app and commands.

Payloads in documents (.md, .txt, .html), in file names and in questions render inert in the chat and the
source viewer of a real browser: no dialog opens, no element or attribute of theirs reaches the page, no
request leaves the server. Only indexed documents are served, whatever the path trick or symbolic link.
`rag serve` keeps to this machine unless told otherwise, and says so when it is not; `rag build`, `ask` and
`serve` attempt no network connection, the model's first export included.
"""

import html
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from conftest import needs_chromium

from rag import Index
from rag.retrieval.query import readable
from rag.store.encoder import export_folder
from ui.app import start_in_background

ARTIFACTS = Path(__file__).parent / "artifacts"
FIXTURES = Path(__file__).parent / "fixtures" / "undocs"

PAYLOADS = (
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')>",
    "<svg><script>alert('svg-script')</script></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<a href=\"javascript:alert('a-js')\">html js link</a>",
    "<a href=\"data:text/html,<script>alert('a-data')</script>\">html data link</a>",
    '<object data="https://evil.example/o"></object><embed src="https://evil.example/e">',
    '<base href="https://evil.example/"><link rel=stylesheet href="https://evil.example/l.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">',
    '<form action="https://evil.example/f"><button formaction="javascript:alert(\'form\')">go</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\">",
    '<div style="background:url(https://evil.example/style-attr.png)">styled</div>',
    "<style>body{background:url(https://evil.example/style-tag.png)}</style>",
    "<p style=\"width:expression(alert('expression'))\">expression</p>",
    "<sup>\" onmouseover=alert('sup') x=\"</sup>",
    "[md js link](javascript:alert('md-js'))",
    "[md data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[md attr](https://evil.example/\" onmouseover=\"alert('md-attr'))",
    "[**md nested**](jAvAsCrIpT:alert('md-case'))",
    "<javascript:alert('autolink')>",
    "<https://evil.example/\"onmouseover=\"alert('autolink-attr')>",
    "[ref link][evil] [evil]: javascript:alert('reference')",
    "![md image](https://evil.example/md-image.png)",
    "![](x\" onerror=\"alert('md-image-attr'))",
    "![slashless](https:evil.example)",
    "$$\\href{javascript:alert('katex')}{katex link}$$ $$\\includegraphics{https://evil.example/k.png}$$",
    "&lt;script&gt;alert('entity')&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert('double-entity')&amp;gt;",
    "&#60;img src=x onerror=alert('numeric')&#62; [entity link](&#x6A;avascript:alert('entity-link'))",
    "Раураl ѕcrірt homoglyphs ＜script＞alert('fullwidth')＜/script＞ ᐸimg src=x onerror=alert('canadian')ᐳ",
    "bidi \u202egnp.exe\u202c \u2066isolate\u2069 \u202bembed \u200fmark, left open: \u202e",
    "zero width jav\u200bascript:alert('zw') <scr\u200bipt>alert('zw')</scr\u200bipt> \ufeff\u2060\u200d",
    "W" * 10_000,
)
# Payloads that are legal Linux file names (anything but "/" and NUL); each names a document of its own.
FILE_NAMES = (
    "<img src=x onerror=alert('file-img')>.md",
    "<svg onload=alert('file-svg')>.txt",
    'x" onmouseover="alert(\'file-attr\')" y=".md',
    "x' onfocus='alert(1)' autofocus='.html",
    "[file link](javascript:alert('file-md')).md",
    "line\n\n![x](https:evil.example)\n\n<img src=x onerror=alert('file-nl')>.md",
    "a#b?c=1&d=%2e%2e%2fetc%2fpasswd.txt",
    "\u202eldm.exe.txt",
    "$$\\href{javascript:alert('file-tex')}{x}$$.md",
    "&lt;img src=x onerror=alert('file-entity')&gt;.md",
)
# Facts the file-name documents state, each different, so none is shown as another's "same language".
LIGHTHOUSE = (
    "a storm from the north on Monday night",
    "three fishing boats sheltering in the bay",
    "the lamp replaced after the winter gales",
    "a supply ship delayed by fog for two days",
    "seals resting on the southern rocks at dawn",
    "the foghorn sounding for eleven hours",
    "a new keeper arriving from the mainland",
    "ice forming along the harbour wall",
    "the radio mast repaired by two engineers",
    "a lifeboat drill held with the village crew",
)
QUESTIONS = (
    *PAYLOADS,
    "line\n\n![q](https:evil.example)",
    "crlf\r\n\r\n![q](https://evil.example/crlf.png)",
    "spaces\n \t\n<https://evil.example/blank>",
    "ideographic\n\u3000\n![q](https:evil.example)",
    "the \"<img src=x onerror=alert('phrase')>\" phrase",  # a quoted phrase is repeated in the notice
    "govrnance <svg onload=alert('typo')>",  # a corrected word is repeated in the note
)
GROUP = 4  # payloads per paragraph, so each document has at most 10 paragraphs and one answer shows them all


def paragraphs(prefix: str) -> list[str]:
    """The payloads in numbered paragraphs: "3. Orchard ledger entry 3, as the clerk wrote it ...: <payload> · ..."."""
    groups = [PAYLOADS[i : i + GROUP] for i in range(0, len(PAYLOADS), GROUP)]
    opening = "{n}. {prefix} ledger entry {n}, as the clerk wrote it at the end of the season: "
    return [opening.format(n=n, prefix=prefix) + " · ".join(group) for n, group in enumerate(groups, 1)]


def write_hostile_folder(docs: Path) -> dict[str, list[str]]:
    """The hostile documents; returns the phrase that finds each kind's payload paragraphs, and their documents."""
    docs.mkdir(parents=True)
    heading = "# Orchard <img src=x onerror=alert('heading')>\n\n"
    (docs / "orchard.md").write_text(heading + "\n\n".join(paragraphs("Orchard")), encoding="utf-8")
    (docs / "granary.txt").write_text(
        "GRANARY <svg onload=alert('title')>\n\n" + "\n\n".join(paragraphs("Granary")), encoding="utf-8"
    )
    # The web reader extracts text: raw markup is dropped or kept as text (one page per paragraph, as a broken
    # tag can end a page's text); escaped markup survives as text.
    vineyard = [f"vineyard-{n}" for n in range(1, len(paragraphs("")) + 1)]
    for doc_id, paragraph in zip(vineyard, paragraphs("Vineyard"), strict=True):
        (docs / f"{doc_id}.html").write_text(
            f"<html><head><title>x</title></head><body><p>{paragraph}</p></body>", encoding="utf-8"
        )
    escaped = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs("Meadow"))
    (docs / "meadow.html").write_text(
        f"<html><body><h1>Meadow &lt;script&gt;</h1>{escaped}</body></html>", encoding="utf-8"
    )
    for name, fact in zip(FILE_NAMES, LIGHTHOUSE, strict=True):
        text = f"The lighthouse log records {fact}."
        (docs / name).write_text(f"<p>{text}</p>" if name.endswith(".html") else text + "\n", encoding="utf-8")
    return {"orchard ledger": ["orchard"], "granary ledger": ["granary"], "vineyard ledger": vineyard,
            "meadow ledger": ["meadow"]}  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("hostile") / "docs"
    phrases = write_hostile_folder(docs)
    index = Index.open(docs, docs.parent / "index", embedder=embedder)
    url, stop = start_in_background(index)
    yield url, index, phrases
    stop()


@pytest.fixture
def page(browser, hostile):
    """A page that records every dialog, every request that is not to the app's own server, and every load the
    content security policy refused (window.refused, for the page loaded last)."""
    url = hostile[0]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        "window.refused = []; document.addEventListener('securitypolicyviolation', "
        "e => window.refused.push(`${e.violatedDirective} ${e.blockedURI}`));"
    )
    page = context.new_page()
    page.dialogs, page.outside = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    context.on("request", lambda r: None if r.url.startswith(url + "/") else page.outside.append(r.url))
    yield page
    context.close()


# What the app's own answer markup is made of; anything else inside it came from a payload.
OWN_TAGS = (
    "div p span figure blockquote figcaption a button mark em strong sup table tbody tr td ol li details summary bdi"
).split()
OWN_ATTRIBUTES = "class href target rel title type open data-seen".split()
VIEWER_TAGS = [*OWN_TAGS, *"main header section h1 h2 h3 h4 h5 h6".split()]
VIEWER_ATTRIBUTES = [*OWN_ATTRIBUTES, "id"]
FOREIGN = """([scopes, tags, attributes]) => {
  const found = [];
  const safe = /^(\\/$|\\/source\\/|\\/original\\/|\\/api\\/openapi\\.json$|#|https?:\\/\\/)/i;  // the app's own
  for (const root of document.querySelectorAll(scopes)) {
    for (const element of [root, ...root.querySelectorAll("*")]) {
      const tag = element.tagName.toLowerCase();
      if (!tags.includes(tag)) found.push(`<${tag}>`);
      for (const { name, value } of element.attributes) {
        if (!attributes.includes(name)) found.push(`${tag}[${name}]`);
        if (name === "href" && !safe.test(value)) found.push(`${tag}[href=${value}]`);
      }
    }
  }
  return found;
}"""
# Page-wide: no handler attribute, script URL or embedding element anywhere, whoever put it there.
ANYWHERE = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const { name, value } of element.attributes) {
      if (name.startsWith("on")) found.push(`${element.tagName}[${name}]`);
      const url = /^(href|src|action|formaction|xlink:href|data|poster|background)$/.test(name);
      const link = /^(href|action|formaction|xlink:href)$/.test(name);  // the page's own icons are data: images
      if (url && (/^\\s*(javascript|vbscript):/i.test(value) || (link && /^\\s*data:/i.test(value))))
        found.push(`${element.tagName}[${name}=${value.slice(0, 40)}]`);
    }
  }
  for (const tag of ["iframe", "object", "embed", "base", "frame", "meta[http-equiv]", "form"])
    for (const element of document.querySelectorAll(tag))  // Gradio's own <base href="./"> aside
      if (tag !== "base" || new URL(element.href).origin !== location.origin) found.push(element.outerHTML);
  return found;
}"""


# Names and citations holding bidi controls whose text is not isolated in <bdi>, so could turn the app's words
# around them.
UNISOLATED = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => /[\\u202a-\\u202e\\u2066-\\u2069]/.test(e.textContent) && !e.querySelector("bdi"))
  .map(e => e.textContent)"""


def foreign(page, scopes: str, tags: list[str], attributes: list[str]) -> list[str]:
    """What in these parts of the page, or anywhere in it, the app did not put there."""
    return page.evaluate(FOREIGN, [scopes, tags, attributes]) + page.evaluate(ANYWHERE)


def ask(page, question: str) -> None:
    """Type a question into the chat as a user does and wait for its answer."""
    answers = page.locator(".wsis-answer").count()
    page.fill("#wsis-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.wsis-answer').length > {answers}", timeout=30_000)


def set_passages(page, k: int) -> None:
    number = page.locator("#wsis-k input[type=number]")
    number.fill(str(k))
    number.press("Enter")


def entries(texts, phrase: str) -> set[int]:
    """The numbers of one document's payload paragraphs among these texts ("3. Meadow ledger entry 3, ...")."""
    return {int(m[1]) for t in texts if (m := re.match(rf"(\d+)\. {phrase} entry \1,", t, re.IGNORECASE))}


def spaced(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def collapse(text: str) -> str:
    return " ".join(text.split())


CHAT = "#wsis-chat .wsis-answer, #wsis-chat .wsis-question, .wsis-sources, #wsis-examples > *"
COUNTS: dict[str, int] = {"payloads": len(PAYLOADS), "file names": len(FILE_NAMES), "questions": len(QUESTIONS)}


def assert_inert(page, scopes: str = CHAT, tags=OWN_TAGS, attributes=OWN_ATTRIBUTES) -> None:
    """Nothing from a payload ran, was injected or loaded, and the 10,000-letter word wrapped."""
    page.wait_for_timeout(300)  # anything injected has had time to load or fire
    assert foreign(page, scopes, tags, attributes) == []
    assert page.evaluate("window.refused") == []  # nothing the content security policy had to stop
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.dialogs == []
    assert page.outside == []
    COUNTS["pages checked"] = COUNTS.get("pages checked", 0) + 1
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hostile-ui.json").write_text(json.dumps(COUNTS, indent=1) + "\n", encoding="utf-8")


def open_chat(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#wsis-question textarea")
    set_passages(page, 10)


@needs_chromium
@pytest.mark.slow
def test_hostile_documents_and_file_names_render_inert_in_the_chat(page, hostile):
    url, index, phrases = hostile
    open_chat(page, url)
    for phrase, doc_ids in phrases.items():  # every payload paragraph the readers kept, of each format
        indexed = entries((u.text for d in doc_ids for u in index.units(d) if u.kind != "heading"), phrase)
        assert indexed == set(range(1, len(paragraphs("")) + 1)) or phrase == "vineyard ledger"  # raw markup may go
        ask(page, f'"{phrase}"')
        quotes = page.locator(".wsis-answer").last.locator(".wsis-quote").all_inner_texts()
        assert entries(quotes, phrase) == indexed, phrase
        COUNTS[f"chat: {phrase} paragraphs"] = len(indexed)
    shown = collapse(" ".join(page.locator(".wsis-quote").all_inner_texts()))
    assert [p for p in PAYLOADS if p.startswith("<") and collapse(p) not in shown] == []  # markup shown as text

    ask(page, '"lighthouse log"')  # each file-name document, cited by its name
    citations = page.locator(".wsis-answer").last.locator(".wsis-source").all_inner_texts()
    names = [collapse(Path(name).stem) for name in FILE_NAMES]
    assert sorted(collapse(c.removesuffix(", ¶1")) for c in citations) == sorted(names)
    COUNTS["chat: file-name citations"] = len(citations)
    assert page.evaluate(UNISOLATED, ".wsis-source, .wsis-context, .wsis-sources a") == []
    page.locator("#wsis-documents input").first.click()  # over 12 documents the filter is a list: open it
    choices = collapse(" ".join(page.get_by_role("option").all_inner_texts()))  # it lists the names as text
    assert [n for n in names if n not in choices] == []
    assert_inert(page)


@needs_chromium
@pytest.mark.slow
def test_hostile_questions_render_inert_in_the_chat(page, hostile):
    open_chat(page, hostile[0])
    for question in QUESTIONS:  # each shown as typed, but for controls and bidi overrides (which readable() drops)
        typed = question.replace("\r\n", "\n")  # as a text box holds it
        ask(page, question)  # and tabs made spaces by markdown; one over 2,000 characters is refused, not shown
        if len(typed) > 2000:
            refusal = page.locator(".wsis-answer").last.text_content()
            assert refusal.startswith(f"The question is {len(typed):,} characters long; the limit is 2,000.")
        else:
            shown = page.locator(".wsis-question").last.text_content()
            assert spaced(shown) == spaced(readable(typed))
    COUNTS["chat: answers to hostile questions"] = page.locator(".wsis-answer").count()
    assert_inert(page)


@needs_chromium
@pytest.mark.slow
def test_hostile_documents_render_inert_in_the_source_viewer(page, hostile):
    url, index, _ = hostile
    COUNTS["viewer: pages"] = len(index.documents)
    for document in index.documents:
        response = page.goto(f"{url}/source/{quote(document.id, safe='')}")
        assert response.status == 200, document.id
        assert collapse(page.locator("h1").inner_text()) == collapse(document.title)
        assert page.evaluate("[document.scripts.length, document.querySelectorAll('style, link, img').length]") == [
            0,
            1,
        ]
        assert_inert(page, "main, header", VIEWER_TAGS, VIEWER_ATTRIBUTES)
        COUNTS["viewer: paragraphs"] = COUNTS.get("viewer: paragraphs", 0) + page.locator("section.unit").count()


# --- Only indexed documents are served ---------------------------------------------------------------------

SECRET = "TOP SECRET harbour codes, never to be served"


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder):
    """A folder with an official PDF, a text, and links out of it: to /etc/passwd, to a PDF and a text outside."""
    root = tmp_path_factory.mktemp("served")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}. The codes change every week at noon.\n", encoding="utf-8")
    (outside / "secret.pdf").write_bytes((FIXTURES / "A_RES_78_243.pdf").read_bytes())
    docs = root / "docs"
    docs.mkdir()
    (docs / "A_RES_79_277.pdf").write_bytes((FIXTURES / "A_RES_79_277.pdf").read_bytes())
    (docs / "notes.txt").write_text("The harbour master keeps the tide tables for the whole coast.\n", encoding="utf-8")
    (docs / "passwd.pdf").symlink_to("/etc/passwd")
    (docs / "elsewhere.pdf").symlink_to(outside / "secret.pdf")
    (docs / "leak.txt").symlink_to(outside / "secret.txt")
    index = Index.open(docs, root / "index", embedder=embedder)
    url, stop = start_in_background(index)
    yield url, index, docs, outside
    stop()


def fetch(url: str, path: str) -> tuple[int, dict, bytes]:
    """GET `path` exactly as written: no client-side normalisation of dots, slashes or escapes."""
    address = urlparse(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def tricks(docs: Path, outside: Path) -> list[str]:
    """Paths that try to reach a file the index does not hold, through the viewer's and the PDF's routes."""
    paths = []
    for route in ("/source/", "/original/"):
        paths += [
            route + p
            for p in (
                "nope", "NOTES", "notes.txt", "notes/", "notes%00", "A_RES_79_277.pdf", "A_RES_79_277/",
                "secret", "leak.txt", "passwd", "passwd.pdf", "../../etc/passwd", "..%2f..%2fetc%2fpasswd",
                "..%2F..%2Foutside%2Fsecret.txt", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd",
                "..%5c..%5coutside%5csecret.txt", "..\\..\\outside\\secret.txt", "%2fetc%2fpasswd", "/etc/passwd",
                "%c0%ae%c0%ae%c0%afetc%c0%afpasswd", "notes/..%2f..%2foutside%2fsecret.txt", "~root", "%00",
                "C:%5cWindows%5cwin.ini", quote(str(outside / "secret.pdf"), safe=""), quote(str(docs / "notes.txt")),
            )
        ]  # fmt: skip
    return [*paths, "/original/notes", "/original/elsewhere", "/original/leak"]  # not PDFs, or out of the folder


def gradio_tricks(docs: Path, outside: Path) -> list[str]:
    """Gradio's own file routes, asked for the same files."""
    files = ("/etc/passwd", outside / "secret.txt", docs / "notes.txt", docs / "A_RES_79_277.pdf", "../../etc/passwd")
    return [
        *(f"{prefix}{path}" for prefix in ("/file=", "/gradio_api/file=", "/gradio_api/file/") for path in files),
        "/gradio_api/file=..%2f..%2fetc%2fpasswd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/svelte/..%2f..%2f..%2fetc%2fpasswd",
        "/gradio_api/proxy=https://example.com/",
    ]


def leaked(body: bytes, outside: Path) -> bool:
    return b"root:" in body or SECRET.encode() in body or (outside / "secret.pdf").read_bytes()[:2000] in body


def test_only_indexed_documents_are_served(served):
    url, index, docs, outside = served
    status, headers, body = fetch(url, "/original/A_RES_79_277")
    assert (status, headers["content-type"], body) == (200, "application/pdf", (docs / "A_RES_79_277.pdf").read_bytes())
    status, headers, body = fetch(url, "/source/notes")
    assert status == 200 and b"The harbour master keeps the tide tables" in body
    assert headers["content-security-policy"].startswith("default-src 'none';")  # the viewer runs no script
    assert "connect-src 'self'" in fetch(url, "/")[1]["content-security-policy"]  # the chat talks only to us

    refused = {path: fetch(url, path) for path in tricks(docs, outside)}
    assert {path: status for path, (status, _, _) in refused.items() if status != 404} == {}
    assert [path for path, (_, _, body) in refused.items() if b"<h1>Not found</h1>" not in body] == []
    assert [path for path, (_, _, body) in refused.items() if leaked(body, outside)] == []
    refused_by_gradio = {path: fetch(url, path) for path in gradio_tricks(docs, outside)}
    assert {p: s for p, (s, _, _) in refused_by_gradio.items() if not 400 <= s < 500} == {}
    assert [path for path, (_, _, body) in refused_by_gradio.items() if leaked(body, outside)] == []

    # Gradio's upload route takes the draft to check, up to 20 MB: a bigger file is refused, a small one kept,
    # and one that is a web page comes back as a download, never as a page of this site.
    def upload(name: str, content: bytes) -> tuple[int, bytes]:
        address = urlparse(url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        boundary = "hostile"
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'
        form = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
        try:
            connection.request(
                "POST", "/gradio_api/upload", form, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    status, body = upload("draft.txt", b"x" * (21 * 1024 * 1024))
    assert 400 <= status < 500 and b"maximum allowed size" in body
    status, body = upload("draft.html", b"<script>alert('uploaded')</script><p>1. Decides to act.</p>")
    assert status == 200
    status, headers, body = fetch(url, "/gradio_api/file=" + quote(json.loads(body)[0]))
    assert status == 200 and headers["content-disposition"].startswith("attachment")
    assert headers["content-type"] == "application/octet-stream"

    # The PDF swapped for a link out of the folder while the server runs: no longer served.
    original = docs / "A_RES_79_277.pdf"
    kept = original.read_bytes()
    original.unlink()
    original.symlink_to(outside / "secret.pdf")
    try:
        status, _, body = fetch(url, "/original/A_RES_79_277")
        assert status == 404 and not leaked(body, outside)
    finally:
        original.unlink()
        original.write_bytes(kept)
    ARTIFACTS.mkdir(exist_ok=True)
    counts = {"paths refused by the viewer and PDF routes": len(refused), "by Gradio's routes": len(refused_by_gradio)}
    (ARTIFACTS / "hostile-paths.json").write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")


def test_links_out_of_the_documents_folder_are_not_indexed(served):
    _, index, _, _ = served
    assert sorted(d.id for d in index.documents) == ["A_RES_79_277", "notes"]
    assert not any(SECRET in u.text for d in index.documents for u in index.units(d.id))


# --- Loopback by default, and no network at all -------------------------------------------------------------

# A sitecustomize.py for the commands' Python: every connection, datagram or name lookup beyond this machine is
# recorded (one JSON line, with where it came from) and refused.
GUARD = r"""
import ipaddress, json, os, socket, traceback

def _local(host):
    if host is None:
        return True
    host = (host.decode() if isinstance(host, bytes) else str(host)).strip("[]").split("%")[0]
    if host.lower() in ("", "localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return address.is_loopback or address.is_unspecified

def _guard(call, original, target_of):
    def guarded(*args, **kwargs):
        target = target_of(*args, **kwargs)
        if not _local(target):
            with open(os.environ["NET_GUARD_LOG"], "a", encoding="utf-8") as log:
                log.write(json.dumps({"call": call, "to": str(target), "from": traceback.format_stack()[-3:-1]}) + "\n")
            raise OSError(101, f"network blocked by the test: {call} to {target}")
        return original(*args, **kwargs)
    return guarded

def _host(sock, address):
    inet = sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)
    return address[0] if inet else None

socket.socket.connect = _guard("connect", socket.socket.connect, _host)
socket.socket.connect_ex = _guard("connect_ex", socket.socket.connect_ex, _host)
socket.socket.sendto = _guard("sendto", socket.socket.sendto, lambda sock, data, *rest: _host(sock, rest[-1]))
socket.getaddrinfo = _guard("getaddrinfo", socket.getaddrinfo, lambda host, *args, **kwargs: host)
socket.create_connection = _guard("create_connection", socket.create_connection, lambda address, *a, **k: address[0])
"""
CANARY = """import socket
for call in (lambda: socket.create_connection(("192.0.2.1", 80), 1), lambda: socket.getaddrinfo("example.org", 443)):
    try:
        call()
    except OSError:
        pass
"""  # a connection and a lookup the guard must record
WATER = (
    "# Water Notes\n\n1. The water board met on Tuesday about the irrigation canals.\n\n2. The canals need repair.\n"
)
RAG = [str(Path(sys.executable).with_name("rag"))]  # the command as installed in the virtualenv


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """The real commands' environment, as a user's shell has it (no HF_HUB_OFFLINE: the code must set it), with
    the network guard installed; a fresh index folder, so the first build exports the model with torch."""
    root = tmp_path_factory.mktemp("offline")
    (root / "guard").mkdir()
    (root / "guard" / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    docs = root / "docs"
    docs.mkdir()
    (docs / "water.md").write_text(WATER, encoding="utf-8")
    unset = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "RAG_INDEX", "RAG_DOCS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root / "guard"), env.get("PYTHONPATH")) if p)
    env["NET_GUARD_LOG"] = str(root / "attempts.jsonl")
    folders = ["--docs", str(docs), "--index", str(root / "index")]
    return {"env": env, "log": root / "attempts.jsonl", "folders": folders, "index": root / "index"}


def attempts(offline) -> list[dict]:
    log = offline["log"]
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def run(offline, *argv: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=offline["env"], capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Serving:
    """`rag serve` as a user starts it, until it prints its address (or gives up after `timeout` seconds)."""

    def __init__(self, offline, *extra: str, timeout: float = 180):
        self.port = free_port()
        argv = [*RAG, "serve", *offline["folders"], "--port", str(self.port), *extra]
        self.process = subprocess.Popen(
            argv, env=offline["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        started = threading.Event()
        threading.Thread(target=self._read, args=(started,), daemon=True).start()
        if not (started.wait(timeout) and self._answers(deadline=time.monotonic() + 60)):
            self.stop()
            raise AssertionError("rag serve did not start:\n" + "".join(self.lines))

    def _answers(self, deadline: float) -> bool:
        """Whether the port takes connections (the address is printed just before the server binds it)."""
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def _read(self, started: threading.Event) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "is running at" in line:
                started.set()

    def listening(self) -> set[str]:
        import psutil

        sockets = psutil.Process(self.process.pid).net_connections(kind="inet")
        return {s.laddr.ip for s in sockets if s.status == psutil.CONN_LISTEN}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.mark.slow
def test_build_ask_and_serve_attempt_no_network_connection(offline):
    assert run(offline, sys.executable, "-c", CANARY).returncode == 0
    assert [a["call"] for a in attempts(offline)] == ["create_connection", "getaddrinfo"]  # the guard is on
    offline["log"].unlink()

    build = run(offline, *RAG, "build", *offline["folders"])
    assert build.returncode == 0 and "Indexed 1 document" in build.stdout, build.stderr
    assert export_folder(offline["index"]).is_dir()  # the first build exported the model, with torch
    ask = run(offline, *RAG, "ask", "When did the water board meet?", "-k", "1", *offline["folders"])
    assert ask.returncode == 0 and "\n1. Water Notes, para. 1" in "\n" + ask.stdout, ask.stderr

    server = Serving(offline)
    try:
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{server.port}/", verbose=False)
        result = client.predict("Which canals need repair?", 1, None, api_name="/search")
        assert [p["citation"] for p in result["passages"]] == ["Water Notes, para. 2"]
        assert server.listening() == {"127.0.0.1"}  # this machine only, by default
        assert not any("reachable from other machines" in line for line in server.lines)
    finally:
        server.stop()
    assert attempts(offline) == []


@pytest.mark.slow
def test_serve_on_every_interface_warns_that_others_can_reach_it(offline):
    server = Serving(offline, "--host", "0.0.0.0")
    try:
        assert server.listening() == {"0.0.0.0"}
        warnings = [line for line in server.lines if line.startswith("Warning:")]
        assert warnings == ["Warning: listening on 0.0.0.0: the chat is reachable from other machines.\n"]
    finally:
        server.stop()
    assert attempts(offline) == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.1.1", True),
     ("0.0.0.0", False), ("::", False), ("", False), ("192.168.1.20", False), ("my-laptop.local", False)],
)  # fmt: skip
def test_which_hosts_keep_the_chat_to_this_machine(host, loopback):
    from ui.security import is_loopback

    assert is_loopback(host) is loopback
