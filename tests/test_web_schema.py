"""A property-based run over the OpenAPI schema (schemathesis) against a real uvicorn process:
a bounded number of generated requests per operation, and not one 500. Caps and the request
time limit are set low so that generated valid requests stay quick (a request over the time
limit is 503, which this run accepts: it is a limit, not a crash)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from _web_server import uvicorn_server

ENV = {
    "CHIPWAR_MAX_SAMPLES": "100",
    "CHIPWAR_MAX_SUPPLY_SAMPLES": "3",
    "CHIPWAR_MAX_DAYS": "200",
    "CHIPWAR_REQUEST_TIMEOUT_S": "5",
    "CHIPWAR_MAX_BODY_BYTES": "20000",
}
EXAMPLES = 4
"""Generated requests per operation (29 operations)."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with uvicorn_server(ENV) as base:
        yield base


def _openapi() -> dict[str, object]:
    """The schema the server publishes at /openapi.json (built in-process for collection; the
    test below checks that the server serves the same one)."""
    from chipwar.web.app import create_app

    return create_app().openapi()


OPENAPI = _openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


def test_served_schema_is_the_one_tested(base_url: str) -> None:
    import httpx

    assert httpx.get(base_url + "/openapi.json").json() == OPENAPI


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case, base_url: str) -> None:  # type: ignore[no-untyped-def]
    response = case.call(base_url=base_url, timeout=30)
    # 405: schemathesis also tries methods an operation does not have (e.g. TRACE); 503: over
    # the time limit set above (schemathesis' own server-error check counts it as a 5xx).
    assert response.status_code != 500, (case.method, case.formatted_path, response.text[:500])
    assert response.status_code in (200, 404, 405, 413, 422, 503), (
        case.method,
        case.formatted_path,
        response.text[:500],
    )
