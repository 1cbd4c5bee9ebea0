"""The LangChain and LlamaIndex retrievers on the real seeds, each driven through its own framework's types.
LangChain's standard retriever suite runs in test_langchain_standard.py."""

import asyncio
import json
import subprocess
import sys

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers.no_text import NoText
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores.utils import node_to_metadata_dict

from rag import NotFoundError, QueryError
from rag.integrations import langchain as lc
from rag.integrations import llamaindex as li
from rag.integrations.results import PassageResult
from rag.retrieval.index import default_index

OUTCOME = "004_7b6cb249c0a88164"
SUMMARY = "000_4ff08e0d6091ebfe"
ECOSOC = "001_0e57f4d588244c4d"
QUESTION = "gender digital divide"
TOP_METADATA = {
    "document": OUTCOME,
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
    "match": "",
    "footnotes": [],
    "same_language": [],
    "answered": True,
    "notices": [],
}
LISTS = ("pages", "footnotes", "same_language", "notices")
TOP_FLAT_METADATA = TOP_METADATA | {key: "[]" for key in LISTS}


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
    # the contract's fields by their names (the quote is the page_content), and the answer's two
    assert list(top.metadata) == [
        *(name for name in PassageResult.model_fields if name != "quote"),
        "answered",
        "notices",
    ]
    assert top.metadata["score"] == max(doc.metadata["score"] for doc in documents) > 0

    chain = retriever | RunnableLambda(cited)
    assert chain.invoke(QUESTION) == cited(documents)
    assert chain.invoke(QUESTION).startswith(f"WSIS+10 outcome document (draft), para. 32\n> {para_32}\n\n")


def test_langchain_filter_links_and_async(seed_index):
    retriever = lc.PassageRetriever(
        index=seed_index, k=3, documents=["President's Summary"], base_url="http://127.0.0.1:7860/"
    )
    documents = asyncio.run(retriever.ainvoke(QUESTION))
    expected = seed_index.search(QUESTION, k=3, documents=[SUMMARY])
    assert [doc.metadata["citation"] for doc in documents] == [p.citation for p in expected]
    assert {doc.metadata["document"] for doc in documents} == {SUMMARY}
    assert documents[0].metadata["url"] == f"http://127.0.0.1:7860{expected[0].url}"
    assert documents == retriever.invoke(QUESTION)


def test_langchain_says_when_nothing_answers(seed_index):
    documents = lc.PassageRetriever(index=seed_index, k=2).invoke("paragraph 99 of the outcome document")
    assert [(doc.metadata["answered"], doc.metadata["weak"]) for doc in documents] == [(False, True)] * 2
    assert documents[0].metadata["notices"] == [
        "WSIS+10 outcome document (draft) has no para. 99; its paragraphs are numbered 1 to 77."
    ]


def test_llamaindex_retrieve_returns_scored_text_nodes(seed_index, para_32):
    retriever = li.PassageRetriever(seed_index, similarity_top_k=3)
    nodes = retriever.retrieve(QueryBundle(QUESTION))
    assert [(type(n), type(n.node)) for n in nodes] == [(NodeWithScore, TextNode)] * 3
    top = nodes[0]
    assert (top.node_id, top.node.text, top.node.ref_doc_id) == (f"{OUTCOME}#32", para_32, OUTCOME)
    assert {key: top.node.metadata[key] for key in TOP_FLAT_METADATA} == TOP_FLAT_METADATA
    assert [n.score for n in nodes] == [p.similarity for p in seed_index.search(QUESTION, k=3)]
    assert top.node.metadata["score"] == max(n.node.metadata["score"] for n in nodes) > 1
    assert top.node.get_content(metadata_mode="llm") == (
        f"citation: WSIS+10 outcome document (draft), para. 32\n\n{para_32}"
    )


def test_llamaindex_query_engine_answers_with_the_passages_only(seed_index):
    retriever = li.PassageRetriever(seed_index, similarity_top_k=3, documents=["President's Summary"])
    # NoText never calls an LLM: the response is the source nodes, the documents' own words. Its base class
    # still wants an LLM object, and without one it resolves Settings.llm (OpenAI, absent and online), so we
    # pass MockLLM, LlamaIndex's own offline stand-in. get_response_synthesizer(response_mode="no_text",
    # llm=...) would drop that llm (llama-index-core 0.14.25), hence NoText built directly.
    engine = RetrieverQueryEngine(retriever=retriever, response_synthesizer=NoText(llm=MockLLM()))
    response = engine.query(QUESTION)
    expected = seed_index.search(QUESTION, k=3, documents=[SUMMARY])
    assert response.response == ""
    assert [n.node_id for n in response.source_nodes] == [f"{SUMMARY}#{p.label}" for p in expected]
    assert [n.node_id for n in asyncio.run(retriever.aretrieve(QUESTION))] == [n.node_id for n in response.source_nodes]


def test_langchain_takes_k_and_documents_per_call(seed_index):
    retriever = lc.PassageRetriever(index=seed_index, k=3, documents=["President's Summary"])
    both = [f"{p.doc_id}#{p.label}" for p in seed_index.search(QUESTION, k=2, documents=[OUTCOME, SUMMARY])]
    assert both == [f"{OUTCOME}#32", f"{SUMMARY}#¶4"]
    assert [doc.id for doc in retriever.invoke(QUESTION, k=2, documents=[OUTCOME, SUMMARY])] == both
    summary = [f"{SUMMARY}#{p.label}" for p in seed_index.search(QUESTION, k=3, documents=[SUMMARY])]
    assert [doc.id for doc in retriever.invoke(QUESTION)] == summary
    assert [doc.id for doc in retriever.invoke(QUESTION, k=1)] == summary[:1]


