"""Citations round-trip: whatever the product prints as a citation, short or full, and the common ways people
retype its place ("¶4", "para 4", "paragraph 4", "u4", "PP 3"), leads back to the same paragraph, through
answer(), Index.paragraph(), REST, MCP and the chat's API. Over every unit of the seeds; (slow) every unit of
the 40 UN PDFs and the 1,190 General Assembly texts of ../shared/undocs."""

import json
import os
import re
import tarfile
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import anyio
import pytest
from conftest import SEEDS
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from rag import Index
from rag.citations import citation, full_citation
from rag.ingest.formats import read_document
from rag.ingest.identity import describe
from rag.ingest.paragraphs import parse_document
from rag.retrieval.references import ReferenceResolver
from ui.app import start_in_background

ROOT = Path(__file__).resolve().parent.parent
UNDOCS = Path(os.environ.get("RAG_UNDOCS") or ROOT.parent / "shared" / "undocs")
CITED = ("paragraph", "item", "table", "footnote")


def variants(place: str) -> list[str]:
    """A printed place and the ways people retype it: "para. 4" as "para 4", "paragraph 4"; "¶4" as "para
    4"; "unnumbered para. 7" as "u7"; "preambular para. 3" as "PP3", "PP 3", "preambular paragraph 3"."""
    *scope, local = place.split(", ")
    forms = {local}
    if match := re.fullmatch(r"para\. (\S+)", local):
        forms |= {f"para {match[1]}", f"paragraph {match[1]}", f"§{match[1]}"}
    elif match := re.fullmatch(r"¶(\d+)", local):
        forms |= {f"para {match[1]}", f"paragraph {match[1]}", f"¶ {match[1]}"}
    elif match := re.fullmatch(r"unnumbered para\. (\S+)", local):
        forms |= {f"u{match[1]}", f"unnumbered paragraph {match[1]}"}
    elif match := re.fullmatch(r"preambular para\. (\d+)", local):
        forms |= {f"PP{match[1]}", f"PP {match[1]}", f"preambular paragraph {match[1]}"}
    return sorted(", ".join([*scope, form]) for form in forms)


def cited_units(index: Index):
    for document in index.documents:
        for unit in index.units(document.id):
            if unit.kind in CITED:
                yield document, unit, index.paragraph(document.id, unit.label)


def first_asked(index: Index, question: str):
    answer = index.answer(question, k=1)
    top = answer.passages[0] if answer.passages else None
    return (top.doc_id, top.label) if top and top.match == "reference" else None


def test_every_seed_citation_and_its_retyped_forms_lead_back_to_their_paragraph(seed_index):
    wrong, checked = [], 0
    for document, unit, passage in cited_units(seed_index):
        here = (document.id, unit.label)
        asks = [passage.citation, passage.full_citation]
        asks += [f"{form} of the {document.short_name}" for form in variants(passage.place)]
        for question in asks:
            checked += 1
            if first_asked(seed_index, question) != here:
                wrong.append(("answer", question))
        for form in variants(passage.place):
            for name in {document.id, document.cited_as, document.short_name}:
                checked += 1
                if seed_index.paragraph(name, form).label != unit.label:
                    wrong.append(("paragraph", name, form))
    assert wrong == [] and checked > 2000


@pytest.fixture(scope="module")
def server(seed_index):
    url, stop = start_in_background(seed_index, mcp=True)
    yield url
    stop()


