"""Passages -> HTML for the chat. Everything from a document or a user is escaped first; only the markup
the documents use (*emphasis*, **strong**, <sup>, links) is then turned back into safe tags."""

import html
import re

from rag.passage import Answer, Passage, SameAs

NO_ANSWER = "No passage in these documents answers this question."
WEAK_MATCHES = "Nearest passages (weak matches)"

EMPHASIS = [
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])"), r"<em>\1</em>"),
    (re.compile(r"&lt;sup&gt;\s*([^&<]{1,20}?)\s*&lt;/sup&gt;"), r"<sup>\1</sup>"),
]
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))*)\)")  # targets may hold one (...) level
AUTOLINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")
ESCAPED_PUNCTUATION = re.compile(r"\\([\\_*\[\]()#])")
SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def inline(text: str) -> str:
    """One run of document text as HTML: escaped, with the document's own light markup rendered."""
    out = html.escape(text, quote=True)
    for pattern, replacement in EMPHASIS:
        out = pattern.sub(replacement, out)
    out = MARKDOWN_LINK.sub(_link, out)
    out = AUTOLINK.sub(lambda m: _anchor(m[1], m[1]), out)
    return ESCAPED_PUNCTUATION.sub(r"\1", out)


def _link(match: re.Match) -> str:
    label, target = match[1], html.unescape(match[2])
    return _anchor(target, label) if SAFE_URL.match(target) else label  # "(#)" placeholders stay text


def _anchor(url: str, label: str) -> str:
    href = html.escape(html.unescape(url), quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{label}</a>'


def highlighted(text: str, highlights: tuple[tuple[int, int], ...] = ()) -> str:
    """The text with the given character ranges emphasised as <mark>."""
    pieces, cursor = [], 0
    for start, end in sorted(highlights):
        if start >= cursor:
            pieces.append(inline(text[cursor:start]))
            pieces.append(f"<mark>{inline(text[start:end])}</mark>")
            cursor = end
    pieces.append(inline(text[cursor:]))
    return "".join(pieces)


def passage_html(passage: Passage) -> str:
    if passage.rows:
        rows = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in passage.rows)
        body = f'<table class="wsis-table">{rows}</table>'
    else:
        body = highlighted(passage.text, passage.highlights)
    copy = html.escape(passage.quote_with_citation())  # read by the copy button (data-* is sanitized away)
    return (
        f'<figure class="wsis-passage"><blockquote class="wsis-quote">{body}</blockquote>'
        f'<figcaption class="wsis-cite"><a class="wsis-source" href="{html.escape(passage.url)}" target="_blank" '
        f'rel="noopener">{html.escape(passage.reference)}</a>{_original_link(passage)}'
        '<button class="wsis-copy" type="button" title="Copy the quote with its citation">Copy</button>'
        f'<span class="wsis-copy-text">{copy}</span></figcaption>{_footnotes_html(passage)}'
        f"{same_language_html(passage.same_as)}</figure>"
    )


def _footnotes_html(passage: Passage) -> str:
    """The footnotes the quote's marks point to, in small print under it, as the document prints them."""
    if not passage.footnotes:
        return ""
    return '<ol class="wsis-footnotes">' + "".join(f"<li>{inline(note)}</li>" for note in passage.footnotes) + "</ol>"


def _original_link(passage: Passage) -> str:
    """"PDF p. 17": the published PDF, opened at the page the paragraph is printed on."""
    if not passage.original_url:
        return ""
    page = f" p. {passage.pages[0]}" if passage.pages else ""
    return (
        f' <a class="wsis-original" href="{html.escape(passage.original_url)}" target="_blank" rel="noopener" '
        f'title="Open the original PDF at this page">PDF{page}</a>'
    )


def same_language_html(twins: tuple[SameAs, ...]) -> str:
    """ "Same language in: ECOSOC Draft Resolution 2016, ¶17" with links to those paragraphs."""
    if not twins:
        return ""
    links = ", ".join(
        f'<a href="{html.escape(t.url)}" target="_blank" rel="noopener">{html.escape(t.citation)}</a>' for t in twins
    )
    return f'<p class="wsis-same">Same language in: {links}</p>'


def count_label(passages: list[Passage]) -> str:
    """The app's only words of its own: "4 passages from 3 documents"."""
    documents = len({p.doc_id for p in passages})
    return f"{_plural(len(passages), 'passage')} from {_plural(documents, 'document')}"


def answer_html(answer: Answer) -> str:
    """One reply: a count, then each passage as a cited block quote; or, when the documents do not answer,
    the fixed notice and the nearest passages folded away. One line, so markdown leaves it alone."""
    missing = "".join(
        f'<p class="wsis-notice">No passage contains “{html.escape(p)}”.</p>' for p in answer.missing_phrases
    )
    items = "".join(passage_html(p) for p in answer.passages)
    if answer.abstained:
        weak = f'<details class="wsis-weak"><summary>{WEAK_MATCHES}</summary>{items}</details>' if items else ""
        return f'<div class="wsis-answer"><p class="wsis-notice">{NO_ANSWER}</p>{missing}{weak}</div>'
    return (
        f'<div class="wsis-answer">{missing}<p class="wsis-count">{count_label(list(answer.passages))}</p>{items}</div>'
    )


def notice_html(message: str) -> str:
    return f'<div class="wsis-answer"><p class="wsis-notice">{html.escape(message)}</p></div>'


def question_html(question: str) -> str:
    """A user's question, shown exactly as typed and never interpreted as markup."""
    return f'<div class="wsis-question">{html.escape(question)}</div>'


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
