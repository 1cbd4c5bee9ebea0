"""How well a draft's check finds its precedents: real General Assembly drafts checked against the corpus that
holds the resolutions adopted from them (ground truth: eval/precedents/, paired by metadata and paragraph
numbers, never by text search), and edits made here to real paragraphs (a clause inserted, a verb softened, a
paragraph split, two merged, a sentence spliced in, a paragraph written new) that must come out as what they
are.

`rag eval --precedents eval/precedents/pairs.jsonl --docs DIR --index DIR` runs both, prints a table and writes
eval/reports/precedents.json.
"""

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.precedents.check import CHANGED, NEW, VERBATIM, CheckedParagraph, check_draft
from rag.precedents.compare import body_start, compare
from rag.precedents.draft import draft_from_file, draft_from_text
from rag.retrieval.index import Index

SOFTER = {  # a verb and a softer one, as negotiators trade them
    "Recalling": "Noting",
    "Reaffirming": "Recalling",
    "Recognizing": "Noting",
    "Stressing": "Noting",
    "Emphasizing": "Noting",
    "Welcoming": "Taking note of",
    "Urges": "Encourages",
    "Calls upon": "Invites",
    "Decides": "Recommends",
    "Requests": "Invites",
    "Reaffirms": "Recalls",
    "Recognizes": "Notes",
    "Emphasizes": "Notes",
    "Stresses": "Notes",
    "Welcomes": "Takes note of",
    "Encourages": "Invites",
}
CLAUSE = "in particular for women, young people and persons with disabilities,"
EDITS_PER_KIND = 150


@dataclass(frozen=True)
class Pair:
    draft: str  # file name in the documents folder
    label: str
    gold_document: str  # document id
    gold_label: str
    identical: bool


