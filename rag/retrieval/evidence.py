"""What the index knows of whether its passages answer a question, as plain figures: how similar the best
sentence is (the model's view); how much of the question's weight its passages hold (the words' view: the
question's key terms, each weighted by its inverse document frequency, IDF); whether it asks for a specific
fact (a number, a date, a person, a place); and whether its own numbers are there at all.

"youth" is one key term, and three paragraphs hold it: answered, though a one-word question is never very
similar to a paragraph. "Which countries voted against the outcome?" asks for a specific fact, is similar
enough to paragraphs on the outcome, but none of them holds "voted": what is asked is not there.
"""

import math
import re
from dataclasses import dataclass

from rag.retrieval.names import SHORT_WORDS

# Words that say how a question asks, not what it asks about ("what does the outcome document say about ...").
FRAME = frozenset(
    """say says said saying state states stated mention mentions mentioned document documents text texts tell
    talk talks show shows give gives find provide provides describe describes explain list summarise summarize
    please regarding concerning according anything something thing things way ways kind sort whether many much
    roughly actually""".split()
)
WORD = re.compile(r"[\w'’+-]+")
# What kind of fact a specific question asks for: a number, a date, a person, a place. Agreed texts rarely
# state votes, amounts, names or venues, so such a question is less often answered by them.
WANTS = {
    "quantity": re.compile(
        r"\bhow\s+(?:many|much|large|big|long|often)\b|\b(?:what|which)\s+(?:share|percentage|proportion|number|"
        r"amount|sum|budget|cost|figure|level|rate)\b",
        re.IGNORECASE,
    ),
    "date": re.compile(r"\bwhen\b|\b(?:what|which)\s+(?:year|date|day|month)\b", re.IGNORECASE),
    "person": re.compile(r"^\W*who\b|\bwhose\b|\bname\s+of\b|\bwho\s+(?:chaired|signed|led|was|were)\b", re.IGNORECASE),
    "place": re.compile(
        r"\bwhere\b|\b(?:what|which)\s+(?:city|country|countries|place|venue|location|capital|governments?|"
        r"member\s+states?|states)\b",
        re.IGNORECASE,
    ),
}
NUMBER = re.compile(
    r"\b\d[\d.,]*\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evidence:
    similarity: float  # the best similarity of any sentence or paragraph to the question (-1 to 1)
    shown: float  # share of the key terms' weight (IDF) that the passages shown hold, taken together (0-1)
    wants: str  # the kind of fact a specific question asks for: "quantity", "date", "person", "place", or ""
    numbers: float  # share of the question's numbers ("2014", "ninth") that no passage shown holds
    terms: int  # how many key terms the question has
    missing: tuple[str, ...]  # key terms, as typed, that no passage shown holds
    never: tuple[str, ...]  # ... that no paragraph of the documents searched holds

    def features(self) -> list[float]:
        """What the decision weighs, in a fixed order (decision.FEATURES)."""
        return [self.similarity, self.shown, float(bool(self.wants)), self.numbers]


def key_terms(question: str, lexical, acronyms: dict[str, str], named: str = "") -> dict:
    """The question's key terms: stemmed search term -> (the word as typed, its other spellings as sets of
    terms: an abbreviation's long form). Stop words, question words, asking words ("say", "document") and the
    words of the documents' names the question gives (`named`: "WSIS+10 outcome document") are left out."""
    found: dict[str, tuple[str, list[set[str]]]] = {}
    naming = set(lexical.terms(named))
    for typed in WORD.findall(question):
        if not any(c.isalnum() for c in typed) or typed.lower() in FRAME:
            continue
        for term in lexical.terms(SHORT_WORDS.get(typed.lower(), typed)):  # "outcome doc": a document's name
            if term in found or term in naming:
                continue
            long = acronyms.get(typed.lower().removesuffix("s")) if sum(c.isupper() for c in typed) >= 2 else None
            found[term] = (typed, [set(lexical.terms(long))] if long else [])
    return found


def gather(question: str, named: str, passages, similarity: float | None, lexical, acronyms, frequency) -> Evidence:
    """The evidence for a question and the passages an answer would show, best first. `named` holds the names
    of the documents the question names; `frequency(term)` is how many chunks of the documents searched
    hold the term, of `frequency(None)` chunks."""
    terms = key_terms(question, lexical, acronyms, named)
    total = max(1, frequency(None))
    weight = {t: _idf(frequency(t), total) for t in terms}
    mass = sum(weight.values()) or 1.0
    held = [set(lexical.terms(p.text)) for p in passages]

    def found(term: str, bag: set[str]) -> bool:
        return term in bag or any(alt and alt <= bag for alt in terms[term][1])

    shown = sum(w for t, w in weight.items() if any(found(t, bag) for bag in held)) / mass
    missing = tuple(dict.fromkeys(terms[t][0] for t in terms if not any(found(t, bag) for bag in held)))
    never = tuple(dict.fromkeys(terms[t][0] for t in terms if frequency(t) == 0 and not terms[t][1]))
    score = similarity if similarity is not None else 0.0
    wants = next((kind for kind, asks in WANTS.items() if asks.search(question)), "")
    texts = " ".join(p.text for p in passages).lower()
    numbers = _absent(NUMBER.findall(question), texts, named)
    return Evidence(score, shown, wants, numbers, len(terms), missing if held else (), never)


def _absent(mentions: list[str], texts: str, named: str) -> float:
    """The share of `mentions` (the question's numbers) that no passage's text holds, leaving out those of the
    documents' own names the question gives ("WSIS+10 outcome document")."""
    wanted = [m for m in dict.fromkeys(m.lower() for m in mentions) if m not in named.split()]
    if not wanted:
        return 0.0
    missing = [m for m in wanted if not re.search(rf"(?<!\w){re.escape(m)}(?!\w)", texts)]
    return len(missing) / len(wanted)


def _idf(frequency: int, total: int) -> float:
    """BM25's inverse document frequency (Robertson & Zaragoza 2009), as bm25s computes it."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
