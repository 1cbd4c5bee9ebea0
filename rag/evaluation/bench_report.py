"""What `rag bench` reports: the figures and their targets, the Markdown table, bench.json and bench.png."""

import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.evaluation.timing import ratio

PACKAGES = [
    "torch", "onnxruntime", "faiss-cpu", "gradio", "sentence-transformers", "langchain-community",
    "langchain-huggingface", "langchain-text-splitters",
]  # fmt: skip


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    target: float | None = None  # the target for our side
    higher_is_better: bool = False


FIGURES = [
    Figure("cold_ask_s", "cold `rag ask QUESTION --json`, built index", "s", 1.0),
    Figure("answer_p50_ms", "warm answer(), p50", "ms", 8.0),
    Figure("answer_p95_ms", "warm answer(), p95", "ms"),
    Figure("answer_p99_ms", "warm answer(), p99", "ms", 20.0),
    Figure("serve_address_s", "`rag serve` start-up, until the address is printed", "s", 3.0),
    Figure("serve_ready_s", "`rag serve` start-up, until GET / answers 200", "s"),
    Figure("serve_answer_p50_ms", "answer through the running server's API, p50", "ms"),
    Figure("serve_rss_mib", "serving RSS after the questions", "MiB", 400.0),
    Figure("first_build_s", "first build, into an empty folder", "s"),
    Figure("build_s", "build from scratch (no vectors reused)", "s", 15.0),
    Figure("reopen_s", "reopen an unchanged index (in-process)", "s", 0.3),
    Figure("noop_build_s", "`rag build` on an unchanged corpus", "s"),
    Figure("eval_one_s", "eval wall, test split, one configuration", "s"),
    Figure("eval_all_s", "`rag eval --split test --retriever all` wall", "s"),
    Figure("undocs_build_s", "build of the 40 UN PDFs from scratch", "s"),
    Figure("undocs_rate", "40 UN PDFs: paragraphs indexed per second", "paragraphs/s", higher_is_better=True),
]
SIDES = ("ours", "recipe")


@dataclass
class Measures:
    """One side's figures: the value reported for each, every raw timing behind it, and what failed."""

    values: dict[str, float] = field(default_factory=dict)
    raw: dict[str, list[float] | float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # how many runs or questions a value stands for
    errors: dict[str, str] = field(default_factory=dict)


def met(figure: Figure, value: float | None) -> bool | None:
    if figure.target is None or value is None:
        return None
    return value >= figure.target if figure.higher_is_better else value <= figure.target


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "s":
        if value < 0.1:
            return f"{value * 1000:.1f} ms"
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:,.0f} {unit}"


def format_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"


def table(measures: dict[str, Measures]) -> str:
    """Markdown: a row per figure measured, ours beside the recipe, the ratio, the target and whether it is met."""
    ours, theirs = measures.get("ours", Measures()), measures.get("recipe", Measures())
    rows = [
        "| figure | ours | recipe | ours/recipe | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for figure in FIGURES:
        if not any(figure.key in side.values or figure.key in side.errors for side in (ours, theirs)):
            continue
        mine, other = ours.values.get(figure.key), theirs.values.get(figure.key)
        cells = [
            _label(figure, ours.counts.get(figure.key)),
            _cell(ours, figure),
            _cell(theirs, figure),
            format_ratio(ratio(mine, other)),
            _target(figure),
            {True: "yes", False: "**no**", None: "-"}[met(figure, mine)],
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def errors_text(measures: dict[str, Measures]) -> str:
    return "\n".join(f"- {side} {key}: {message}" for side, m in measures.items() for key, message in m.errors.items())


def report(measures: dict[str, Measures], options: dict, notes: list[str]) -> dict:
    """Everything bench.json holds: the machine, the options, each figure and every raw timing."""
    ours, theirs = measures.get("ours", Measures()), measures.get("recipe", Measures())
    figures = []
    for figure in FIGURES:
        mine, other = ours.values.get(figure.key), theirs.values.get(figure.key)
        figures.append(
            {
                **asdict(figure),
                "ours": mine,
                "recipe": other,
                "ratio": ratio(mine, other),
                "met": met(figure, mine),
                "runs": ours.counts.get(figure.key),
            }
        )
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "options": options,
        "figures": figures,
        "raw": {side: m.raw for side, m in measures.items()},
        "errors": {side: m.errors for side, m in measures.items() if m.errors},
        "notes": notes,
    }


def write(data: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [path, plot(data, folder / "bench.png")]


def plot(data: dict, path: Path) -> Path:
    """Bars of ours beside the recipe for every figure both sides measured, on a log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [f for f in data["figures"] if f["ours"] or f["recipe"]]
    labels = [f"{f['label']} ({f['unit']})" for f in shown]
    fig, axes = plt.subplots(figsize=(10, 0.45 * len(shown) + 1.5))
    rows = range(len(shown))
    bars_of = (("ours", -0.2, "ours", "#1f77b4"), ("recipe", 0.2, "tutorial recipe", "#ff7f0e"))
    for side, offset, name, colour in bars_of:
        values = [f[side] or 0 for f in shown]
        bars = axes.barh([r + offset for r in rows], values, height=0.4, label=name, color=colour)
        texts = [format_value(f[side], f["unit"]) if f[side] else "" for f in shown]
        axes.bar_label(bars, texts, padding=3, fontsize=7)
    axes.set_yticks(list(rows), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("value, in the unit after each figure (log scale); shorter is better but for the last")
    axes.set_xlim(right=axes.get_xlim()[1] * 20)  # room for the values written after the bars
    axes.set_title(f"rag bench, {data['machine']['cpu']} ({data['machine']['cores']} cores), {data['date'][:10]}")
    axes.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def machine() -> dict:
    import psutil

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "commit": _commit(),
    }


def _label(figure: Figure, count: int | None) -> str:
    if count and figure.unit == "s" and count > 1:
        return f"{figure.label} (median of {count})"
    if count and figure.unit in ("ms", "MiB"):
        return f"{figure.label} ({count} questions)"
    return figure.label


def _target(figure: Figure) -> str:
    if figure.target is None:
        return "-"
    return ("≥ " if figure.higher_is_better else "≤ ") + format_value(figure.target, figure.unit)


def machine_line(data: dict) -> str:
    m = data["machine"]
    return (
        f"Measured {data['date'][:10]} on {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}, commit {m['commit']}."
    )


def _cell(side: Measures, figure: Figure) -> str:
    return "failed" if figure.key in side.errors else format_value(side.values.get(figure.key), figure.unit)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _commit() -> str | None:
    """The commit measured, marked when the working tree had changes (the figures are of the tree)."""
    here = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True)
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True
        )
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + (" with uncommitted changes" if changes.stdout.strip() else "")
