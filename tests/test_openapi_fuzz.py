"""schemathesis drives every operation in /openapi.json with generated input: no 5xx, ever.

(Driven through its Python API: its pytest plugin does not load under pytest 9.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from tests.live import LiveServer


@pytest.fixture(scope="module")
def operations(served: LiveServer) -> list[object]:
    schema = schemathesis.openapi.from_url(served.url + "/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 12, "every surface is described in the OpenAPI document"
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(served: LiveServer, operations: list[object], mode: GenerationMode) -> None:
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=mode)  # type: ignore[attr-defined]

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=strategy)
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=served.url, timeout=30)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: {response.text[:300]}"
            )
            if response.status_code >= 400 and not case.formatted_path.startswith("/bmlt"):
                assert response.json()["error"]["message"], "errors say what was wrong"

        try:
            check()
        except Unsatisfiable:
            # Nothing invalid can be sent to an operation without parameters (e.g. /ping).
            assert mode is GenerationMode.NEGATIVE and not operation.query  # type: ignore[attr-defined]
