"""Write an evaluation report: JSON with every figure and rank, a Markdown summary, a Success@k plot."""

import json
import time
from pathlib import Path

from rag.evaluation.metrics import BY_KIND, MEASURES, ConfigResult
from rag.evaluation.questions import KINDS, UNANSWERED_KINDS, Question

ANSWERABLE_KINDS = [k for k in KINDS if k not in UNANSWERED_KINDS]
PLOTTED = ("default", "dense", "lexical", "hybrid", "baseline")


def write(
    results: list[ConfigResult], questions: list[Question], split: str, k: int, folder: Path, corpus: str = ""
) -> list[Path]:
    """eval-<split>.json, .md and .png in `folder`; eval-<corpus>-<split>.* for another corpus's questions."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / ("-".join(part for part in ("eval", corpus, split) if part))
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md"), stem.with_suffix(".png")]
    paths[0].write_text(json.dumps(_json(results, questions, split, k), indent=1, ensure_ascii=False))
    paths[1].write_text(markdown(results, questions, split, k, paths[2].name))
    _plot(results, paths[2], split)
    return paths


def _json(results, questions, split, k) -> dict:
    return {
        "split": split,
        "k": k,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "questions": {q.id: {"question": q.question, "kind": q.kind} for q in questions},
        "configurations": {
            r.name: {
                "figures": r.figures,
                "success_at_k": r.curve,
                "latency_ms": r.latency_ms,
                "gold_ranks": r.ranks,
                "abstained": r.abstained,
                "top3": {qid: [h.citation for h in hits] for qid, hits in r.top.items()},
            }
            for r in results
        },
    }


def table(results: list[ConfigResult]) -> str:
    """The overall table: one row per configuration."""
    header = ["configuration", *MEASURES, "abstention", "false abstention", "p50 ms", "p95 ms"]
    rows = [_row(header), _row(["---"] * len(header))]
    for r in results:
        overall = r.figures["all"]
        cells = [r.name, *(f"{overall[m]:.3f}" for m in MEASURES)]
        cells += [_share(overall.get("abstention")), _share(overall.get("false abstention"))]
        cells += [f"{r.latency_ms['p50']:.1f}", f"{r.latency_ms['p95']:.1f}"]
        rows.append(_row(cells))
    return "\n".join(rows)


def markdown(results, questions, split, k, plot_name) -> str:
    answerable = sum(q.answerable for q in questions)
    lines = [
        f"# Retrieval evaluation: {split} split",
        "",
        f"{len(questions)} questions ({answerable} answerable, {len(questions) - answerable} unanswerable), "
        f"top {k} passages. Generated {time.strftime('%Y-%m-%d')}.",
        "",
        "## Overall (ranking measures over answerable questions)",
        "",
        table(results),
        "",
        "## Success@5 and MRR@10 by kind of question",
        "",
        _row(["configuration", *(f"{kind} (n={_count(questions, kind)})" for kind in ANSWERABLE_KINDS)]),
        _row(["---"] * (len(ANSWERABLE_KINDS) + 1)),
    ]
    for r in results:
        cells = [
            f"{r.figures[c]['Success@5']:.2f} / {r.figures[c]['MRR@10']:.2f}" if c in r.figures else "-"
            for c in ANSWERABLE_KINDS
        ]
        lines.append(_row([r.name, *cells]))
    lines += ["", *_abstention_table(results, questions)]
    lines += ["", f"![Success@k for k = 1..10]({plot_name})", ""]
    lines += _failures(results[0], questions)
    return "\n".join(lines) + "\n"


def _abstention_table(results: list[ConfigResult], questions: list[Question]) -> list[str]:
    """Per kind of question, the share each configuration abstained on."""
    kinds = [kind for kind in KINDS if _count(questions, kind)]
    lines = [
        "## Abstention by kind of question",
        "",
        f"The share of each kind's questions the configuration abstained on: false abstention for the answerable "
        f"kinds, the abstention rate (higher is better) for {' and '.join(UNANSWERED_KINDS)}.",
        "",
        _row(["configuration", *(f"{kind} (n={_count(questions, kind)})" for kind in kinds)]),
        _row(["---"] * (len(kinds) + 1)),
    ]
    for r in results:
        shares = r.figures.get(BY_KIND, {})
        lines.append(_row([r.name, *(_share(shares.get(kind)) for kind in kinds)]))
    return lines


def _failures(result: ConfigResult, questions: list[Question]) -> list[str]:
    lines = [f"## Failed questions ({result.name})", ""]
    missed = [q for q in questions if q.answerable and not any(r <= 5 for r in result.ranks[q.id])]
    wrongly = [q for q in questions if not q.answerable and result.abstained[q.id] is False]
    lines.append(f"{len(missed)} answerable questions have no gold passage in the top 5:")
    lines.append("")
    for q in missed:
        gold = "; ".join(f'{g.doc[:3]}: "{g.quote[:60]}"' for g in q.gold)
        lines.append(f"- **{q.id}** ({q.kind}) {q.question}  ")
        lines.append(f"  gold: {gold}  ")
        lines.extend(f"  {n}. {h.citation}: {h.text[:90]}…  " for n, h in enumerate(result.top[q.id], 1))
    if wrongly:
        lines += ["", f"{len(wrongly)} unanswerable questions were answered instead of abstaining:", ""]
        for q in wrongly:
            first = result.top[q.id][0].citation if result.top[q.id] else "-"
            lines.append(f"- **{q.id}** ({q.kind}) {q.question} (top passage: {first})")
    return lines


def _plot(results: list[ConfigResult], path: Path, split: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4.2), dpi=120)
    main = [r for r in results if r.name in PLOTTED] or results  # ablations stay in the tables
    for r in main:
        width = 2.8 if r.name == "default" else 1.4
        axes.plot(range(1, len(r.curve) + 1), r.curve, marker="o", markersize=3, linewidth=width, label=r.name)
    axes.set(xlabel="k (passages returned)", ylabel="Success@k", title=f"Success@k, {split} split", ylim=(0, 1))
    axes.set_xticks(range(1, 11))
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


def _count(questions: list[Question], kind: str) -> int:
    return sum(q.kind == kind for q in questions)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"
