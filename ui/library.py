"""The "Documents" view: the documents searched (symbol, title, date, pages, paragraphs, format) and the files
skipped with their reasons; where the server may change them (a LiveIndex, served on this machine only until
accounts come), documents added by upload and removed, the index catching up in the background.

Nothing here reads, checks or indexes a file: rag.library does, and the table is what the index holds.
"""

import html
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import gradio as gr

from rag import NotFoundError
from rag.library import MAX_UPLOAD_BYTES, add_files, remove_document
from rag.retrieval.live import LiveIndex
from ui.render import name_html

ACCEPTED = (
    f"Add documents: .pdf, .docx, .html, .txt or .md, several at once, up to {MAX_UPLOAD_BYTES // 2**20} MB each. "
    "Each is read before it is added; the chat answers from the documents as they were until the new ones are "
    "indexed."
)


def library_view(index, editable: bool) -> Callable[[gr.components.Component, Callable[[], dict]], None]:
    """The view, built in the current Blocks context; `editable` with a LiveIndex the server may change. Returns
    what wires its events to the side column's document filter (built after it), which `filter_update` renews
    once the index has caught up, so the new documents are searched."""
    status = gr.HTML(_status_html(index), elem_id="wsis-library-status")
    table = gr.HTML(library_html(index), elem_id="wsis-library-table")
    if not editable:
        return lambda chosen, filter_update: None
    with gr.Row(equal_height=False):
        upload = gr.File(
            label="Add documents",
            file_count="multiple",
            file_types=[".pdf", ".docx", ".html", ".htm", ".txt", ".md"],
            type="filepath",
            height=110,
            elem_id="wsis-library-upload",
        )
        with gr.Column():
            gr.HTML(f'<p class="wsis-note">{html.escape(ACCEPTED)}</p>')
            remove_choice = gr.Dropdown(_names(index), label="Remove a document", elem_id="wsis-library-remove-choice")
            remove = gr.Button("Remove", size="sm", elem_id="wsis-library-remove")
    said = gr.HTML("", elem_id="wsis-library-said")
    timer = gr.Timer(2.0, active=False)

    def added(paths: list[str] | None):
        outcomes = add_files(index, [(Path(p).name, Path(p)) for p in paths or []])
        lines = [f"{o.name}: {o.error}" if o.error else f"{o.name}: added; indexing …" for o in outcomes]
        return _said(lines), None, *_refreshed(index)

    def removed(doc_id: str | None):
        if not doc_id:
            return _said(["Choose a document to remove."]), *_refreshed(index)
        try:
            names = remove_document(index, doc_id)
        except NotFoundError as error:
            return _said([str(error)]), *_refreshed(index)
        return _said([f"Removed {', '.join(names)}; indexing …"]), *_refreshed(index)

    def wire(chosen: gr.components.Component, filter_update: Callable[[], dict]) -> None:
        quiet = dict(api_visibility="private", show_progress="minimal")
        outputs = [status, table, remove_choice, timer]
        upload.upload(added, [upload], [said, upload, *outputs], **quiet)
        remove.click(removed, [remove_choice], [said, *outputs], **quiet)

        def tick():  # while a build runs; the filter renewed once it is live
            building = index.status.state == "building"
            return *_refreshed(index), (gr.skip() if building else filter_update())

        timer.tick(tick, None, [*outputs, chosen], api_visibility="private", show_progress="hidden")

    return wire


def _refreshed(index: LiveIndex) -> tuple:
    """The status, the table and the documents to remove as they are now; the timer runs while a build does."""
    building = index.status.state == "building"
    return (
        _status_html(index),
        library_html(index),
        gr.Dropdown(choices=_names(index), value=None),
        gr.Timer(active=building),
    )


def _names(index) -> list[tuple[str, str]]:
    return [(f"{d.cited_as} ({d.file})", d.id) for d in sorted(index.documents, key=lambda d: d.id)]


def _said(lines: list[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f'<ul class="wsis-library-said" aria-live="polite">{items}</ul>'


def _status_html(index) -> str:
    documents = len(index.documents)
    line = f"{documents:,} document{'s' * (documents != 1)} searched."
    status = getattr(index, "status", None)
    if status is not None and status.state == "building":
        line += " Indexing the documents added or removed …"
    elif status is not None and status.state == "failed":
        line += f" The last change was not indexed: {status.message}"
    elif status is not None and status.message:
        line += f" Last indexed: {status.message}."
    return f'<p class="wsis-note" aria-live="polite">{html.escape(line)}</p>'


def library_html(index) -> str:
    """Every document searched, and every file skipped with its reason."""
    counts = index.paragraph_counts()
    rows = "".join(
        "<tr>"
        f"<td>{name_html(d.cited_as)}</td><td>{name_html(d.title)}</td><td>{html.escape(d.date)}</td>"
        f"<td>{len(d.pages) or ''}</td><td>{counts.get(d.id, 0):,}</td><td>{html.escape(d.format)}</td>"
        f'<td><a href="/source/{quote(d.id, safe="")}" target="_blank" rel="noopener">read</a></td>'
        "</tr>"
        for d in sorted(index.documents, key=lambda d: d.id)
    )
    columns = ("Document", "Title", "Date", "Pages", "Paragraphs", "Format", "Source")
    head = "<tr>" + "".join(f'<th scope="col">{c}</th>' for c in columns) + "</tr>"
    out = f'<table class="wsis-library"><caption>Documents searched</caption>{head}{rows}</table>'
    skipped = index.manifest.get("skipped", {})
    if skipped:
        items = "".join(f"<li>{name_html(name)}: {html.escape(why)}</li>" for name, why in sorted(skipped.items()))
        out += f'<h3 class="wsis-library-skipped">Files skipped</h3><ul class="wsis-library-skipped">{items}</ul>'
    return out