def load_pairs(path: Path) -> list[Pair]:
    """The ground truth's paragraph pairs; an item under a preambular paragraph ("PP12(a)") is left out, as the
    parser labels it "(a)" on its own and the pair cannot be found by label."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "(" in row["draft_label"] and row["draft_label"].startswith("PP"):
            continue
        pairs.append(
            Pair(row["draft"], row["draft_label"], Path(row["gold_document"]).stem, row["gold_label"], row["identical"])
        )
    return pairs


def run(index: Index, docs: Path, pairs_file: Path, progress: Callable[[str], None]) -> dict:
    pairs = load_pairs(pairs_file)
    real, timing = _real_drafts(index, docs, pairs, progress)
    edits = _edits(index, [p for p in pairs if p.identical], progress)
    return {"pairs_file": str(pairs_file), "real": real, "timing": timing, "edits": edits}


def _real_drafts(index: Index, docs: Path, pairs: list[Pair], progress) -> tuple[dict, dict]:
    by_draft = defaultdict(list)
    for pair in pairs:
        by_draft[pair.draft].append(pair)
    outcomes, seconds, paragraphs = [], 0.0, 0
    for n, (name, wanted) in enumerate(sorted(by_draft.items()), 1):
        draft = draft_from_file(docs / name)
        start = time.perf_counter()
        result = check_draft(index, draft)
        seconds += time.perf_counter() - start
        paragraphs += len(result.paragraphs)
        checked = {p.label: p for p in result.paragraphs}
        outcomes += [_outcome(index, pair, checked.get(pair.label)) for pair in wanted]
        if n % 25 == 0:
            progress(f"Checked {n} of {len(by_draft)} drafts")
    timing = {"drafts": len(by_draft), "paragraphs": paragraphs, "seconds": round(seconds, 2)}
    timing["paragraphs_per_second"] = round(paragraphs / seconds, 1) if seconds else None
    return _summary(outcomes), timing


def _outcome(index: Index, pair: Pair, checked: CheckedParagraph | None) -> dict:
    if checked is None:
        return {"identical": pair.identical, "found": False, "missing": True}
    gold = index.paragraph(pair.gold_document, pair.gold_label)
    cited = [(p.passage.doc_id, p.passage.label) for p in checked.precedents]
    first = checked.precedents[0].passage if checked.precedents else None
    same_wording = first is not None and compare(first.text, gold.text, first.marks, gold.marks).identical
    return {
        "identical": pair.identical,
        "missing": False,
        "first_is_gold": bool(cited) and cited[0] == (pair.gold_document, pair.gold_label),
        "first_same_as_gold": same_wording,
        "found": (pair.gold_document, pair.gold_label) in cited,
        "verdict": checked.verdict,
    }


def _summary(outcomes: list[dict]) -> dict:
    """Shares over the pairs whose draft paragraph the check found by its label, apart for the draft
    paragraphs identical to their adopted one and the ones that differ."""
    summary = {"pairs": len(outcomes), "draft_paragraph_not_found": sum(o["missing"] for o in outcomes)}
    for name, group in (("identical", True), ("changed", False)):
        kept = [o for o in outcomes if o["identical"] == group and not o["missing"]]
        n = len(kept) or 1
        verdicts = Counter(o["verdict"] for o in kept)
        summary[name] = {
            "pairs": len(kept),
            "first_is_gold": round(sum(o["first_is_gold"] for o in kept) / n, 3),
            "first_is_gold_or_same_wording": round(sum(o["first_same_as_gold"] for o in kept) / n, 3),
            "gold_listed": round(sum(o["found"] for o in kept) / n, 3),
            "verdicts": {verdict: round(count / n, 3) for verdict, count in verdicts.most_common()},
        }
    return summary


def _edits(index: Index, pairs: list[Pair], progress) -> dict:
    """Each kind of edit made to EDITS_PER_KIND real adopted paragraphs drawn at random (seeded): the share
    that comes out as what it is."""
    rng = random.Random(80)
    chosen = rng.sample(pairs, min(EDITS_PER_KIND, len(pairs)))
    results = {}
    for kind, edit in EDITS.items():
        outcomes = [edit(index, index.paragraph(p.gold_document, p.gold_label), rng) for p in chosen]
        tried = [o for o in outcomes if o is not None]
        results[kind] = {"tried": len(tried), "as_it_is": round(sum(tried) / len(tried), 3) if tried else None}
        progress(f"Edits, {kind}: {results[kind]}")
    return results


def _body(passage) -> str:
    return passage.text[body_start(passage.text) :]


def _checked(index: Index, *paragraphs: str) -> tuple[CheckedParagraph, ...]:
    text = "\n\n".join(f"{n}. {p}" for n, p in enumerate(paragraphs, 1))
    return check_draft(index, draft_from_text(text)).paragraphs


def _holds(checked: CheckedParagraph, gold) -> bool:
    """The first precedent is the gold paragraph or one with its very wording."""
    if not checked.precedents:
        return False
    first = checked.precedents[0].passage
    return (first.doc_id, first.label) == (gold.doc_id, gold.label) or compare(first.text, gold.text).identical


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def _insert_clause(index, gold, rng) -> bool | None:
    words = _body(gold).split(" ")
    if len(words) < 2 * len(CLAUSE.split()):  # in a shorter paragraph the clause would be most of it
        return None
    at = rng.randrange(3, len(words) - 2)
    (checked,) = _checked(index, " ".join([*words[:at], CLAUSE, *words[at:]]))
    changes = checked.precedents[0].comparison.changes if checked.precedents else ()
    ok = len(changes) == 1 and changes[0].op == "insert" and _words(changes[0].draft) == _words(CLAUSE)
    return ok and checked.verdict == CHANGED and _holds(checked, gold)


def _soften_verb(index, gold, rng) -> bool | None:
    body = _body(gold)
    verb = next((v for v in SOFTER if body.startswith(v + " ")), None)
    if verb is None:
        return None
    (checked,) = _checked(index, SOFTER[verb] + body[len(verb) :])
    changes = checked.precedents[0].comparison.changes if checked.precedents else ()
    said = [(c.op, _words(c.draft), _words(c.precedent)) for c in changes]
    return said == [("replace", _words(SOFTER[verb]), _words(verb))] and _holds(checked, gold)


def _split(index, gold, rng) -> bool | None:
    body = _body(gold)
    cut = body.find(", ", len(body) // 3)  # after a comma past its first third: two paragraphs of some length
    if cut < 0 or len(_words(body[:cut])) < 8 or len(_words(body[cut:])) < 8:
        return None
    first, second = _checked(index, body[: cut + 1], body[cut + 2 :])
    listed = all(_lists(p, gold) for p in (first, second))
    return listed and first.note.startswith("Split") and second.note.startswith("Split")


def _lists(checked: CheckedParagraph, gold) -> bool:
    """The gold paragraph, or one of its very wording, is among the precedents listed."""
    return any(
        (p.passage.doc_id, p.passage.label) == (gold.doc_id, gold.label) or compare(p.passage.text, gold.text).identical
        for p in checked.precedents
    )


def _merge(index, gold, rng) -> bool | None:
    following = _next_of(index, gold)
    if following is None:
        return None
    (checked,) = _checked(index, _body(gold) + " " + _body(following))
    best = checked.precedents[0] if checked.precedents else None
    if best is None or not best.merged:
        return False
    joined = {(best.passage.doc_id, best.passage.label), *((p.doc_id, p.label) for p in best.merged)}
    wanted = {(gold.doc_id, gold.label), (following.doc_id, following.label)}
    return (joined == wanted or compare(_body(gold), _body(best.passage)).identical) and checked.note.startswith(
        "Merged"
    )


def _splice(index, gold, rng) -> bool | None:
    if len(_words(gold.text)) < 30:  # a sentence spliced into a shorter paragraph would be most of it
        return None
    other = _random_paragraph(index, rng, exclude=gold.doc_id, most=len(_words(gold.text)) // 2)
    spliced = _body(other)
    (checked,) = _checked(index, _body(gold) + " " + spliced)
    credited = [s for s in checked.stretches if s.source and s.source.doc_id != gold.doc_id]
    got, wanted = _text_words(" ".join(s.text for s in credited)), _text_words(spliced)
    return _holds(checked, gold) and got[-len(wanted) :] == wanted


def _text_words(text: str) -> list[str]:
    """The words, less the footnote calls a PDF leaves in the text as numbers of one to three digits."""
    return [w for w in _words(text) if not (w.isdigit() and len(w) <= 3)]


def _write_new(index, gold, rng) -> bool | None:
    words = _body(gold).split()
    if len(words) < 12:
        return None
    rng.shuffle(words)
    (checked,) = _checked(index, " ".join(words))
    return checked.verdict == NEW


def _next_of(index: Index, passage):
    units = [u for u in index.units(passage.doc_id) if u.kind in ("paragraph", "item")]
    labels = [u.label for u in units]
    at = labels.index(passage.label) if passage.label in labels else -1
    if at < 0 or at + 1 >= len(units):
        return None
    return index.paragraph(passage.doc_id, labels[at + 1])


def _random_paragraph(index: Index, rng: random.Random, exclude: str, most: int = 40):
    """A paragraph of 12 to `most` words of another document that no other document repeats."""
    documents = [d.id for d in index.documents if d.id != exclude]
    for _ in range(1000):
        units = [u for u in index.units(rng.choice(documents)) if u.kind == "paragraph"]
        units = [u for u in units if 12 <= len(u.text.split()) <= most]
        if units:
            passage = index.paragraph(units[0].doc_id, rng.choice(units).label)
            if not passage.same_as:
                return passage
    raise ValueError(f"No document has a paragraph of 12 to {most} words of its own.")


EDITS = {
    "clause inserted": _insert_clause,
    "verb softened": _soften_verb,
    "paragraph split": _split,
    "paragraphs merged": _merge,
    "sentence spliced in": _splice,
    "paragraph written new (its words shuffled)": _write_new,
}


def table(report: dict) -> str:
    lines = ["| draft paragraphs | pairs | first is the adopted paragraph | ... or one of its wording | listed | "]
    lines[0] += "verbatim | with changes | partly agreed | new |"
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for name, said in (("identical to the adopted one", "identical"), ("changed before adoption", "changed")):
        part = report["real"][said]
        shares = [part["verdicts"].get(v, 0.0) for v in (VERBATIM, CHANGED, "partly agreed", NEW)]
        cells = [part["pairs"], part["first_is_gold"], part["first_is_gold_or_same_wording"], part["gold_listed"]]
        lines.append(f"| {name} | " + " | ".join(str(c) for c in [*cells, *shares]) + " |")
    lines += ["", "| edit | tried | came out as what it is |", "|---|---|---|"]
    lines += [f"| {kind} | {r['tried']} | {r['as_it_is']} |" for kind, r in report["edits"].items()]
    timing = report["timing"]
    lines += ["", f"{timing['drafts']} drafts, {timing['paragraphs']} paragraphs checked in {timing['seconds']} s "]
    lines[-1] += f"({timing['paragraphs_per_second']} paragraphs/s)."
    return "\n".join(lines)


def write(report: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "precedents.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
