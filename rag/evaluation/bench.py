"""`rag bench`: how fast and how big, ours beside the tutorial recipe, measured in the same run.

Every figure of ours comes from the real commands run as subprocesses (`rag build`, `rag ask`, `rag serve`,
`rag eval`) or, for the in-process figures, from a process of their own (rag/evaluation/probe.py), so it
measures whatever the implementation is at the time. The recipe (rag/evaluation/recipe.py) goes through
the same steps. Both sides build their own indexes in a temporary folder, from a copy of the documents,
so the figures never depend on the state of index/.
"""

import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from itertools import cycle, islice
from pathlib import Path

from rag.errors import RagError
from rag.evaluation import bench_report, recipe
from rag.evaluation.bench_report import Measures
from rag.evaluation.timing import measure_server, percentile, timed_command
from rag.store import files

COLD_QUESTION = "What is the working definition of Internet governance?"
HOST = "127.0.0.1"
PROBE = [sys.executable, "-m", "rag.evaluation.probe"]
NOTES = [
    "Ours is run through its commands (rag build/ask/serve/eval); the recipe is rag/evaluation/recipe.py, the "
    "LangChain tutorial (1000/200-character chunks, HuggingFaceEmbeddings of the same model, FAISS), untuned.",
    "Build from scratch: ours with no previous build to reuse vectors from (the model's ONNX export, made by the "
    "first build, stays); the recipe into an empty folder. The first build includes making that export.",
    "Warm answer: ours is Index.answer(q, k=5) (fused ranking, references, highlights, notices); the recipe is "
    "similarity_search(q, k=5). Both in a process of their own, after 3 questions answered untimed.",
    "Reopen: ours is Index.open() (the model loads in the background); the recipe is FAISS.load_local() with "
    "its embeddings object already loaded.",
    "Serve: ours prints its address once the index and model are loaded, just before the web server listens; the "
    "recipe prints it after Gradio's launch() returns. 'until GET / answers 200' is the same moment for both.",
    "Eval wall, one configuration: ours is `rag eval --retriever default`, the recipe answers and scores the same "
    "test questions with the project's metrics. Both include their process start-up.",
]


@dataclass(frozen=True)
class Options:
    docs: Path
    questions: Path  # the reference questions (JSON Lines): warm and served latencies, eval
    runs: int = 5
    index: Path | None = None  # ours: an index to read (ask, serve, reopen) instead of a temporary one
    limit: int | None = None  # warm latencies over the first N questions only
    serve_questions: int = 100
    recipe: bool = True
    serve: bool = True
    eval_wall: bool = True
    undocs: Path | None = None


class Ours:
    name = "ours"

    def __init__(self):
        script = Path(sys.executable).with_name("rag")  # the installed entry point, as users run it
        self.rag = [str(script)] if script.is_file() else [sys.executable, "-m", "rag.cli"]

    def build(self, docs: Path, index: Path) -> list[str]:
        return [*self.rag, "build", *self._folders(docs, index)]

    def reset(self, index: Path) -> None:
        """No live build, so the next build reuses no vectors; the model export beside the builds stays."""
        (index / files.CURRENT).unlink(missing_ok=True)

    def refresh(self, docs: Path, index: Path) -> list[str] | None:
        return self.build(docs, index)

    def ask(self, docs: Path, index: Path, question: str) -> list[str]:
        return [*self.rag, "ask", question, "--json", *self._folders(docs, index)]

    def serve(self, docs: Path, index: Path, port: int) -> list[str]:
        return [*self.rag, "serve", "--host", HOST, "--port", str(port), *self._folders(docs, index)]

    @staticmethod
    def call(client, question: str):
        return client.predict(question, 5, None, api_name="/search")

    def evaluate(self, docs: Path, index: Path, out: Path, retriever: str = "default") -> list[str]:
        command = [*self.rag, "eval", "--split", "test", "--retriever", retriever, "--out", str(out)]
        return [*command, *self._folders(docs, index)]

    def probe(self, docs: Path, index: Path, options: Options) -> list[str]:
        return [*PROBE, "ours", *self._folders(docs, index), *_probe_args(options)]

    @staticmethod
    def paragraphs(index: Path) -> int | None:
        build = files.live_build(index)
        return sum(unit.kind == "paragraph" for unit in files.load(build).units) if build else None

    @staticmethod
    def _folders(docs: Path, index: Path) -> list[str]:
        return ["--docs", str(docs), "--index", str(index)]


