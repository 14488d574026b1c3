"""Bad input is a 400 in the one error format, naming the field with a Chinese message, and nothing is
saved: {"error": {"code": "invalid", "message": …, "fields": {<field>: [<message>, …]}}}. Never a 500."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itgov.projects.choices import ConstructionType, ProjectKind
from itgov.projects.models import Project

from .conftest import CJK, NOT_FOUND, business_events, messages_of, project_row, valid_project_payload

pytestmark = pytest.mark.django_db

INVALID = "输入有误,请检查标注的字段"
ONE_OF = "须为以下之一:"  # followed by the allowed values

# (field, bad value, the exact messages of that field — or a prefix ending in ":" for an enumeration)
BAD_FIELDS = [
    ("estimated_investment", "-1", ["格式不正确"]),
    ("estimated_investment", "-0.01", ["格式不正确"]),
    ("estimated_investment", "0", ["须大于0"]),
    ("estimated_investment", "0.00", ["须大于0"]),
    ("estimated_investment", "1e15", ["格式不正确"]),
    ("estimated_investment", "12.345", ["格式不正确"]),
    ("estimated_investment", "abc", ["格式不正确"]),
    ("estimated_investment", "1,000", ["格式不正确"]),
    ("estimated_investment", "10000000000.01", ["不得超过100亿元"]),
    ("estimated_investment", "999999999999", ["格式不正确"]),
    ("estimated_investment", 10**13, ["须为文本"]),
    ("estimated_investment", 1.5, ["须为文本"]),
    ("estimated_investment", None, ["须为文本"]),
    ("name", 12345, ["须为文本"]),
    ("name", "", ["过短,至少1个字符"]),
    ("name", "短名", ["项目名称至少4个字"]),
    ("name", "项" * 121, ["过长,最多120个字符"]),
    ("necessity", "要" * 5001, ["过长,最多5000个字符"]),
    ("construction_content", "要" * 5001, ["过长,最多5000个字符"]),
    ("data_sharing_intent", "要" * 5001, ["过长,最多5000个字符"]),
    ("responsible_person", "张" * 41, ["过长,最多40个字符"]),
    ("responsible_phone", "call me", ["电话号码格式不正确"]),
    ("kind", "evil", [ONE_OF]),
    ("kind", None, [ONE_OF]),
    ("construction_type", "demolish", [ONE_OF]),
    ("classified", "maybe", ["须为 true 或 false"]),
    ("plan_task_id", 2**70, ["须小于或等于4611686018427387904"]),
    ("plan_task_id", 0, ["须大于或等于1"]),
]
# The same, for PATCH: the fields every payload must carry may still not be null or empty there.
BAD_PATCH_FIELDS = [case for case in BAD_FIELDS if case[1] is not None] + [("version", 0, ["须大于或等于1"])]


def _assert_field_error(response, field: str, expected: list[str]):
    assert response.status_code == 400, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", INVALID)
    assert list(error["fields"]) == [field]
    got = error["fields"][field]
    if expected == [ONE_OF]:
        assert len(got) == 1 and got[0].startswith(ONE_OF), got
    else:
        assert got == expected


@pytest.mark.parametrize(("field", "value", "expected"), BAD_FIELDS, ids=lambda v: repr(v)[:30])
def test_create_refuses_a_bad_field(api, district, field, value, expected):
    # given
    client = api("edu")
    projects_before, events_before = Project.objects.count(), business_events()

    # when
    response = client.post("projects", valid_project_payload(**{field: value}))

    # then
    _assert_field_error(response, field, expected)
    assert Project.objects.count() == projects_before
    assert business_events() == events_before


def test_create_names_every_missing_required_field(api, district):
    response = api("edu").post("projects", {"necessity": "只有必要性"})

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {
        "name": ["必填"], "kind": ["必填"], "construction_type": ["必填"], "estimated_investment": ["必填"]}}}
    assert Project.objects.count() == 0


def test_create_with_no_body_is_refused(api, district):
    response = api("edu").post("projects", "")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"body": ["必填"]}
    assert Project.objects.count() == 0


def test_create_with_an_owner_unit_that_does_not_exist(api, district):
    response = api("edu").post("projects", valid_project_payload(owner_unit_id=999_999))

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"owner_unit_id": ["单位不存在"]}
    assert Project.objects.count() == 0


def test_create_with_a_plan_task_that_does_not_exist_names_plan_task_id(api, district):
    response = api("edu").post("projects", valid_project_payload(plan_task_id=999_999))

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["plan_task_id"]
    assert all(CJK.search(m) for m in fields["plan_task_id"])
    assert Project.objects.count() == 0


def test_create_for_another_units_owner_id_names_owner_unit_id(api, district):
    response = api("edu").post("projects", valid_project_payload(owner_unit_id=district.health.pk))

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"owner_unit_id": ["只能为本单位创建项目"]}
    assert Project.objects.count() == 0


@pytest.mark.parametrize("body", ["{bad json", '{"name": "未闭合', "{'name': 1}"])
def test_create_with_malformed_json_names_the_body_in_chinese(api, district, body):
    response = api("edu").post("projects", body)

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid", "message": INVALID,
                                         "fields": {"body": ["请求体不是有效的 JSON"]}}}
    assert Project.objects.count() == 0


@pytest.mark.parametrize("body", ["{bad json", "[1, 2]", '"text"', "123", "null"])
def test_create_with_a_body_that_is_not_an_object_is_refused_and_not_saved(api, district, body):
    client = api("edu")
    events_before = business_events()

    response = client.post("projects", body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert Project.objects.count() == 0
    assert business_events() == events_before


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "123", "null"])
@pytest.mark.parametrize("op", ["create", "update", "submit_proposal"])
def test_a_body_that_is_not_an_object_is_400_body_must_be_an_object(api, make_project, op, body):
    # given a draft of edu
    project = make_project("draft")
    client = api("edu")
    row_before, events_before = project_row(project.pk), business_events()
    url = {"create": "projects", "update": f"projects/{project.pk}",
           "submit_proposal": f"projects/{project.pk}/submit-proposal"}[op]

    # when
    response = client.call("PATCH" if op == "update" else "POST", url, body)

    # then
    assert response.status_code == 400, response.content.decode()[:200]
    assert response.json()["error"]["fields"] == {"body": ["须为对象"]}
    assert project_row(project.pk) == row_before
    assert business_events() == events_before
    assert Project.objects.count() == 1


@pytest.mark.parametrize(("field", "value", "expected"), BAD_PATCH_FIELDS, ids=lambda v: repr(v)[:30])
def test_update_refuses_a_bad_field(api, make_project, field, value, expected):
    # given a draft of edu
    project = make_project("draft")
    client = api("edu")
    row_before, events_before = project_row(project.pk), business_events()

    # when
    response = client.patch(f"projects/{project.pk}", {"version": project.version, field: value})

    # then
    _assert_field_error(response, field, expected)
    assert project_row(project.pk) == row_before
    assert Project.objects.get(pk=project.pk).name == project.name
    assert business_events() == events_before


def test_update_with_malformed_json_names_the_body_in_chinese(api, make_project):
    project = make_project("draft")
    row_before = project_row(project.pk)

    response = api("edu").patch(f"projects/{project.pk}", "{bad json")

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid", "message": INVALID,
                                         "fields": {"body": ["请求体不是有效的 JSON"]}}}
    assert project_row(project.pk) == row_before


@pytest.mark.parametrize(("query", "field", "expected"), [
    ("ordering=evil", "ordering", [ONE_OF]),
    ("ordering=-id", "ordering", [ONE_OF]),
    ("limit=0", "limit", ["须大于或等于1"]),
    ("limit=1000", "limit", ["须小于或等于200"]),
    ("limit=abc", "limit", ["须为整数"]),
    ("offset=-1", "offset", ["须大于或等于0"]),
    (f"offset={2**70}", "offset", ["须小于或等于10000000"]),
    ("kind=evil", "kind", [ONE_OF]),
    ("construction_type=evil", "construction_type", [ONE_OF]),
    ("min_investment=abc", "min_investment", ["格式不正确"]),
    ("max_investment=-5", "max_investment", ["格式不正确"]),
    ("owner_unit=" + "1" * 33, "owner_unit", ["过长,最多32个字符"]),
    ("q=" + "词" * 101, "q", ["过长,最多100个字符"]),
])
def test_project_list_refuses_a_bad_query_parameter(api, district, query, field, expected):
    response = api("drc").get(f"projects?{query}")

    _assert_field_error(response, field, expected)


@pytest.mark.parametrize("query", ["status=evil", "status=draft&status=evil"])
def test_project_list_unknown_status_names_the_status_field(api, district, query):
    response = api("drc").get(f"projects?{query}")

    _assert_field_error(response, "status", [ONE_OF])


@pytest.mark.parametrize(("query", "field", "expected"), [
    (f"project_id={2**70}", "project_id", ["须小于或等于4611686018427387904"]),
    ("project_id=0", "project_id", ["须大于或等于1"]),
    ("since=notadate", "since", ["日期格式须为 YYYY-MM-DD"]),
    ("until=2026-02-30", "until", ["日期格式须为 YYYY-MM-DD"]),
    ("limit=0", "limit", ["须大于或等于1"]),
    ("limit=201", "limit", ["须小于或等于200"]),
    ("offset=-1", "offset", ["须大于或等于0"]),
    ("event_type=" + "x" * 41, "event_type", ["过长,最多40个字符"]),
])
def test_audit_search_refuses_a_bad_query_parameter(api, district, query, field, expected):
    response = api("audit").get(f"audit/events?{query}")

    _assert_field_error(response, field, expected)


@pytest.mark.parametrize(("query", "field", "expected"), [
    ("limit=0", "limit", ["须大于或等于1"]),
    ("limit=201", "limit", ["须小于或等于200"]),
    ("offset=-1", "offset", ["须大于或等于0"]),
])
def test_history_refuses_a_bad_query_parameter(api, make_project, query, field, expected):
    project = make_project("draft")

    response = api("edu").get(f"projects/{project.pk}/history?{query}")

    _assert_field_error(response, field, expected)


PROJECT_ENDPOINTS = [("GET", ""), ("PATCH", ""), ("POST", "/submit-proposal"), ("POST", "/admit"),
                     ("POST", "/return-for-revision"), ("POST", "/withdraw"), ("GET", "/compliance"),
                     ("GET", "/history")]


@pytest.mark.parametrize(("method", "suffix"), PROJECT_ENDPOINTS)
@pytest.mark.parametrize("project_id", [str(2**70), str(2**63), "9" * 40, "-1", "0"])
def test_a_project_id_that_cannot_exist_is_404(api, make_project, method, suffix, project_id):
    make_project("draft")
    client = api("edu")
    events_before = business_events()

    body = {"name": "改名后的项目名称"} if method == "PATCH" else {"reason": "理由"}
    response = client.call(method, f"projects/{project_id}{suffix}", *([] if method == "GET" else [body]))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert business_events() == events_before


@pytest.mark.parametrize(("method", "suffix"), PROJECT_ENDPOINTS)
@pytest.mark.parametrize("project_id", ["abc", "1.5", "1e3"])
def test_a_project_id_that_is_not_a_number_is_400(api, make_project, method, suffix, project_id):
    make_project("draft")

    body = {"name": "改名后的项目名称"} if method == "PATCH" else {"reason": "理由"}
    response = api("edu").call(method, f"projects/{project_id}{suffix}", *([] if method == "GET" else [body]))

    _assert_field_error(response, "project_id", ["须为整数"])


# Random junk to POST /projects: never a 500; saved only when it is a valid project.
KINDS, TYPES = ProjectKind.values, ConstructionType.values
MONEY = re.compile(r"^\d{1,11}(\.\d{1,2})?$")
junk = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
                 st.floats(allow_nan=False), st.text(max_size=200), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
field_values = {
    "name": st.one_of(st.text(min_size=0, max_size=130), junk),
    "kind": st.one_of(st.sampled_from(KINDS), junk),
    "construction_type": st.one_of(st.sampled_from(TYPES), junk),
    "estimated_investment": st.one_of(
        st.decimals(min_value=-10, max_value=Decimal("20000000000"), places=2, allow_nan=False).map(str),
        st.from_regex(MONEY, fullmatch=True), junk),
    "classified": st.one_of(st.booleans(), junk),
    "necessity": st.one_of(st.text(max_size=50), junk),
    "responsible_phone": st.one_of(st.from_regex(r"^[0-9\-]{0,20}$", fullmatch=True), junk),
    "plan_task_id": junk,
    "owner_unit_id": junk,
}
payloads = st.one_of(
    st.fixed_dictionaries({}, optional=field_values),
    st.fixed_dictionaries({k: field_values[k] for k in ("name", "kind", "construction_type",
                                                        "estimated_investment")}),
    junk,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=payloads)
def test_random_junk_never_500_and_never_saved_unless_valid(api, district, payload):
    client = api("edu")
    before = set(Project.objects.values_list("pk", flat=True))

    response = client.post("projects", json.dumps(payload))

    assert response.status_code in (201, 400, 422), response.content.decode()
    created = set(Project.objects.values_list("pk", flat=True)) - before
    if response.status_code != 201:
        assert created == set()
        error = response.json()["error"]
        assert error["code"] in ("invalid", "rule_violation")
        assert all(CJK.search(m) for m in messages_of(response.json())), error
        return
    assert created == {response.json()["id"]}
    saved = Project.objects.get(pk=response.json()["id"])
    assert isinstance(payload, dict)
    assert saved.name == payload["name"].strip() and 4 <= len(saved.name) <= 120
    assert (saved.kind, saved.construction_type) == (payload["kind"], payload["construction_type"])
    assert isinstance(payload["estimated_investment"], str) and MONEY.match(payload["estimated_investment"])
    assert saved.estimated_investment == Decimal(payload["estimated_investment"])
    assert Decimal("0.01") <= saved.estimated_investment <= Decimal("10000000000")
    assert saved.status == "draft"
    assert saved.owner_unit.code == "edu" if payload.get("owner_unit_id") is None else saved.owner_unit.code in (
        "edu", "school1")  # edu's subtree


def test_the_openapi_document_lists_the_accepted_orderings(api, district):
    doc = api("drc").get("openapi.json").json()
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/projects"]["get"]["parameters"]}

    assert sorted(params["ordering"].get("enum", [])) == sorted(
        ["name", "-name", "estimated_investment", "-estimated_investment", "updated_at", "-updated_at",
         "created_at", "-created_at", "status", "-status"])


@pytest.mark.parametrize(("method", "path"), [("DELETE", "projects"), ("PUT", "projects/1"), ("POST", "me")])
def test_an_unsupported_method_is_405_in_the_error_format(api, district, method, path):
    response = api("edu").call(method, path, {})

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json"), response.content
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert CJK.search(response.json()["error"]["message"])
    assert response["Allow"]


@pytest.mark.parametrize(("method", "url"), [("POST", "projects"), ("PATCH", "projects/{pk}"),
                                             ("POST", "projects/{pk}/submit-proposal")])
def test_an_unknown_field_is_refused_by_name_not_ignored(api, make_project, method, url):
    project = make_project("draft")
    client = api("edu")
    row_before, events_before = project_row(project.pk), business_events()

    response = client.call(method, url.format(pk=project.pk), {**valid_project_payload(), "nmae": "拼错的字段"}
                               if method == "POST" and url == "projects" else {"nmae": "拼错的字段"})

    _assert_field_error(response, "nmae", ["不允许的字段"])
    assert project_row(project.pk) == row_before
    assert business_events() == events_before


@pytest.mark.parametrize(("role", "method", "url", "body", "field"), [
    ("drc", "POST", "projects/{pk}/return-for-revision", {"reason": "退回\u0000理由"}, "reason"),
    ("edu", "POST", "projects", {"name": "有空字符\u0000的项目"}, "name"),
    ("edu", "POST", "projects/{pk}/withdraw", {"reason": ["x", {"deep": "a\u0000"}]}, "reason.deep"),
    ("drc", "GET", "projects?q=a%00b", None, "q"),
    ("audit", "GET", "audit/events?actor=%00", None, "actor"),
])
def test_a_nul_character_is_400_naming_the_field(api, make_project, role, method, url, body, field):
    # PostgreSQL cannot store NUL in text: refused before anything reads it, on both engines alike.
    project = make_project("proposed")
    client = api(role)
    row_before, events_before = project_row(project.pk), business_events()

    response = client.call(method, url.format(pk=project.pk), *([] if body is None else [body]))

    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {field: ["不能包含空字符"]}
    assert project_row(project.pk) == row_before
    assert business_events() == events_before
