"""Ground truth for "check a draft against agreed language": for each paragraph of a session-80 draft
resolution, the paragraph of the adopted resolution it became.

The feature under evaluation finds precedents by text similarity, so the ground truth must not: documents
are paired by their metadata (the draft symbol a plenary resolution cites, else committee + normalised
title + agenda item), and paragraphs by their own printed numbers or positions (PP i <-> PP i, operative
n <-> operative n). Text similarity is used only afterwards, to verify a pairing and drop the bad ones.

Usage: .venv/bin/python eval/precedents/make_ground_truth.py /tmp/ga/ga-78-80 [--sample 15]
Writes pairs.jsonl and documents.jsonl beside this script and prints the counts.
"""

import argparse
import difflib
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.paragraphs import Unit, conventions_of, parse_document

OUT = Path(__file__).resolve().parent
SESSION = 80
MIN_RATIO = 0.5  # loose on purpose: it catches misaligned pairs, not reworded ones
TOP_LINES = 60  # the masthead, sponsors and title lie within the first lines of a document

DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad]")
HYPHEN_WRAP = re.compile(r"(\w)- (?=\w)")  # "multi- stakeholder": a line wrapped at a hyphen
COMMITTEE = re.compile(r"\[on the report of the (?:Special Political and Decolonization Committee \()?(\w+) Committee")
PLENARY = re.compile(r"\[without reference to a Main Committee \(([^)\]]*)")
DRAFT_SYMBOL = re.compile(rf"A/(?:C\.\d/)?{SESSION}/L\.\d+(?:/Rev\.\d+)?")
REVISED = re.compile(rf"(A/(?:C\.\d/)?{SESSION}/L\.\d+)/Rev\.\d+")
AGENDA = re.compile(r"^\s*Agenda items?\s+(.+)$", re.MULTILINE)
AMENDMENT = re.compile(r":\*?\s+amendments? to (?:the )?(?:revised )?draft", re.IGNORECASE)
# "Draft resolution submitted by the Vice-Chair ..., on the basis of informal consultations on draft resolution
# A/C.2/80/L.5": the facilitator's draft replaces the original, which is then never put to the vote.
SUPERSEDES = re.compile(
    rf"on the basis of informal consultations on (?:the )?draft resolution ({DRAFT_SYMBOL.pattern})"
)
ORGAN = re.compile(r"\s*The General Assembly[,:]?\s*")
RESOLUTION_NUMBER = re.compile(r"^\d+/\d+(?:\s?[A-Z])?\.\s*")
ORDINALS = {"First": "1", "Second": "2", "Third": "3", "Fourth": "4", "Fifth": "5", "Sixth": "6"}
PP_LABEL = re.compile(r"(?:.*, )?PP\d+")
OP_LABEL = re.compile(r"(?:.*, )?\d+")
ITEM_LABEL = re.compile(r"(?:.*, )?(?:PP)?\d+(?:\([a-z]+\))+")  # "5(a)", "5(a)(ii)", "annex, 3(b)"
ORPHAN_ITEM = re.compile(r"(?:\([a-z]+\))+")  # an item under a preambular paragraph, labelled "(a)" alone
GOOD_END = re.compile(r"(?:[,;:.?!\u201d\")]|\band|\bor)$")
FOOTNOTE_CALL_AT_END = re.compile(r"(?<=[,;:.])[\s\d*]+$")  # "Commission;4": a call the parser did not link
# Footnote calls the extraction glued to a neighbour: "thereto4", "weapons,2", "20007" (2000 + call 7) and
# "5and" (call 5 + "and"). Set apart, they compare equal whichever way a document was extracted.
GLUED_CALLS = (
    (re.compile(r"([^\W\d_]|[,;:.\u201d)])(\d{1,3})\b"), r"\1 \2"),
    (re.compile(r"(?<!\d)((?:19|20)\d\d)(\d{1,2})\b"), r"\1 \2"),
    (re.compile(r"(?<![\w/.-])(\d{1,3})([^\W\d_]{2,})"), r"\1 \2"),
)
LEADING_NUMBER = re.compile(r"^\s*(?:\d+\.|(?:\([a-z]+\))+)\s*")


