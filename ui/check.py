"""The "Check a draft" view: a draft pasted or chosen as a file, checked against the index's documents (the
side column's filter) by the library (rag.precedents), the result shown (ui/check_render.py) and offered as
.docx, .md and .json downloads. Nothing here compares or judges: it calls the library and renders its answer.
"""

import datetime
import json
from collections.abc import Callable
from functools import partial

import gradio as gr
from gradio import processing_utils, utils

from rag import Index, RagError
from rag.integrations import tools
from rag.precedents import export
from rag.precedents.check import DraftCheck, check_draft
from rag.precedents.draft import SUFFIXES, draft_from_file, draft_from_text
from ui.check_render import check_html
from ui.render import notice_html

MAX_UPLOAD = "20mb"  # Gradio's upload limit (ui/app.py mounts the chat with it)
ACCEPTED = (
    "Paste the text or choose a file: .docx, .pdf, .txt, .md or .html, up to 300,000 characters "
    "(about 100 pages); files up to 20 MB."
)
PLACEHOLDER = (
    "Paste the draft here, with its paragraph numbers as it prints them, e.g.\n"
    "Recalling its resolution 70/125 of 16 December 2015, …\n"
    "1. Reaffirms the commitment to …"
)
NO_DOCUMENTS = "Choose at least one document to check the draft against."
EMPTY = '<p class="wsis-note">The result comes here: each paragraph of the draft, its verdict and its precedents.</p>'


def check_view(index: Index, listed: bool) -> Callable[[gr.components.Component], None]:
    """The view's components, built in the current Blocks context; returns what wires its events to the side
    column's document filter, built after it (with `listed`, nothing chosen in it means every document)."""
    with gr.Column(elem_id="wsis-check-view"):
        text = gr.Textbox(
            label="The draft",
            placeholder=PLACEHOLDER,
            lines=8,
            max_lines=16,
            elem_id="wsis-draft",
        )
        with gr.Row(equal_height=False, elem_classes="wsis-check-row"):
            upload = gr.File(
                label="Or choose a file",
                file_types=list(SUFFIXES),
                type="filepath",
                height=110,
                elem_id="wsis-draft-file",
            )
            with gr.Column(min_width=220, elem_id="wsis-check-actions"):
                gr.HTML(f'<p class="wsis-note" id="wsis-accepted">{ACCEPTED}</p>', elem_id="wsis-accepted-block")
                button = gr.Button("Check", variant="primary", elem_id="wsis-check-button")
        with gr.Row(elem_classes="wsis-compilation-row"):  # above the result, which may run to 100 paragraphs
            downloads = [
                gr.DownloadButton(
                    f"Download .{kind}", size="sm", min_width=0, interactive=False, elem_id=f"wsis-check-{kind}"
                )
                for kind in ("docx", "md", "json")
            ]
        result = gr.HTML(EMPTY, elem_id="wsis-check-result")

    def wire(chosen: gr.components.Component) -> None:
        run = partial(_check, index, listed)
        events = dict(api_visibility="private", show_progress="minimal")
        button.click(run, [text, upload, chosen], [result, *downloads], **events)
        upload.upload(run, [text, upload, chosen], [result, *downloads], **events)
        # What was given last is checked: a change in the box sets a chosen file aside. ("change": Gradio 6 fires
        # "input" only on key presses, not on a paste from a program.)
        text.change(lambda: None, None, upload, api_visibility="private", show_progress="hidden", queue=False)

    return wire


def _check(index: Index, listed: bool, text: str, path: str | None, chosen: list[str] | None) -> tuple:
    """The chosen file checked, or else the pasted text; the library's message for bad input."""
    if not chosen and not listed:
        return _notice(NO_DOCUMENTS)
    try:
        draft = draft_from_file(path) if path else draft_from_text(text or "")
        result = check_draft(index, draft, documents=chosen or None)
    except RagError as error:  # empty, too long, unreadable, an unknown document: said as the library says it
        return _notice(str(error))
    return check_html(result), *(gr.DownloadButton(value=f, interactive=True) for f in _exports(result))


def _notice(message: str) -> tuple:
    shown = notice_html(message).replace('class="wsis-answer"', 'class="wsis-check wsis-check-notice"', 1)
    return shown, *(gr.DownloadButton(value=None, interactive=False) for _ in range(3))


def _exports(result: DraftCheck) -> tuple[str, str, str]:
    """The check as .docx, .md and .json files in Gradio's cache, which serves them to this session."""
    today = datetime.date.today()
    folder = utils.get_upload_folder()
    files = {
        "docx": export.to_docx(result, date=today),
        "md": export.to_markdown(result, date=today).encode("utf-8"),
        "json": json.dumps(tools.check_result(result), ensure_ascii=False, indent=1).encode("utf-8"),
    }
    return tuple(
        processing_utils.save_bytes_to_cache(data, export.file_name(kind, today), folder)
        for kind, data in files.items()
    )
