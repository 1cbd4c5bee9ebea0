"""What a document is, from evidence: its symbol, title, dates and status as the document itself prints them
(masthead, title block, "Resolution adopted by the General Assembly on ..." or the closing formula), and what
the folder's catalog adds, checked against the text.

A catalog field the text contradicts (a symbol other than the masthead's) or does not support (a symbol or
date printed nowhere in the document's opening) is not stated as fact: the build lists it as a catalog note
and the document is described without it. A catalog may say that a document is a draft of an adopted text
(`draft_of`): a draft cannot print the symbol it will be adopted under, so that is taken from the catalog,
unless the document prints that symbol itself (then it is the adopted text, not a draft of it).
"""

import re
from pathlib import Path

from rag.ingest.folder import Document, file_sha256
from rag.ingest.formats import Extracted
from rag.ingest.masthead import MONTHS, Masthead, iso_date
from rag.ingest.paragraphs import Unit, heading_title

IDENTITY_VERSION = "1"  # bumped when what is read of a document's identity changes: indexes are rebuilt
OPENING = 3000  # characters at the head of a text where a document prints what it is
# "Resolution adopted by the General Assembly on 25 March 2025", the masthead's line (wrapped as printed); not
# "resolution 70/1, adopted by the General Assembly on 25 September 2015", a paragraph recalling another text
ADOPTED = re.compile(
    rf"(?:^|\n)[^\S\n]*(?:Resolution|Decision)\s+adopted\s+by\s+the\s+[A-Z][\w ]+?\s+on\s+"
    rf"(?P<date>\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}})"
)
# "62nd plenary meeting\n25 March 2025": the closing formula of a resolution, its adoption date under it
CLOSING_DATE = re.compile(
    rf"\d{{1,3}}(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary\s+meeting\.?\s+(?P<date>\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}})"
)
SYMBOL_LIKE = re.compile(r"(?:[a-z]{1,4}(?:\.\d{1,2})?/)+\d|\b\d{2,3}/\d{1,4}\b", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+")
INLINE_MARKUP = re.compile(r"</?sup>|[*_`]")
CHECKED = ("symbol", "title", "date", "status", "kind")  # catalog fields that state a fact about the document


def describe(
    path: Path, extracted: Extracted, units: list[Unit], entry: dict, masthead: Masthead | None
) -> tuple[Document, list[str]]:
    """A document's record, and the catalog notes: the catalog's fields that the text does not bear out."""
    text = extracted.text
    opening = INLINE_MARKUP.sub("", text[:OPENING])  # "27<sup>th</sup>" prints "27th"
    printed = _printed(text, units, masthead)
    notes: list[str] = []
    kept = {}
    for field in CHECKED:
        claim = str(entry.get(field) or "").strip()
        if not claim:
            continue
        problem = _problem(field, claim, printed, opening)
        if problem:
            notes.append(f"{path.name}: the catalog's {field} {claim!r} {problem}; it is not stated.")
        else:
            kept[field] = claim
    draft_of = str(entry.get("draft_of") or "").strip()
    if draft_of and _prints_symbol(opening, draft_of, masthead):
        notes.append(f"{path.name}: the catalog calls it a draft of {draft_of}, but it prints that symbol itself.")
        draft_of = ""
    aliases = []
    for alias in entry.get("aliases", ()):
        alias = str(alias).lower()
        symbol = kept.get("symbol") or printed["symbol"]
        if SYMBOL_LIKE.search(alias) and not (symbol and _same_resolution(alias, symbol)):
            notes.append(f"{path.name}: the catalog's alias {alias!r} names a symbol the document does not print.")
        else:
            aliases.append(alias)
    symbol = kept.get("symbol") or printed["symbol"]
    title = kept.get("title") or printed["title"] or path.stem.replace("_", " ")
    status = kept.get("status") or ("draft" if draft_of else "")
    document = Document(
        id=path.stem,
        file=path.name,
        title=title,
        short_name=str(entry.get("short_name") or symbol or title),
        date=printed["adopted"] or printed["issued"] or kept.get("date", ""),
        kind=kept.get("kind") or printed["kind"],
        symbol=symbol,
        aliases=tuple(aliases) + symbol_aliases(symbol),
        sha256=file_sha256(path),
        format={"htm": "html"}.get(path.suffix.lower().lstrip("."), path.suffix.lower().lstrip(".")),
        pages=extracted.pages,
        status=status,
        issued=printed["issued"],
        adopted=printed["adopted"],
        draft_of=draft_of,
        renumbered=bool(entry.get("renumbered")) and bool(draft_of),
    )
    return document, notes


def symbol_aliases(symbol: str) -> tuple[str, ...]:
    """The forms people write a symbol in: "A/RES/78/132" is also "78/132" and "resolution 78/132"."""
    if "/RES/" not in symbol:
        return ()
    number = symbol.split("/RES/", 1)[1]
    return (number.lower(), f"resolution {number}".lower())


def _printed(text: str, units: list[Unit], masthead: Masthead | None) -> dict[str, str]:
    """What the document prints about itself: symbol, title, kind, issue and adoption dates ("" where not)."""
    heading = next((u for u in units if u.kind == "heading"), None)
    closings = list(CLOSING_DATE.finditer(text))
    # Only one closing formula: a text holding several resolutions is no one resolution adopted on one day.
    adopted = ADOPTED.search(text[:OPENING]) or (closings[0] if len(closings) == 1 else None)
    return {
        "symbol": masthead.symbol if masthead else "",
        "title": (masthead and masthead.title) or (heading_title(heading.text) if heading else ""),
        "kind": masthead.kind if masthead else "",
        "issued": masthead.date if masthead else "",
        "adopted": iso_date(adopted["date"]) if adopted else "",
    }


def _problem(field: str, claim: str, printed: dict[str, str], opening: str) -> str:
    """Why the text does not bear a catalog field out ("" when it does)."""
    if field == "symbol":
        if printed["symbol"] and printed["symbol"] != claim:
            return f"contradicts the symbol the document prints ({printed['symbol']})"
        return "" if printed["symbol"] == claim or _in(claim, opening) else "is not printed in the document"
    if field == "date":
        if claim in (printed["adopted"], printed["issued"]):
            return ""
        if printed["adopted"] or printed["issued"]:
            dates = " and ".join(d for d in (printed["issued"], printed["adopted"]) if d)
            return f"contradicts the dates the document prints ({dates})"
        return "" if _date_printed(claim, opening) else "is not printed in the document's opening"
    if field == "status":
        return "" if _in(claim, opening) else "is not printed in the document's opening"
    missing = [w for w in WORD.findall(claim.lower()) if len(w) > 2 and not _in(w, opening)]  # title, kind
    return f"has words the document's opening does not print ({', '.join(missing[:5])})" if missing else ""


def _prints_symbol(opening: str, symbol: str, masthead: Masthead | None) -> bool:
    return (masthead is not None and masthead.symbol == symbol) or _in(symbol, opening)


def _same_resolution(alias: str, symbol: str) -> bool:
    """Whether an alias such as "resolution 70/125" names `symbol` ("A/RES/70/125")."""
    numbers = re.findall(r"\d+(?:/\d+)+", alias)
    return bool(numbers) and all(symbol.lower().endswith(n) for n in numbers)


def _in(words: str, text: str) -> bool:
    """Whether `words` are printed in `text`, whatever the case, spacing and markup between them."""
    parts = [re.escape(w) for w in WORD.findall(words)]
    return bool(parts) and re.search(r"(?<!\w)" + r"[\W_]+".join(parts) + r"(?!\w)", text, re.IGNORECASE) is not None


def _date_printed(iso: str, text: str) -> bool:
    """Whether a date of the catalog's precision ("2024-04-15", "2016-05", "2014") is printed in the text."""
    parts = iso.split("-")
    if not parts[0].isdigit():
        return False
    year = parts[0]
    if len(parts) == 1:
        return re.search(rf"(?<!\d){year}(?!\d)", text) is not None
    month = MONTHS.split("|")[int(parts[1]) - 1] if parts[1].isdigit() and 1 <= int(parts[1]) <= 12 else ""
    if not month:
        return False
    day = rf"{int(parts[2])}\s+" if len(parts) == 3 and parts[2].isdigit() else r"(?:\d{1,2}\s+)?"
    return re.search(rf"(?<!\d){day}{month},?\s+{year}(?!\d)|(?<!\d){iso}(?!\d)", text, re.IGNORECASE) is not None
