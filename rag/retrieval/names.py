"""The documents a question names: the ones the index holds (by symbol, title, short name or alias), and
the ones it does not: a UN symbol ("resolution 76/189"), a text the documents themselves cite by name ("the
Tunis Agenda for the Information Society", "the 2030 Agenda", learned from their text), or whatever a
question names after a paragraph ("para 3 of the delegation talking points")."""

import re

from rag.ingest.folder import Document

# The nouns that end the name of an agreed text: "Tunis Agenda", "Geneva Plan of Action", "Global Digital Compact".
TEXT_NOUN = (
    r"Agenda|Declaration|Plan of Action|Programme of Action|Commitment|Compact|Charter|Convention|Covenant|Pact|"
    r"Protocol|Consensus|Accord|Treaty|Principles"
)
NOUN_ANYWHERE = re.compile(TEXT_NOUN)
NAME_WORD = r"(?:[A-Z][A-Za-z'’+-]*|\d{4})"  # a footnote mark glued to a name ("Development3") is not in it
CITED_NAME = re.compile(
    rf"\b(?P<head>(?:{NAME_WORD}\s+){{1,4}}(?:{TEXT_NOUN}))\b"
    rf"(?P<tail>\s+(?:of|for|on)\s+(?:the\s+)?{NAME_WORD}(?:\s+(?:of\s+|and\s+|the\s+)?{NAME_WORD}){{0,4}})?"
)
NOT_A_NAME = frozenset("the this that these its our their a an such any each every new draft".split())
# What follows "paragraph 3 of ..." when it is not a document's name.
GENERIC = frozenset(
    "it this that them these those same above following present current document documents text texts resolution "
    "resolutions draft drafts report decision declaration convention annex annexes section sections article "
    "articles chapter part preamble outcome agenda summary note one".split()
)
# What a document a question names after a paragraph may be called, when no capital letter says it is a name.
TEXT_NOUNS = frozenset(
    "points paper papers agenda declaration statement statements report note notes summary resolution decision "
    "plan programme convention compact charter treaty protocol brief briefing speech submission letter memo "
    "memorandum document draft proposal communique communiqué outcome principles strategy framework position "
    "input contribution minutes record".split()
)
SCOPES = frozenset("annex annexes appendix section chapter part article rule table figure box".split())  # "of annex I"
AFTER_PLACE = re.compile(r"\s+(?:of|in|from)\s+(?P<name>(?:the\s+)?[^\W\d][\w'’+\-]*(?:\s+[^\W\d][\w'’+\-]*){0,5})")
NAME_ENDS = re.compile(
    r"\s+(?:on|about|that|which|regarding|concerning|say|says|said|state|states|with|for|and|or|to|is|are|was|"
    r"were|do|does|did|mean|means|define|defines)\b.*$",
    re.IGNORECASE,
)
NON_WORD = re.compile(r"[^\w+/]+")
LOOSE = frozenset("the a an of un united nations".split())  # words a loose name may leave out
SHORT_WORDS = {"doc": "document", "docs": "documents", "reso": "resolution", "res": "resolution"}  # "outcome doc"
# A document named by its symbol or resolution number: "A/RES/80/118", "resolution 80/118", "A/C.3/80/L.46".
SYMBOL_MENTION = re.compile(r"(?<![\w/])(?:[a-z]{1,4}/)*\d{2,3}/\d{1,4}(?![\w/])|\b[a-z]/c \d/\d{2}/l \d+\b")
# The same mention as typed, to name it back: "resolution 80/118", "A/RES/77/150", "A/C.3/80/L.46".
SYMBOL_AS_TYPED = re.compile(
    r"(?:\bresolution\s+)?(?<![\w/])(?:[a-z]{1,4}(?:\.\d{1,2})?/)*\d{2,3}/(?:l\.\s?)?\d{1,4}(?![\w/])", re.IGNORECASE
)


def plain(text: str) -> str:
    """Lower case words apart by single spaces, for matching names: "President's" -> "president s", the
    short forms people type spelt out ("outcome doc" -> "outcome document")."""
    words = NON_WORD.sub(" ", text.lower()).split()
    return " " + " ".join(SHORT_WORDS.get(w, w) for w in words) + " "


