"""A draft's check as text for a terminal: each paragraph's verdict and best precedent, its changes in the
wdiff style ("[-urges-] {+encourages+}"), and the new wording of a paragraph only partly agreed."""

import textwrap

from rag.precedents.check import NEW, PARTLY, CheckedParagraph, DraftCheck

WIDTH = 100


def to_text(result: DraftCheck) -> str:
    draft = result.draft
    name = draft.symbol or draft.title or draft.name
    counts = ", ".join(f"{n} {verdict}" for verdict, n in result.counts().items())
    head = [f"{name}: {len(result.paragraphs)} paragraphs checked against {result.against} documents ({counts})."]
    if result.excluded:
        head.append(f"Left out as the draft itself: {', '.join(result.excluded)}.")
    head.extend(result.notices)
    return "\n".join(head) + "\n\n" + "\n\n".join(_paragraph(p) for p in result.paragraphs) + "\n"


def _paragraph(paragraph: CheckedParagraph) -> str:
    lines = [f"{paragraph.label}  {paragraph.verdict_text}"]
    if paragraph.precedents:
        best = paragraph.precedents[0]
        joined = "".join(f" + {p.citation}" for p in best.merged)
        lines.append(f"    {best.passage.citation}{joined} ({best.date or 'undated'}, {_standing(best)})")
        changes = _wdiff(best.comparison.pieces)
        if changes:
            lines.append(_wrapped(changes))
        others = [p.passage.citation for p in paragraph.precedents[1:]]
        if others:
            lines.append(_wrapped("also in: " + "; ".join(others)))
    if paragraph.verdict in (PARTLY, NEW):  # which wording has a precedent, and where; which is new
        for stretch in paragraph.stretches:
            source = stretch.source.citation if stretch.source else "NEW"
            lines.append(_wrapped(f"[{source}] {stretch.text.strip()}"))
    elif paragraph.precedents:  # what the changes took from other paragraphs (a spliced sentence)
        own = {(p.doc_id, p.label) for p in (paragraph.precedents[0].passage, *paragraph.precedents[0].merged)}
        for stretch in paragraph.stretches:
            if stretch.source and (stretch.source.doc_id, stretch.source.label) not in own:
                lines.append(_wrapped(f"[from {stretch.source.citation}] {stretch.text.strip()}"))
    if paragraph.note:
        lines.append(_wrapped(paragraph.note))
    return "\n".join(lines)


def _standing(precedent) -> str:
    return "adopted" if precedent.adopted else (precedent.document_kind or "not an adopted text")


def _wdiff(pieces) -> str:
    """Each change with the three words before it: "… all States to [-urge-] {+encourage+}"; "" for none."""
    out, before = [], ""
    for piece in pieces:
        if piece.op == "equal":
            before = " ".join(piece.draft.split()[-3:])
            continue
        change = " ".join(
            part
            for part in (
                f"[-{_shortened(piece.precedent)}-]" if piece.precedent.strip() else "",
                f"{{+{_shortened(piece.draft)}+}}" if piece.draft.strip() else "",
            )
            if part
        )
        out.append(f"… {before} {change}" if before else change)
        before = ""
    return " ".join(out)


def _shortened(text: str, most: int = 24) -> str:
    """A long change as its first and last words: "We recognize that … related to ICTs. (61 words)"; the JSON,
    .md and .docx reports give it whole."""
    words = text.split()
    if len(words) <= most:
        return " ".join(words)
    return f"{' '.join(words[:12])} … {' '.join(words[-6:])} ({len(words)} words)"


def _wrapped(text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False)
