"""Many users at once: a real `rag serve` under concurrent API clients and browser pages, the Index from several
threads, and the serving process's memory over thousands of questions. Each run writes its figures to
tests/artifacts/load.json."""

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import CancelledError, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SEEDS, needs_chromium

from rag import Index
from rag.evaluation.timing import answers_200, free_port, percentile, tree_rss_mib
from rag.integrations import tools
from rag.retrieval.conversation import is_follow_up
from ui.browser import chromium_available, launch

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
QUESTIONS = [
    json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text("utf-8").splitlines()
]
# Beside the reference questions, the other paths a question can take: paragraph and section references,
# quoted phrases, typos, other languages, a follow-up read alone.
OTHER_PATHS = [
    "paragraph 32 of the outcome document",
    "para 6bis of the ECOSOC draft",
    "OP 20 quater",
    "the third preambular paragraph",
    "section 1.3",
    "footnote 6",
    "outcome document para 99",
    '"enhanced cooperation"',
    '"net neutrality"',
    "Govrnance of the internt and the extnded mandate",
    "Quelle est la position des Nations Unies sur la gouvernance de l'internet ?",
    "¿Qué dice el documento sobre la brecha digital de género?",
    "and for women?",
    "What is the capital of Australia?",
]
OUTCOME = "004_7b6cb249c0a88164"
CLIENTS, ASKED_EACH = 32, 25
PAGES, ASKED_PER_PAGE = 3, 4
TIMEOUT = 120  # seconds for the server to start, or for a page's answer under load
GROWTH = 1.10  # the library's memory after many questions, at most this times the memory after 100
# The server's baseline is taken before the browser pages join and while Gradio's worker threads are still
# being started for 32 callers: their sessions and the threads' malloc arenas came to +7% to +14% on
# 2026-12-03, the same at d70d251 (+14.3%) as now, while the library in-process stays within 1%: its leaks
# are held to GROWTH over 5,000 questions by the in-process test below.
SERVER_GROWTH = 1.20


def k_for(number: int) -> int:
    """Passages asked for, varied from 1 to 10 so that clients do not all ask the same thing."""
    return 1 + number % 10


def summary(answer: dict) -> dict:
    """What two answers to one question must share: whether they abstain and why, and passage by passage
    the paragraph, highlights and weakness; scores apart, compared to 1e-6 by `same`."""
    return {
        "abstained": answer["abstained"],
        "notices": list(answer["notices"]),
        "corrections": [list(pair) for pair in answer["corrections"]],
        "passages": [
            (p["doc_id"], p["label"], [list(h) for h in p["highlights"]], p["weak"]) for p in answer["passages"]
        ],
        "scores": [p["score"] for p in answer["passages"]],
    }


def result_summary(result: dict) -> dict:
    """The same for a search's JSON, as the Gradio API, REST and MCP give it (rag.integrations.results)."""
    return {
        "answered": result["answered"],
        "notices": list(result["notices"]),
        "passages": [(p["document"], p["label"], p["weak"]) for p in result["passages"]],
        "scores": [p["score"] for p in result["passages"]],
    }


def same(one: dict, other: dict) -> bool:
    """Two summaries alike, their scores to 1e-6."""
    scores_agree = one["scores"] == pytest.approx(other["scores"], abs=1e-6)
    return scores_agree and {**one, "scores": None} == {**other, "scores": None}