class Recipe:
    name = "recipe"

    def __init__(self, model: Path):
        # Run as a script, given the model folder: its start-up imports nothing of ours.
        self.script = [sys.executable, recipe.__file__]
        self.model = ["--model", str(model)]

    def build(self, docs: Path, index: Path) -> list[str]:
        return [*self.script, "build", "--docs", str(docs), "--index", str(index), *self.model]

    @staticmethod
    def reset(index: Path) -> None:
        shutil.rmtree(index, ignore_errors=True)

    def refresh(self, docs: Path, index: Path) -> list[str] | None:
        return None  # the tutorial has no notion of an index being up to date

    def ask(self, docs: Path, index: Path, question: str) -> list[str]:
        return [*self.script, "ask", question, "--index", str(index), *self.model]

    def serve(self, docs: Path, index: Path, port: int) -> list[str]:
        return [*self.script, "serve", "--host", HOST, "--port", str(port), "--index", str(index), *self.model]

    @staticmethod
    def call(client, question: str):
        return client.predict(question, api_name="/chat")

    def evaluate(self, docs: Path, index: Path, out: Path) -> list[str]:
        return [*self.script, "eval", "--split", "test", "--index", str(index), *self.model]

    def probe(self, docs: Path, index: Path, options: Options) -> list[str]:
        return [*PROBE, "recipe", "--index", str(index), *self.model, *_probe_args(options)]

    @staticmethod
    def paragraphs(index: Path) -> int | None:
        return None  # it has chunks, not paragraphs


Side = Ours | Recipe
Progress = Callable[[str], None]


def run_and_report(options: Options, out: Path, progress: Progress) -> tuple[str, list[Path]]:
    """Measure, write bench.json and bench.png to `out`; returns the printed report and the files written."""
    measures = run(options, progress)
    data = bench_report.report(measures, _jsonable(asdict(options)), NOTES)
    paths = bench_report.write(data, out)
    text = [bench_report.table(measures), "", bench_report.machine_line(data)]
    if errors := bench_report.errors_text(measures):
        text += ["", "Failed:", errors]
    return "\n".join(text), paths


def run(options: Options, progress: Progress) -> dict[str, Measures]:
    """Measure every figure for our side and, unless told not to, for the recipe."""
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as scratch:
        work = Path(scratch)
        docs = _copy(options.docs, work / "docs")
        undocs = _copy(options.undocs, work / "undocs") if options.undocs else None
        sides: list[Side] = [Ours()]
        if options.recipe:
            from rag.store.embedding import verified_model_dir

            sides.append(Recipe(verified_model_dir()))
        return {side.name: measure(side, options, docs, undocs, work / side.name, progress) for side in sides}


def measure(side: Side, options: Options, docs: Path, undocs: Path | None, work: Path, progress: Progress) -> Measures:
    measures = Measures()
    step = _stepper(side, measures, progress)
    scratch = work / "index"
    step("first_build_s", lambda: _first_build(side, docs, scratch))
    step("build_s", lambda: _builds(side, docs, scratch, options.runs))
    index = options.index if options.index and isinstance(side, Ours) else scratch
    if index != scratch:
        step("given_index", lambda: _untimed(side.build(docs, index)))  # up to date before it is read
    if side.refresh(docs, index):
        step("noop_build_s", lambda: _repeat(lambda: timed_command(side.refresh(docs, index))[0], options.runs))
    step("cold_ask_s", lambda: _repeat(lambda: timed_command(side.ask(docs, index, COLD_QUESTION))[0], options.runs))
    step("answer_p50_ms", lambda: _probe(side, docs, index, options, measures))
    if options.serve:
        step("serve_address_s", lambda: _serve(side, docs, index, options, measures))
    if options.eval_wall:
        step("eval_one_s", lambda: _eval(side, docs, index, work / "eval-one", measures))
    if undocs:
        step("undocs_build_s", lambda: _undocs(side, undocs, scratch, measures))
    return measures


def _stepper(side: Side, measures: Measures, progress: Progress) -> Callable[[str, Callable], None]:
    """Runs one measuring step: a list it returns is that figure's runs; a failure is kept, not raised."""

    def step(key: str, measuring: Callable[[], list[float] | None]) -> None:
        progress(f"[{side.name}] {key} ...")
        before = set(measures.values)
        try:
            runs = measuring()
        except (RagError, OSError, ValueError, KeyError, RuntimeError) as error:
            measures.errors[key] = str(error)
            progress(f"[{side.name}] {key} failed: {error}")
            return
        if runs is not None:
            measures.raw[key] = runs
            measures.values[key] = statistics.median(runs)
            measures.counts[key] = len(runs)
        for name in sorted(set(measures.values) - before):
            progress(f"[{side.name}]   {name} = {measures.values[name]:.4g}")

    return step