def test_langchain_ainvoke_is_invoke(seed_index):
    retriever = lc.PassageRetriever(index=seed_index)
    for options in ({}, {"k": 1}, {"k": 2, "documents": ["President's Summary"]}):
        assert asyncio.run(retriever.ainvoke(QUESTION, **options)) == retriever.invoke(QUESTION, **options)


def test_retrievers_without_an_index_share_the_default_one():
    shared = default_index()
    held = [lc.PassageRetriever().index, lc.PassageRetriever(k=1).index, li.PassageRetriever().index]
    assert [index is shared for index in held] == [True, True, True]


def test_llamaindex_metadata_is_flat_and_gives_the_lists_back(seed_index):
    """Every node goes into a vector store that takes only flat metadata, and each list is read back whole."""
    nodes = li.PassageRetriever(seed_index, similarity_top_k=4).retrieve("Tunis Agenda")
    documents = lc.PassageRetriever(index=seed_index, k=4).invoke("Tunis Agenda")
    stored = [node_to_metadata_dict(n.node, flat_metadata=True) for n in nodes]
    assert [m["doc_id"] for m in stored] == [OUTCOME, ECOSOC, OUTCOME, OUTCOME]
    assert nodes[1].node.metadata["footnotes"] == '["³ See [A/60/687](#)."]'
    assert nodes[1].node.metadata["notices"] == '["The Tunis Agenda is not among the documents searched."]'
    assert [{key: json.loads(n.node.metadata[key]) for key in LISTS} for n in nodes] == [
        {key: doc.metadata[key] for key in LISTS} for doc in documents
    ]
    assert li.flat({"pages": [2, 3], "same_language": ["A/RES/70/125, para. 9"], "similarity": None}) == {
        "pages": "[2, 3]",
        "same_language": '["A/RES/70/125, para. 9"]',
        "similarity": None,
    }


def test_llamaindex_similarity_cutoff_keeps_the_near_passages(seed_index):
    """The node's score is the passage's similarity, so a cutoff drops the far ones (the ranking score, 2.2 to
    2.8 for these four, would keep them all)."""
    retriever = li.PassageRetriever(seed_index, similarity_top_k=4)
    nodes = retriever.retrieve("Tunis Agenda")
    assert [(n.node_id, n.score) for n in nodes] == [
        (f"{OUTCOME}#69", 0.7143),
        (f"{ECOSOC}#22", 0.5969),
        (f"{OUTCOME}#60", 0.6603),
        (f"{OUTCOME}#62", 0.5966),
    ]
    kept = SimilarityPostprocessor(similarity_cutoff=0.65).postprocess_nodes(nodes)
    assert [n.node_id for n in kept] == [f"{OUTCOME}#69", f"{OUTCOME}#60"]
    assert SimilarityPostprocessor(similarity_cutoff=0.5).postprocess_nodes(retriever.retrieve("chocolate cake")) == []


def test_llamaindex_aretrieve_is_retrieve(seed_index):
    retriever = li.PassageRetriever(seed_index, similarity_top_k=3, documents=["President's Summary"])
    assert asyncio.run(retriever.aretrieve(QUESTION)) == retriever.retrieve(QUESTION)


def llamaindex_options(options: dict) -> dict:
    return {"similarity_top_k" if key == "k" else key: value for key, value in options.items()}


WAYS = {
    "langchain invoke": lambda index, question, options: lc.PassageRetriever(index=index).invoke(question, **options),
    "langchain ainvoke": lambda index, question, options: asyncio.run(
        lc.PassageRetriever(index=index).ainvoke(question, **options)
    ),
    "langchain built": lambda index, question, options: lc.PassageRetriever(index=index, **options).invoke(question),
    "llamaindex retrieve": lambda index, question, options: li.PassageRetriever(
        index, **llamaindex_options(options)
    ).retrieve(question),
    "llamaindex aretrieve": lambda index, question, options: asyncio.run(
        li.PassageRetriever(index, **llamaindex_options(options)).aretrieve(question)
    ),
}
BAD_INPUTS = {
    "k 0": (QUESTION, {"k": 0}),
    "k 51": (QUESTION, {"k": 51}),
    "k text": (QUESTION, {"k": "3"}),
    "documents bare string": (QUESTION, {"documents": "President's Summary"}),
    "documents empty": (QUESTION, {"documents": []}),
    "question too long": ("x" * 2001, {}),
}


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS)
@pytest.mark.parametrize(("question", "options"), BAD_INPUTS.values(), ids=BAD_INPUTS)
def test_bad_input_gets_the_library_message(seed_index, way, question, options):
    with pytest.raises(QueryError) as library:
        seed_index.answer(question, **options)
    with pytest.raises(QueryError) as retriever:
        way(seed_index, question, options)
    assert str(retriever.value) == str(library.value)


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS)
def test_an_unknown_document_is_not_found(seed_index, way):
    with pytest.raises(NotFoundError) as library:
        seed_index.answer(QUESTION, documents=["A/RES/99/999"])
    with pytest.raises(NotFoundError) as retriever:
        way(seed_index, QUESTION, {"documents": ["A/RES/99/999"]})
    assert str(retriever.value) == str(library.value)


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
