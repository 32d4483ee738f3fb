"""Schemathesis against the API's OpenAPI schema, in-process through the WSGI app.

The schema is the document /api/v1/schema/ serves (the first test checks that the one
tested is the one served). For each role (office, supervisor, a lead handler, each with its
own token) every operation gets a bounded, derandomized set of generated requests, valid
and invalid, on a database with items in every state; no answer may be a server error and
every answer must match the documented response schema — and use a documented status code,
for the operations that document their error answers (the suggestion endpoints and the
report). Two deterministic tests then pin down the mismatches found: the response bodies of
every item state, and the status codes the reference-data endpoints answer but do not
document.

Note: schemathesis.pytest.from_fixture (the lazy loader) does not work with pytest 9
(`request.node._nodeid` is gone), so the schema is built at import with the generator the
schema view uses, and requests go to the WSGI app with each test's token.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished
from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import JsonSchemaError
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from config.api_auth import token_issue
from suggestions import services
from suggestions.models import FollowUp
from tests.factories import SuggestionFactory

MAX_EXAMPLES = 10

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # valid and invalid input
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
        # Schema examples and generated cases; no coverage sweep, no call sequences.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    }
)


def served_schema() -> dict:
    """The document /api/v1/schema/?format=json serves, built by the same generator and
    renderer without a request (so that it can parametrize the tests at import)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw, renderer_context={}))


RAW_SCHEMA = served_schema()
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=CONFIG)
schema.app = get_wsgi_application()  # every call goes through Django's middleware in-process


# ---------------------------------------------------------------------------------------
# Fixtures: a role with its token, and items in every state

STATES = ["draft", "assigned", "in_progress", "replied", "pending", "recess", "closed"]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calls go straight to the WSGI app, whose request signals close old database
    connections; on PostgreSQL that would end the test's transaction. Django's own test
    client disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["office", "supervisor", "lead"])
def role(request):
    return request.param


@pytest.fixture
def auth_headers(role, users):
    key, _ = token_issue(users[role])
    return {"Authorization": f"Token {key}"}


@pytest.fixture
def items(stages, office, supervisor):
    """One item per state; the replied one has been rated 不满意 (so it is in rework) and
    carries a supervisor's follow-up (no department), the recess one has no session."""
    made = {
        "draft": stages.draft(),
        "assigned": stages.assigned(),
        "in_progress": stages.in_progress(),
        "replied": stages.replied(),
        "pending": stages.pending(),
        "recess": SuggestionFactory(source="recess", session=None),
        "closed": stages.replied(),
    }
    services.follow_up_record(
        suggestion=made["replied"],
        actor=supervisor,
        kind=FollowUp.Kind.SUPERVISION,
        findings="已督促。",
    )
    services.feedback_record(
        suggestion=made["replied"],
        actor=office,
        satisfaction="unsatisfied",
        comment="希望加快进度。",
    )
    services.suggestion_close(suggestion=made["closed"], actor=office, reason="no_feedback")
    return made


@pytest.fixture
def item_ids(items):
    return [items[state].pk for state in STATES]


def documents_errors(operation) -> bool:
    return any(str(code).startswith("4") for code in operation.definition.raw["responses"])


# ---------------------------------------------------------------------------------------
# The schema tested is the schema served


def test_the_served_schema_is_the_one_tested(office):
    key, _ = token_issue(office)
    response = Client().get(
        "/api/v1/schema/", {"format": "json"}, headers={"Authorization": f"Token {key}"}
    )
    assert response.status_code == 200
    assert json.loads(response.content) == RAW_SCHEMA


# ---------------------------------------------------------------------------------------
# Generated requests, every operation, each role


@schema.parametrize()
@schema.given(pick=st.one_of(st.none(), st.integers(min_value=0, max_value=len(STATES) - 1)))
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, pick, auth_headers, item_ids):
    if pick is not None and "id" in (case.path_parameters or {}):
        # Often an item that exists: generated ids alone would nearly always be 404.
        case.path_parameters["id"] = item_ids[pick]
    checks = [not_a_server_error, response_schema_conformance]
    if documents_errors(case.operation):
        checks.append(status_code_conformance)
    case.call_and_validate(headers=auth_headers, checks=checks)


# ---------------------------------------------------------------------------------------
# Deterministic: each item state read by each role matches the schema