class DocumentNames:
    """The names of one index's documents, and of the texts they cite that it does not hold."""

    def __init__(self, documents: list[Document], texts):
        by_name: dict[str, set[str]] = {}
        for d in documents:
            for name in {d.short_name, d.title, d.symbol, d.cited_as, *d.aliases}:
                if name and plain(name).strip():
                    by_name.setdefault(plain(name), set()).add(d.id)
        # Each name under its first word, so a question is compared only with names that could be in it
        # (1,190 documents have about 4,000 names); (order, name), longest first.
        self._ids = by_name
        self._by_word: dict[str, list[tuple[int, str]]] = {}
        for order, name in enumerate(sorted(by_name, key=lambda n: (-len(n), n))):
            self._by_word.setdefault(name.split()[0], []).append((order, name))
        held = " | ".join(by_name)
        self._cited = {name: shown for name, shown in cited_names(texts).items() if name not in held}
        self._cited_by_word: dict[str, list[str]] = {}
        for name in sorted(self._cited, key=len, reverse=True):
            self._cited_by_word.setdefault(name.split()[0], []).append(name)
        self._drafts = {_number(d.draft_of): d.id for d in documents if d.draft_of}

    def held(self, query: str) -> tuple[tuple[str, ...], str]:
        """The documents a query names, and the query's words with those names taken out. A name several
        documents share (a title repeated year after year) counts only when no name of one document is there."""
        text, sure, shared = plain(query), [], []
        # Taking a name out only removes words: every word left was in the query, so these are all the
        # names that can match, even ones brought together by a removal.
        candidates = sorted(entry for word in set(text.split()) for entry in self._by_word.get(word, ()))
        for _, name in candidates:  # longest names first, each consumed once
            if name in text:
                text = text.replace(name, " ")
                ids = self._ids[name]
                (sure if len(ids) == 1 else shared).extend(sorted(ids))
        found = sure or shared
        return tuple(dict.fromkeys(found)), text

    @staticmethod
    def naming(query: str, rest: str) -> str:
        """The words of `query` that named held documents: those taken out of it to leave `rest`."""
        left = rest.split()
        named = []
        for word in plain(query).split():
            if word in left:
                left.remove(word)
            else:
                named.append(word)
        return " ".join(named)

    def not_held(self, query: str, rest: str) -> tuple[str, ...]:
        """What a query names that the index does not hold, as typed: symbols ("Resolution 76/189") and texts
        the documents cite by name ("the Tunis Agenda"). `rest` is the query without the names it holds."""
        if SYMBOL_MENTION.search(rest):
            typed = tuple(dict.fromkeys(m.group() for m in SYMBOL_AS_TYPED.finditer(query)))
            return typed or (SYMBOL_MENTION.search(rest).group().upper(),)
        found, text = [], rest
        for name in (n for word in set(rest.split()) for n in self._cited_by_word.get(word, ())):
            if name in text:
                text = text.replace(name, " ")
                found.append("the " + self._cited[name])
        return tuple(found)

    def loosely(self, name: str) -> tuple[str, ...]:
        """The held documents a name given after a paragraph fits loosely: every word of it, but "the" and
        "UN", is a word of one of their names ("the UN Convention against Cybercrime" fits "United Nations
        Convention against Cybercrime; ...")."""
        wanted = [w for w in plain(name).split() if w not in LOOSE]
        if not wanted:
            return ()
        found = {doc for held, docs in self._ids.items() if all(f" {w} " in held for w in wanted) for doc in docs}
        return tuple(sorted(found))

    def drafts_of(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The held documents that are drafts of the symbols `names` mention ("A/RES/70/125")."""
        return tuple(dict.fromkeys(self._drafts[n] for name in names if (n := _number(name)) in self._drafts))


def _number(symbol: str) -> str:
    """ "A/RES/70/125", "resolution 70/125", "70/125" -> "70/125"."""
    numbers = re.findall(r"\d+/\d+", symbol)
    return numbers[-1] if numbers else symbol.lower()


def cited_names(texts) -> dict[str, str]:
    """The names the documents give texts they cite, each in comparable form -> as printed: "tunis agenda" ->
    "Tunis Agenda", "tunis agenda for the information society" -> the whole name."""
    names: dict[str, str] = {}
    for text in texts:
        if not NOUN_ANYWHERE.search(text):  # most paragraphs cite no such text
            continue
        for match in CITED_NAME.finditer(text):
            head = _without_leading(match["head"])
            if head is None:
                continue
            names.setdefault(plain(head), head)
            if match["tail"]:
                whole = head + match["tail"]
                names.setdefault(plain(whole), " ".join(whole.split()))
    return names


def _without_leading(head: str) -> str | None:
    """The name without a sentence's capitalised first word ("The Tunis Agenda" -> "Tunis Agenda"); None when
    only the noun is left ("The Agenda")."""
    words = head.split()
    while words and words[0].lower() in NOT_A_NAME:
        words = words[1:]
    return " ".join(words) if len(words) >= 2 else None


def named_after(question: str, end: int) -> str:
    """The name a question gives after a paragraph it asks for ("para 3 of the delegation talking points" ->
    "the delegation talking points"), or "" when it names no document there ("of it", "of the annex")."""
    match = AFTER_PLACE.match(question, end)
    if not match or question[match.end("name") : match.end("name") + 1] == "/":  # "of A/RES/70/125": a symbol
        return ""
    name = NAME_ENDS.sub("", match["name"]).strip(" ?.!,;:")
    words = [w for w in name.split() if w.lower() != "the"]
    lower = [w.lower() for w in words]
    if not words or all(w in GENERIC for w in lower) or lower[0] in SCOPES:
        return ""
    if not (any(w[:1].isupper() for w in words) or lower[-1] in TEXT_NOUNS):  # "of particular concern"
        return ""
    kept = name.split()
    while kept and not (kept[-1][:1].isupper() or kept[-1].lower() in TEXT_NOUNS):  # "... Cybercrime require"
        kept.pop()
    return " ".join(kept)