@dataclass(frozen=True)
class Doc:
    name: str  # file name, "A_C.3_80_L.46.txt"
    symbol: str
    session: int
    kind: str  # "resolution", "draft resolution", "draft decision", "amendment", "note"
    committee: str  # "1".."6" or "plenary"; "" when not printed
    agenda: frozenset[str]  # {"71(b)"}; empty when not printed
    title: str  # normalised: lower case, punctuation as spaces
    cites: tuple[str, ...]  # draft symbols a plenary resolution names: "[without reference ... (A/80/L.10)]"
    supersedes: str  # the draft a facilitator's draft replaces ("on the basis of informal consultations on ...")


def normalise(text: str) -> str:
    """Text with case, whitespace, dash, quote and wrap variants removed, for comparing titles and words."""
    text = DASHES.sub("-", text).replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'")
    text = HYPHEN_WRAP.sub(r"\1-", text.replace("\u2019", "'").replace("*", ""))
    return " ".join(text.lower().split()).strip(" .")


def read_doc(path: Path) -> Doc | None:
    """A document's metadata from its masthead (the project's own reader) and the lines above its first
    paragraph: sponsors, "[on the report of ...]", agenda item."""
    source = path.read_text()
    conventions = conventions_of(source)
    if conventions is None:
        return None
    masthead = conventions.masthead
    head = _head_lines(source)
    flat = " ".join(" ".join(head).split())
    agenda = AGENDA.search("\n".join(head))
    items = re.findall(r"\d+(?:\s*\([a-z]\))?", agenda[1]) if agenda else []
    committee, cites = _committee(masthead.symbol, flat)
    supersedes = SUPERSEDES.search(flat)
    return Doc(
        name=path.name,
        symbol=masthead.symbol,
        session=int(re.search(r"/(\d{2})/", masthead.symbol)[1]),
        kind="amendment" if AMENDMENT.search(flat) else masthead.kind,
        committee=committee,
        agenda=frozenset(re.sub(r"\s", "", item) for item in items),
        title=_title(head, masthead.title),
        cites=cites,
        supersedes=supersedes[1] if supersedes else "",
    )


def _head_lines(source: str) -> list[str]:
    """The lines above "The General Assembly," (or the first TOP_LINES when it is not there)."""
    lines = source.splitlines()[:TOP_LINES]
    end = next((i for i, line in enumerate(lines) if ORGAN.fullmatch(line)), len(lines))
    return lines[:end]


def _title(head: list[str], masthead_title: str) -> str:
    """The normalised title. The masthead reader sometimes glues the end of a sponsor line ("(Islamic Republic
    of Iran), on the basis of ...") or "The General Assembly" to the title; the last block of lines above
    "The General Assembly," is the title as printed, so it wins when it is the start or end of the other."""
    full = normalise(masthead_title)
    blocks = " ".join(line.strip() or "\n" for line in head).split("\n")
    block = normalise(RESOLUTION_NUMBER.sub("", next((b.strip() for b in reversed(blocks) if b.strip()), "")))
    title = block if len(block.split()) >= 2 and (full.startswith(block) or full.endswith(block)) else full
    return " ".join(re.sub(r"[^\w\s]", " ", title).split())  # "non proliferation" = "non-proliferation"


def _committee(symbol: str, flat_head: str) -> tuple[str, tuple[str, ...]]:
    """Committee of a draft (from its symbol) or a resolution (from its "[on the report of ...]" line)."""
    if "/RES/" not in symbol:
        found = re.match(r"A/C\.(\d)/", symbol)
        return (found[1] if found else "plenary"), ()
    if found := PLENARY.search(flat_head):
        return "plenary", tuple(DRAFT_SYMBOL.findall(found[1]))
    found = COMMITTEE.search(flat_head)
    return (ORDINALS.get(found[1], "") if found else ""), ()


