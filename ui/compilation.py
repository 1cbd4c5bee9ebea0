"""The compilation panel: paragraphs collected from the answers with "Add to compilation", kept in the order
the user chooses, and offered as .docx and .md downloads.

Each browser session has its own compilation (a gr.State of (doc_id, label) keys). What the browser sends is
only which paragraph to add: its text is looked up again in the index, so an export always holds the index's
verbatim quote and citation.
"""

import datetime
import json
from functools import partial

import gradio as gr
from gradio import processing_utils, utils

from rag import Index, NotFoundError, compilation
from rag.compilation import Key

HEADING = "Compilation of agreed language"
EMPTY = "Collect paragraphs here with “Add to compilation” under a quote."
FILLED = "Choose a paragraph to move or remove it; export gives each quote verbatim with its citation."


def compilation_panel(index: Index) -> None:
    """The panel, built in the current column, with its events: the hidden box the Add buttons write into
    (COPY_SCRIPT in ui/app.py), the list, Up / Down / Remove, and the two downloads."""
    keys = gr.State(())
    # Hidden by style.css, not by `visible`: Gradio leaves a hidden component's textarea out of the page.
    picked = gr.Textbox(show_label=False, elem_id="wsis-add", container=False)
    with gr.Column(elem_id="wsis-compilation"):
        items = gr.Radio([], label=HEADING, info=EMPTY, elem_id="wsis-compilation-items")
        with gr.Row(elem_classes="wsis-compilation-row"):
            up, down, remove = (
                gr.Button(name.title(), size="sm", min_width=0, interactive=False, elem_id=f"wsis-compilation-{name}")
                for name in ("up", "down", "remove")
            )
        with gr.Row(elem_classes="wsis-compilation-row"):
            docx, md = (
                gr.DownloadButton(
                    f"Export .{kind}", size="sm", min_width=0, interactive=False, elem_id=f"wsis-export-{kind}"
                )
                for kind in ("docx", "md")
            )
    shown = [keys, items, docx, md, up, down, remove]
    quiet = dict(api_visibility="private", show_progress="hidden")
    # Gradio 6 fires "input" only on key presses: the script's input event is seen as a change.
    picked.change(partial(_add, index), [picked, keys, items], [picked, *shown], trigger_mode="multiple", **quiet)
    up.click(partial(_move, index, -1), [keys, items], shown, **quiet)
    down.click(partial(_move, index, 1), [keys, items], shown, **quiet)
    remove.click(partial(_drop, index), [keys, items], shown, **quiet)


def _show(index: Index, chosen: tuple[Key, ...], selected: str | None) -> tuple:
    """The new state, the list (the selection kept while it is in it), the downloads, and Up / Down / Remove
    (offered only when there is something to move or remove)."""
    passages = [index.paragraph(doc_id, label) for doc_id, label in chosen]  # keys the index gave: found
    choices = [(compilation.summary(p), _value((p.doc_id, p.label))) for p in passages]
    value = selected if selected in {v for _, v in choices} else None
    docx_file, md_file = _exports(passages) if passages else (None, None)
    label, info = f"{HEADING} ({len(passages)})", FILLED if passages else EMPTY
    return (
        chosen,
        gr.Radio(choices=choices, value=value, label=label, info=info),
        gr.DownloadButton(value=docx_file, interactive=bool(passages)),
        gr.DownloadButton(value=md_file, interactive=bool(passages)),
        *(gr.Button(interactive=bool(passages)) for _ in range(3)),  # Up, Down, Remove
    )


def _add(index: Index, sent: str, chosen: tuple[Key, ...], selected: str | None) -> tuple:
    """The paragraph an Add button wrote into the hidden box added (once), then the box emptied for the next."""
    if not sent:  # the box emptied: nothing to do
        return (gr.skip(),) * 8
    key = parse_key(sent)
    try:  # only a paragraph the index holds, as the index holds it
        passage = index.paragraph(*key) if key else None
    except NotFoundError:
        passage = None
    if passage is None:
        return "", *_show(index, chosen, selected)
    key = (passage.doc_id, passage.label)
    return "", *_show(index, compilation.added(chosen, key), _value(key))


def _move(index: Index, step: int, chosen: tuple[Key, ...], selected: str | None) -> tuple:
    return _show(index, compilation.moved(chosen, parse_key(selected), step), selected)


def _drop(index: Index, chosen: tuple[Key, ...], selected: str | None) -> tuple:
    return _show(index, compilation.removed(chosen, parse_key(selected)), None)


def parse_key(sent: str | None) -> Key | None:
    """The (doc_id, label) an Add button sent (ui.render.add_key) or the list holds; None for anything else."""
    try:
        value = json.loads(sent or "")
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return value[0], value[1]
    return None


def _value(key: Key) -> str:
    return json.dumps(list(key), ensure_ascii=False)


def _exports(passages: list) -> tuple[str, str]:
    """The compilation as .docx and .md files in Gradio's cache, which serves them to this session."""
    today = datetime.date.today()
    folder = utils.get_upload_folder()
    docx = compilation.to_docx(passages, date=today)
    md = compilation.to_markdown(passages, date=today).encode("utf-8")
    return (
        processing_utils.save_bytes_to_cache(docx, compilation.file_name("docx", today), folder),
        processing_utils.save_bytes_to_cache(md, compilation.file_name("md", today), folder),
    )
