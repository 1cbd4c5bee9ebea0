"""The form of text the lexical index sees: case, unicode, markup and hyphenation evened out.
Quotes never pass through here; only search does."""

import re
import unicodedata

# A link's target ends at ")" and holds no "]": so each "](" is scanned only up to the next, never to the end.
MARKUP = re.compile(r"</?sup>|[*_#`]|\]\([^)\]]*\)|[\[\]]")
HYPHEN_IN_WORD = re.compile(r"(?<=[^\W\d_])[-‐‑–]\s*(?=[^\W\d_])")
WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Lower case, unicode compatibility forms, no markup, and "multi- stakeholder" as "multistakeholder"."""
    text = unicodedata.normalize("NFKC", text)
    text = MARKUP.sub(" ", text)
    text = HYPHEN_IN_WORD.sub("", text)
    return text.lower()


def words(text: str) -> list[str]:
    return WORD.findall(normalise(text))