def revised_drafts(paths: list[Path]) -> set[str]:
    """Drafts the corpus mentions as revised ("A/C.2/80/L.13/Rev.1" in an amendment or a resolution):
    the adopted text came from the revision, which is not in the corpus, so the original is no gold."""
    return {base for path in paths for base in REVISED.findall(path.read_text())}


def pair_drafts(drafts: list[Doc], resolutions: list[Doc], revised: set[str]) -> tuple[list[dict], Counter]:
    """Each draft resolution with the resolution that came from it, or the reason it has none."""
    by_symbol = {d.symbol: d for d in drafts}
    records, claimed = [], set()
    for res in resolutions:  # a plenary resolution names its draft: the surest pairing
        for cited in res.cites:
            if cited in by_symbol and cited not in revised:
                records.append(_record(by_symbol[cited], res, "draft symbol cited by the resolution"))
                claimed |= {cited, res.symbol}
    open_res = defaultdict(list)
    for res in resolutions:
        if res.symbol not in claimed:
            open_res[res.committee, res.title].append(res)
    replaced = {d.supersedes: d.symbol for d in drafts if d.supersedes}
    live = [d for d in drafts if d.symbol not in claimed | revised | set(replaced)]
    drafts_by_key = Counter((d.committee, d.title) for d in live)
    for draft in drafts:
        if draft.symbol in claimed:
            continue
        candidates = open_res.get((draft.committee, draft.title), [])
        if draft.symbol in revised:
            records.append(_record(draft, None, "skipped: revised (its Rev.n was adopted, not this text)", candidates))
        elif draft.symbol in replaced:
            note = f"replaced by {replaced[draft.symbol]}"
            records.append(_record(draft, None, "skipped: superseded by a facilitator's draft", candidates, note))
        else:
            records.append(_by_title(draft, candidates, drafts_by_key[draft.committee, draft.title]))
    return records, Counter(r["status"] for r in records)


def _by_title(draft: Doc, candidates: list[Doc], drafts_with_title: int) -> dict:
    """Pair a draft with the one resolution of its committee and title, confirmed by the agenda item."""
    if not candidates:
        return _record(draft, None, "skipped: no session-80 resolution with this committee and title")
    if len(candidates) > 1:
        return _record(draft, None, "skipped: title shared by several resolutions", candidates)
    if drafts_with_title > 1:
        return _record(draft, None, "skipped: title shared by several drafts", candidates)
    res = candidates[0]
    if draft.agenda and res.agenda and draft.agenda != res.agenda:
        return _record(draft, None, "skipped: agenda item differs", candidates)
    return _record(draft, res, "committee + title + agenda item")


def _record(draft: Doc, res: Doc | None, how: str, candidates: list[Doc] = (), note: str = "") -> dict:
    """A line of documents.jsonl: `how` is the way the pair was made, or the reason it was not."""
    return {
        "type": "draft->adopted",
        "draft": draft.name,
        "adopted": res.name if res else None,
        "status": "paired" if res else how,
        "how": how,
        "note": note,
        "candidates": [c.name for c in candidates],
        "title_equal": bool(res) and res.title == draft.title,
        "agenda_equal": bool(res) and res.agenda == draft.agenda,
    }


def pair_previous(current: list[Doc], older: list[Doc]) -> tuple[list[dict], Counter]:
    """Each session-80 resolution with the session-79 (else 78) resolution of the same normalised title:
    the yearly resolution it repeats and amends. Document pairs only: paragraphs are renumbered."""
    by_title = defaultdict(list)
    for doc in older:
        by_title[doc.session, doc.title].append(doc)
    shared_now = Counter(doc.title for doc in current)
    records = []
    for doc in current:
        found = by_title.get((SESSION - 1, doc.title)) or by_title.get((SESSION - 2, doc.title)) or []
        if not found:
            status = "no earlier resolution with this title"
        elif len(found) > 1 or shared_now[doc.title] > 1:
            status = "skipped: title shared by several resolutions"
        else:
            status = "paired"
        previous = found[0] if status == "paired" else None
        records.append(
            {
                "type": "resolution->previous session",
                "resolution": doc.name,
                "previous": previous.name if previous else None,
                "status": status,
                "how": "exact normalised title" + (f", session {previous.session}" if previous else ""),
                "candidates": [d.name for d in found],
                "committee_equal": bool(previous) and previous.committee == doc.committee,
                "agenda_equal": bool(previous) and previous.agenda == doc.agenda,
            }
        )
    return records, Counter(r["status"] for r in records)


