"""The LangChain and LlamaIndex retrievers on the real seeds, each driven through its own framework's types."""

import asyncio
import json
import subprocess
import sys

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers.no_text import NoText
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag import NotFoundError, QueryError
from rag.integrations import langchain as lc
from rag.integrations import llamaindex as li

OUTCOME = "004_7b6cb249c0a88164"
SUMMARY = "000_4ff08e0d6091ebfe"
QUESTION = "gender digital divide"
TOP_METADATA = {
    "doc_id": OUTCOME,
    "citation": "WSIS+10 outcome document (draft), para. 32",
    "full_citation": "Outcome Document of the High-Level Meeting of the General Assembly on the Overall Review of the "
    "Implementation of WSIS Outcomes, draft of A/RES/70/125, which numbers its paragraphs differently, para. 32",
    "document_name": "WSIS+10 outcome document",
    "label": "32",
    "place": "para. 32",
    "section": "1. ICT for Development > 1.1 Bridging Digital Divides",
    "kind": "paragraph",
    "pages": [],
    "url": f"/source/{OUTCOME}#p-32",
    "weak": False,
    "answered": True,
    "notices": [],
}


@pytest.fixture(scope="module")
def para_32(seed_index) -> str:
    return seed_index.paragraph("WSIS+10 outcome document", "32").text


def cited(documents: list[Document]) -> str:
    """What a chain's next step might make of the documents: each quote under its citation."""
    return "\n\n".join(f"{doc.metadata['citation']}\n> {doc.page_content}" for doc in documents)


def test_langchain_chain_gets_verbatim_cited_documents(seed_index, para_32):
    retriever = lc.PassageRetriever(index=seed_index, k=3)
    documents = retriever.invoke(QUESTION)
    assert [type(doc) for doc in documents] == [Document] * 3
    top = documents[0]
    assert (top.id, top.page_content) == (f"{OUTCOME}#32", para_32)
    assert {key: top.metadata[key] for key in TOP_METADATA} == TOP_METADATA
    assert top.metadata["score"] == max(doc.metadata["score"] for doc in documents) > 0

    chain = retriever | RunnableLambda(cited)
    assert chain.invoke(QUESTION) == cited(documents)
    assert chain.invoke(QUESTION).startswith(f"WSIS+10 outcome document (draft), para. 32\n> {para_32}\n\n")


def test_langchain_filter_links_and_async(seed_index):
    retriever = lc.PassageRetriever(
        index=seed_index, k=3, documents=["President's Summary"], base_url="http://127.0.0.1:7860/"
    )
    documents = asyncio.run(retriever.ainvoke(QUESTION))
    expected = seed_index.search(QUESTION, k=3, docs=[SUMMARY])
    assert [doc.metadata["citation"] for doc in documents] == [p.citation for p in expected]
    assert {doc.metadata["doc_id"] for doc in documents} == {SUMMARY}
    assert documents[0].metadata["url"] == f"http://127.0.0.1:7860{expected[0].url}"
    assert documents == retriever.invoke(QUESTION)


def test_langchain_says_when_nothing_answers(seed_index):
    documents = lc.PassageRetriever(index=seed_index, k=2).invoke("paragraph 99 of the outcome document")
    assert [(doc.metadata["answered"], doc.metadata["weak"]) for doc in documents] == [(False, True)] * 2
    assert documents[0].metadata["notices"] == [
        "WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77."
    ]


def test_llamaindex_retrieve_returns_scored_text_nodes(seed_index, para_32):
    retriever = li.PassageRetriever(seed_index, k=3)
    nodes = retriever.retrieve(QueryBundle(QUESTION))
    assert [(type(n), type(n.node)) for n in nodes] == [(NodeWithScore, TextNode)] * 3
    top = nodes[0]
    assert (top.node_id, top.node.text, top.node.ref_doc_id) == (f"{OUTCOME}#32", para_32, OUTCOME)
    assert {key: top.node.metadata[key] for key in TOP_METADATA} == TOP_METADATA
    assert top.score == top.node.metadata["score"] == max(n.score for n in nodes)
    assert top.node.get_content(metadata_mode="llm") == (
        f"citation: WSIS+10 outcome document (draft), para. 32\n\n{para_32}"
    )


def test_llamaindex_query_engine_answers_with_the_passages_only(seed_index):
    retriever = li.PassageRetriever(seed_index, k=3, documents=["President's Summary"])
    # NoText never calls an LLM: the response is the source nodes, the documents' own words. Its base class
    # still wants an LLM object, and without one it resolves Settings.llm (OpenAI, absent and online), so we
    # pass MockLLM, LlamaIndex's own offline stand-in. get_response_synthesizer(response_mode="no_text",
    # llm=...) would drop that llm (llama-index-core 0.14.25), hence NoText built directly.
    engine = RetrieverQueryEngine(retriever=retriever, response_synthesizer=NoText(llm=MockLLM()))
    response = engine.query(QUESTION)
    expected = seed_index.search(QUESTION, k=3, docs=[SUMMARY])
    assert response.response == ""
    assert [n.node_id for n in response.source_nodes] == [f"{SUMMARY}#{p.label}" for p in expected]
    assert [n.node_id for n in asyncio.run(retriever.aretrieve(QUESTION))] == [n.node_id for n in response.source_nodes]


SEARCHES = {
    "langchain": lambda index, **options: lc.PassageRetriever(index=index, **options).invoke(QUESTION),
    "llamaindex": lambda index, **options: li.PassageRetriever(index, **options).retrieve(QUESTION),
}


@pytest.mark.parametrize("search", SEARCHES.values(), ids=SEARCHES)
def test_library_errors_propagate_unchanged(seed_index, search):
    with pytest.raises(NotFoundError, match="No document named 'A/RES/99/999' is indexed"):
        search(seed_index, documents=["A/RES/99/999"])
    with pytest.raises(QueryError, match=r"k must be a whole number from 1 to 50 \(got 0\)"):
        search(seed_index, k=0)


def run_python(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_frameworks_are_imported_only_by_their_adapters():
    loaded = run_python(
        "import json, sys; import rag, rag.integrations.tools, rag.integrations.hits;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('langchain_core', 'llama_index'))))"
    )
    assert loaded == []


def test_a_missing_framework_says_which_extra_to_install():
    messages = run_python(
        "import json, sys\n"
        "sys.modules['langchain_core'] = sys.modules['llama_index.core'] = None  # as if not installed\n"
        "said = {}\n"
        "for name in ('langchain', 'llamaindex'):\n"
        "    try:\n"
        "        __import__('rag.integrations.' + name)\n"
        "    except ImportError as error:\n"
        "        said[name] = str(error)\n"
        "print(json.dumps(said))\n"
    )
    assert messages == {
        "langchain": "The LangChain retriever needs langchain-core; install it with: pip install 'wsis-rag[langchain]'",
        "llamaindex": "The LlamaIndex retriever needs llama-index-core; install it with: "
        "pip install 'wsis-rag[llamaindex]'",
    }
