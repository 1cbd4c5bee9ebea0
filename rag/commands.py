"""What each `rag` command does, once rag/cli.py has read its arguments: library calls turned into printed
results and exit codes. Library errors are left to the CLI, which prints them as one line."""

import contextlib
import importlib
import json
import shutil
import sys
import textwrap
import threading
from pathlib import Path

from rag.errors import QueryError, RagError
from rag.integrations.tools import answer_result
from rag.passage import Passage
from rag.retrieval import notices
from rag.retrieval.index import PROJECT_ROOT, Index, default_docs_dir, default_index_dir
from rag.store import abstention, dense, files, stores
from rag.store.build import build, index_model, up_to_date
from rag.store.encoder import ensure_export

EXIT_ERROR = 1


def build_index(args) -> int:
    docs = args.docs or default_docs_dir()
    folder = args.index or default_index_dir()
    store = stores.resolve(args.store)
    model = index_model(folder, args.model)  # --model, else the index's own, else the bundled one
    if not args.force and up_to_date(docs, folder, store, model) and _has_dense_index(folder, args.dense_index):
        ensure_export(folder, model)  # a damaged model export is made again even when the index is current
        manifest = files.read_manifest(files.live_build(folder))
        print(f"The index in {folder} is up to date with {docs}; nothing to do (--force rebuilds).")
        _catalog_notes(manifest.get("catalog_notes", []))
        return _skipped(manifest.get("skipped", {}), args.strict)
    print(f"Building the index of {docs} in {folder} with {model.name} ...", file=sys.stderr)
    with files.build_lock(folder):  # progress: a bar on a tty
        report = build(docs, folder, model=model, progress=True, dense_index=args.dense_index, store=store)
    documents = f"{report.documents} document" + ("" if report.documents == 1 else "s")
    print(
        f"Indexed {documents}: {report.units} units, {report.chunks} chunks, {report.sentences} sentences "
        f"({report.embedded} texts embedded, {report.reused} reused) in {report.seconds:.1f} s."
    )
    if model.path is not None and abstention.saved(folder, model) is None:  # similarities are the model's own
        print(
            "Note: answers are decided as the bundled model's are; fit this model's decision on reference "
            f"questions: rag eval --calibrate --save --split dev --index {folder}",
            file=sys.stderr,
        )
    _catalog_notes(report.catalog_notes)
    return _skipped(report.skipped, args.strict)


def _catalog_notes(notes: list[str]) -> None:
    """The catalog's claims the documents do not bear out: left out of every citation, said at each build."""
    if notes:
        print("Catalog fields not stated (the documents do not print them):", *(f"  {n}" for n in notes), sep="\n")


def _has_dense_index(folder: Path, kind: str) -> bool:
    """Whether the live build's FAISS indexes are of the type asked for ("auto": whatever they are)."""
    if kind == "auto":
        return True
    built = files.read_manifest(files.live_build(folder)).get("dense", {})
    return all(built.get(stem, {}).get("type", dense.FLAT) == dense.choose(0, kind) for stem in ("dense", "sentences"))


def _skipped(skipped: dict[str, str], strict: bool) -> int:
    """List the files the index leaves out, each with its reason; with --strict any of them fails the build."""
    if not skipped:
        return 0
    count = f"{len(skipped)} file" + ("" if len(skipped) == 1 else "s")
    print(f"Skipped {count}:", *(f"  {reason}" for reason in skipped.values()), sep="\n")
    if strict:
        print(f"rag: --strict: {count} could not be indexed.", file=sys.stderr)
        return EXIT_ERROR
    return 0


def ask(args) -> int:
    index = Index.open(args.docs, args.index, progress=True, store=args.store, model=args.model)  # a bar on a tty
    answer = index.answer(args.question, k=args.k, documents=args.doc)
    if args.format == "json":  # the JSON of every way in (REST, MCP, the Gradio API)
        return _emit(json.dumps(answer_result(answer), indent=2, ensure_ascii=False) + "\n", args)
    said = notices.of_answer(answer)
    if args.format in ("md", "docx"):
        return _compile(answer, said, args)
    if answer.abstained and not said:
        said.append("No passage in these documents answers this question; the nearest ones follow.")
    elif answer.abstained:  # a notice said why; the passages are still only the nearest
        said.append("Nearest passages (weak matches):")
    return _emit("\n".join([*said, format_passages(list(answer.passages))]) + "\n", args)