@dataclass
class Tally:
    """What happened to the document pairs and paragraph pairs, for the summary."""

    counts: Counter = field(default_factory=Counter)
    label_problems: list[tuple[str, list[str], str, list[str]]] = field(default_factory=list)
    dropped: list[tuple] = field(default_factory=list)


def body(units: list[Unit]) -> tuple[dict[str, Unit], list[tuple[str, str]]]:
    """The numbered paragraphs of a document by label, and the signs that the parser's labels are off, each
    with the part it is in ("pp" or "op"), so that a glitch in one part does not cost the other."""
    keyed, problems, top, heading = {}, [], "", ""
    for unit in units:
        part = "op" if top and part_of(top) == "op" else "pp"
        if unit.kind == "heading" and part == "pp" and top:
            heading = unit.text  # legitimate before operative 1 or a section, not between two PPs
        if unit.kind not in ("paragraph", "item"):
            continue
        key = unit.label
        if ORPHAN_ITEM.fullmatch(key) and top:
            key = top + key  # "(a)" under PP12 -> "PP12(a)": a key of our own, by position
        elif PP_LABEL.fullmatch(key) or OP_LABEL.fullmatch(key):
            if heading and PP_LABEL.fullmatch(key):
                problems.append(("pp", f"heading between preambular paragraphs: {heading[:40]!r}"))
            top, heading = key, ""
        elif not ITEM_LABEL.fullmatch(key):
            problems.append((part, f"unnumbered paragraph {key}: {unit.text[:40]!r}"))
            continue
        problems += [(part_of(key), problem) for problem in _text_problems(key, unit)]
        if key in keyed:
            problems.append((part_of(key), f"label {key} twice"))
        keyed[key] = unit
    return keyed, problems


def part_of(key: str) -> str:
    """ "pp" for a preambular paragraph (or an item under one), "op" for the rest."""
    return "pp" if re.match(r"(?:.*, )?PP\d", key) else "op"


def _text_problems(key: str, unit: Unit) -> list[str]:
    """A paragraph the parser cut in two (page break, justified line) starts low or ends mid-sentence."""
    text = FOOTNOTE_CALL_AT_END.sub("", _strip_marks(unit)).rstrip()
    problems = []
    if PP_LABEL.fullmatch(key) and not text[:1].isupper():
        problems.append(f"{key} starts in lower case: {unit.text[:40]!r}")
    if not GOOD_END.search(text):
        problems.append(f"{key} ends mid-sentence: {unit.text[-40:]!r}")
    return problems


def _strip_marks(unit: Unit) -> str:
    """The unit's text without the footnote calls the parser found ("Action, 9" -> "Action, ")."""
    text = unit.text
    for start, end in sorted(unit.marks, reverse=True):
        text = text[:start] + text[end:]
    return text


def words(unit: Unit) -> list[str]:
    """The words of a paragraph for comparing it: without its leading number ("5.", "(a)"), and with the
    footnote calls the extraction glued to a neighbour set apart (GLUED_CALLS)."""
    text = LEADING_NUMBER.sub("", unit.text)
    for pattern, spaced in GLUED_CALLS:
        text = pattern.sub(spaced, text)
    return re.sub(r"([,;:])", r" \1 ", normalise(text)).split()  # commas as words: "Goal 4," and "Goal 4" differ