def get(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_through_rest_every_seed_citation_leads_back(server, seed_index):
    wrong = []
    for document, unit, passage in cited_units(seed_index):
        path = f"{server}/api/documents/{quote(document.cited_as, safe='')}/paragraphs/{quote(passage.place, safe='')}"
        if get(path)["label"] != unit.label:
            wrong.append(("paragraph", passage.citation))
        top = get(f"{server}/api/search?" + urlencode({"q": passage.citation, "k": 1}))["passages"][0]
        if (top["document"], top["label"], top["match"]) != (document.id, unit.label, "reference"):
            wrong.append(("search", passage.citation))
    assert wrong == []


def test_through_mcp_and_the_chat_a_sample_of_citations_leads_back(server, seed_index):
    from gradio_client import Client

    sample = list(cited_units(seed_index))[::9]

    async def ask_mcp() -> list:
        found = []
        async with streamable_http_client(server + "/mcp") as streams, ClientSession(*streams[:2]) as session:
            await session.initialize()
            for document, _, passage in sample:
                got = await session.call_tool("get_paragraph", {"document": document.cited_as, "label": passage.place})
                searched = await session.call_tool("search_passages", {"question": passage.full_citation, "k": 1})
                found.append((got.structured_content["label"], searched.structured_content["passages"][0]["label"]))
        return found

    assert anyio.run(ask_mcp) == [(unit.label, unit.label) for _, unit, _ in sample]
    client = Client(server + "/", verbose=False)
    for _, unit, passage in sample[:12]:
        answer = client.predict(passage.citation, 1, None, api_name="/search")
        assert (answer["passages"][0]["label"], answer["passages"][0]["match"]) == (unit.label, "reference")


@pytest.mark.slow
@pytest.mark.skipif(not list(UNDOCS.glob("*.pdf")), reason=f"no UN PDFs in {UNDOCS} (set RAG_UNDOCS)")
def test_every_citation_of_the_40_un_pdfs_leads_back(tmp_path_factory, embedder):
    index = Index.open(UNDOCS, tmp_path_factory.mktemp("undocs-index"), embedder=embedder)
    wrong, checked = [], 0
    for document, unit, passage in cited_units(index):
        here = (document.id, unit.label)
        for question in (passage.citation, passage.full_citation):
            checked += 1
            if first_asked(index, question) != here:
                wrong.append(question)
        for form in variants(passage.place):
            checked += 1
            if index.paragraph(document.cited_as, form).label != unit.label:
                wrong.append((document.cited_as, form))
    assert wrong == [] and checked > 10000


@pytest.mark.slow
@pytest.mark.skipif(not (UNDOCS / "ga-78-80-text.tar.xz").exists(), reason=f"no GA texts in {UNDOCS}")
def test_every_citation_of_the_1190_ga_texts_leads_back(tmp_path_factory):
    """The references a question is read with (what answer() pins first) and Index.paragraph()'s lookup, over
    every unit of every text: 71,837 citable units, each by its short and full citation."""
    folder = tmp_path_factory.mktemp("ga")
    with tarfile.open(UNDOCS / "ga-78-80-text.tar.xz") as archive:
        archive.extractall(folder, filter="data")
    documents, units = [], []
    for path in sorted(folder.rglob("*.txt")):
        extracted = read_document(path)
        parsed, masthead = parse_document(path.stem, extracted.text)
        documents.append(describe(path, extracted, parsed, {}, masthead)[0])
        units += parsed
    resolver = ReferenceResolver(documents, units)
    by_id = {d.id: d for d in documents}
    wrong, checked = [], 0
    for row, unit in enumerate(units):
        if unit.kind not in CITED:
            continue
        document = by_id[unit.doc_id]
        for printed in (citation(document, unit), full_citation(document, unit)):
            checked += 1
            pinned = resolver.resolve(printed).pinned
            if not pinned or pinned[0] != row:
                wrong.append(printed)
        if resolver.lookup(unit.doc_id, unit.label) != row:
            wrong.append((unit.doc_id, unit.label))
    assert len(documents) == 1190 and wrong == [] and checked > 140_000


def test_the_variants_are_the_common_retypings():
    assert variants("¶4") == ["para 4", "paragraph 4", "¶ 4", "¶4"]
    assert variants("annex, art. 16, para. 1(a)") == [
        "annex, art. 16, para 1(a)",
        "annex, art. 16, para. 1(a)",
        "annex, art. 16, paragraph 1(a)",
        "annex, art. 16, §1(a)",
    ]
    assert variants("unnumbered para. 7") == ["u7", "unnumbered para. 7", "unnumbered paragraph 7"]
    assert Path(SEEDS).is_dir()