def _compile(answer, said: list[str], args) -> int:
    """--format md|docx: the answer's passages as a compilation of agreed language. Weak matches (an
    answer that abstains) are never written as agreed language: they are left out, and it is said."""
    from rag import compilation  # python-docx: 30 ms of a cold `rag ask` that writes no compilation

    for line in said:
        if line != notices.NO_ANSWER:  # said below, with what it means for the file
            print(line, file=sys.stderr)
    passages = [p for p in answer.passages if not p.weak]
    if not passages:
        print(
            "rag: No passage answers this question well enough, so no compilation was written: the nearest "
            "passages are weak matches, not agreed language on it (`rag ask` without --format shows them).",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.format == "md":
        return _emit(compilation.to_markdown(passages, title=args.title), args)
    if args.output is None and sys.stdout.isatty():
        raise QueryError("A .docx is a file, not text for a terminal: add --output FILE.docx (or redirect stdout).")
    return _emit(compilation.to_docx(passages, title=args.title), args)


def _emit(data: str | bytes, args) -> int:
    """Print `data`, or write it to --output and say so on stderr."""
    if args.output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            sys.stdout.write(data)
        return 0
    try:
        args.output.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as error:
        print(f"rag: Cannot write {args.output}: {error.strerror or error}.", file=sys.stderr)
        return EXIT_ERROR
    print(f"Wrote {args.output}.", file=sys.stderr)
    return 0


@contextlib.contextmanager
def extra(name: str, what: str):
    """A command whose libraries are an optional extra: a missing one is said, with how to install it."""
    try:
        yield
    except ImportError as error:
        raise RagError(
            f"{what} needs the `{name}` extra, which is not installed ({error.name} is missing); "
            f"pip install 'wsis-rag[{name}]' (or `make test`, which installs every extra)."
        ) from error


def evaluate(args) -> int:
    if args.precedents:
        return _evaluate_precedents(args)
    with extra("eval", "`rag eval`"):
        from rag.evaluation import experiments, report
    from rag.evaluation.configs import CONFIGS, MAIN
    from rag.evaluation.questions import load_questions, select

    questions_file = args.questions or PROJECT_ROOT / "eval" / "questions.jsonl"
    try:
        questions = select(load_questions(questions_file), args.split)
    except (OSError, ValueError) as error:
        raise QueryError(f"Cannot read the questions: {error}") from error
    names = {"all": MAIN, "ablations": CONFIGS}.get(args.retriever, [args.retriever])
    progress = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    if args.save and not args.calibrate:
        raise QueryError("--save keeps what --calibrate fits: add --calibrate.")
    if args.model and args.calibrate:
        raise QueryError("--calibrate fits one index's threshold: leave out --model (or pass --index of that model).")
    if args.model:
        from rag.evaluation.comparison import compare

        docs, folder = args.docs or default_docs_dir(), args.index or default_index_dir()
        results = compare(args.model, questions, names, docs, folder, args.k, progress, store=args.store)
    else:
        index = Index.open(args.docs, args.index, progress=True, store=args.store)  # progress: a bar on a tty
        if args.calibrate:
            return _calibrate(index, questions, args)
        results = experiments.run(index, questions, names, args.docs or default_docs_dir(), args.k, progress)
    corpus = "" if args.questions is None else Path(questions_file).stem.removesuffix("-questions")
    corpus = "-".join(part for part in (corpus, "models" if args.model else "") if part)  # eval-models-<split>.*
    folder = args.out or PROJECT_ROOT / "eval" / "reports"
    paths = report.write(results, questions, args.split, args.k, folder, corpus)
    print(report.table(results))
    print("\nReport: " + ", ".join(str(p) for p in paths))
    return 0


def _evaluate_precedents(args) -> int:
    """`rag eval --precedents PAIRS`: real drafts against the resolutions adopted from them, and edits."""
    from rag.evaluation import precedents

    if not args.precedents.is_file():
        raise QueryError(
            f"No pairs file {args.precedents}: make it with eval/precedents/make_ground_truth.py (see its README)."
        )
    docs = args.docs or default_docs_dir()
    index = Index.open(docs, args.index, progress=True, store=args.store)
    progress = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    report = precedents.run(index, Path(docs), args.precedents, progress)
    path = precedents.write(report, args.out or PROJECT_ROOT / "eval" / "reports")
    print(precedents.table(report) + f"\n\nReport: {path}")
    return 0


def _calibrate(index: Index, questions, args) -> int:
    """Fit the answer-or-not decision for the index's model on the questions; with --save, keep it."""
    from rag.evaluation import experiments

    fitted = experiments.calibrate_abstention(index, questions)
    weights = ", ".join(f"{name} {w:+.3f}" for name, w in zip(fitted["features"], fitted["weights"], strict=True))
    print(f"weights: {weights}; bias {fitted['bias']:+.3f}; answers when p >= {fitted['cut']:.3f}")
    print(
        f"on these {fitted['weighed']} questions: abstention {fitted['abstention']:.3f}, "
        f"false abstention {fitted['false abstention']:.3f}"
    )
    if args.save:
        folder = args.index or default_index_dir()
        how = {"questions": len(questions), "split": args.split, "file": str(args.questions or "eval/questions.jsonl")}
        path = abstention.save(folder, index.model, {**fitted, **how})
        print(f"Saved in {path}: answers from this index ({index.model.name}) are decided with it.")
    elif index.decision.record() != {key: fitted[key] for key in index.decision.record()}:
        print("This index answers with another decision; --save makes it use the fitted one.")
    return 0


def serve(args) -> int:
    if args.mcp:
        import rag.integrations.mcp  # noqa: F401  an optional extra: a missing `mcp` is said before the index loads
    print("Loading the index (it is built first if missing or stale) ...", file=sys.stderr, flush=True)
    index = Index.open(args.docs, args.index, progress=True, store=args.store, model=args.model)  # a bar on a tty
    from rag.retrieval.live import LiveIndex, watch
    from ui.app import serve  # the web stack loads only for this command, while the model loads in the background

    # Live: the chat's Documents view adds and removes documents, and the index catches up while it serves.
    index = LiveIndex(index, args.docs or default_docs_dir(), args.index or default_index_dir(), store=args.store)
    if args.watch:  # the documents folder watched: files added, changed or removed are searched once rebuilt
        docs = index.docs_dir
        threading.Thread(target=watch, args=(index, threading.Event()), name="watch", daemon=True).start()
        print(f"Watching {docs}: documents added, changed or removed are searched once indexed.", flush=True)
    serve(index, host=args.host, port=args.port, mcp=args.mcp)
    return 0


def serve_mcp(args) -> int:
    # An optional extra: a missing `mcp` is said before the index loads.
    from rag.integrations.mcp_stdio import run_stdio

    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the protocol alone: any stray print goes aside
        index = Index.open(args.docs, args.index, progress=True, store=args.store)  # a bar on stderr's tty
    # Warmed up beside the server, to answer `initialize` at once. Not a daemon, so an early exit waits for it: a
    # daemon thread still inside onnxruntime when the interpreter finalizes is ended by pthread_exit, whose
    # unwinding through pybind11's noexcept GIL guard calls std::terminate and aborts the process.
    threading.Thread(target=index.warm_up, name="warm-up").start()
    run_stdio(index, base_url=args.url)
    return 0


def bench(args) -> int:
    if args.check:
        return _bench_check(args)
    needed = ["ir_measures", "matplotlib", "psutil"]  # the quality it measures, the figures it draws, the memory
    if not (args.skip_recipe or args.scale):
        needed += ["langchain_community", "langchain_huggingface"]  # the tutorial recipe it times beside ours
    with extra("bench", "`rag bench`" if len(needed) == 3 else "`rag bench` (without --skip-recipe)"):
        for module in needed:
            importlib.import_module(module)
    from rag.evaluation import bench

    progress = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    if args.scale:
        from rag.evaluation import scale

        sizes = [size.strip() for size in args.sizes.split(",")]
        if not all(size.isdigit() and int(size) > 0 for size in sizes):
            raise QueryError(f"--sizes takes positive whole numbers separated by commas, not {args.sizes!r}.")
        index, out = args.index or default_index_dir(), args.out or PROJECT_ROOT / "eval" / "reports"
        if args.only != "milvus":
            text, paths = scale.run_and_report(index, PROJECT_ROOT / "eval", [int(s) for s in sizes], out, progress)
            print(text + "\n\nReport: " + ", ".join(str(p) for p in paths))
        if args.only != "faiss":
            from rag.evaluation import scale_milvus

            real, queries, *_ = scale.load(index, PROJECT_ROOT / "eval")
            text, path = scale_milvus.run_and_report(real, queries, out, progress)
            print(text + f"\n\nReport: {path}")
        return 0
    if args.runs < 1:
        raise QueryError("--runs must be at least 1.")
    undocs = None if args.no_undocs or args.quick or not args.undocs.is_dir() else args.undocs
    if not (args.no_undocs or args.quick or undocs):
        print(f"No folder {args.undocs}: the PDF build is not timed (--undocs DIR or $RAG_UNDOCS).", file=sys.stderr)
    options = bench.Options(
        docs=args.docs or default_docs_dir(),
        questions=PROJECT_ROOT / "eval" / "questions.jsonl",
        runs=1 if args.quick else args.runs,
        index=args.index,
        limit=20 if args.quick else None,
        serve_questions=20 if args.quick else 100,
        recipe=not args.skip_recipe,
        serve=not args.skip_serve,
        eval_wall=not args.quick,
        undocs=undocs,
    )
    text, paths = bench.run_and_report(options, args.out or PROJECT_ROOT / "eval" / "reports", progress)
    print(text)
    print("\nReport: " + ", ".join(str(p) for p in paths))
    return 0


def _bench_check(args) -> int:
    from rag.evaluation import check_bench
    from rag.evaluation.questions import load_questions

    if args.runs < 1:
        raise QueryError("--runs must be at least 1.")
    index = Index.open(args.docs, args.index, progress=True)
    questions = [q.question for q in load_questions(PROJECT_ROOT / "eval" / "questions.jsonl")][:100]
    progress = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    report = check_bench.run(index, questions, args.runs, progress)
    path = check_bench.write(report, args.out or PROJECT_ROOT / "eval" / "reports")
    print(check_bench.table(report) + f"\n\nReport: {path}")
    return 0


def check(args) -> int:
    """`rag check DRAFT`: each paragraph of the draft against agreed language, as text, JSON, .md or .docx."""
    from rag.precedents.check import check_draft
    from rag.precedents.draft import draft_from_file, draft_from_text

    if str(args.draft) == "-":
        draft = draft_from_text(sys.stdin.read(), name="standard input")
    else:
        draft = draft_from_file(args.draft)
    index = Index.open(args.docs, args.index, progress=True, store=args.store, model=args.model)
    result = check_draft(index, draft, documents=args.doc)
    if args.format == "json":
        from rag.integrations.tools import check_result

        return _emit(json.dumps(check_result(result), indent=2, ensure_ascii=False) + "\n", args)
    if args.format == "text":
        from rag.precedents.terminal import to_text

        return _emit(to_text(result), args)
    from rag.precedents import export

    if args.format == "md":
        return _emit(export.to_markdown(result), args)
    if args.output is None and sys.stdout.isatty():
        raise QueryError("A .docx is a file, not text for a terminal: add --output FILE.docx (or redirect stdout).")
    return _emit(export.to_docx(result), args)


def users(args) -> int:
    """`rag users add|remove|list|token`: the accounts a shared server checks."""
    import getpass
    import os

    from rag.accounts import Accounts

    accounts = Accounts(args.accounts or os.environ.get("RAG_ACCOUNTS") or PROJECT_ROOT / "accounts.json")
    if args.action == "list":
        for user in accounts.users():
            print(f"{user.name}\t{user.role}")
        return 0
    if not args.name:
        raise QueryError(f"rag users {args.action} needs a user name.")
    if args.action == "add":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for {args.name}: ")
            if getpass.getpass("Again: ") != password:
                raise QueryError("The two passwords differ; nothing was changed.")
        user = accounts.add_user(args.name, password, args.role)
        print(f"Added {user.name} ({user.role}) to {accounts.path}.", file=sys.stderr)
    elif args.action == "remove":
        accounts.remove_user(args.name)
        print(f"Removed {args.name} and their tokens from {accounts.path}.", file=sys.stderr)
    else:
        print(accounts.new_token(args.name, args.days))  # shown this once: only its digest is kept
        print(f"A token for {args.name}, valid {args.days} days; it is not shown again.", file=sys.stderr)
    return 0


def format_passages(passages: list[Passage]) -> str:
    width = min(100, shutil.get_terminal_size((100, 20)).columns) - 4
    blocks = []
    for rank, passage in enumerate(passages, 1):
        where = f" · {passage.section}" if passage.section else ""
        quote = textwrap.fill(
            passage.text, width, initial_indent="  > ", subsequent_indent="  > ", break_on_hyphens=False
        )
        blocks.append(f"{rank}. {passage.citation}{where}  [{passage.score:.2f}]\n{quote}\n  {passage.url}")
    return "\n\n".join(blocks)
