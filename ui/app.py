"""The chat: a Gradio adapter over the library's public API, plus the source viewer, in one web server.

Nothing here searches, ranks or writes citations: it renders what `rag` returns.
"""

import html
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home from a machine that may be offline

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import FileResponse, HTMLResponse  # noqa: E402

from rag import Index, QueryError, RagError  # noqa: E402
from rag.integrations import tools  # noqa: E402
from rag.integrations.rest import mounted_api  # noqa: E402
from rag.retrieval import notices  # noqa: E402
from rag.retrieval.conversation import is_follow_up, search_query  # noqa: E402
from rag.retrieval.live import LiveIndex  # noqa: E402
from rag.retrieval.query import DEFAULT_K, readable  # noqa: E402
from ui.check import MAX_UPLOAD, check_view  # noqa: E402
from ui.compilation import compilation_panel  # noqa: E402
from ui.library import library_view  # noqa: E402
from ui.render import answer_html, examples_html, name_html, notice_html, question_html  # noqa: E402
from ui.security import CHAT_POLICY, SecurityHeaders, inside, is_loopback  # noqa: E402
from ui.viewer import HEADERS, not_found_page, source_page  # noqa: E402

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
NO_DOCUMENTS = "Choose at least one document to search."
EMPTY_QUESTION = "Type a question, or some words to find, then press Enter or Ask."
MAX_CHECKBOXES = 12  # more documents than this are chosen in a searchable list, and none chosen means all
# Copy, add and example buttons work through delegated listeners: the page's HTML carries no scripts or handlers.
COPY_SCRIPT = """<script>
// One paragraph at a time through the hidden box, which the server empties once it has added one: a second
// Add pressed before that waits its turn, rather than overwrite the first (two quick Adds kept only one).
let adding = Promise.resolve();
const emptied = async (box) => {
  for (let i = 0; i < 200 && box.value; i++) await new Promise((done) => setTimeout(done, 25));
};
document.addEventListener("click", (event) => {
  const button = event.target.closest(".wsis-add");
  if (!button) return;
  const box = document.querySelector("#wsis-add textarea, #wsis-add input");
  const key = button.closest(".wsis-passage").querySelector(".wsis-add-key").textContent;
  adding = adding.then(() => emptied(box)).then(() => {
    box.value = key;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
  button.textContent = "Added";
  setTimeout(() => { button.textContent = "Add to compilation"; }, 1500);
});
document.addEventListener("click", (event) => {
  const example = event.target.closest(".wsis-example");
  if (!example) return;
  const area = document.querySelector("#wsis-question textarea");
  area.value = example.textContent;
  area.dispatchEvent(new Event("input", { bubbles: true }));
  area.focus();
});
document.addEventListener("click", async (event) => {
  const button = event.target.closest(".wsis-copy");
  if (!button) return;
  const kind = button.classList.contains("wsis-copy-full") ? ".wsis-copy-full-text" : ".wsis-copy-text";
  const text = button.closest(".wsis-passage").querySelector(kind).textContent;
  try { await navigator.clipboard.writeText(text); }
  catch (error) {
    const area = Object.assign(document.createElement("textarea"), { value: text });
    document.body.append(area); area.select(); document.execCommand("copy"); area.remove();
  }
  const label = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = label; }, 1500);
});
// The passages box takes 1 to 10: a number outside is said to be changed, not changed silently.
document.addEventListener("input", (event) => {
  const box = event.target.closest("#wsis-k input");
  const hint = document.getElementById("wsis-k-hint");
  if (!box || !hint) return;
  if (box.type === "range") { hint.textContent = ""; return; }  // the slider cannot leave its bounds
  const [value, low, high] = [box.value, box.min, box.max].map(Number);
  const limit = value > high ? `At most ${high}` : value < low ? `At least ${low}` : "";
  const shown = value > high ? high : low;
  hint.textContent = box.value !== "" && limit ? `${limit} passages per answer: ${shown} will be shown.` : "";
});
// A new answer is read from its first quote, not its last: scroll the chat (not the page) so that the
// question that asked for it sits at the top.
new MutationObserver(() => {
  const answers = document.querySelectorAll("#wsis-chat .wsis-answer");
  const latest = answers[answers.length - 1];
  if (!latest || latest.dataset.seen) return;
  latest.dataset.seen = "1";
  // Said once to a screen reader: how many passages came, or the notice (the chat itself is not live).
  const summary = latest.querySelector(".wsis-count, .wsis-notice");
  const live = document.getElementById("wsis-live");
  if (live) live.textContent = "Answer: " + (summary ? summary.textContent : "passages below.");
  const questions = document.querySelectorAll("#wsis-chat .wsis-question");
  const target = questions[questions.length - 1] || latest;
  let box = target.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  if (box) box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - 12;
}).observe(document.documentElement, { childList: true, subtree: true });
// A draft's check, said once to a screen reader: "Checked: 12 paragraphs …", or why it was not checked.
new MutationObserver(() => {
  const result = document.querySelector("#wsis-check-result .wsis-check");
  const live = document.getElementById("wsis-live");
  if (!result || result.dataset.seen || !live) return;
  result.dataset.seen = "1";
  const notice = result.querySelector(".wsis-notice");
  const summary = result.querySelector(".wsis-check-summary");
  live.textContent = notice ? "Not checked: " + notice.textContent : summary ? summary.textContent : "Checked.";
}).observe(document.documentElement, { childList: true, subtree: true });
</script>"""
K_HINT = '<p id="wsis-k-hint" class="wsis-note" aria-live="polite"></p>'  # filled by COPY_SCRIPT
# The product's own API description, in place of Gradio's "Use via API" page.
API_LINK = (
    '<p class="wsis-sources">For programs: <a href="/api/openapi.json" target="_blank">the REST API</a> (OpenAPI)</p>'
)
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]


