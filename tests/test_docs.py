"""The manual (docs/ and README.md): the site builds with --strict, and every example in it runs and prints what
the page shows.

Sybil reads the examples. A ```python block runs in its page's namespace, and a ```text or ```console block
without prompts right after it is what it must print. A ```console block with `$ ` prompts is a shell session:
each command runs in a pseudo-terminal, as typed, and must print what follows it. A ```bash block is commands
that must exit 0. Other blocks (json, text) are data. `<!-- skip: next "why" -->` skips the next example, saying
why; `<!-- slow: next "why" -->` marks it slow.

Examples run in a folder of their page standing for the checkout (`.venv`, `eval` and `seeds` linked in,
`../shared` beside it), with the session's seed index ($RAG_INDEX, never index/) and, where a page calls one, a
server on a free port. Before an example runs, its `http://127.0.0.1:7860` becomes that server's address, its
`/tmp/` a folder of its page, and `rag eval` writes its reports there (never over eval/reports/); what it prints
is read back the other way. Compared with what the page shows, `[…]` or `[...]` stands for any text within a
line (the pages shorten quotes so), and durations ("in 14.4 s") and today's date are not compared.
"""

import contextlib
import io
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sybil import Region, Sybil
from sybil.parsers.markdown import SkipParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, FencedCodeBlockLexer

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
ADDRESS = "http://127.0.0.1:7860"  # where the pages' examples find the running server
SHOWN_ROOT = "/work/main"  # the checkout's path, as the pages print it
CHECKOUT = (".venv", "eval", "seeds")  # what the examples' relative paths reach; index/ stays out of reach
WILDCARD = re.compile(r"\\\[(?:…|\\\.\\\.\\\.)\\\]")  # "[…]" or "[...]", once re.escape'd
DURATION = re.compile(r"\b\d+(?:\.\d+)? s\b")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_LINE = re.compile(rf"^\d{{1,2}} (?:{MONTHS}) \d{{4}}$", re.M)
RUNS: dict[str, "Run"] = {}  # each page's Run, by the page's path


class Run:
    """Where a page's examples run, and how they are read: the shown address and paths, and the real ones."""

    def __init__(self, folder: Path):
        self.folder, self.cwd, self.swaps = folder, folder / "main", {}
        self.cwd.mkdir()
        for name in CHECKOUT:
            (self.cwd / name).symlink_to(ROOT / name)
        if (ROOT.parent / "shared").is_dir():
            (folder / "shared").symlink_to(ROOT.parent / "shared")
        self.request = None

    def substitute(self, text: str) -> str:
        """The example as it runs here."""
        if ADDRESS in text and ADDRESS not in self.swaps:
            self.swaps[ADDRESS] = self.request.getfixturevalue("docs_server")
        if "/tmp/" in text and "/tmp/" not in self.swaps:
            self.swaps["/tmp/"] = f"{self._tmp()}/"
        for shown, real in self.swaps.items():
            text = text.replace(shown, real)
        return text

    def read_back(self, printed: str) -> str:
        """What the example printed, with the address and paths the page shows."""
        for shown, real in self.swaps.items():
            printed = printed.replace(real, shown)
        return printed.replace(str(ROOT), SHOWN_ROOT)

    def _tmp(self) -> Path:
        """The pages' /tmp/: the CLS-pooled model of conftest's cls_folder, and a folder of models holding none."""
        tmp = self.folder / "tmp"
        (tmp / "models").mkdir(parents=True)
        (tmp / "cls-model").symlink_to(self.request.getfixturevalue("cls_folder"))
        return tmp

    def env(self) -> dict[str, str]:
        # A progress bar is an animation a transcript cannot show: the pages show the lines around it.
        return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TQDM_DISABLE": "1"}


def same(shown: str, printed: str) -> bool:
    pattern = WILDCARD.sub(r"[^\n]*?", re.escape(normal(shown)))
    return re.fullmatch(pattern, normal(printed)) is not None


