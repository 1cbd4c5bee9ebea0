"""Where a wording was used before: every body paragraph's word 5-grams, for finding the paragraphs that
share the most wording with a new text (a draft's paragraph and its precedents).

Built in memory from the units on first use, in a few seconds for 100,000 paragraphs: an array of
(5-gram hash, row) pairs sorted by hash, searched with binary search. The hashes are Python's own, so the
arrays are never saved (they differ from one process to the next).
"""

from collections import Counter

import numpy as np

from rag.ingest.normalise import words
from rag.ingest.paragraphs import Unit

SHINGLE = 5
COMMON = 400  # a 5-gram in more paragraphs than this is boilerplate ("the General Assembly at its eightieth")
KINDS = frozenset({"paragraph", "item"})  # what a draft's paragraph can repeat


def grams(tokens: list[str]) -> list[int]:
    """The hashes of a word list's 5-grams (of the whole list when it is shorter)."""
    if len(tokens) < SHINGLE:
        return [hash(tuple(tokens))] if tokens else []
    return [hash(tuple(tokens[i : i + SHINGLE])) for i in range(len(tokens) - SHINGLE + 1)]


class ReuseIndex:
    """The 5-grams of every paragraph and list item of an index's units (row = the unit's row)."""

    def __init__(self, units: list[Unit]):
        keys, rows = [], []
        for row, unit in enumerate(units):
            if unit.kind in KINDS:
                own = set(grams(words(unit.text)))
                keys.extend(own)
                rows.extend([row] * len(own))
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        self._keys = np.array(keys, dtype=np.int64)[order]
        self._rows = np.array(rows, dtype=np.int32)[order]

    def __len__(self) -> int:
        return len(self._keys)

    def sharing(self, text: str, *, limit: int = 20, excluded: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
        """(row, shared 5-grams) for the `limit` paragraphs sharing most of `text`'s 5-grams, most first.
        Boilerplate 5-grams (in more than COMMON paragraphs) are counted only when the text has no other."""
        own = np.unique(np.array(grams(words(text)), dtype=np.int64))
        if not len(own):
            return []
        starts = np.searchsorted(self._keys, own, side="left")
        ends = np.searchsorted(self._keys, own, side="right")
        rare = (ends - starts) <= COMMON
        chosen = rare if rare.any() else np.ones_like(rare)
        counts: Counter[int] = Counter()
        for start, end in zip(starts[chosen], ends[chosen], strict=True):
            counts.update(self._rows[start:end].tolist())
        for row in excluded:
            counts.pop(row, None)
        return counts.most_common(limit)