def build_app(index: Index, *, editable: bool = False) -> gr.Blocks:
    """The chat UI over `index`; with `editable` (a LiveIndex served on this machine only), its Documents view
    adds and removes documents."""
    listed = len(index.documents) > MAX_CHECKBOXES
    documents = _choices(index, listed)

    def respond(question, history, chosen, k, previous):
        question = readable(question or "")  # a lone surrogate from the browser would break the echo
        if not question.strip():  # said once, not silently ignored
            hint = {"role": "assistant", "content": notice_html(EMPTY_QUESTION)}
            hinted = history and html.escape(EMPTY_QUESTION) in str(history[-1].get("content"))
            return (history if hinted else [*history, hint]), "", previous
        notes = []
        searched = search_query(question, previous)
        if searched != question.strip():
            notes.append(notices.follow_up(previous))
        if not chosen and not listed:
            reply = notice_html(NO_DOCUMENTS)
        else:
            try:  # in the searchable list, nothing chosen is every document
                answer = index.answer(searched, k=int(k), documents=chosen or None)
                reply = _reply(index, answer, chosen, tuple(notes))
            except QueryError as error:  # the question stays in the box, to be mended
                return [*history, {"role": "assistant", "content": notice_html(str(error))}], question, previous
        history = [*history, {"role": "user", "content": question_html(question)}]
        history.append({"role": "assistant", "content": reply})
        return history, "", previous if (previous and is_follow_up(question)) else question.strip()

    # The Gradio API: the operations and JSON of every way in (rag/integrations/tools.py), errors as gr.Error.
    def search(question: str, k: int = DEFAULT_K, documents: list[str] | None = None) -> dict:
        """The passages that best answer `question`, best first, and whether the documents answer it at all
        (the same JSON as REST's /api/search and MCP's search_passages)."""
        return _api(tools.search_passages, index, question, k, documents)

    def paragraph(document: str, label: str) -> dict:
        """One paragraph by its document (UN symbol, short name or id) and its own label ("32", "PP3")."""
        return _api(tools.get_paragraph, index, document, label)

    def list_documents() -> dict:
        """The documents that can be searched, and the names they can be asked for by."""
        return tools.list_documents(index)

    def check(text: str, documents: list[str] | None = None) -> dict:
        """Each paragraph of a draft (its text) checked against agreed language: its precedents in the
        documents (or the `documents` named), what changed, a verdict (the same JSON as REST's /api/check)."""
        return _api(tools.check_text, index, text, documents)

    with gr.Blocks(title="WSIS RAG", delete_cache=(3600, 86400)) as app:  # exports and uploaded drafts kept a day
        gr.HTML(
            '<div class="wsis-header"><h1>WSIS documents, quoted</h1><p>Ask a question; the answer is the '
            "documents' own paragraphs, each cited and linked to its place.</p>"
            '<p id="wsis-live" class="wsis-visually-hidden" aria-live="polite"></p></div>'
        )
        with gr.Row(equal_height=False, elem_id="wsis-layout"):
            with gr.Column(scale=3, min_width=320, elem_id="wsis-main"), gr.Tabs(elem_id="wsis-tabs"):
                # Both views use the side column: the filter, the compilation. Their contents stay in the page
                # when the other is shown (render_children), so an answer or a result is not drawn again.
                with gr.Tab("Ask", id="ask", elem_id="wsis-ask-tab", render_children=True):
                    chat = gr.Chatbot(
                        show_label=False,
                        height="calc(100vh - 16rem)",  # the window, less the header, the tabs and the question box
                        elem_id="wsis-chat",
                        autoscroll=False,  # COPY_SCRIPT (in the page head) scrolls to the start of each answer instead
                        buttons=[],
                        feedback_options=None,
                        placeholder="The answers will be quotes from the documents, with their citations.",
                        latex_delimiters=[],  # quotes are verbatim: "$$" in a document is text, not a formula
                    )
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="Ask about these documents…",
                        submit_btn="Ask",
                        elem_id="wsis-question",
                    )
                    # plain buttons: each example reads in full
                    gr.HTML(examples_html(index.example_questions()), elem_id="wsis-examples-block")
                with gr.Tab("Check a draft", id="check", elem_id="wsis-check-tab", render_children=True):
                    wire_check = check_view(index, listed)
                with gr.Tab("Documents", id="library", elem_id="wsis-library-tab", render_children=True):
                    wire_library = library_view(index, editable)
            with gr.Column(scale=1, min_width=240, elem_id="wsis-side"):
                if listed:  # a thousand check boxes are no filter: a list searched by symbol or title
                    chosen = gr.Dropdown(
                        documents,
                        value=[],
                        multiselect=True,
                        filterable=True,
                        label=f"Documents: all {len(documents):,}, or type a symbol or title to choose",
                        elem_id="wsis-documents",
                    )
                else:
                    chosen = gr.CheckboxGroup(
                        documents, value=[d for _, d in documents], label="Documents", elem_id="wsis-documents"
                    )
                k = gr.Slider(1, 10, value=5, step=1, label="Passages per answer (1 to 10)", elem_id="wsis-k")
                gr.HTML(K_HINT, elem_id="wsis-k-hint-block")
                compilation_panel(index)
                if not listed:  # with more, each citation links to its document
                    gr.HTML('<p class="wsis-sources">' + _source_links(index) + "</p>", elem_classes="wsis-links")
                gr.HTML(API_LINK, elem_classes="wsis-links")
        previous = gr.State(None)
        question.submit(
            respond, [question, chat, chosen, k, previous], [chat, question, previous], api_visibility="private"
        )
        # Each page opens with the documents searched now (a LiveIndex may have gained or lost some since).
        fresh = (lambda: gr.update(choices=_choices(index, listed))) if listed else _all_ticked(index)
        app.load(fresh, None, chosen, api_visibility="private", show_progress="hidden", queue=False)
        wire_library(chosen, fresh)
        gr.api(search, api_name="search")
        gr.api(paragraph, api_name="paragraph")
        gr.api(list_documents, api_name="documents")
        wire_check(chosen)
        gr.api(check, api_name="check")
    return app