DETAIL = schema["/api/v1/suggestions/{id}/"]["GET"]
LIST = schema["/api/v1/suggestions/"]["GET"]
CONFORMS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def violations(case, headers) -> list[str]:
    """Each way the answer to `case` departs from the schema, one line each."""
    try:
        case.call_and_validate(headers=headers, checks=CONFORMS)
    except FailureGroup as failures:  # one sub-failure per finding
        found = []
        for sub in failures.exceptions:
            if isinstance(sub, JsonSchemaError):
                where = "/".join(str(p) for p in sub.instance_path)
                found.append(f"/{where} = {json.dumps(sub.instance, ensure_ascii=False)}")
            else:
                found.append(f"{type(sub).__name__}: {sub}")
        return found
    return []


def test_every_item_state_reads_as_documented(items, auth_headers):
    """BUG (schema ↔ app), found by schemathesis — the SuggestionList/SuggestionDetail
    components of the schema generated from suggestions/api/serializers.py say:
    - `outcome` is one of OutcomeEnum and `satisfaction` one of SatisfactionEnum, but an
      item not yet replied / not rated answers "" (the model fields are blank=True, the
      schema has no BlankEnum there): every draft, assigned, in-progress item, and every
      item closed without a rating;
    - `session` is a non-nullable string, but an item raised in recess answers null
      (SuggestionDetailSerializer.session = StringRelatedField());
    - `events[].department` is a non-nullable string, but an event of the office (whose
      users have no department) answers null (EventSerializer.department);
    - `follow_ups[].department` is a non-nullable DepartmentRef, but a follow-up recorded by
      the office or the supervisor answers null (FollowUpSerializer.department).
    A client generated from the schema rejects these answers."""
    found = set()
    for state in STATES:
        case = DETAIL.Case(path_parameters={"id": items[state].pk})
        found |= {f"GET /suggestions/{{{state}}}/: {v}" for v in violations(case, auth_headers)}
    list_case = LIST.Case(query={"page": 1})
    found |= {f"GET /suggestions/: {v}" for v in violations(list_case, auth_headers)}
    # Array indexes vary by item: report each place once.
    found = {re.sub(r"/\d+/", "/*/", line) for line in found}
    assert not found, "\n".join(sorted(found))


# ---------------------------------------------------------------------------------------
# Deterministic: the status codes the reference data and the report answer


def test_every_answer_given_is_documented(items, users, staff_user):
    """BUG (schema ↔ app), found by schemathesis: the reference-data operations document
    only their success (200/201/204) although they answer 403 to every non-admin write,
    404 for a missing row or page and 400 for a bad filter or body; the suggestion list
    documents only 200 (it answers 400 to a bad filter, 404 to a page past the end); the
    report documents 200 and 400 but answers 403 to every handler. (Anonymous requests get
    401 everywhere, documented nowhere; not counted here.)"""
    tokens = {
        who: {"Authorization": f"Token {token_issue(user)[0]}"}
        for who, user in (("office", users["office"]), ("lead", users["lead"]))
    }
    tokens["admin"] = {"Authorization": f"Token {token_issue(staff_user)[0]}"}
    requests = []
    for kind in ("departments", "deputies", "sessions"):
        base = f"/api/v1/{kind}/"
        one = f"/api/v1/{kind}/{{id}}/"
        requests += [
            ("office", base, "GET", {}, {"page": 99}, None),
            ("office", base, "GET", {}, {"is_active": "maybe", "level": "x", "year": "x"}, None),
            ("office", base, "POST", {}, {}, {"name": "x"}),
            ("office", one, "GET", {"id": 999999}, {}, None),
            ("office", one, "PUT", {"id": 999999}, {}, {"name": "x"}),
            ("office", one, "PATCH", {"id": 999999}, {}, {"name": "x"}),
            ("office", one, "DELETE", {"id": 999999}, {}, None),
            ("admin", base, "POST", {}, {}, {}),
            ("admin", one, "GET", {"id": 999999}, {}, None),
        ]
    requests += [
        ("office", "/api/v1/suggestions/", "GET", {}, {"page": 99}, None),
        ("office", "/api/v1/suggestions/", "GET", {}, {"department": 999999}, None),
        ("lead", "/api/v1/reports/", "GET", {}, {}, None),
    ]
    undocumented = []
    for who, path, method, path_parameters, query, body in requests:
        operation = schema[path][method]
        case = operation.Case(path_parameters=path_parameters, query=query)
        if body is not None:
            case.body = body
            case.media_type = "application/json"
        response = case.call(headers=tokens[who])
        assert response.status_code < 500, (method, path)
        documented = set(operation.definition.raw["responses"])
        if str(response.status_code) not in documented and "default" not in documented:
            undocumented.append(
                f"{method} {path} as {who}: {response.status_code} "
                f"(documented: {', '.join(sorted(documented))})"
            )
    assert not undocumented, "\n".join(undocumented)
