"""Labels: each unit's citable name in its document ("32", "PP3", "48(a)", "annex, 12", "¶7", "fn2")."""

from rag.ingest.drafts import BODY_KINDS, Draft
from rag.ingest.headings import heading_title
from rag.ingest.layout import opens_preamble
from rag.ingest.numbering import Labeller, Scopes, restarting


def assign_labels(drafts: list[Draft], source: str) -> None:
    """Labels of a document without a UN masthead: its own numbers ("32", "6bis", "48(a)"); preambular
    paragraphs after "The Economic and Social Council," as "PP3"; other unnumbered paragraphs "¶7" where
    the document numbers none, "u7" (unnumbered para. 7) where it does, so no position reads as a number."""
    prints_numbers = any(d.kind == "paragraph" and d.marker.kind in ("number", "section") for d in drafts)
    unnumbered = "u" if prints_numbers else "¶"
    counters = {"heading": 0, "markup": 0, "ordinal": 0, "preambular": 0}
    last_number, preamble = "", False
    for draft in drafts:
        if draft.kind in ("heading", "markup"):
            counters[draft.kind] += 1
            draft.label = ("h" if draft.kind == "heading" else "m") + str(counters[draft.kind])
            if draft.kind == "heading":
                preamble = draft.role == "organ"
        elif draft.kind == "footnote":
            draft.label = "fn" + draft.marker.value
        elif draft.marker.kind in ("number", "section"):
            draft.label = last_number = draft.marker.value
            preamble = False
        elif draft.marker.kind == "letter" and last_number:
            draft.label = f"{last_number}({draft.marker.value})"
        elif preamble and draft.kind == "paragraph" and opens_preamble(draft.text(source)):
            counters["preambular"] += 1
            draft.label = f"PP{counters['preambular']}"
        else:
            preamble = False
            counters["ordinal"] += 1
            draft.label = f"{unnumbered}{counters['ordinal']}"
    _make_labels_unique(drafts)


def assign_un_labels(drafts: list[Draft], source: str) -> None:
    """Labels as UN documents are cited: "PP3", "5", "18(g)(ii)", "annex, 12", "annex, art. 16, 1"; another
    unnumbered paragraph "u3" (unnumbered para. 3) where the document prints numbers, else "¶3"."""
    scopes, contexts = Scopes(), []
    for draft in drafts:
        if draft.kind == "heading" and not draft.role:
            scopes.heading(heading_title(draft.text(source)))
        contexts.append(scopes.context)
    numbered = [(c, int(d.marker.value)) for d, c in zip(drafts, contexts, strict=True) if _plain_number(d)]
    labeller = Labeller(restarting(numbered))
    counters = {"heading": 0, "markup": 0}
    previous = ""  # the text of the last paragraph or item
    for draft, context in zip(drafts, contexts, strict=True):
        if draft.kind in ("heading", "markup"):
            counters[draft.kind] += 1
            draft.label = ("h" if draft.kind == "heading" else "m") + str(counters[draft.kind])
            if draft.role == "organ":
                labeller.enter(context)
                labeller.organ()
            continue
        if draft.kind == "footnote":
            draft.label = "fn" + (draft.marker.value or "?")
            continue
        labeller.enter(context)
        if draft.kind == "item" and draft.marker.kind == "letter":
            draft.label = labeller.item(draft.marker.value)
        else:
            number = draft.marker.value if draft.marker.kind in ("number", "section") else ""
            draft.label = labeller.paragraph(number, after_colon=previous.rstrip().endswith(":"))
        previous = draft.text(source)
    if any(_plain_number(d) for d in drafts):  # "¶15" beside a printed "15." reads as para. 15 once pasted
        for draft in drafts:
            scope, _, local = draft.label.rpartition(", ")
            if local.startswith("¶"):
                draft.label = (scope + ", " if scope else "") + "u" + local[1:]
    _make_labels_unique(drafts)


def _plain_number(draft: Draft) -> bool:
    return draft.kind == "paragraph" and draft.marker.kind == "number" and draft.marker.value.isdigit()


def _make_labels_unique(drafts: list[Draft]) -> None:
    """A second list numbered 1, 2, 3 in one document is cited through the paragraph that introduces it."""
    seen: dict[str, int] = {}
    for draft in drafts:
        seen[draft.label] = seen.get(draft.label, 0) + 1
    for draft in drafts:
        if seen[draft.label] > 1 and draft.parent is not None:
            draft.label = f"{draft.parent.label}({draft.label})"
    used: set[str] = set()
    for draft in drafts:
        label, n = draft.label, 1
        while label in used:
            n += 1
            label = f"{draft.label}-{n}"
        draft.label = label
        used.add(label)


def list_parent(drafts: list[Draft], draft: Draft, source: str) -> "Draft | None":
    """A numbered item right after a paragraph ending in ":" belongs to that paragraph's list."""
    if draft.marker.kind != "number":
        return None
    previous = next((d for d in reversed(drafts) if d.kind in BODY_KINDS and d.kind != "footnote"), None)
    if previous is None:
        return None
    if previous.marker.kind == "number" and previous.parent:
        return previous.parent
    return previous if previous.text(source).rstrip().endswith(":") else None
