"""The light markup that the readers of Word files and web pages write, and the paragraph model reads:
blocks apart by a blank line, *italic*, **bold**, <sup>x</sup>, list numbers and tab-separated table rows."""

# (text, formats) where formats holds "bold", "italic", "sup"; None marks text that is markup already.
Segment = tuple[str, frozenset[str] | None]

MARKERS = (("bold", "**", "**"), ("italic", "*", "*"), ("sup", "<sup>", "</sup>"))  # outermost first


def join_blocks(blocks: list[str]) -> str:
    """Blocks apart by a blank line, but consecutive bullet items on consecutive lines, as Markdown writes a
    list: after a blank line the paragraph model reads "- " below an unfinished sentence ("...; and", or a
    lower-case item) as a stray mark where a page break cut the paragraph, and would join the items."""
    parts = []
    for i, block in enumerate(blocks):
        if i:
            parts.append("\n" if block.startswith("- ") and blocks[i - 1].startswith("- ") else "\n\n")
        parts.append(block)
    return "".join(parts) + "\n" if parts else ""


def inline_markup(segments: list[Segment]) -> str:
    """Formatted text in light markup. Runs with the same formatting are merged first, so two italic runs
    give *ab*, never *a**b*; spaces stay outside the markers, which the paragraph model expects."""
    merged: list[list] = []
    for text, formats in segments:
        if merged and formats is not None and merged[-1][1] == formats:
            merged[-1][0] += text
        else:
            merged.append([text, formats])
    return "".join(_wrap(text, formats) for text, formats in merged)


def _wrap(text: str, formats: frozenset[str] | None) -> str:
    words = text.strip()
    if not formats or not words:
        return text
    for name, opening, closing in reversed(MARKERS):
        if name in formats:
            words = opening + words + closing
    return text[: len(text) - len(text.lstrip())] + words + text[len(text.rstrip()) :]


def list_number(number: int, kind: str) -> str:
    """An ordered list's number as a browser shows it: type="a" -> "c", type="I" -> "III"."""
    if kind in ("a", "A") and number > 0:
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if kind == "A" else letters
    if kind in ("i", "I") and 0 < number < 4000:
        return roman(number).upper() if kind == "I" else roman(number)
    return str(number)


def roman(number: int) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"))
    values += ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    digits = ""
    for value, letters in values:
        count, number = divmod(number, value)
        digits += letters * count
    return digits


def table_block(rows: list[list[str]]) -> list[str]:
    """A table as one block, a line per row and a tab between cells. Short rows (merged cells, a missing
    last cell) are padded to the table's width, so that every line still reads as one of its rows."""
    width = max((len(cells) for cells in rows), default=0)
    lines = ["\t".join(cells + [""] * (width - len(cells))) for cells in rows if any(cells)]
    return ["\n".join(lines)] if lines else []
