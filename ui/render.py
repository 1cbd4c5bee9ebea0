"""Passages -> HTML for the chat. Everything from a document or a user is escaped first; only the markup
the documents use (*emphasis*, **strong**, <sup>, links) is then turned back into safe tags."""

import html
import json
import re

from rag.passage import Answer, Passage, SameAs
from rag.quote_text import raise_marks
from rag.retrieval import notices

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
# Controls that reorder the text after them (overrides, embeddings, isolates, marks): a name holding one is
# set in <bdi>, so it cannot turn around the citation or the app's words beside it.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BLANK_LINE_AHEAD = re.compile(r"(?:\r\n?|\n)(?=[^\S\r\n]*[\r\n])")  # a line end that a blank line follows


def inline(text: str) -> str:
    """One run of document text as HTML: escaped, with the document's own light markup rendered."""
    out = html.escape(text, quote=True)
    for pattern, replacement in EMPHASIS:
        out = pattern.sub(replacement, out)
    out = MARKDOWN_LINK.sub(_link, out)
    out = AUTOLINK.sub(lambda m: _anchor(m[1], m[1]), out)
    return ESCAPED_PUNCTUATION.sub(r"\1", out)


def name_html(text: str) -> str:
    """A document's name or a citation, escaped, and isolated when it holds bidi controls."""
    escaped = html.escape(text)
    return f"<bdi>{escaped}</bdi>" if BIDI_CONTROLS.search(text) else escaped


def no_blank_line(markup: str) -> str:
    """The chat reads a message as markdown, where a blank line ends the HTML block and lets markdown render
    what follows (an image fetched from anywhere). A line end before a blank line, from a question or a file
    name, becomes a character reference: the same text, with no blank line."""
    return BLANK_LINE_AHEAD.sub(lambda end: end[0].replace("\r", "&#13;").replace("\n", "&#10;"), markup)


def _link(match: re.Match) -> str:
    label, target = match[1], html.unescape(match[2])
    return _anchor(target, label) if SAFE_URL.match(target) else label  # "(#)" placeholders stay text


def _anchor(url: str, label: str) -> str:
    href = html.escape(html.unescape(url), quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{label}</a>'


def highlighted(
    text: str, highlights: tuple[tuple[int, int], ...] = (), marks: tuple[tuple[int, int], ...] = ()
) -> str:
    """The text with the given character ranges emphasised as <mark>, and its footnote marks raised (a PDF
    prints "2015,5 in" flat: shown as 2015,<sup>5</sup> in)."""
    text, highlights = raise_marks(text, marks, highlights)
    pieces, cursor = [], 0
    for start, end in sorted(highlights):
        if start >= cursor:
            pieces.append(inline(text[cursor:start]))
            pieces.append(f"<mark>{inline(text[start:end])}</mark>")
            cursor = end
    pieces.append(inline(text[cursor:]))
    return "".join(pieces)


def passage_html(passage: Passage) -> str:
    """One passage: the verbatim quote, its citation (short style) linked to the viewer, the section it
    stands in as context (one line, the whole path in its tooltip), Copy in the short or full style, and Add
    to compilation."""
    if passage.rows:
        rows = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in passage.rows)
        body = f'<table class="wsis-table">{rows}</table>'
    else:
        body = highlighted(passage.text, passage.highlights, passage.marks)
    # The copy and add buttons read these hidden spans (data-* attributes are sanitized away).
    short, full = (html.escape(passage.quote_with_citation(style)) for style in ("short", "full"))
    return (
        f'<figure class="wsis-passage"><blockquote class="wsis-quote">{body}</blockquote>'
        f'<figcaption class="wsis-cite"><span class="wsis-line"><a class="wsis-source" '
        f'href="{html.escape(passage.url)}" target="_blank" rel="noopener">{name_html(passage.citation)}</a>'
        f"{_original_link(passage)}</span>"
        '<span class="wsis-actions"><button class="wsis-copy" type="button" '
        'title="Copy the quote with its short citation">Copy</button><button class="wsis-copy wsis-copy-full" '
        'type="button" title="Copy the quote with its full citation: title, symbol, date, paragraph">Copy full'
        '</button><button class="wsis-add" type="button" title="Add this paragraph to the compilation of agreed '
        'language (right)">Add to compilation</button></span>'
        f'<span class="wsis-copy-text">{short}</span><span class="wsis-copy-full-text">{full}</span>'
        f'<span class="wsis-add-key">{html.escape(add_key(passage))}</span>'
        f"{_context_html(passage)}</figcaption>{_footnotes_html(passage)}{same_language_html(passage.same_as)}</figure>"
    )


def add_key(passage: Passage) -> str:
    """What "Add to compilation" sends back: which paragraph, never its text (the server looks it up again)."""
    return json.dumps([passage.doc_id, passage.label], ensure_ascii=False)