def normal(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n"))
    return DATE_LINE.sub("<date>", DURATION.sub("<duration>", text))


def mismatch(what: str, shown: str, printed: str, code: int | None = None) -> str:
    exit_code = "" if code is None else f" (exit {code})"
    return f"{what}\n--- the page shows:\n{shown}\n--- it printed{exit_code}:\n{printed}"


# Evaluators: each returns what went wrong, or None.


def run_python(example) -> str | None:
    run, (source, shown) = RUNS[example.path], example.parsed
    code = compile("\n" * example.line + run.substitute(source), example.path, "exec")
    printed = io.StringIO()
    with contextlib.chdir(run.cwd), contextlib.redirect_stdout(printed), subprocess_env():
        exec(code, example.namespace)
    printed = run.read_back(printed.getvalue())
    if shown is not None and not same(shown, printed):
        return mismatch("The Python example printed otherwise.", shown, printed)
    return None


def run_session(example) -> str | None:
    run = RUNS[example.path]
    for command, shown in session(example.parsed):
        code, printed = terminal(run, command)
        if not same(shown, printed) or (code != 0 and not shown.strip()):  # one shown silent must also succeed
            return mismatch(f"$ {command}", shown, printed, code)
    return None


def run_commands(example) -> str | None:
    run = RUNS[example.path]
    for command in commands(example.parsed):
        code, printed = terminal(run, command)
        if code != 0:
            return mismatch(f"{command}\nexited {code}", "(success)", printed[-3000:], code)
    return None


def mark(example) -> None:
    """A `slow: next` comment: read when the examples are collected; nothing to run."""


def session(source: str) -> list[tuple[str, str]]:
    """A console block's commands, each with what the page shows it printing."""
    steps: list[tuple[str, list[str]]] = []
    for line in source.split("\n"):
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps and steps[-1][0].endswith("\\") and not steps[-1][1]:
            steps[-1] = (steps[-1][0] + "\n" + line, [])
        elif steps:
            steps[-1][1].append(line)
    return [(command, "\n".join(printed)) for command, printed in steps]


def commands(source: str) -> list[str]:
    """A bash block's commands (a line ending in a backslash goes on to the next)."""
    joined = source.replace("\\\n", " ")
    return [line for line in joined.split("\n") if line.strip() and not line.lstrip().startswith("#")]


def terminal(run: Run, command: str, timeout: float = 900) -> tuple[int, str]:
    """Run a command as typed at a terminal, stdout and stderr on one pseudo-terminal, as a reader sees them."""
    for needed in re.findall(r"\.\./shared/\S+", command):
        if not (run.cwd / needed).exists():
            pytest.skip(f"{needed} is not beside this checkout")
    command = run.substitute(command)
    command = re.sub(r"\brag eval (?!.*--out)", f"rag eval --out {run.folder / 'reports'} ", command)
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=run.cwd,
        env=run.env(),
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
        start_new_session=True,
    )
    os.close(secondary)
    printed, deadline = bytearray(), time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([main], [], [], 1)[0]:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # EIO: every process holding the terminal has closed it
                    break
                if not chunk:
                    break
                printed += chunk
        else:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"`{command}` did not finish in {timeout:.0f} s")
    finally:
        os.close(main)
    return process.wait(timeout=60), run.read_back(printed.decode("utf-8", "replace").replace("\r\n", "\n"))


@contextlib.contextmanager
def subprocess_env():
    """An MCP client hands the server it starts only a few variables (PATH, HOME ...): add those naming the
    session's index, so `rag mcp` reads it and not index/."""
    try:
        import mcp.client.stdio as stdio
    except ImportError:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stdio, "DEFAULT_INHERITED_ENV_VARS", [*stdio.DEFAULT_INHERITED_ENV_VARS, "RAG_INDEX"])
        yield


# Parsers: what Sybil finds in a page.

FENCED = FencedCodeBlockLexer(language=r"[\w-]*")
SLOW = DirectiveInHTMLCommentLexer(directive="slow", arguments=".+?")
EXAMPLES = (run_python, run_session, run_commands)