def _reply(index: Index, answer, chosen: list[str] | None, notes: tuple[str, ...]) -> str:
    """The answer as HTML; where more paragraphs hold the quoted phrases than are quoted, all of them listed."""
    shown = sum(1 for p in answer.passages if p.match == "phrase")
    every = index.containing(list(answer.phrases), documents=chosen or None) if answer.phrase_total > shown else []
    return answer_html(answer, notes, every)


def _api(operation, *args):
    """The operation's result; the caller's mistake becomes a gr.Error carrying the library's message."""
    try:
        return operation(*args)
    except RagError as error:
        raise gr.Error(str(error), print_exception=False) from error


def _choices(index: Index, listed: bool) -> list[tuple[str, str]]:
    return [(_choice_label(d, with_title=listed), d.id) for d in sorted(index.documents, key=lambda d: d.id)]


def _all_ticked(index: Index) -> Callable[[], dict]:
    def ticked() -> dict:
        choices = _choices(index, listed=False)
        return gr.update(choices=choices, value=[doc_id for _, doc_id in choices])

    return ticked


def _choice_label(document, *, with_title: bool = False) -> str:
    """ "A/RES/70/125 (2015)"; with its title when the name is a symbol, so a long list can be searched by either."""
    year = document.date[:4]
    label = f"{document.short_name} ({year})" if year and year not in document.short_name else document.short_name
    label = _name(document) if document.status else label
    if with_title and document.symbol and document.title and document.title != document.short_name:
        label += f" · {document.title[:90]}"
    return label


def _name(document) -> str:
    """How the page names a document: a draft as the draft it is ("WSIS+10 outcome document (draft)")."""
    return document.cited_as if document.status else document.short_name


def _source_links(index: Index) -> str:
    links = (
        f'<a href="/source/{quote(d.id, safe="")}" target="_blank">{name_html(_name(d))}</a>'
        for d in sorted(index.documents, key=lambda d: d.id)
    )
    return "Read the documents: " + " · ".join(links)


