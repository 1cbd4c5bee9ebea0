"""Agreed language: near-verbatim paragraphs across documents (a 2016 draft repeating the 2015 outcome).

Found at index time by shared word 5-grams: two paragraphs are the same language when most of the
shorter one's 5-grams appear in the other and at least half of the longer one's: a short paragraph that
quotes a phrase of a long one (a talking point quoting a resolution) is not its twin.
"""

import math

import numpy as np

from rag.ingest.normalise import words
from rag.ingest.paragraphs import Unit

SHINGLE = 5
THRESHOLD = 0.6  # share of the shorter paragraph's 5-grams found in the other
LONGER_SHARE = 0.5  # ... and of the longer one's: near-verbatim both ways
MIN_SHINGLES = 8  # paragraphs shorter than about a dozen words are not compared


def shingles(text: str) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def same_language(units: list[Unit], kinds: frozenset[str]) -> list[tuple[int, int, float]]:
    """(row, other row, similarity) for every pair of near-verbatim units in different documents.

    A set-similarity join with prefix filtering, exact and near-linear on a real corpus (where thousands of
    paragraphs share the boilerplate 5-grams that make comparing every pair that shares any 5-gram quadratic):
    if the shorter paragraph A has at least t·|A| of its 5-grams in B, then B holds one of A's |A| - ⌈t·|A|⌉ + 1
    rarest 5-grams. So each paragraph is compared only with the longer ones holding one of its rarest 5-grams."""
    rows = [row for row, u in enumerate(units) if u.kind in kinds]
    hashed = [np.unique(np.fromiter(map(hash, shingles(units[row].text)), np.int64)) for row in rows]
    kept = [i for i, h in enumerate(hashed) if len(h) >= MIN_SHINGLES]
    if not kept:
        return []
    rows, hashed = [rows[i] for i in kept], [hashed[i] for i in kept]
    sizes = np.array([len(h) for h in hashed])
    ids = np.unique(np.concatenate(hashed), return_inverse=True)[1].astype(np.int64)  # 5-gram -> 0..n-1
    owner = np.repeat(np.arange(len(rows)), sizes)  # the paragraph of each (paragraph, 5-gram) entry
    frequency = np.bincount(ids)
    by_gram = np.argsort(ids, kind="stable")  # entries grouped by 5-gram: who holds each one
    gram_start = np.concatenate(([0], np.cumsum(frequency)))
    doc_of = np.array([units[row].doc_id for row in rows])
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    found = []
    for a in range(len(rows)):
        own = ids[offsets[a] : offsets[a + 1]]
        needed = math.ceil(THRESHOLD * len(own) - 1e-9)
        prefix = own[np.lexsort((own, frequency[own]))][: len(own) - needed + 1]  # the rarest 5-grams
        holders = np.unique(np.concatenate([owner[by_gram[gram_start[g] : gram_start[g + 1]]] for g in prefix]))
        # compared from the shorter side (ties: from the lower row), and only across documents
        holders = holders[((sizes[holders] > sizes[a]) | ((sizes[holders] == sizes[a]) & (holders > a)))]
        holders = holders[doc_of[holders] != doc_of[a]]
        own_set = np.sort(own)
        for b in holders:
            shared = len(np.intersect1d(own_set, ids[offsets[b] : offsets[b + 1]], assume_unique=True))
            if shared >= needed and shared >= LONGER_SHARE * max(len(own), sizes[b]):
                found.append((min(rows[a], rows[b]), max(rows[a], rows[b]), round(shared / len(own), 3)))
    return sorted(found)