def prompted(source: str) -> bool:
    return any(line.startswith("$ ") for line in source.split("\n"))


def blocks(document):
    """```python (with the block showing what it prints), ```console sessions and ```bash commands."""
    regions = list(FENCED(document))
    for region, after in zip(regions, [*regions[1:], None], strict=False):  # None after the last
        language, source = region.lexemes["language"], region.lexemes["source"]
        if language == "python":
            output = after is not None and after.lexemes["language"] in ("text", "console")
            output = output and not prompted(after.lexemes["source"])
            output = output and not document.text[region.end : after.start].strip()
            shown = after.lexemes["source"] if output else None
            yield Region(region.start, after.end if output else region.end, (source, shown), run_python)
        elif language == "console" and prompted(source):
            yield Region(region.start, region.end, source, run_session)
        elif language == "bash":
            yield Region(region.start, region.end, source, run_commands)


def slow(document):
    for region in SLOW(document):
        yield Region(region.start, region.end, region.lexemes["arguments"], mark)


def collect() -> list:
    """One test per example, with the comments before it (skip, slow) evaluated first."""
    sybil, params = Sybil([SkipParser(), slow, blocks]), []
    for path in PAGES:
        before = []
        for example in sybil.parse(path):
            if example.region.evaluator not in EXAMPLES:
                before.append(example)
                continue
            marks = [pytest.mark.slow] if any(e.region.evaluator is mark for e in before) else []
            params.append(pytest.param([*before, example], id=f"{path.relative_to(ROOT)}:{example.line}", marks=marks))
            before = []
    return params


@pytest.fixture(scope="module")
def docs_server(seed_index):
    from ui.app import start_in_background

    url, stop = start_in_background(seed_index, mcp=True)
    yield url
    stop()


@pytest.mark.parametrize("examples", collect())
def test_example(examples, request, seed_index, tmp_path_factory):
    page = examples[-1].path
    if page not in RUNS:
        RUNS[page] = Run(tmp_path_factory.mktemp(Path(page).stem))
    RUNS[page].request = request
    for example in examples:
        example.evaluate()


# The site.


class Links(HTMLParser):
    """The ids of a page, and the addresses it loads scripts, styles and images from."""

    def __init__(self):
        super().__init__()
        self.ids, self.loads = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("script", "img", "iframe", "source") and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.loads.append(attrs["href"])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(folder)]
    result = subprocess.run(build, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "excluded from the built site" not in result.stderr, result.stderr  # only an INFO line, even strict
    return folder


def read(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def test_every_page_is_built_with_the_images_it_shows(site):
    shown = []
    for source in (ROOT / "docs").glob("*.md"):
        page = site / ("index.html" if source.stem == "index" else f"{source.stem}/index.html")
        images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", source.read_text(encoding="utf-8"))  # relative to docs/
        loaded = [src for src in read(page).loads if src.endswith(".png")]  # relative to the page
        assert [(page.parent / src).resolve() for src in loaded] == [(site / "docs" / src).resolve() for src in images]
        shown += [(page.parent / src) for src in loaded]
    assert shown and all(image.stat().st_size > 0 for image in shown)


def test_the_site_loads_nothing_from_elsewhere(site):
    remote = {src for page in site.rglob("*.html") for src in read(page).loads if re.match(r"(https?:)?//", src)}
    styles = "\n".join(sheet.read_text(encoding="utf-8") for sheet in site.rglob("*.css"))
    assert (remote, re.findall(r"url\(['\"]?(?:https?:)?//[^)]*\)|@import[^;]*", styles)) == (set(), [])


def test_the_readme_links_to_pages_and_places_that_exist(site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)(?:#([^)]+))?\)", readme)
    assert links and all((ROOT / target).exists() for target, _ in links if "://" not in target)
    for target, anchor in links:
        if anchor:
            page = site / ("index.html" if target.endswith("index.md") else f"{Path(target).stem}/index.html")
            assert anchor in read(page).ids, f"README.md links to {target}#{anchor}, which is not there"
