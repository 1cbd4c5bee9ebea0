"""LangChain's own standard tests for retrievers (langchain-tests), run on the seeds. Every retriever the suite
builds holds the session's one seed index."""

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag.integrations.langchain import PassageRetriever
from rag.retrieval.index import Index


# The suite's one async test needs pytest-asyncio's mark, and the project runs pytest-asyncio in strict mode;
# marking the class marks the sync tests too, which pytest-asyncio then warns about.
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:.*is marked with '@pytest.mark.asyncio' but it is not an async function")
class TestPassageRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _seed_index(self, seed_index: Index) -> None:
        self.index = seed_index

    @property
    def retriever_constructor(self) -> type[PassageRetriever]:
        return PassageRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"index": self.index}

    @property
    def retriever_query_example(self) -> str:
        return "gender digital divide"

    @property
    def num_results_arg_name(self) -> str:
        return "k"