def record(section: str, figures: dict) -> None:
    """Merge one test's figures into tests/artifacts/load.json (each test may run alone)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "load.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    data[section] = {**figures, "measured": time.strftime("%Y-%m-%d %H:%M:%S"), "cores": os.cpu_count()}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def latency_figures(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {f"p{p}_ms": round(percentile(ms, p), 1) for p in (50, 95, 99)} | {"max_ms": round(max(ms), 1)}


@contextmanager
def serving(log: Path):
    """`rag serve` as a user starts it, on a free port, over the session's index (already built by the
    seed_index fixture, so it only loads). Yields {"url", "pid"} once GET / answers; on leaving, the server is
    stopped with Ctrl+C, and "stopped_by" says what stopped it and when (Gradio's open result streams can
    hold a graceful stop for several seconds)."""
    port = free_port()
    argv = [sys.executable, "-m", "rag.cli", "serve", "--port", str(port), "--docs", str(SEEDS)]
    argv += ["--index", os.environ["RAG_INDEX"]]
    with log.open("w") as output:
        server = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    running = {"url": url, "pid": server.pid}
    try:
        deadline = time.monotonic() + TIMEOUT
        while not answers_200(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"rag serve did not come up (exit code {server.poll()}): {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield running
    finally:
        running["stopped_by"] = _stop(server)


def _stop(server: subprocess.Popen) -> str:
    """Ctrl+C, as a user stops it; then SIGTERM and SIGKILL, each to the server's own process group only.
    The signal that stopped it and the seconds it took ("exited" when it had already stopped)."""
    began = time.perf_counter()
    for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if server.poll() is not None:
            return "exited"
        os.killpg(server.pid, sent)
        try:
            server.wait(timeout=10)
            return f"{sent.name} in {time.perf_counter() - began:.1f} s"
        except subprocess.TimeoutExpired:
            continue
    return "not stopped"


def ask_through_api(url: str, asks: list[tuple[str, int]], done: list[int]) -> dict:
    """One user: its own gradio_client Client, asking each (question, k) in turn through /search."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    replies, seconds, errors, retried = [], [], [], []
    try:
        for question, k in asks:
            began = time.perf_counter()
            try:
                try:
                    replies.append(client.predict(question, k, None, api_name="/search"))
                except CancelledError:  # gradio_client cancels its own job now and then at this load: asked again
                    retried.append(question)
                    replies.append(client.predict(question, k, None, api_name="/search"))
            except Exception as error:  # counted and shown, not raised: one user's failure must not hide the rest
                replies.append(None)
                errors.append(f"{question!r}: {error!r}")
            seconds.append(time.perf_counter() - began)
            done.append(1)
    finally:
        client.close()  # its heartbeat stream would otherwise keep the server from stopping on Ctrl+C
    return {"replies": replies, "seconds": seconds, "errors": errors, "retried": retried}


def ask_through_pages(url: str, questions: list[list[str]]) -> dict:
    """Several browser pages at once: each round, every page types and submits its next question, then each
    page's answer is read back (the citations it shows) once it appears."""
    from playwright.sync_api import sync_playwright

    shown, errors, rounds = [[] for _ in questions], [], []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            pages = [browser.new_context(viewport={"width": 1280, "height": 800}).new_page() for _ in questions]
            for page in pages:
                page.goto(url)
                page.wait_for_selector("#wsis-question textarea")
            for turn in range(len(questions[0])):
                began = time.perf_counter()
                for page, asked in zip(pages, questions, strict=True):
                    page.fill("#wsis-question textarea", asked[turn])
                    page.keyboard.press("Enter")
                for number, page in enumerate(pages):
                    answers = page.locator("#wsis-chat .wsis-answer")
                    try:
                        page.wait_for_function(
                            f"document.querySelectorAll('#wsis-chat .wsis-answer').length > {turn}",
                            timeout=TIMEOUT * 1000,
                        )
                    except Exception as error:
                        errors.append(f"page {number}, {questions[number][turn]!r}: {error}")
                        continue
                    shown[number].append(answers.nth(turn).locator(".wsis-source").all_text_contents())
                rounds.append(time.perf_counter() - began)
            toasts = sum(page.locator(".toast-body").count() for page in pages)
        finally:
            browser.close()
    return {"shown": shown, "errors": errors, "rounds": rounds, "toasts": toasts}