def same_words(a: list[str], b: list[str], notes: frozenset[str]) -> bool:
    """Equal but for footnote calls: every stretch where the two differ holds only footnote numbers
    (they are renumbered between draft and resolution, and the parser links only some of them)."""
    if a == b:
        return True
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changed = [a[i1:i2] + b[j1:j2] for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    return all(word in notes for stretch in changed for word in stretch)


def footnote_numbers(units: list[Unit]) -> frozenset[str]:
    """The numbers of a document's footnotes ("fn12" -> "12")."""
    return frozenset(u.label.removeprefix("fn") for u in units if u.kind == "footnote" and u.label[2:].isdigit())


def counts(keyed: dict[str, Unit]) -> tuple[int, int]:
    """Numbers of preambular and (top-level) operative paragraphs."""
    return sum(bool(PP_LABEL.fullmatch(k)) for k in keyed), sum(bool(OP_LABEL.fullmatch(k)) for k in keyed)


def pair_paragraphs(draft: str, gold: str, units: dict[str, list[Unit]], tally: Tally) -> list[dict]:
    """Paragraph pairs of one draft -> adopted pair by identical label, verified by a loose word ratio.
    A part (preamble, operative part) whose labels are off on either side is left out; the other is kept."""
    (d_body, d_problems), (g_body, g_problems) = body(units[draft]), body(units[gold])
    broken = {part for part, _ in d_problems + g_problems}
    if broken:
        tally.label_problems.append((draft, d_problems, gold, g_problems))
    if not d_body:
        tally.counts["documents skipped: no numbered paragraphs"] += 1
        return []
    if broken == {"pp", "op"}:
        tally.counts["documents skipped: parser labels off in both parts"] += 1
        return []
    clean = [i for i, part in enumerate(("pp", "op")) if part not in broken]
    if any(counts(d_body)[i] != counts(g_body)[i] for i in clean):
        tally.counts["documents skipped: paragraph counts differ (amended in structure)"] += 1
        return []
    only = {"pp": " (operative part only)", "op": " (preamble only)"}.get("".join(broken), "")
    tally.counts["documents with paragraph gold" + only] += 1
    notes = footnote_numbers(units[draft]) | footnote_numbers(units[gold])
    gold_words = {key: words(unit) for key, unit in g_body.items()}
    gold_keys, pairs = list(g_body), []
    for key, unit in d_body.items():
        if part_of(key) in broken:
            continue
        if key not in g_body:
            tally.counts["paragraphs: label missing in the adopted text (sub-items differ)"] += 1
            continue
        at = gold_keys.index(key)
        near = [gold_words[k] for k in gold_keys[max(at - 1, 0) : at + 2] if k != key and part_of(k) == part_of(key)]
        mine, theirs = (draft, key, unit, words(unit)), (gold, key, g_body[key], gold_words[key])
        if pair := _verified(mine, theirs, near, notes, tally):
            pairs.append(pair)
    return pairs


def _verified(draft: tuple, gold: tuple, neighbours: list[list[str]], notes: frozenset, tally: Tally) -> dict | None:
    """The pair (document, label, unit, words on each side) as a record if its words agree loosely and no
    neighbour of the gold paragraph agrees better (a paragraph inserted and another deleted keep the counts
    but shift the pairs between them). The label is the parser's, or "PP12(a)" for an item under a PP."""
    (name, label, unit, a), (gold_name, gold_label, gold_unit, b) = draft, gold
    ratio = similarity(a, b)
    if ratio < MIN_RATIO or any(similarity(a, near) > ratio for near in neighbours):
        reason = "below the ratio" if ratio < MIN_RATIO else "a neighbour agrees better"
        tally.counts[f"paragraphs: dropped by verification ({reason})"] += 1
        tally.dropped.append((name, label, gold_name, gold_label, round(ratio, 2), unit.text, gold_unit.text))
        return None
    identical = same_words(a, b, notes)
    tally.counts["paragraphs: paired"] += 1
    tally.counts["paragraphs: identical" if identical else "paragraphs: differ"] += 1
    return {
        "draft": name,
        "draft_label": label,
        "draft_text": unit.text,
        "gold_document": gold_name,
        "gold_label": gold_label,
        "gold_text": gold_unit.text,
        "identical": identical,
        "ratio": round(ratio, 4),
    }


def similarity(a: list[str], b: list[str]) -> float:
    """difflib's ratio on word lists: 2 * matched words / all words."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def load(folder: Path) -> tuple[list[Doc], list[Doc], list[Doc], set[str]]:
    """Session-80 draft resolutions, session-80 resolutions, older resolutions, and the revised drafts."""
    docs = [doc for path in sorted(folder.glob("*.txt")) if (doc := read_doc(path))]
    drafts = [d for d in docs if d.session == SESSION and "/L." in d.symbol]
    current = [d for d in docs if d.session == SESSION and "/RES/" in d.symbol]
    older = [d for d in docs if d.session < SESSION and "/RES/" in d.symbol]
    revised = revised_drafts([folder / d.name for d in docs if d.session == SESSION])
    return drafts, current, older, revised


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def report(drafts: list[Doc], doc_stats: Counter, prev_stats: Counter, tally: Tally, pairs: list[dict]) -> None:
    """Print the counts, the documents whose labels were off and a few pairs verification dropped."""
    print("Session-80 L documents by kind:", dict(Counter(d.kind for d in drafts)))
    print("Draft resolutions -> adopted resolution:")
    for status, n in doc_stats.most_common():
        print(f"  {n:4d}  {status}")
    print("Session-80 resolutions -> previous-session resolution:")
    for status, n in prev_stats.most_common():
        print(f"  {n:4d}  {status}")
    print("Paired documents -> paragraph pairs:")
    for key, n in sorted(tally.counts.items()):
        print(f"  {n:5d}  {key}")
    print("Document pairs with a part left out because the parser's labels are off (first sign on each side):")
    for draft, d_problems, gold, g_problems in tally.label_problems:
        print(f"  {draft}: {d_problems[:1] or 'ok'} | {gold}: {g_problems[:1] or 'ok'}")
    print("Pairs dropped by verification (first 6):")
    for draft, label, gold, gold_label, ratio, text, gold_text in tally.dropped[:6]:
        print(f"  {draft} {label} -> {gold} {gold_label} ratio {ratio}\n    D: {text[:110]}\n    G: {gold_text[:110]}")
    identical = sum(p["identical"] for p in pairs)
    print(f"{len(pairs)} paragraph pairs from {len(Counter(p['draft'] for p in pairs))} drafts: ", end="")
    print(f"{identical} identical, {len(pairs) - identical} differ")


def show_sample(pairs: list[dict], n: int, seed: int = 80) -> None:
    """Print n pairs drawn at random (fixed seed) from all pairs, then n from those whose words differ, for
    the hand check recorded in the README (identical pairs are nearly all easy; differing ones are not)."""
    differ = [p for p in pairs if not p["identical"]]
    for heading, pool in (("ALL PAIRS", pairs), ("PAIRS THAT DIFFER", differ)):
        print(f"\n===== {n} random {heading} (seed {seed})")
        for pair in random.Random(seed).sample(pool, min(n, len(pool))):
            print(
                f"\n--- {pair['draft']} {pair['draft_label']} -> {pair['gold_document']} {pair['gold_label']}", end=""
            )
            print(f"  ratio {pair['ratio']}  identical {pair['identical']}")
            print("DRAFT:", pair["draft_text"])
            print("GOLD: ", pair["gold_text"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sample", type=int, default=0, help="print this many random pairs for a hand check")
    args = parser.parse_args()
    drafts, current, older, revised = load(args.folder)
    doc_records, doc_stats = pair_drafts([d for d in drafts if d.kind == "draft resolution"], current, revised)
    prev_records, prev_stats = pair_previous(current, older)
    paired = [r for r in doc_records if r["status"] == "paired"]
    names = {name for r in paired for name in (r["draft"], r["adopted"])}
    units = {name: parse_document(name, (args.folder / name).read_text())[0] for name in sorted(names)}
    tally, pairs = Tally(), []
    for record in paired:
        pairs += pair_paragraphs(record["draft"], record["adopted"], units, tally)
    write_jsonl(OUT / "pairs.jsonl", pairs)
    write_jsonl(OUT / "documents.jsonl", doc_records + prev_records)
    report(drafts, doc_stats, prev_stats, tally, pairs)
    if args.sample:
        show_sample(pairs, args.sample)


if __name__ == "__main__":
    main()
