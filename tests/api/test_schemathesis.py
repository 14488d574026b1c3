"""Property-based checks of /api/v1 against its own OpenAPI document (schemathesis, in process, no network):
for every operation, requests generated from the schema (valid and invalid ones), sent by a DRC user with a
bearer token, never cause a 500, and every response conforms to the documented status codes, content type
and response schema.

The schema is loaded from the app inside the test (it needs a signed-in user, so a database), and each
operation's cases are drawn with hypothesis from `operation.as_strategy()`. (schemathesis's own pytest
plugin, `schemathesis.pytest.from_fixture`, reads `request.node._nodeid`, which pytest 9 no longer has.)"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from itgov.accounts.services import api_token_issue
from itgov.projects.models import Project

from .conftest import API
from .test_authorization import MATRIX_OPERATIONS

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = sorted(MATRIX_OPERATIONS, key=lambda op: (op[1], op[0]))  # every operation (the matrix proves it)


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI app, called in process. Like Django's test client, it must not close the test's
    database connection at each request's start and end (`close_old_connections` would drop the open
    test transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def drc_token(district) -> str:
    return api_token_issue(actor=None, user=district.users["drc"])


@pytest.fixture
def api_schema(wsgi_app, drc_token, make_project):
    """The schema as the app serves it to a signed-in DRC user, with projects in the database to find."""
    for state in ("draft", "proposed", "in_reserve"):
        make_project(state)
    make_project("proposed", owner="health")
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", wsgi_app,
                                          headers={"Authorization": f"Bearer {drc_token}"})


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_its_schema(api_schema, drc_token, method, path, mode):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {drc_token}"}
    statuses: list[int] = []
    cases = operation.as_strategy(generation_mode=mode)
    if "{project_id}" in path:  # half the cases aim at a project DRC sees, not only at random ids
        visible = Project.objects.filter(status="proposed").order_by("pk").values_list("pk", flat=True).first()
        cases = st.one_of(cases, operation.as_strategy(generation_mode=mode,
                                                       path_parameters={"project_id": visible}))

    @settings(max_examples=10, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(case=cases)
    def check(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.append(response.status_code)

    check()

    assert statuses, "no request was made"
    assert all(status < 500 for status in statuses)
    if "{project_id}" in path:
        assert set(statuses) - {404}, "every case missed the project"
