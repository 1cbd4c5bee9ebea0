"""A draft's check (rag.precedents.check.DraftCheck) -> HTML for the "Check a draft" view. Everything from a
document or a user is escaped (ui/render.py's helpers): the draft's text, the precedents' quotes, names, notes.

Each draft paragraph is one block, kept short enough to scan a 100-paragraph draft: its label and verdict, the
draft's own text (wording no paragraph holds marked as new, wording from a paragraph other than the best
precedent cited after it), its best precedent cited with its date and standing, and the redline from it: each
change with a few words around it, as the whole text stands just above. The precedent's full quote (to copy or
add to the compilation) and the other precedents are folded."""

import html
import re

from rag.citations import long_date
from rag.precedents.check import NEW, VERDICTS, CheckedParagraph, DraftCheck, Precedent
from rag.precedents.compare import body_start
from rag.quote_text import raise_marks
from ui.render import inline, name_html, no_blank_line, passage_html

PASTED = "pasted text"  # what rag.precedents.draft names a draft that is no file
Marks = tuple[tuple[int, int], ...]
# One class per verdict: its badge's colour and the block's edge (style.css).
VERDICT_CLASSES = {verdict: "wsis-v-" + verdict.replace(" ", "-") for verdict in VERDICTS}
LEGEND = (
    'In the changes, <del class="wsis-del">struck</del> words are the best precedent’s that the draft drops, '
    '<ins class="wsis-ins">underlined</ins> words the draft’s own. <mark class="wsis-new">Highlighted</mark> '
    "words are new: no paragraph of the documents checked holds them."
)
QUOTE_SUMMARY = "The precedent in full, to copy or add to the compilation"
CONTEXT = 5  # words shown on each side of a change
WORD = re.compile(r"\S+")
NEW_SAID = '<span class="wsis-visually-hidden"> (new wording)</span>'  # the highlight, said to a screen reader


def check_html(result: DraftCheck) -> str:
    """The whole check: what was checked and the counts per verdict, the legend, then each draft paragraph."""
    blocks = "".join(
        paragraph_html(paragraph, unit.marks)
        for paragraph, unit in zip(result.paragraphs, result.draft.paragraphs, strict=True)
    )
    return no_blank_line(
        f'<div class="wsis-check">{summary_html(result)}<p class="wsis-legend">{LEGEND}</p>{blocks}</div>'
    )


def summary(result: DraftCheck) -> str:
    """ "Checked: 75 paragraphs of A/C.3/80/L.46 against 5 documents: 0 verbatim, 1 with changes, 4 partly
    agreed, 70 new." (also what the live region says once the result is in)."""
    draft = result.draft
    name = draft.symbol or draft.title or ("" if draft.name == PASTED else draft.name)
    paragraphs = f"{len(result.paragraphs)} paragraph{'s' * (len(result.paragraphs) != 1)}"
    counts = ", ".join(f"{n} {verdict}" for verdict, n in result.counts().items())
    documents = f"{result.against} document{'s' * (result.against != 1)}"
    return f"Checked: {paragraphs}{f' of {name}' if name else ''} against {documents}: {counts}."


def summary_html(result: DraftCheck) -> str:
    badges = "".join(
        f'<li><span class="wsis-badge {VERDICT_CLASSES[verdict]}">{html.escape(VERDICTS[verdict])}</span> {n}</li>'
        for verdict, n in result.counts().items()
    )
    out = f'<p class="wsis-check-summary">{name_html(summary(result))}</p>'
    out += f'<ul class="wsis-check-counts" aria-hidden="true">{badges}</ul>'  # the sentence above says the same
    if result.excluded:
        out += f'<p class="wsis-note">Left out as the draft itself: {name_html("; ".join(result.excluded))}.</p>'
    return out


def paragraph_html(paragraph: CheckedParagraph, marks: Marks = ()) -> str:
    verdict = VERDICT_CLASSES[paragraph.verdict]
    head = (
        f'<h3 class="wsis-checked-head"><span class="wsis-checked-label">{name_html(paragraph.label)}</span> '
        f'<span class="wsis-badge {verdict}">{html.escape(paragraph.verdict_text)}</span></h3>'
    )
    note = f'<p class="wsis-note">{name_html(paragraph.note)}</p>' if paragraph.note else ""
    body = f'<p class="wsis-draft-text">{stretches_html(paragraph, marks)}</p>'
    if paragraph.precedents:
        best, *others = paragraph.precedents
        body += _precedent_line(best)
        if not best.comparison.identical:
            changes = redline_html(paragraph.text, marks, best)
            body += f'<p class="wsis-redline"><span class="wsis-redline-head">Changes:</span> {changes}</p>'
        quoted = "".join(passage_html(p) for p in (best.passage, *best.merged))
        body += f'<details class="wsis-fold"><summary>{QUOTE_SUMMARY}</summary>{quoted}</details>'
        if others:
            links = "".join(f"<li>{_cited(p)}</li>" for p in others)
            count = f"{len(others)} other paragraph{'s' * (len(others) != 1)}"
            listed = f'<ul class="wsis-others">{links}</ul>'
            body += f'<details class="wsis-fold"><summary>Same language also in {count}</summary>{listed}</details>'
    elif paragraph.verdict == NEW and not any(s.source for s in paragraph.stretches):
        body += '<p class="wsis-note">No paragraph of the documents checked holds this wording.</p>'
    else:
        body += '<p class="wsis-note">No paragraph holds most of it; the parts cited are found there.</p>'
    return f'<section class="wsis-checked {verdict}">{head}{note}{body}</section>'


