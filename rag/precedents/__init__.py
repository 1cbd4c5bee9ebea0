"""Precedents: a draft -> each of its paragraphs' precedents in the index, the redline, a verdict."""

from rag.precedents.check import CheckedParagraph, DraftCheck, Precedent, Stretch, check_draft
from rag.precedents.draft import Draft, draft_from_file, draft_from_text

__all__ = [
    "check_draft",
    "draft_from_file",
    "draft_from_text",
    "Draft",
    "DraftCheck",
    "CheckedParagraph",
    "Precedent",
    "Stretch",
]
