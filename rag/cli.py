"""The `rag` command: its arguments, and the one place library errors become messages and exit codes; what each
command does is in rag/commands.py."""

import argparse
import logging
import os
import sys
from pathlib import Path

from rag import commands
from rag.commands import EXIT_ERROR
from rag.errors import QueryError, RagError
from rag.evaluation.configs import CONFIGS
from rag.retrieval.index import PROJECT_ROOT
from rag.retrieval.query import DEFAULT_K, MAX_K, number_or_text
from rag.store import dense

EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    try:
        return args.run(args)
    except QueryError as error:
        print(f"rag: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RagError as error:
        print(f"rag: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("rag: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Answer questions about WSIS documents with cited quotes.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    subcommands = parser.add_subparsers(required=True, metavar="COMMAND")

    build_cmd = subcommands.add_parser("build", help="build or refresh the index")
    _add_folders(build_cmd)
    _add_model(build_cmd)
    build_cmd.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    build_cmd.add_argument(
        "--strict", action="store_true", help="exit with 1 when a file was skipped (for CI pipelines)"
    )
    build_cmd.add_argument(
        "--dense-index",
        choices=["auto", "flat", "ivf"],
        default="auto",
        help=f"FAISS index: exact (flat), approximate (ivf), or auto: flat up to {dense.FLAT_UP_TO:,} vectors",
    )
    build_cmd.set_defaults(run=commands.build_index)

    ask = subcommands.add_parser("ask", help="print the paragraphs that answer a question")
    ask.add_argument("question")
    ask.add_argument("-k", type=number_or_text, default=DEFAULT_K, help=f"how many passages, 1 to {MAX_K} (default 5)")
    ask.add_argument(
        "--doc", action="append", metavar="NAME", help="search only this document: its symbol, name or id (repeatable)"
    )
    ask.add_argument(
        "--format",
        choices=["text", "json", "md", "docx"],
        default="text",
        help="text (default); json for scripts; md or docx: a compilation of agreed language (weak matches left out)",
    )
    ask.add_argument("--json", action="store_const", const="json", dest="format", help="the same as --format json")
    ask.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write to FILE instead of printing"
    )
    ask.add_argument("--title", default="Compilation of agreed language", help="the title of an md or docx compilation")
    _add_folders(ask)
    _add_model(ask)
    ask.set_defaults(run=commands.ask)

    check = subcommands.add_parser("check", help="check a draft against agreed language, paragraph by paragraph")
    check.add_argument("draft", type=Path, help="the draft: a .docx, .pdf, .txt, .md or .html file, or - for stdin")
    check.add_argument(
        "--doc",
        action="append",
        metavar="NAME",
        help="check against this document only: symbol, name or id (repeatable)",
    )
    check.add_argument(
        "--format",
        choices=["text", "json", "md", "docx"],
        default="text",
        help="text (default); json for scripts; md or docx: a report with redlines (docx: Word's tracked changes)",
    )
    check.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write to FILE instead of printing"
    )
    _add_folders(check)
    _add_model(check)
    check.set_defaults(run=commands.check)

    users = subcommands.add_parser("users", help="accounts for a shared server: users, roles and tokens")
    users.add_argument("action", choices=["add", "remove", "list", "token"])
    users.add_argument("name", nargs="?", default=None, help="the user (add, remove, token)")
    users.add_argument("--role", choices=["reader", "editor"], default="reader", help="reader (default) or editor")
    users.add_argument("--days", type=int, default=90, help="how long a token is valid (default 90 days)")
    users.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input (for scripts)"
    )
    users.add_argument(
        "--accounts", type=Path, default=None, help="the accounts file (default $RAG_ACCOUNTS, else accounts.json)"
    )
    users.set_defaults(run=commands.users)

    evaluate = subcommands.add_parser("eval", help="measure retrieval quality on the reference questions")
    evaluate.add_argument("--split", choices=["dev", "test", "all"], default="test")
    evaluate.add_argument(
        "--retriever",
        choices=[*CONFIGS, "all", "ablations"],
        default="all",
        help="one configuration, all main ones, or the main ones plus ablations (default: all)",
    )
    evaluate.add_argument("-k", type=int, default=10, help="passages per question (default 10)")
    evaluate.add_argument("--questions", type=Path, default=None, help="questions file (default eval/questions.jsonl)")
    evaluate.add_argument("--out", type=Path, default=None, help="report folder (default eval/reports)")
    evaluate.add_argument(
        "--calibrate", action="store_true", help="fit the answer-or-not decision on the split, print it"
    )
    evaluate.add_argument(
        "--precedents",
        type=Path,
        default=None,
        metavar="PAIRS",
        help="measure `rag check` instead, on draft/adopted paragraph pairs (eval/precedents/pairs.jsonl, made by "
        "eval/precedents/make_ground_truth.py from the GA texts in --docs)",
    )
    evaluate.add_argument(
        "--save", action="store_true", help="with --calibrate: answers from this index are decided with it from now on"
    )
    _add_folders(evaluate)
    evaluate.add_argument(
        "--model",
        action="append",
        metavar="PATH",
        help="compare embedding models, each with its own index under --index: a sentence-transformers "
        "model folder, or `bundled` (repeatable; one table row per model and retriever)",
    )
    evaluate.set_defaults(run=commands.evaluate)

    serve = subcommands.add_parser("serve", help="start the chat in a web browser")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument(
        "--mcp", action="store_true", help="also serve the documents as MCP tools at /mcp (streamable HTTP)"
    )
    serve.add_argument(
        "--watch",
        action="store_true",
        help="index documents added, changed or removed in --docs while the server runs (only those are read)",
    )
    _add_folders(serve)
    _add_model(serve)
    serve.set_defaults(run=commands.serve)

    mcp = subcommands.add_parser("mcp", help="serve the documents as MCP tools over stdio, for a desktop assistant")
    mcp.add_argument(
        "--url", default="", metavar="BASE", help="make links absolute on this base, e.g. where `rag serve` runs"
    )
    _add_folders(mcp)
    mcp.set_defaults(run=commands.serve_mcp)

    bench = subcommands.add_parser("bench", help="time ours beside the tutorial recipe; write eval/reports/bench.*")
    bench.add_argument("--runs", type=int, default=5, help="runs per repeated figure, reported as the median")
    bench.add_argument("--quick", action="store_true", help="1 run, 20 questions, no eval and no PDFs (for tests)")
    bench.add_argument("--skip-recipe", action="store_true", help="measure ours only")
    bench.add_argument("--skip-serve", action="store_true", help="do not start the servers")
    undocs = os.environ.get("RAG_UNDOCS") or PROJECT_ROOT.parent / "shared" / "undocs"
    bench.add_argument("--undocs", type=Path, default=undocs, help="a folder of PDFs to time a bigger build on")
    bench.add_argument("--no-undocs", action="store_true", help="do not build the PDFs folder")
    bench.add_argument("--out", type=Path, default=None, help="report folder (default eval/reports)")
    bench.add_argument("--scale", action="store_true", help="time FAISS index types and BM25 at --sizes instead")
    bench.add_argument(
        "--check", action="store_true", help="time `rag check` on a draft of 100 real paragraphs against --docs instead"
    )
    bench.add_argument("--sizes", default="100000,1000000", help="synthetic corpus sizes for --scale, comma-separated")
    bench.add_argument(
        "--only", choices=["faiss", "milvus"], default=None, help="with --scale: only FAISS and BM25, or only Milvus"
    )
    _add_folders(bench, store=False)
    bench.set_defaults(run=commands.bench)
    return parser


def _add_model(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--model",
        default=None,
        metavar="PATH",
        help="embedding model: a sentence-transformers model folder, or `bundled` (all-MiniLM-L6-v2); "
        "default: the one the index was built with (a different one rebuilds the index)",
    )


def _add_folders(command: argparse.ArgumentParser, *, store: bool = True) -> None:
    command.add_argument(
        "--docs", type=Path, default=None, help="folder of documents: .pdf .docx .html .txt .md (default: seeds/)"
    )
    command.add_argument("--index", type=Path, default=None, help="index folder (default: index/)")
    if store:
        command.add_argument(
            "--store",
            default=None,
            help="where the vectors are searched: faiss (default), milvus://HOST:PORT, or a Milvus Lite file.db",
        )


if __name__ == "__main__":
    sys.exit(main())
