"""Agreed language: near-verbatim paragraphs across documents (a 2016 draft repeating the 2015 outcome).

Found at index time by shared word 5-grams: two paragraphs are the same language when most of the
shorter one's 5-grams appear in the other.
"""

from collections import defaultdict

from rag.ingest.normalise import words
from rag.ingest.paragraphs import Unit

SHINGLE = 5
THRESHOLD = 0.6  # share of the shorter paragraph's 5-grams found in the other
MIN_SHINGLES = 8  # paragraphs shorter than about a dozen words are not compared


def shingles(text: str) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def same_language(units: list[Unit], kinds: frozenset[str]) -> list[tuple[int, int, float]]:
    """(row, other row, similarity) for every pair of near-verbatim units in different documents."""
    sets = {row: shingles(u.text) for row, u in enumerate(units) if u.kind in kinds}
    sets = {row: s for row, s in sets.items() if len(s) >= MIN_SHINGLES}
    holders = defaultdict(set)
    for row, grams in sets.items():
        for gram in grams:
            holders[gram].add(row)
    pairs = set()
    for row, grams in sets.items():
        for gram in grams:
            pairs.update((min(row, other), max(row, other)) for other in holders[gram] if other != row)
    found = []
    for a, b in sorted(pairs):
        if units[a].doc_id == units[b].doc_id:
            continue
        shared = len(sets[a] & sets[b]) / min(len(sets[a]), len(sets[b]))
        if shared >= THRESHOLD:
            found.append((a, b, round(shared, 3)))
    return found