def stretches_html(paragraph: CheckedParagraph, marks: Marks = ()) -> str:
    """The draft paragraph as its stretches: wording held by the best precedent plain, wording held by another
    paragraph followed by that paragraph's citation, new wording highlighted (and said to be new)."""
    best = paragraph.precedents[0] if paragraph.precedents else None
    own = {(p.doc_id, p.label) for p in ((best.passage, *best.merged) if best else ())}
    if not any(stretch.source for stretch in paragraph.stretches):  # all new: its badge says so, unhighlighted
        return _raised(paragraph.text, marks, 0, len(paragraph.text))
    number = body_start(paragraph.text)  # the draft's own "5. ": never marked new
    out = [_raised(paragraph.text, marks, 0, number)]
    for stretch in paragraph.stretches:
        start = max(stretch.start, number)
        words = paragraph.text[start : stretch.end].rstrip()
        if not words:
            continue
        shown = _raised(paragraph.text, marks, start, start + len(words))
        spaces = html.escape(paragraph.text[start + len(words) : stretch.end])
        if stretch.source is None:
            out.append(f'<mark class="wsis-new">{shown}{NEW_SAID}</mark>{spaces}')
        elif (stretch.source.doc_id, stretch.source.label) in own:
            out.append(shown + spaces)
        else:
            out.append(f'{shown} <span class="wsis-from">[{_link(stretch.source)}]</span>{spaces}')
    return "".join(out)


def redline_html(text: str, marks: Marks, precedent: Precedent) -> str:
    """The changes from `precedent` to the draft paragraph `text`: what the draft drops struck (<del>), what it
    adds underlined (<ins>), each with the CONTEXT words around it; the wording both share between two changes
    left out (…) where it is longer. (The draft's text is shown whole above it, the precedent's in its fold.)"""
    quoted = precedent.passage
    theirs = " ".join(p.text for p in (quoted, *precedent.merged))  # as check.py joins a merged precedent
    their_marks = _joined_marks((quoted, *precedent.merged))
    d, q = body_start(text), body_start(theirs)
    pieces = precedent.comparison.pieces
    out = []
    for i, piece in enumerate(pieces):  # the pieces are slices of the two texts, in order
        if piece.op == "equal":
            out.append(_context(text, marks, d, d + len(piece.draft), first=i == 0, last=i == len(pieces) - 1))
        else:
            dropped, added = piece.precedent.rstrip(), piece.draft.rstrip()
            if dropped:
                spaced = added or piece.precedent != dropped
                struck = _raised(theirs, their_marks, q, q + len(dropped))
                out.append(f'<del class="wsis-del">{struck}</del>' + (" " if spaced else ""))
            if added:
                out.append(f'<ins class="wsis-ins">{_raised(text, marks, d, d + len(added))}</ins>')
            out.append(html.escape(piece.draft[len(added) :]))
        d, q = d + len(piece.draft), q + len(piece.precedent)
    return "".join(out)


def _context(text: str, marks: Marks, start: int, end: int, *, first: bool, last: bool) -> str:
    """Wording the draft shares with its precedent, around a change: the CONTEXT words next to each change it
    touches, the rest left out as "…"."""
    words = list(WORD.finditer(text, start, end))
    keep_start = not first  # the words after the change before it
    keep_end = not last  # the words before the change after it
    if len(words) <= CONTEXT * (keep_start + keep_end) + 2:
        return _raised(text, marks, start, end)
    shown = []
    if keep_start:
        shown.append(_raised(text, marks, start, words[CONTEXT - 1].end()))
    shown.append(" … " if keep_start and keep_end else ("… " if keep_end else " …"))
    if keep_end:
        shown.append(_raised(text, marks, words[-CONTEXT].start(), end))
    return "".join(shown)


def _precedent_line(best: Precedent) -> str:
    """ "Best precedent: A/RES/70/125, para. 32 · 16 December 2015 · adopted"; a merged one names both."""
    cited = " and ".join(_link(p) for p in (best.passage, *best.merged))
    merged = " (joined into one by the draft)" if best.merged else ""
    return f'<p class="wsis-precedent">Best precedent: {cited}{merged}{_dated(best)}</p>'


def _cited(precedent: Precedent) -> str:
    joined = "".join(f" and {_link(p)}" for p in precedent.merged)
    return f"{_link(precedent.passage)}{joined}{_dated(precedent)}"


def _dated(precedent: Precedent) -> str:
    standing = "adopted" if precedent.adopted else (precedent.document_kind or "not an adopted text")
    date = f" · {html.escape(long_date(precedent.date))}" if precedent.date else ""
    return f'<span class="wsis-standing">{date} · {html.escape(standing)}</span>'


def _link(passage) -> str:
    url, citation = html.escape(passage.url), name_html(passage.citation)
    return f'<a class="wsis-source" href="{url}" target="_blank" rel="noopener">{citation}</a>'


def _raised(text: str, marks: Marks, start: int, end: int) -> str:
    """text[start:end] as HTML, escaped, its footnote marks raised (<sup>), as the chat shows a quote."""
    inside = tuple((s - start, e - start) for s, e in marks if start <= s and e <= end)
    return inline(raise_marks(text[start:end], inside)[0])


def _joined_marks(passages) -> Marks:
    """The footnote marks of paragraphs joined with one space, as offsets into the joined text."""
    found, shift = [], 0
    for passage in passages:
        found += [(s + shift, e + shift) for s, e in passage.marks]
        shift += len(passage.text) + 1
    return tuple(found)
