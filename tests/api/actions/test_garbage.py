"""No input ever ends in a server error: malformed bodies and URLs on any action, each a
400/404 in Chinese, never a 500."""

from __future__ import annotations

import json

import pytest

from suggestions.models import Suggestion
from tests.api.actions.helpers import has_chinese
from tests.api.conftest import API
from tests.api.conftest import item_url


def test_malformed_json_is_400_in_chinese(clients, stages):
    """BUG (minor): a body that is not JSON gets DRF's untranslated "JSON parse error -
    Expecting property name…" (rest_framework/parsers.py does not mark it for translation,
    and config/api_auth.py api_exception_handler passes ParseError through). Every other
    answer of the API is in Chinese; expected e.g. "请求内容不是有效的JSON：…"."""
    s = stages.in_progress()
    response = clients["office"].post(
        item_url(s.pk, "key_supervision"), '{"version": 1,', content_type="application/json"
    )
    assert response.status_code == 400
    assert has_chinese(response.json()["detail"])


BIG = 10**30


def _json(**fields):
    """A JSON body builder; callables get the item and the lead department's id."""

    def build(s, dept):
        return json.dumps({k: v(s, dept) if callable(v) else v for k, v in fields.items()})

    return build


def _version(s, dept):
    return s.version


def _deputy(s, dept):
    return s.lead_deputy_id


def _dept(s, dept):
    return dept


JSON = "application/json"


NEW = "create"  # POST /suggestions/


EDIT = "update"  # PUT /suggestions/{id}/