def create_server(index: Index, *, mcp: bool = False, host: str = "127.0.0.1") -> FastAPI:
    """One FastAPI app: the source viewer at /source/<doc_id>, the REST API at /api, with `mcp` the MCP tools
    at /mcp, the chat (and its Gradio API) at /. `host` is the address it will listen on: on this machine
    only, /mcp refuses requests naming another host (see rag.integrations.mcp.http_endpoint)."""
    endpoint, lifespan = None, None
    if mcp:  # the `mcp` extra loads only when asked for
        from rag.integrations.mcp import http_endpoint

        endpoint, lifespan = http_endpoint(index, loopback=is_loopback(host))
    # The MCP session manager runs in this app's lifespan (Gradio nests its own inside it when mounted): the
    # lifespan of an app routed inside another never runs by itself.
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    if endpoint is not None:
        server.add_route("/mcp", endpoint)  # before the chat's catch-all mount at /

    def known() -> set[str]:  # asked each time: a LiveIndex (rag serve --watch) may have gained or lost some
        return {d.id for d in index.documents}

    server.router.routes.append(mounted_api(index, "/api"))  # every path below /api: before the chat's mount at /

    def not_found() -> HTMLResponse:
        return HTMLResponse(not_found_page(), status_code=404, headers=HEADERS)

    @server.get("/source/{doc_id}", response_class=HTMLResponse)
    def source(doc_id: str) -> HTMLResponse:
        if doc_id not in known():  # only known ids, looked up in memory: no path ever reaches the disk
            return not_found()
        page = source_page(index.document(doc_id), index.units(doc_id), index.same_language(doc_id))
        return HTMLResponse(page, headers=HEADERS)

    @server.get("/original/{doc_id}", response_model=None)
    def original(doc_id: str) -> FileResponse | HTMLResponse:
        """The published PDF of an indexed document (the viewer opens it at "#page=N"); nothing else."""
        if doc_id not in known() or index.document(doc_id).format != "pdf":
            return not_found()
        path = index.original(doc_id)
        if not inside(path, path.parent):  # a link out of the documents folder, made before or after the build
            return not_found()
        # the browser's PDF viewer is a plugin that the chat's policy would block: this response sets its own
        headers = {"Content-Security-Policy": "frame-ancestors 'self'"}
        return FileResponse(path, media_type="application/pdf", content_disposition_type="inline", headers=headers)

    @server.get("/original/{anything:path}", response_class=HTMLResponse)
    def original_not_found(anything: str) -> HTMLResponse:
        return not_found()

    @server.get("/source/{anything:path}", response_class=HTMLResponse)
    def source_not_found(anything: str) -> HTMLResponse:
        return not_found()

    theme = gr.themes.Default(
        primary_hue="blue",
        neutral_hue="slate",
        font=SYSTEM_FONTS,  # system fonts: the page loads nothing from outside this server
        font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
    ).set(body_text_color_subdued="#475569")  # slate-600: 7.6:1 on white, where the default's 2.6:1 fails WCAG AA
    server.add_middleware(SecurityHeaders, policy=CHAT_POLICY)
    return gr.mount_gradio_app(
        server,
        build_app(index, editable=isinstance(index, LiveIndex) and is_loopback(host)),
        path="/",
        theme=theme,
        css=(HERE / "style.css").read_text(encoding="utf-8"),
        head=COPY_SCRIPT,
        ssr_mode=False,
        footer_links=[],  # Gradio's "Use via API" page is not the product's API: the page links /api/openapi.json
        max_file_size=MAX_UPLOAD,  # a draft to check is the only file the page takes: Gradio refuses larger ones
    )


def serve(index: Index, host: str = "127.0.0.1", port: int = 7860, *, mcp: bool = False) -> None:
    """Run the server until interrupted; the index is already loaded, the model is warmed up here."""
    import threading

    import uvicorn

    index.embedder.embed(["warm up"])  # the model is ready before the address is printed
    threading.Thread(target=index.warm_up, name="warm-up", daemon=True).start()  # word lists: not worth waiting
    if not is_loopback(host):
        print(f"Warning: listening on {host}: the chat is reachable from other machines.", file=sys.stderr, flush=True)
    print(f"WSIS RAG is running at http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    print(f"REST API at http://{host}:{port}/api/search?q=... (described at /api/openapi.json)", flush=True)
    if mcp:
        print(f"MCP tools (streamable HTTP) at http://{host}:{port}/mcp", flush=True)
    app = create_server(index, mcp=mcp, host=host)
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="on")  # "on": a failed start-up stops it


def start_in_background(index: Index, host: str = "127.0.0.1", *, mcp: bool = False) -> tuple[str, Callable[[], None]]:
    """Serve on a free port in a thread (for tests and the screenshot script); returns (url, stop)."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    app = create_server(index, mcp=mcp, host=host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError(f"The web server did not start on {host}:{port}.")

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://{host}:{port}", stop