def _repeat(measuring: Callable[[], float], runs: int) -> list[float]:
    return [measuring() for _ in range(runs)]


def _untimed(command: list[str]) -> None:
    timed_command(command)


def _first_build(side: Side, docs: Path, index: Path) -> list[float]:
    shutil.rmtree(index, ignore_errors=True)
    return [timed_command(side.build(docs, index))[0]]


def _builds(side: Side, docs: Path, index: Path, runs: int) -> list[float]:
    def from_scratch() -> float:
        side.reset(index)
        return timed_command(side.build(docs, index))[0]

    return _repeat(from_scratch, runs)


def _probe(side: Side, docs: Path, index: Path, options: Options, measures: Measures) -> None:
    result = json.loads(timed_command(side.probe(docs, index, options))[1])
    latencies, reopen = result["answer_ms"], result["reopen_s"]
    measures.raw["answer_ms"], measures.raw["reopen_s"] = latencies, reopen
    for percent in (50, 95, 99):
        measures.values[f"answer_p{percent}_ms"] = percentile(latencies, percent)
        measures.counts[f"answer_p{percent}_ms"] = len(latencies)
    measures.values["reopen_s"], measures.counts["reopen_s"] = statistics.median(reopen), len(reopen)


def _serve(side: Side, docs: Path, index: Path, options: Options, measures: Measures) -> None:
    """Start the server `runs` times; the first run also answers the questions, then its memory is read."""
    from rag.evaluation.questions import load_questions
    from rag.evaluation.timing import free_port

    texts = [q.question for q in load_questions(options.questions)]
    questions = list(islice(cycle(texts), options.serve_questions))
    runs = []
    for number in range(options.runs):
        port = free_port(HOST)
        asked = questions if number == 0 else []
        url = f"http://{HOST}:{port}/"
        runs.append(measure_server(side.serve(docs, index, port), url, ask=side.call, questions=asked))
    measures.raw["serve"] = [asdict(r) for r in runs]
    for key, values in (("serve_address_s", [r.address_s for r in runs]), ("serve_ready_s", [r.ready_s for r in runs])):
        measures.values[key], measures.counts[key] = statistics.median(values), len(values)
    if runs[0].answer_ms:
        measures.values["serve_answer_p50_ms"] = percentile(runs[0].answer_ms, 50)
        measures.values["serve_rss_mib"] = runs[0].rss_mib
        measures.counts["serve_answer_p50_ms"] = measures.counts["serve_rss_mib"] = runs[0].answered


def _eval(side: Side, docs: Path, index: Path, out: Path, measures: Measures) -> None:
    """The eval's wall time: one configuration on both sides, and for ours also the main ones together."""
    seconds, printed = timed_command(side.evaluate(docs, index, out))
    measures.values["eval_one_s"] = measures.raw["eval_one_s"] = seconds
    if isinstance(side, Ours):
        seconds = timed_command(side.evaluate(docs, index, out, "all"))[0]
        measures.values["eval_all_s"] = measures.raw["eval_all_s"] = seconds
    else:
        measures.raw["eval_figures"] = json.loads(printed)


def _undocs(side: Side, undocs: Path, index: Path, measures: Measures) -> None:
    side.reset(index)
    seconds = timed_command(side.build(undocs, index))[0]
    measures.values["undocs_build_s"] = measures.raw["undocs_build_s"] = seconds
    paragraphs = side.paragraphs(index)
    if paragraphs:
        measures.raw["undocs_paragraphs"] = paragraphs
        measures.values["undocs_rate"] = paragraphs / seconds


def _probe_args(options: Options) -> list[str]:
    limit = [] if options.limit is None else ["--limit", str(options.limit)]
    return ["--questions", str(options.questions), "--runs", str(options.runs), *limit]


def _jsonable(options: dict) -> dict:
    return {key: str(value) if isinstance(value, Path) else value for key, value in options.items()}


def _copy(folder: Path, into: Path) -> Path:
    if not folder.is_dir():
        raise RagError(f"No documents folder at {folder}.")
    return Path(shutil.copytree(folder, into))
