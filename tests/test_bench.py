"""`rag bench`: its statistics, its report, and one real quick run of our side on a small folder."""

import json

import numpy as np
import pytest
from conftest import write_docs

from rag.cli import main
from rag.evaluation.bench_report import FIGURES, Measures, report, table, write
from rag.evaluation.timing import percentile, ratio


@pytest.mark.parametrize("percent", [0, 50, 95, 99, 100])
def test_percentiles_are_numpy_s(percent):
    values = [5.2, 3.1, 9.9, 4.4, 4.0, 12.5, 3.3]
    assert percentile(values, percent) == pytest.approx(np.percentile(values, percent))


def test_the_table_sets_ours_beside_the_recipe_and_marks_a_missed_target():
    ours = Measures(values={"cold_ask_s": 0.8, "serve_rss_mib": 420.0}, counts={"cold_ask_s": 5})
    recipe = Measures(values={"cold_ask_s": 6.0, "serve_rss_mib": 760.0}, errors={"build_s": "it exited with 1"})
    text = table({"ours": ours, "recipe": recipe})
    cold = "| cold `rag ask QUESTION --json`, built index (median of 5) | 0.80 s | 6.00 s | 0.13× | ≤ 1.00 s | yes |"
    assert cold in text
    assert "| serving RSS after the questions | 420 MiB | 760 MiB | 0.55× | ≤ 400 MiB | **no** |" in text
    assert "| build from scratch (no vectors reused) | - | failed | - | ≤ 15.0 s | - |" in text
    assert "warm answer()" not in text  # figures neither side measured are left out
    assert ratio(0.8, 6.0) == pytest.approx(0.8 / 6.0) and ratio(1.0, None) is None


def test_the_report_holds_every_figure_the_machine_and_a_plot(tmp_path):
    ours = Measures(values={"cold_ask_s": 0.8}, raw={"cold_ask_s": [0.8, 0.9, 0.7]}, counts={"cold_ask_s": 3})
    data = report({"ours": ours}, {"runs": 3}, ["a note"])
    assert [f["key"] for f in data["figures"]] == [f.key for f in FIGURES]
    assert data["machine"]["cores"] >= 1 and data["raw"]["ours"]["cold_ask_s"] == [0.8, 0.9, 0.7]
    paths = write(data, tmp_path)
    assert json.loads(paths[0].read_text())["figures"][0]["met"] is True
    assert paths[1].read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_a_quick_bench_of_ours_measures_the_real_commands(tmp_path, capsys):
    docs = write_docs(
        tmp_path / "docs",
        {
            "a.md": "# Access\n\n1. Broadband reaches every school by 2030.\n\n2. Women's access to the internet.\n",
            "b.txt": "Internet governance\n\n1. The Internet Governance Forum meets every year.\n",
        },
    )
    argv = ["bench", "--quick", "--skip-recipe", "--skip-serve", "--docs", str(docs), "--out", str(tmp_path / "out")]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "| figure | ours | recipe | ours/recipe | target | met? |" in printed and "Failed:" not in printed
    figures = {f["key"]: f["ours"] for f in json.loads((tmp_path / "out" / "bench.json").read_text())["figures"]}
    for key in ("first_build_s", "build_s", "noop_build_s", "cold_ask_s", "reopen_s"):
        assert 0 < figures[key] < 600, key
    assert 0 < figures["answer_p50_ms"] <= figures["answer_p99_ms"]