@pytest.fixture(scope="module")
def load_run(seed_index, tmp_path_factory):
    """One `rag serve` under CLIENTS API users asking ASKED_EACH questions each and, while they run, PAGES
    browser pages; its memory after the first 100 answers and after all; and the answers the library gives
    in-process to the same questions, to compare against."""
    asks = [[_ask(client * 7 + turn) for turn in range(ASKED_EACH)] for client in range(CLIENTS)]
    expected = {ask: tools.search_passages(seed_index, *ask) for ask in {a for each in asks for a in each}}
    standalone = [q for q in QUESTIONS if not is_follow_up(q)]
    page_questions = [standalone[page * 11 :: 37][:ASKED_PER_PAGE] for page in range(PAGES)]
    page_expected = {q: [p.citation for p in seed_index.answer(q, 5).passages] for qs in page_questions for q in qs}
    with serving(tmp_path_factory.mktemp("serve") / "serve.log") as server:
        url, pid = server["url"], server["pid"]
        done: list[int] = []
        began = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            users = [pool.submit(ask_through_api, url, each, done) for each in asks]
            while len(done) < 100 and not all(u.done() for u in users):
                time.sleep(0.01)
            rss_after_100 = tree_rss_mib(pid)
            pages = None
            if chromium_available():  # the pages join the load already running
                answered_before = len(done)
                pages = ask_through_pages(url, page_questions)
                pages["api_answers_meanwhile"] = len(done) - answered_before
            results = [u.result() for u in users]
        wall = time.perf_counter() - began
        rss_after_all = tree_rss_mib(pid)
    return {
        "asks": asks, "expected": expected, "results": results, "wall": wall, "pages": pages,
        "page_questions": page_questions, "page_expected": page_expected,
        "rss_after_100": rss_after_100, "rss_after_all": rss_after_all, "stopped_by": server["stopped_by"],
    }  # fmt: skip


def _ask(number: int) -> tuple[str, int]:
    """The number-th (question, k) of the reference questions, k varied with the question."""
    index = number % len(QUESTIONS)
    return QUESTIONS[index], k_for(index)


@pytest.mark.slow
def test_32_concurrent_api_clients_all_get_their_own_answers(load_run):
    """800 questions from 32 users at once: no errors, each reply has passages or abstains, and each is the
    answer the library gives to that very question (no reply crosses to another user)."""
    errors = [e for r in load_run["results"] for e in r["errors"]]
    retried = [q for r in load_run["results"] for q in r["retried"]]
    seconds = [s for r in load_run["results"] for s in r["seconds"]]
    wrong = []
    for asks, result in zip(load_run["asks"], load_run["results"], strict=True):
        for ask, reply in zip(asks, result["replies"], strict=True):
            if reply is not None and (
                not (reply["passages"] or not reply["answered"])
                or not same(result_summary(reply), result_summary(load_run["expected"][ask]))
            ):
                wrong.append(ask)
    record(
        "api_load",
        {
            "clients": CLIENTS, "questions_each": ASKED_EACH, "answered": len(seconds) - len(errors),
            "errors": len(errors), "client_retries": len(retried), "wrong_answers": len(wrong),
            "wall_s": round(load_run["wall"], 1),
            "answers_per_s": round(len(seconds) / load_run["wall"], 1), **latency_figures(seconds),
            "stopped_by": load_run["stopped_by"],
        },
    )  # fmt: skip
    assert errors == []
    assert len(retried) <= 2, retried  # a rare cancellation inside gradio_client, not a server that fails
    assert wrong == []
    assert len(seconds) == CLIENTS * ASKED_EACH


@pytest.mark.slow
@needs_chromium
def test_browser_pages_get_their_quoted_answers_during_the_api_load(load_run):
    pages = load_run["pages"]
    record(
        "pages",
        {
            "pages": PAGES, "questions_each": ASKED_PER_PAGE, "errors": len(pages["errors"]),
            "error_toasts": pages["toasts"], "round_s": [round(s, 2) for s in pages["rounds"]],
            "api_answers_meanwhile": pages["api_answers_meanwhile"],
        },
    )  # fmt: skip
    assert pages["errors"] == [] and pages["toasts"] == 0
    for asked, shown in zip(load_run["page_questions"], pages["shown"], strict=True):
        assert [sorted(citations) for citations in shown] == [sorted(load_run["page_expected"][q]) for q in asked]


