"""The REST API against its own OpenAPI description, by Schemathesis, on the real server: every check (status
codes, content types, response schemas and headers, valid data accepted, invalid data refused, 405 with Allow)
over the coverage and fuzzing phases, then the stateful one. A longer run, from the shell against `rag serve`:
`st run http://127.0.0.1:7860/api/openapi.json --checks all -n 1000`."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from rag.integrations.rest import rest_api
from ui.app import start_in_background

EXAMPLES = 50  # per operation and phase: a search costs 5-30 ms here, the whole run about 3 s
# Every check, whatever a schemathesis.toml says. Seeded, and no examples replayed from .hypothesis/: random runs
# belong to the shell, because Schemathesis 4.32 can name a query parameter it adds after the required one it
# removed ("?k=1&q=0") and then call the valid request it sent invalid data wrongly accepted.
EVERY_CHECK = schemathesis.Config.from_dict({"checks": {"enabled": True}, "seed": 1})
RUN = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# parametrize() needs the description at import, before any fixture: it does not depend on the index, so it is
# read from an API over none (the served one is the same; test_rest.py checks what it says).
schema = schemathesis.openapi.from_dict(rest_api(None).openapi(), config=EVERY_CHECK)


@pytest.fixture(scope="module")
def api(seed_index):
    url, stop = start_in_background(seed_index)
    yield f"{url}/api"
    stop()


@schema.parametrize()
@RUN
def test_every_operation_keeps_its_description(case, api):
    case.call_and_validate(base_url=api)


def test_sequences_of_calls_keep_it_too(api):
    """The stateful phase: the documents listed, then paragraphs of theirs asked for (a link it infers)."""
    served = schemathesis.openapi.from_url(f"{api}/openapi.json", config=EVERY_CHECK)
    served.as_state_machine().run(settings=settings(RUN, derandomize=True, stateful_step_count=4))