def _context_html(passage: Passage) -> str:
    """The section path, beside the citation and not part of it: one line on screen, whole in the tooltip."""
    if not passage.section:
        return ""
    return f'<span class="wsis-context" title="{html.escape(passage.section)}">{name_html(passage.section)}</span>'


def _footnotes_html(passage: Passage) -> str:
    """The footnotes the quote's marks point to, in small print under it, as the document prints them."""
    if not passage.footnotes:
        return ""
    return '<ol class="wsis-footnotes">' + "".join(f"<li>{inline(note)}</li>" for note in passage.footnotes) + "</ol>"


def _original_link(passage: Passage) -> str:
    """ "PDF p. 17": the published PDF, opened at the page the paragraph is printed on."""
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
        f'<a href="{html.escape(t.url)}" target="_blank" rel="noopener">{name_html(t.citation)}</a>' for t in twins
    )
    return f'<p class="wsis-same">Same language in: {links}</p>'


def answer_html(answer: Answer, notes: tuple[str, ...] = (), every: list[Passage] = ()) -> str:
    """One reply. When the documents answer: the passages the question names or whose wording it quotes,
    then "3 related passages follow" and those; else "5 passages from 3 documents". When they do not: why
    (a paragraph they lack, a language the search does not read) or the fixed notice, and the nearest
    passages as weak matches. `notes` say how the chat read the question; `every` is each paragraph holding
    the quoted phrases (Index.containing), listed as citations when more hold them than are quoted. One line,
    so markdown leaves it."""
    if answer.corrections:
        notes = (*notes, notices.spelling(list(answer.corrections)))
    said = "".join(f'<p class="wsis-note">{html.escape(note)}</p>' for note in notes)
    absent = [notices.no_phrase(phrase) for phrase in answer.missing_phrases]
    said += "".join(f'<p class="wsis-notice">{html.escape(n)}</p>' for n in (*answer.notices, *absent))
    passages = list(answer.passages)
    if answer.abstained:
        if not answer.notices and not answer.missing_phrases:  # an Answer made by hand: answer() always says why
            said += f'<p class="wsis-notice">{notices.NO_ANSWER}</p>'
        items = "".join(passage_html(p) for p in passages)
        # Shown, not folded, when the notice names what is missing (a paragraph, a document, a language); folded
        # when nothing answers the question at all: then the nearest passages are only near.
        opened = " open" if answer.notices and answer.notices[0] != notices.NO_ANSWER else ""
        weak = f'<details class="wsis-weak"{opened}><summary>{WEAK_MATCHES}</summary>{items}</details>' if items else ""
        return no_blank_line(f'<div class="wsis-answer">{said}{weak}</div>')
    references = [p for p in passages if p.match == "reference"]
    holders = [p for p in passages if p.match == "phrase"]
    rest = [p for p in passages if not p.match]
    if not references and not holders:
        body = f'<p class="wsis-count">{notices.counted(passages)}</p>' + "".join(passage_html(p) for p in passages)
    else:
        body = ""
        if references:
            body += f'<p class="wsis-count">{html.escape(notices.matched(references, answer.phrases))}</p>'
            body += "".join(passage_html(p) for p in references)
        if holders:
            said_count = notices.matched(holders, answer.phrases, answer.phrase_total)
            body += f'<p class="wsis-count">{html.escape(said_count)}</p>' + "".join(passage_html(p) for p in holders)
            body += _all_holders_html(every, answer)
        if rest:
            body += f'<p class="wsis-count wsis-related">{notices.related(len(rest))}</p>'
            body += "".join(passage_html(p) for p in rest)
    return no_blank_line(f'<div class="wsis-answer">{said}{body}</div>')


def _all_holders_html(every: list[Passage], answer: Answer) -> str:
    """ "All 28 passages that contain “multistakeholder”": every holder's citation, linked, folded."""
    if len(every) <= sum(1 for p in answer.passages if p.match == "phrase"):
        return ""
    links = "".join(
        f'<li><a href="{html.escape(p.url)}" target="_blank" rel="noopener">{name_html(p.citation)}</a></li>'
        for p in every
    )
    quoted = " and ".join(f"“{html.escape(phrase)}”" for phrase in answer.phrases)
    return (
        f'<details class="wsis-all"><summary>All {len(every)} passages that contain {quoted}</summary>'
        f'<ol class="wsis-all-list">{links}</ol></details>'
    )


def notice_html(message: str) -> str:
    return no_blank_line(f'<div class="wsis-answer"><p class="wsis-notice">{html.escape(message)}</p></div>')


def question_html(question: str) -> str:
    """A user's question, shown exactly as typed and never interpreted as markup."""
    return no_blank_line(f'<div class="wsis-question">{html.escape(question)}</div>')


def examples_html(examples: list[str]) -> str:
    """Example questions as buttons that wrap, so each reads in full; a click puts it in the question box."""
    buttons = "".join(f'<button class="wsis-example" type="button">{html.escape(q)}</button>' for q in examples)
    return f'<div id="wsis-examples"><span class="wsis-try">Try:</span>{buttons}</div>'