# (id, action, body — a string or a builder, content type): what a confused or hostile
# client sends to an in-progress item, as the office.
GARBAGE_BODIES = [
    ("not-json", "key_supervision", "not json at all", JSON),
    ("empty", "key_supervision", "", JSON),
    ("null", "key_supervision", "null", JSON),
    ("string", "key_supervision", '"a string"', JSON),
    ("number", "key_supervision", "42", JSON),
    ("array", "key_supervision", "[]", JSON),
    ("array-of-objects", "key_supervision", '[{"version": 1}]', JSON),
    ("version-1e400", "key_supervision", '{"version": 1e400, "key_supervision": true}', JSON),
    ("version-nan", "key_supervision", '{"version": NaN, "key_supervision": true}', JSON),
    ("version-huge", "key_supervision", _json(version=BIG, key_supervision=True), JSON),
    ("version-negative", "key_supervision", _json(version=-BIG, key_supervision="maybe"), JSON),
    ("nested-types", "key_supervision", _json(version=[1], key_supervision={"a": 1}), JSON),
    ("nul-char", "key_supervision", _json(version=_version, note="\x00"), JSON),
    ("not-utf8", "key_supervision", b"\xff\xfe\x00garbage", JSON),
    (
        "form",
        "key_supervision",
        "version=1&key_supervision=true",
        "application/x-www-form-urlencoded",
    ),
    ("xml", "key_supervision", "<xml/>", "application/xml"),
    ("lead-huge", "reassign", _json(version=_version, lead=BIG), JSON),
    ("lead-negative", "reassign", _json(version=_version, lead=-1), JSON),
    ("lead-sql", "reassign", _json(version=_version, lead="1 OR 1=1"), JSON),
    (
        "co-garbage",
        "reassign",
        _json(version=_version, lead=_dept, co_departments=[BIG, "x", None]),
        JSON,
    ),
    (
        "date-5-digits",
        "reassign",
        _json(version=_version, lead=_dept, assigned_on="99999-01-01"),
        JSON,
    ),
    (
        "date-year-1",
        "reassign",
        _json(version=_version, lead=_dept, assigned_on="0001-01-01"),
        JSON,
    ),
    (
        "extension-9999",
        "extension_request",
        _json(version=_version, requested_due_on="9999-12-31", reason="x"),
        JSON,
    ),
    (
        "text-100k",
        "follow_up",
        _json(version=_version, kind="visit", findings="长" * 100_000),
        JSON,
    ),
    ("multipart-garbage", "reply", "garbage", "multipart/form-data; boundary=xyz"),
    ("multipart-no-boundary", "reply", "garbage", "multipart/form-data"),
    ("edit-array", EDIT, "[]", JSON),
    ("edit-huge-ids", EDIT, _json(version=BIG, lead_deputy=BIG), JSON),
    ("create-array", NEW, "[]", JSON),
    (
        "create-huge-ids",
        NEW,
        _json(title="x", lead_deputy=_deputy, received_on="2024-01-15", session=BIG, year=BIG),
        JSON,
    ),
    (
        "create-number-2**63",
        NEW,
        _json(
            title="x", source="recess", lead_deputy=_deputy, received_on="2024-01-15", number=2**63
        ),
        JSON,
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [pytest.param(*row[1:], id=row[0]) for row in GARBAGE_BODIES],
)
def test_garbage_input_never_ends_in_a_server_error(
    clients, stages, lead_department, name, body, content_type
):
    s = stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    data = body(s, lead_department.pk) if callable(body) else body
    if name == NEW:
        response = client.post(f"{API}/suggestions/", data, content_type=content_type)
    elif name == EDIT:
        response = client.put(item_url(s.pk), data, content_type=content_type)
    else:
        response = client.post(item_url(s.pk, name), data, content_type=content_type)
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        fresh = Suggestion.objects.get(pk=s.pk)
        assert (fresh.version, fresh.status) == (s.version, s.status)


GARBAGE_URLS = [
    "/suggestions/99999999999999999999999999/",
    "/suggestions/-1/",
    "/suggestions/0/",
    "/suggestions/1.5/",
    "/suggestions/%C2%B2/",  # "²": a digit to str.isdigit(), not to int()
    "/suggestions/%EF%BC%91/",  # a full-width "１"
    "/suggestions/?year=99999999999999999999999",
    "/suggestions/?year=1e400",
    "/suggestions/?year=abc",
    "/suggestions/?number=-1",
    "/suggestions/?department=99999999999999999999999",
    "/suggestions/?department=abc&department_role=bogus",
    "/suggestions/?deputy=-5",
    "/suggestions/?session=1.5",
    "/suggestions/?status=bogus&outcome=bogus",
    "/suggestions/?deadline=bogus",
    "/suggestions/?key_supervision=maybe",
    "/suggestions/?o=bogus",
    "/suggestions/?o=-due_on,title,-bogus",
    "/suggestions/?q=%00",
    "/suggestions/?q=2023%E5%BB%BA99999999999999999999999",
    "/suggestions/?page=0",
    "/suggestions/?page=99999999999999999999",
    "/suggestions/?page=abc",
    "/departments/99999999999999999999999/",
    "/departments/?is_active=maybe&kind=bogus",
    "/deputies/abc/",
    "/deputies/?level=bogus&page=-1",
    "/sessions/?year=99999999999999999999999",
    "/reports/?quarter=2023Q5",
    "/reports/?quarter=99999Q1",
    "/reports/?as_of=9999-12-31",
    "/reports/?as_of=0001-01-01",
    "/reports/?as_of=2024-02-30",
    "/reports/?year=99999999999999999999999",
    "/reports/?department=99999999999999999999999",
    "/reports/?kind=bogus&source=bogus",
]


@pytest.mark.parametrize("path", GARBAGE_URLS)
def test_garbage_urls_never_end_in_a_server_error(clients, stages, path):
    stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    response = client.get(f"{API}{path}")
    assert response.status_code < 500, response.status_code
    assert response.status_code in (200, 400, 404), response.status_code


def test_a_non_ascii_digit_id_is_404_not_500(clients, stages):
    """BUG: suggestions/api/views.py SuggestionViewSet.get_object checks the id with
    str.isdigit(), which is true for "²" (and other Unicode digits) that int() refuses:
    GET /api/v1/suggestions/²/ raises ValueError → 500. Same for every action URL."""
    stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    assert client.get(f"{API}/suggestions/%C2%B2/").status_code == 404
    response = client.post(f"{API}/suggestions/%C2%B2/close/", {"version": 1}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"text"', "7", "null"])
def test_a_json_body_that_is_not_an_object_is_400_not_500(clients, stages, body):
    """BUG: suggestions/api/views.py SuggestionViewSet.act reads `request.data.get("version")`
    before any validation; when the JSON body is an array, a string or a number,
    request.data has no .get → AttributeError → 500 on every action of an item the user
    sees. Expected: 400 (the serializer's "无效数据。期待为字典类型…")."""
    s = stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    response = client.post(item_url(s.pk, "key_supervision"), body, content_type="application/json")
    assert response.status_code == 400
    assert Suggestion.objects.get(pk=s.pk).version == s.version


def test_an_overflowing_version_is_400_not_500(clients, stages):
    """BUG: suggestions/api/views.py _int_or_none catches TypeError and ValueError but not
    OverflowError; JSON `1e400` parses to float('inf') and int(inf) raises OverflowError →
    500 on every action. Expected: 400 with a field error on `version`."""
    s = stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    response = client.post(
        item_url(s.pk, "key_supervision"),
        '{"version": 1e400, "key_supervision": true}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_report_as_of_year_one_is_400_not_500(clients):
    """BUG: reports/api.py ReportView → reports/forms.py ReportScopeForm.clean →
    reports/selectors.py previous_quarter_end(date(1, 1, 1)) builds date(0, 12, 31):
    ValueError "year 0 is out of range" → 500 for GET /api/v1/reports/?as_of=0001-01-01
    (any as_of in the first quarter of year 1). Expected: 400 with an `as_of` error."""
    client = clients["office"]
    client.raise_request_exception = False
    response = client.get(f"{API}/reports/", {"as_of": "0001-01-01"})
    assert response.status_code == 400
    assert "as_of" in response.json()
