"""The tutorial recipe, as `rag bench` measures it beside ours: the common LangChain RAG tutorial, untuned.

Each document's text, RecursiveCharacterTextSplitter (1000 characters, 200 overlap), HuggingFaceEmbeddings
over the same local all-MiniLM-L6-v2 folder, FAISS.from_documents, save_local / load_local, and
similarity_search; a plain Gradio ChatInterface to serve it. The texts come from the project's own readers
(rag.ingest.folder), so both sides index the same text: the .txt and .md files as they are, the text layer
of a PDF, the paragraphs of a Word file or web page.

    python rag/evaluation/recipe.py build --docs DIR --index DIR
    python rag/evaluation/recipe.py ask --index DIR "question"
    python rag/evaluation/recipe.py serve --index DIR --port 7861
    python rag/evaluation/recipe.py eval --index DIR --split test

Every command prints JSON on stdout (serve prints its address), for the bench to read. Run as a script (or
with -m), and given --model, `ask` and `serve` import nothing of the project, so their start-up is the
tutorial's own, not ours.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
ADDRESS_LINE = "Tutorial recipe is running at {url}"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def model_folder() -> Path:
    from rag.store.embedding import verified_model_dir

    return verified_model_dir()


def embeddings(model: Path | None = None):
    """The tutorial's embeddings object, pointed at the project's checked model folder (offline)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from langchain_huggingface import HuggingFaceEmbeddings

    folder = model or model_folder()
    return HuggingFaceEmbeddings(model_name=str(folder), encode_kwargs={"normalize_embeddings": True})


def load_documents(docs_dir: Path) -> list:
    from langchain_core.documents import Document

    from rag.ingest.folder import read_documents

    readable = read_documents(docs_dir)[0]  # the files the index reads: a bad one is skipped here too
    return [
        Document(page_content=extracted.text, metadata={"source": path.stem}) for path, extracted in readable.items()
    ]


def split(documents: list) -> list:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return splitter.split_documents(documents)


def build(docs_dir: Path, index_dir: Path, model: Path | None = None) -> int:
    """Index a documents folder from scratch into `index_dir`; returns how many chunks it holds."""
    from langchain_community.vectorstores import FAISS

    chunks = split(load_documents(docs_dir))
    store = FAISS.from_documents(chunks, embeddings(model))
    store.save_local(str(index_dir))
    return len(chunks)


def load(index_dir: Path, model: Path | None = None, *, embedder=None):
    """The saved store; `embedder` reuses an embeddings object already loaded (to time the files alone)."""
    from langchain_community.vectorstores import FAISS

    # The pickled docstore is our own file, written by build() above.
    return FAISS.load_local(str(index_dir), embedder or embeddings(model), allow_dangerous_deserialization=True)


def ask(store, question: str, k: int = 5) -> list[dict]:
    return [
        {"source": doc.metadata["source"], "text": doc.page_content, "distance": float(distance)}
        for doc, distance in store.similarity_search_with_score(question, k=k)
    ]


def chat_app(store):
    import gradio as gr

    def respond(message: str, history: list) -> str:
        hits = store.similarity_search(message, k=5)
        return "\n\n".join(f"> {doc.page_content}\n\n({doc.metadata['source']})" for doc in hits)

    return gr.ChatInterface(respond, title="Tutorial recipe", api_name="chat")


def serve(index_dir: Path, host: str, port: int, model: Path | None = None) -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # as our server does: no calls home
    app = chat_app(load(index_dir, model))
    app.launch(server_name=host, server_port=port, prevent_thread_lock=True, quiet=True)
    print(ADDRESS_LINE.format(url=f"http://{host}:{port}/"), flush=True)
    app.block_thread()


def evaluate(index_dir: Path, questions_file: Path, split_name: str, model: Path | None = None, k: int = 10) -> dict:
    """Answer every question of a split and score the chunks with the project's metrics."""
    from rag.evaluation.metrics import Hit, Response
    from rag.evaluation.metrics import evaluate as score
    from rag.evaluation.questions import load_questions, select

    store = load(index_dir, model)

    def retrieve(question: str, top: int) -> Response:
        return Response([Hit(r["source"], r["text"], r["source"], -r["distance"]) for r in ask(store, question, top)])

    questions = select(load_questions(questions_file), split_name)
    return score("tutorial recipe", retrieve, questions, k).figures["all"]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    began = time.perf_counter()
    if args.command == "build":
        result = {"chunks": build(args.docs, args.index, args.model)}
    elif args.command == "ask":
        result = ask(load(args.index, args.model), args.question, args.k)
    elif args.command == "eval":
        result = evaluate(args.index, args.questions, args.split, args.model)
    else:
        serve(args.index, args.host, args.port, args.model)
        return 0
    if isinstance(result, dict):
        result["seconds"] = time.perf_counter() - began
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.evaluation.recipe", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build")
    build_cmd.add_argument("--docs", type=Path, required=True)
    ask_cmd = commands.add_parser("ask")
    ask_cmd.add_argument("question")
    ask_cmd.add_argument("-k", type=int, default=5)
    serve_cmd = commands.add_parser("serve")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=7861)
    eval_cmd = commands.add_parser("eval")
    eval_cmd.add_argument("--split", choices=["dev", "test", "all"], default="test")
    eval_cmd.add_argument("--questions", type=Path, default=PROJECT_ROOT / "eval" / "questions.jsonl")
    for command in (build_cmd, ask_cmd, serve_cmd, eval_cmd):
        command.add_argument("--index", type=Path, required=True, help="the recipe's FAISS folder")
        command.add_argument("--model", type=Path, default=None, help="model folder (default: the checked one)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