def test_index_answers_alike_from_8_threads_and_serially(seed_index, embedder):
    """240 questions answered one after another, then by 8 threads at once on a freshly opened Index (its
    caches cold, so the threads also race to fill them): the same answers, passage by passage. Every
    reference question and other path, then questions asked of one document."""
    asks = [(q, k_for(i), None) for i, q in enumerate(QUESTIONS + OTHER_PATHS)]
    asks += [(q, 7, [OUTCOME]) for q in QUESTIONS[: max(0, 240 - len(asks))]]
    assert len(asks) >= 240

    def answer(index, ask):
        question, k, docs = ask
        return summary(index.answer(question, k, documents=docs).to_dict())

    began = time.perf_counter()
    serial = [answer(seed_index, ask) for ask in asks]
    serial_s = time.perf_counter() - began
    fresh = Index.open(SEEDS, os.environ["RAG_INDEX"], embedder=embedder)
    began = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda ask: answer(fresh, ask), asks))
    threaded_s = time.perf_counter() - began
    differing = [ask[0] for ask, one, other in zip(asks, serial, threaded, strict=True) if not same(one, other)]
    record(
        "threads",
        {"questions": len(asks), "threads": 8, "differing": len(differing), "serial_s": round(serial_s, 2),
         "threaded_s": round(threaded_s, 2)},
    )  # fmt: skip
    assert differing == []
    assert all(any(s[path] for s in serial) for path in ("abstained", "notices", "corrections"))  # paths taken


@pytest.mark.slow
def test_serving_memory_stays_flat_under_the_load(load_run):
    """The server's resident memory (with any children) once the 32 users and the pages are done is within
    20% of what it was after its first 100 answers (see SERVER_GROWTH)."""
    answered = sum(len(r["seconds"]) for r in load_run["results"])
    before, after = load_run["rss_after_100"], load_run["rss_after_all"]
    record(
        "memory_api",
        {"questions": answered, "rss_after_100_mib": round(before, 1), "rss_after_all_mib": round(after, 1),
         "growth": round(after / before, 3),
         "seconds_for_5000_at_this_rate": round(5000 * load_run["wall"] / answered)},
    )  # fmt: skip
    assert after <= SERVER_GROWTH * before


# Run in a process of its own, so that its resident memory is the library's alone. Each user is a thread asking
# its share in turn, keeping no answer: a pool mapping every question at once would hold thousands of answers
# and measure that, not a leak.
IN_PROCESS = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
import psutil
from rag import Index
docs, index_dir, users, asks = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.stdin.read())
index = Index.open(docs, index_dir)
index.warm_up()  # as rag serve does
def user(share):
    answered = 0
    for question, k in share:
        answer = index.answer(question, k)
        answered += bool(answer.passages or answer.abstained)
    return answered
def ask_all(asks):
    with ThreadPoolExecutor(users) as pool:
        return sum(pool.map(user, [asks[i::users] for i in range(users)]))
answered = ask_all(asks[:100])
after_100 = psutil.Process().memory_info().rss / 2**20
answered += ask_all(asks[100:])
after_all = psutil.Process().memory_info().rss / 2**20
print(json.dumps({"answered": answered, "after_100": after_100, "after_all": after_all}))
"""


@pytest.mark.slow
def test_library_memory_stays_flat_over_5000_questions(seed_index):
    """5,000 questions through Index.answer from 4 threads in a process of their own (5,000 through the web
    API would take several minutes here): resident memory within 10% of what it was after 100."""
    total = 5000
    asks = [_ask(number) for number in range(total)]
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(SEEDS), os.environ["RAG_INDEX"], "4"],
        input=json.dumps(asks), capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - began
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    record(
        "memory_library",
        {"threads": 4, "questions": total, "answered": figures["answered"],
         "rss_after_100_mib": round(figures["after_100"], 1), f"rss_after_{total}_mib": round(figures["after_all"], 1),
         "growth": round(figures["after_all"] / figures["after_100"], 3), "wall_s": round(wall, 1)},
    )  # fmt: skip
    assert figures["answered"] == total
    assert figures["after_all"] <= GROWTH * figures["after_100"]
