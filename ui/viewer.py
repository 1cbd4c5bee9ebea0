"""The source viewer: a whole document as readable paragraphs, each with its label and a stable anchor."""

import html
from pathlib import Path
from urllib.parse import quote

from rag.citations import anchor, long_date
from rag.ingest.folder import Document
from rag.ingest.paragraphs import Unit, heading_title
from rag.passage import SameAs
from ui.render import inline, name_html, same_language_html

STYLE = (Path(__file__).parent / "viewer.css").read_text(encoding="utf-8")
# The page is text and its own stylesheet: no script runs in it and nothing loads, whatever a document holds.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def source_page(document: Document, units: list[Unit], twins: dict[str, tuple[SameAs, ...]]) -> str:
    """The document page; the paragraph named in the URL's fragment is highlighted by CSS (:target)."""
    adopted = f"adopted {long_date(document.adopted)}" if document.adopted else ""
    issued = f"issued {long_date(document.issued)}" if document.issued else long_date(document.date)
    status = document.status if not document.draft_of else document.draft_note
    facts = " · ".join(name_html(f) for f in (document.kind, status, document.symbol, adopted, issued) if f)
    if document.format == "pdf":
        facts += f' · <a href="/original/{quote(document.id, safe="")}" target="_blank" rel="noopener">original PDF</a>'

    body = "".join(_unit_html(u, twins.get(u.label, ())) for u in units if u.kind != "markup")
    return _page(
        html.escape(document.short_name),
        f'<header><a class="back" href="/">← Ask a question</a><h1>{html.escape(document.title)}</h1>'
        f'<p class="facts">{facts}</p></header><main>{body}</main>',
    )


def not_found_page() -> str:
    return _page(
        "Not found",
        '<header><a class="back" href="/">← Ask a question</a><h1>Not found</h1></header>'
        "<main><p>There is no document at this address.</p></main>",
    )


def _unit_html(unit: Unit, twins: tuple[SameAs, ...]) -> str:
    ident = html.escape(anchor(unit.label), quote=True)
    if unit.kind == "heading":
        level = min(max(unit.level, 1) + 1, 6)
        return f'<h{level} id="{ident}">{html.escape(heading_title(unit.text))}</h{level}>'
    # the margin shows the label unless the paragraph's own text starts with it ("32. We emphasize")
    label = "" if unit.text.startswith(unit.label) or unit.kind == "footnote" else html.escape(unit.label)
    if unit.rows:
        rows = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in unit.rows)
        content = f"<table>{rows}</table>"
    else:
        content = f"<p>{inline(unit.text)}</p>"
    notes = ""
    if unit.notes:  # the paragraph's footnote marks, each a link to its footnote
        links = ", ".join(
            f'<a href="#{html.escape(anchor(note))}">{html.escape(note.removeprefix("fn"))}</a>' for note in unit.notes
        )
        notes = f'<p class="notes">Footnotes: {links}</p>'
    return (
        f'<section class="unit {unit.kind}" id="{ident}"><a class="label" href="#{ident}" '
        f'title="Link to this paragraph">{label}</a>{content}{notes}{same_language_html(twins)}</section>'
    )


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · WSIS RAG</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
