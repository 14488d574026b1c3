"""The information systems, the catalogue and sharing (art. 27–29, with art. 3, 5 and 18) over /api/v1.

The authorization matrix: every operation × every role of the district and anonymous, with the exact status,
following itgov/catalogue/policies.py and the services, on edu's system 学籍管理系统 (open, or edu's classified
system), its conditional resource 学生学籍信息 with an interface, and health's request for one of edu's conditional
resources (pending, or granted):
- visibility: the catalogue (systems, resources, interfaces, completeness, exports) is read by the owner units and the
  five bureaus of art. 4; sysadmin, the supervision firm and the expert list nothing (403) and get 404 on an object;
  a classified system (art. 5) is seen by its unit and DRC only; a sharing request by its consumer (health) and
  provider (edu) units, DRC and the audit bureau — finance, cyberspace and government get 404;
- power: the system's unit and DRC register and correct systems, resources and interfaces (others 403 citing
  第二十七条); DRC publishes (第二十七条); an owner unit requests (第二十九条), the provider answers (第二十九条), the
  consumer withdraws and records its uses (第二十九条); the similar systems are DRC's and the system's unit's (403);
- state: an answered request takes no answer and no withdrawal (409), a pending one no use (409).
A refusal leaves the catalogue's rows and the business audit trail as they were; a 403 citing an article is recorded
as `access.denied` naming the action and the rule.

Then: bad input (400 naming the field, in Chinese), the rules (422 citing 第二十九条 and 第五条), races (409), the
exports equal to the filtered list (the workbook read back with openpyxl, the JSON parsed), a classified system absent
from every list and export, and the list endpoints' query counts (3 rows and 30)."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.audit.models import AuditEvent
from itgov.catalogue import services
from itgov.catalogue.models import (
    CatalogueResource,
    DataItem,
    InformationSystem,
    SharingInterface,
    SharingRequest,
    SharingUse,
)
from itgov.catalogue.tests.conftest import ITEMS, resource_payload
from itgov.core.dates import local_today

from . import matrix_catalogue
from .cells import cells, last_seq, refusals_since, run_cells
from .conftest import API, CJK, FORBIDDEN, NOT_FOUND, messages_of

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
READERS = ("drc", "finance", "audit", "cyber", "gov", "edu", "health")


def _forbidden(message: str, article: str) -> dict:
    return {"error": {"code": "forbidden", "message": f"{message}({article})", "article": article}}


CURATION = _forbidden("只有信息系统的建设运维单位或区发改委(大数据局)可以登记、修改该系统及其数据资源", "第二十七条")
PUBLISH = _forbidden("只有区发改委(大数据局)可以发布数据资源", "第二十七条")
CONSUMER = _forbidden("只有使用单位可以申请、撤回共享和登记使用", "第二十九条")
PROVIDER = _forbidden("只有数据资源的提供单位可以答复共享申请", "第二十九条")
# The 403 body of each operation and the refusal recorded (action, rule); None: a plain 403, nothing recorded.
DENIAL = {
    "system_register": (CURATION, "catalogue.system_register", "art27.catalogue_curation"),
    "system_update": (CURATION, "catalogue.system_change", "art27.catalogue_curation"),
    "resource_register": (CURATION, "catalogue.resource_save", "art27.catalogue_curation"),
    "resource_update": (CURATION, "catalogue.resource_save", "art27.catalogue_curation"),
    "resource_publish": (PUBLISH, "catalogue.resource_publish", "art27.drc_publishes"),
    "interface_register": (CURATION, "catalogue.interface_save", "art27.catalogue_curation"),
    "interface_retire": (CURATION, "catalogue.interface_save", "art27.catalogue_curation"),
    "request_create": (CONSUMER, "sharing.request", "art29.consumer_requests"),
    "request_grant": (PROVIDER, "sharing.grant", "art29.provider_answers"),
    "request_refuse": (PROVIDER, "sharing.refuse", "art29.provider_answers"),
    "request_withdraw": (CONSUMER, "sharing.withdraw", "art29.consumer_requests"),
    "request_use": (CONSUMER, "sharing.use", "art29.consumer_requests"),
}
EVENTS = {"system_register": ["catalogue.system.registered"], "system_update": ["catalogue.system.changed"],
          "resource_register": ["catalogue.resource.registered"], "resource_update": ["catalogue.resource.changed"],
          "resource_publish": ["catalogue.resource.published"],
          "interface_register": ["catalogue.interface.registered"],
          "interface_retire": ["catalogue.interface.retired"], "export_xlsx": ["catalogue.exported"],
          "export_json": ["catalogue.exported"], "request_create": ["sharing.requested"],
          "request_grant": ["sharing.granted"], "request_refuse": ["sharing.refused"],
          "request_withdraw": ["sharing.withdrawn"], "request_use": ["sharing.use_recorded"]}


def _row(text: str) -> dict[str, int]:
    codes = text.split()
    assert len(codes) == len(COLUMNS), text
    return dict(zip(COLUMNS, map(int, codes), strict=True))


# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
GLOBAL_EXPECTED = {
    "system_list":       _row("401 403 200 200 200 200 200 200 200 403 403"),
    "system_register":   _row("401 403 201 403 403 403 403 201 400 403 403"),  # for edu: health may not
    "resource_list":     _row("401 403 200 200 200 200 200 200 200 403 403"),
    "resource_register": _row("401 400 201 403 403 403 403 201 403 400 400"),  # who cannot see the system: 400
    "completeness":      _row("401 403 200 200 200 200 200 200 200 403 403"),
    "export_xlsx":       _row("401 403 200 200 200 200 200 200 200 403 403"),
    "export_json":       _row("401 403 200 200 200 200 200 200 200 403 403"),
    "request_list":      _row("401 403 200 200 200 200 200 200 200 403 403"),
    "request_create":    _row("401 403 403 403 403 403 403 400 201 403 403"),  # edu's own resource: 400
}
# On edu's system: open, or classified (art. 5).
SYSTEM_EXPECTED = {
    "system_detail": {
        "open":       _row("401 404 200 200 200 200 200 200 200 404 404"),
        "classified": _row("401 404 200 404 404 404 404 200 404 404 404"),
    },
    "system_update": {
        "open":       _row("401 404 200 403 403 403 403 200 403 404 404"),
        "classified": _row("401 404 200 404 404 404 404 200 404 404 404"),
    },
    "system_similar": {
        "open":       _row("401 404 200 403 403 403 403 200 403 404 404"),
        "classified": _row("401 404 200 404 404 404 404 200 404 404 404"),
    },
}
# On edu's conditional resource (with an interface), and on its interface.
RESOURCE_EXPECTED = {
    "resource_detail":    _row("401 404 200 200 200 200 200 200 200 404 404"),
    "resource_update":    _row("401 404 200 403 403 403 403 200 403 404 404"),
    "resource_publish":   _row("401 404 200 403 403 403 403 403 403 404 404"),
    "interface_register": _row("401 404 201 403 403 403 403 201 403 404 404"),
    "interface_retire":   _row("401 404 200 403 403 403 403 200 403 404 404"),
}
# On health's request for one of edu's conditional resources: pending, or granted.
REQUEST_EXPECTED = {
    "request_detail": {
        "pending": _row("401 404 200 404 200 404 404 200 200 404 404"),
        "granted": _row("401 404 200 404 200 404 404 200 200 404 404"),
    },
    "request_grant": {
        "pending": _row("401 404 403 404 403 404 404 200 403 404 404"),
        "granted": _row("401 404 403 404 403 404 404 409 403 404 404"),
    },
    "request_refuse": {
        "pending": _row("401 404 403 404 403 404 404 200 403 404 404"),
        "granted": _row("401 404 403 404 403 404 404 409 403 404 404"),
    },
    "request_withdraw": {
        "pending": _row("401 404 403 404 403 404 404 403 200 404 404"),
        "granted": _row("401 404 403 404 403 404 404 403 409 404 404"),
    },
    "request_use": {
        "pending": _row("401 404 403 404 403 404 404 403 409 404 404"),
        "granted": _row("401 404 403 404 403 404 404 403 201 404 404"),
    },
}
# Who sees the classified system in the list of systems (art. 5), and the requests (made or received, or all).
SEES_CLASSIFIED = {"drc", "edu"}
SEES_REQUESTS = {"drc", "audit", "edu", "health"}


def _operations() -> dict[str, tuple[str, str]]:
    return {**matrix_catalogue.GLOBAL, **matrix_catalogue.SYSTEM, **matrix_catalogue.RESOURCE,
            **matrix_catalogue.INTERFACE, **matrix_catalogue.REQUEST}


def test_the_tables_cover_every_catalogue_operation_and_role():
    covered = {*GLOBAL_EXPECTED, *SYSTEM_EXPECTED, *RESOURCE_EXPECTED, *REQUEST_EXPECTED}
    assert covered == set(_operations()) and len(covered) == len(matrix_catalogue.OPERATIONS)


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


def build_world(district) -> SimpleNamespace:
    """edu's system with two conditional resources (the first with an interface), health's pending request for the
    first and granted request for the second; edu's classified system (art. 5)."""
    edu, health = district.users["edu"], district.users["health"]
    system = services.system_register(actor=edu, data={"name": "学籍管理系统", "summary": "全区中小学学籍管理"})
    conditional = services.resource_register(actor=edu, data=resource_payload(system))
    interface = services.interface_register(actor=edu, resource=conditional, data={
        "kind": "api", "name": "学籍核验接口", "address": "https://share.example.gov.cn/api/xueji"})
    second = services.resource_register(actor=edu, data=resource_payload(
        system, name="学生体检信息", summary="中小学学生年度体检结果",
        items=[{"name": "学籍号", "data_type": "C", "sensitive": False},
               {"name": "体检结论", "data_type": "M", "sensitive": True}]))
    pending = services.sharing_request(actor=health, data={"resource_id": conditional.pk, "purpose": "核验学生身份办理医保"})
    granted = services.sharing_request(actor=health, data={"resource_id": second.pk, "purpose": "学生健康监测"})
    granted = services.sharing_grant(actor=edu, request=granted, data={})
    classified = services.system_register(actor=edu, data={"name": "学籍管理保密系统", "summary": "涉密",
                                                           "classified": True})
    return SimpleNamespace(system=system, classified=classified, conditional=conditional, second=second,
                           interface=interface, pending=pending, granted=granted, edu=edu, health=health,
                           drc=district.users["drc"])


@pytest.fixture
def world(district):
    return build_world(district)


def _today(days: int = 0) -> str:
    return (local_today() + dt.timedelta(days=days)).isoformat()


def _resource_body(world, **overrides) -> dict:
    body = {k: v for k, v in resource_payload(world.system).items() if k != "system_id"}
    return {**body, **overrides}


def _call(client, op: str, world, *, state: str = "", **ids):
    method, path = _operations()[op]
    system = world.classified if state == "classified" else world.system
    request = world.granted if state == "granted" else world.pending
    ids = {"system_id": system.pk, "resource_id": world.conditional.pk, "interface_id": world.interface.pk,
           "sharing_request_id": request.pk, **ids}
    url = API + path.format(**ids)
    if op == "system_register":
        return client.post(url, {"name": "区教育局资产管理系统", "summary": "固定资产登记和盘点",
                                 "owner_unit_id": world.system.owner_unit_id})
    if op == "system_update":
        return client.patch(url, {"name": f"{system.name}(新版)", "version": system.version})
    if op == "system_similar":
        return client.get(url + "?limit=5")
    if op == "resource_register":
        return client.post(url, resource_payload(world.system, name="学生奖惩信息"))
    if op == "resource_update":
        return client.call("PUT", url, _resource_body(world, name="学生学籍信息(修订)",
                                                      version=world.conditional.version))
    if op == "resource_publish":
        return client.post(url, {"version": world.conditional.version})
    if op == "interface_register":
        return client.post(url, {"kind": "file", "name": "学籍文件交换", "address": "/exchange/edu/xueji"})
    if op == "interface_retire":
        return client.post(url)
    if op == "request_create":
        return client.post(url, {"resource_id": world.second.pk, "purpose": "学生健康监测(续)"})
    if op == "request_grant":
        return client.post(url, {"valid_until": _today(365), "reasons": "同意,限医保核验使用",
                                 "version": request.version})
    if op == "request_refuse":
        return client.post(url, {"reasons": "涉及未成年人个人信息", "version": request.version})
    if op == "request_withdraw":
        return client.post(url, {"version": request.version})
    if op == "request_use":
        return client.post(url, {"used_on": _today(), "records": 12, "note": "批量核验"})
    assert method == "GET", op
    return client.get(url)


def _snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (InformationSystem, CatalogueResource, DataItem, SharingInterface, SharingRequest,
                          SharingUse)}


def _check_success(op: str, role: str, state: str, world, response) -> None:
    if op == "export_xlsx":
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert _xlsx_codes(response.content) == [world.conditional.code, world.second.code]
        return
    if op == "export_json":
        assert [d["dct:identifier"] for d in json.loads(response.content)["dcat:dataset"]] == [
            world.conditional.code, world.second.code]
        return
    body = response.json()
    if op == "system_list":
        expected = {world.system.code} | ({world.classified.code} if role in SEES_CLASSIFIED else set())
        assert ({s["code"] for s in body["items"]}, body["count"]) == (expected, len(expected))
    elif op == "system_register":
        assert (body["owner_unit"]["code"], body["code"][:3], body["status"], body["resources"]) == (
            "edu", "XT-", "operating", [])
    elif op == "system_detail":
        system = world.classified if state == "classified" else world.system
        assert (body["id"], body["classified"], body["resources_count"]) == (
            system.pk, state == "classified", 0 if state == "classified" else 2)
    elif op == "system_update":
        assert (body["name"].endswith("(新版)"), body["version"]) == (True, 2)
    elif op == "system_similar":
        assert body["system_id"] == (world.classified if state == "classified" else world.system).pk
        if state == "classified":
            assert body["items"] == []  # art. 5: compared with nothing
    elif op == "resource_list":
        assert [r["code"] for r in body["items"]] == [world.conditional.code, world.second.code]
    elif op == "resource_register":
        assert (body["name"], [i["name"] for i in body["items"]], body["system"]["id"]) == (
            "学生奖惩信息", [i["name"] for i in ITEMS], world.system.pk)
    elif op == "resource_detail":
        assert (body["code"], body["items_count"], body["interfaces_count"], body["gaps"]) == (
            world.conditional.code, 3, 1, ["未发布"])
    elif op == "resource_update":
        assert (body["name"], body["version"]) == ("学生学籍信息(修订)", 2)
    elif op == "resource_publish":
        assert (body["published_on"], body["gaps"]) == (local_today().isoformat(), [])
    elif op == "interface_register":
        assert (body["resource_id"], body["kind"], body["active"]) == (world.conditional.pk, "file", True)
    elif op == "interface_retire":
        assert (body["id"], body["active"]) == (world.interface.pk, False)
    elif op == "completeness":
        units = {u["unit"]["code"]: u for u in body["units"]}
        assert (units["edu"]["resources"], units["edu"]["incomplete"], body["totals"]["resources"]) == (2, 2, 2)
    elif op == "request_list":
        expected = [world.granted.pk, world.pending.pk] if role in SEES_REQUESTS else []
        assert sorted(r["id"] for r in body["items"]) == sorted(expected)
    elif op == "request_create":
        assert (body["consumer"]["code"], body["resource"]["id"], body["state"], body["uses"]) == (
            "health", world.second.pk, "pending", [])
    elif op == "request_detail":
        assert (body["id"], body["state"]) == ((world.granted if state == "granted" else world.pending).pk, state)
    elif op in ("request_grant", "request_refuse", "request_withdraw"):
        status = {"request_grant": "granted", "request_refuse": "refused", "request_withdraw": "withdrawn"}[op]
        assert (body["status"], body["state"], body["version"]) == (status, status, 2)
    elif op == "request_use":
        assert [(u["used_on"], u["records"]) for u in body["uses"]] == [(local_today().isoformat(), 12)]
        assert body["uses_count"] == 1
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)


def test_catalogue_operations(api, world):
    clients = {role: api(role) for role in COLUMNS}
    failures = run_cells(
        clients, cells(GLOBAL_EXPECTED, SYSTEM_EXPECTED, REQUEST_EXPECTED, {op: {"": row} for op, row in RESOURCE_EXPECTED.items()}),
        call=lambda client, op, state: _call(client, op, world, state=state), snapshot=_snapshot, denial=DENIAL,
        events=EVENTS, check_success=lambda op, role, state, response: _check_success(op, role, state, world, response))
    assert not failures, "\n".join(failures)


def test_a_missing_object_is_404_like_a_hidden_one(api, world):
    drc, health = api("drc"), api("health")
    for op, ids in (("system_detail", {"system_id": 10**9}), ("system_update", {"system_id": 10**9}),
                    ("system_similar", {"system_id": 10**9}), ("resource_detail", {"resource_id": 10**9}),
                    ("resource_update", {"resource_id": 10**9}), ("resource_publish", {"resource_id": 10**9}),
                    ("interface_register", {"resource_id": 10**9}), ("interface_retire", {"interface_id": 10**9}),
                    ("request_detail", {"sharing_request_id": 10**9}), ("request_grant", {"sharing_request_id": 10**9}),
                    ("request_use", {"sharing_request_id": 2**63})):
        response = _call(health if op == "request_use" else drc, op, world, **ids)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), op


# --- bad input: 400 naming the field, in Chinese ---------------------------------------------------------------


def _fields(response) -> dict:
    assert response.status_code == 400, response.content.decode()
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert all(CJK.search(m) for m in messages_of(body)), body
    return body["error"]["fields"]


def test_bad_input_names_the_field_in_chinese(api, world):
    edu, health = api("edu"), api("health")
    counts = _snapshot()
    assert _fields(edu.post("/systems", {})) == {"name": ["必填"], "summary": ["必填"]}
    assert _fields(edu.post("/systems", {"name": "x", "summary": "y", "status": "dreaming"}))["status"][0].startswith(
        "须为以下之一:")
    assert _fields(edu.post("/systems", {"name": "x", "summary": "y", "secret": 1})) == {"secret": ["不允许的字段"]}
    assert _fields(edu.post("/systems", {"name": "系" * 101, "summary": "y"})) == {"name": ["过长,最多100个字符"]}
    resources = API + "/catalogue/resources"
    assert set(_fields(edu.post(resources, resource_payload(world.system, update_cycle="hourly")))) == {
        "update_cycle"}
    assert _fields(edu.post(resources, resource_payload(world.system, items=[]))) == {"items": ["至少登记一个信息项"]}
    assert _fields(edu.post(resources, resource_payload(world.system, items=[{"name": "", "data_type": "C"}]))) == {
        "items": ["第1项:名称必填,最多60个字符"]}
    assert set(_fields(edu.post(resources, resource_payload(world.system, items=[{"name": "a", "data_type": "X"}])))) \
        == {"items.data_type"}
    assert _fields(edu.post(resources, resource_payload(world.system, system_id=10**9))) == {
        "system_id": ["信息系统不存在或无权查看"]}
    assert _fields(edu.post(resources, resource_payload(world.system, related_ids=[10**9]))) == {
        "related_ids": [f"关联资源不存在或不可关联:{10**9}"]}
    assert set(_fields(edu.call("PUT", f"{resources}/{world.conditional.pk}", _resource_body(world, version=0)))) == {
        "version"}
    assert set(_fields(edu.post(f"{resources}/{world.conditional.pk}/interfaces", {"kind": "ftp", "name": "x",
                                                                                  "address": "y"}))) == {"kind"}
    requests = API + "/sharing/requests"
    assert _fields(health.post(requests, {"resource_id": "学籍", "purpose": "x"})) == {"resource_id": ["须为整数"]}
    assert _fields(health.post(requests, {"resource_id": world.conditional.pk})) == {"purpose": ["必填"]}
    assert _fields(edu.post(requests, {"resource_id": world.conditional.pk, "purpose": "x"})) == {
        "resource_id": ["不能申请本单位提供的数据资源"]}
    assert _fields(edu.post(f"{requests}/{world.pending.pk}/grant", {"valid_until": _today(0)})) == {
        "valid_until": ["须晚于今天"]}
    assert _fields(edu.post(f"{requests}/{world.pending.pk}/grant", {"valid_until": "2026-02-30"})) == {
        "valid_until": ["日期格式须为 YYYY-MM-DD"]}
    uses = f"{requests}/{world.granted.pk}/uses"
    assert _fields(health.post(uses, {"used_on": _today(), "records": -1})) == {"records": ["须大于或等于0"]}
    assert _fields(health.post(uses, {"used_on": _today(1), "records": 1})) == {"used_on": ["不得晚于今天"]}
    assert _fields(health.get("/catalogue/resources?sharing_type=secret"))["sharing_type"][0].startswith("须为以下之一:")
    assert _fields(health.get("/catalogue/resources?provider_id=0")) == {"provider_id": ["须大于或等于1"]}
    assert set(_fields(health.get("/sharing/requests?direction=sideways"))) == {"direction"}
    assert set(_fields(health.get("/catalogue/export.xlsx?published=maybe"))) == {"published"}
    assert _snapshot() == counts


# --- the rules: 422 citing the article -------------------------------------------------------------------------


def _refused(response, rule: str, article: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article)
    assert CJK.search(error["message"])
    return error


def test_the_sharing_type_states_its_terms_article_29(api, world):
    edu, seq, counts = api("edu"), last_seq(), _snapshot()
    resources = API + "/catalogue/resources"
    error = _refused(edu.post(resources, resource_payload(world.system, name="另一档案", sharing_type="not_shared",
                                                          not_shared_basis="  ", sharing_method="")),
                     "art29.sharing_type_terms", "第二十九条")
    assert error["fields"] == {"not_shared_basis": ["不予共享须写明法律法规或政策依据"]}
    error = _refused(edu.call("PUT", f"{resources}/{world.conditional.pk}", _resource_body(world, sharing_conditions="")),
                     "art29.sharing_type_terms", "第二十九条")
    assert error["fields"] == {"sharing_conditions": ["有条件共享须写明共享条件"]}
    assert _snapshot() == counts
    assert refusals_since(seq) == [("rule.refused", "catalogue.resource_save", ["art29.sharing_type_terms"])] * 2


def test_only_a_conditional_resource_is_requested_and_a_refusal_gives_reasons_article_29(api, world):
    edu, health = api("edu"), api("health")
    open_resource = services.resource_register(actor=world.edu, data=resource_payload(
        world.system, name="学校名录", sharing_type="unconditional", sharing_conditions="",
        items=[{"name": "学校名称", "data_type": "C", "sensitive": False}]))
    seq, counts = last_seq(), _snapshot()
    error = _refused(health.post("/sharing/requests", {"resource_id": open_resource.pk, "purpose": "x"}),
                     "art29.request_conditional_only", "第二十九条")
    assert error["fields"] == {"resource_id": ["无需申请"]}
    error = _refused(edu.post(f"/sharing/requests/{world.pending.pk}/refuse", {"reasons": " "}),
                     "art29.refusal_reasons", "第二十九条")
    assert error["fields"] == {"reasons": ["须说明不同意共享的理由和依据"]}
    assert _snapshot() == counts
    assert [r[2] for r in refusals_since(seq)] == [["art29.request_conditional_only"], ["art29.refusal_reasons"]]


def test_a_classified_system_keeps_no_resources_article_5(api, world):
    edu, counts, seq = api("edu"), _snapshot(), last_seq()
    error = _refused(edu.post("/catalogue/resources", resource_payload(world.classified)),
                     "art5.classified_outside_catalogue", "第五条")
    assert error["fields"] == {"system_id": ["涉密信息系统不能登记数据资源"]}
    assert _snapshot() == counts
    assert refusals_since(seq) == [("rule.refused", "catalogue.resource_save", ["art5.classified_outside_catalogue"])]
    # Another unit does not even see the classified system: named as if it did not exist.
    assert _fields(api("health").post("/catalogue/resources", resource_payload(world.classified))) == {
        "system_id": ["信息系统不存在或无权查看"]}


# --- races and stale versions: one winner, the other 409 -------------------------------------------------------


def test_two_answers_to_one_request_one_winner(api, world):
    edu = api("edu")
    url = f"/sharing/requests/{world.pending.pk}"
    first = edu.post(f"{url}/grant", {"version": 1})
    second = edu.post(f"{url}/refuse", {"reasons": "不同意", "version": 1})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json()["error"]["code"] == "conflict"
    assert SharingRequest.objects.get(pk=world.pending.pk).status == "granted"
    assert api("health").post(f"{url}/withdraw", {}).status_code == 409  # answered: nothing to withdraw


def test_stale_versions_are_refused(api, world):
    edu, drc = api("edu"), api("drc")
    system_url, resource_url = f"/systems/{world.system.pk}", f"/catalogue/resources/{world.conditional.pk}"
    assert edu.patch(system_url, {"summary": "新的功能说明", "version": 1}).status_code == 200
    stale = drc.patch(system_url, {"status": "retired", "version": 1})
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "conflict")
    assert InformationSystem.objects.get(pk=world.system.pk).status == "operating"
    assert drc.call("PUT", resource_url, _resource_body(world, name="学籍(DRC)", version=1)).status_code == 200
    assert edu.call("PUT", resource_url, _resource_body(world, name="学籍(edu)", version=1)).status_code == 409
    assert CatalogueResource.objects.get(pk=world.conditional.pk).name == "学籍(DRC)"
    assert drc.post(f"{resource_url}/publish", {}).status_code == 200
    assert drc.post(f"{resource_url}/publish", {}).status_code == 409  # the same day twice
    assert edu.post(f"/catalogue/interfaces/{world.interface.pk}/retire").status_code == 200
    assert edu.post(f"/catalogue/interfaces/{world.interface.pk}/retire").status_code == 409


def test_a_patch_changes_only_what_it_names(api, world):
    body = api("edu").patch(f"/systems/{world.system.pk}", {"status": "retired"}).json()
    assert (body["name"], body["summary"], body["status"], body["operating"], body["version"]) == (
        "学籍管理系统", "全区中小学学籍管理", "retired", False, 2)


# --- the request's state: overdue from the day after its deadline ----------------------------------------------


def test_a_request_is_overdue_from_the_day_after_its_deadline(api, world, at):
    from itgov.core.dates import SHANGHAI
    from itgov.rules.models import PolicyProfile

    profile = PolicyProfile.objects.get(jurisdiction=world.system.jurisdiction)
    PolicyProfile.objects.filter(pk=profile.pk).update(parameters={**profile.parameters, "sharing_answer_days": 10})
    health = api("health")
    made = health.post("/sharing/requests", {"resource_id": world.second.pk, "purpose": "学生健康监测(续)"}).json()
    due = dt.date.fromisoformat(made["due_on"])
    assert (due, made["state"]) == (local_today() + dt.timedelta(days=10), "pending")
    at(dt.datetime.combine(due, dt.time(12), tzinfo=SHANGHAI))
    assert health.get(f"/sharing/requests/{made['id']}").json()["state"] == "pending"
    at(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 1), tzinfo=SHANGHAI))
    body = health.get(f"/sharing/requests/{made['id']}").json()
    assert (body["state"], body["state_label"]) == ("overdue", "逾期未答复")
    edu = api("edu")
    assert [r["id"] for r in edu.get("/sharing/requests?state=overdue&direction=received").json()["items"]] == [
        made["id"]]
    assert edu.get("/sharing/requests?state=overdue&direction=made").json()["items"] == []
    assert [r["id"] for r in health.get("/sharing/requests?state=overdue&direction=made").json()["items"]] == [
        made["id"]]
    refused = edu.post(f"/sharing/requests/{made['id']}/refuse", {"reasons": "涉及个人隐私"}).json()
    assert (refused["state"], refused["decided_on"]) == ("refused", (due + dt.timedelta(days=1)).isoformat())


def test_a_granted_request_records_its_uses_within_the_grant(api, world):
    health = api("health")
    url = f"/sharing/requests/{world.granted.pk}/uses"
    for records in (5, 7):
        assert health.post(url, {"used_on": _today(), "records": records}).status_code == 201
    body = health.get(f"/sharing/requests/{world.granted.pk}").json()
    assert ([u["records"] for u in body["uses"]], body["uses_count"]) == ([7, 5], 2)
    listed = {r["id"]: r for r in health.get("/sharing/requests?state=granted").json()["items"]}
    assert listed[world.granted.pk]["uses_count"] == 2


# --- the exports equal the filtered list -----------------------------------------------------------------------


def _xlsx_rows(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def _xlsx_codes(content: bytes) -> list[str]:
    rows = _xlsx_rows(content)
    column = rows[0].index("信息资源代码")
    return list(dict.fromkeys(row[column] for row in rows[1:]))


def _more_resources(world):
    made = [services.resource_register(actor=world.edu, data=resource_payload(
        world.system, name="学校名录", sharing_type="unconditional", sharing_conditions="", resource_class="basic",
        update_cycle="yearly", items=[{"name": "学校名称", "data_type": "C", "sensitive": False}]))]
    made.append(services.resource_register(actor=world.edu, data=resource_payload(
        world.system, name="心理健康档案", sharing_type="not_shared", sharing_conditions="", sharing_method="",
        not_shared_basis="《中华人民共和国未成年人保护法》", items=[
            {"name": "测评结果", "data_type": "M", "sensitive": True}])))
    health_system = services.system_register(actor=world.health, data={"name": "全民健康信息平台", "summary": "健康档案"})
    made.append(services.resource_register(actor=world.health, data=resource_payload(
        health_system, name="居民电子健康档案", summary="居民健康档案摘要", items=[
            {"name": "身份证号", "data_type": "C", "sensitive": True},
            {"name": "建档日期", "data_type": "D", "sensitive": False}])))
    services.resource_publish(actor=world.drc, resource=made[0])
    services.resource_publish(actor=world.drc, resource=world.conditional)
    return made, health_system


@pytest.mark.parametrize("query", [
    "", "sharing_type=conditional", "q=学籍", "q=身份证号", "published=yes", "published=no&resource_class=departmental",
    "update_cycle=yearly", "format=database&sharing_type=not_shared", "provider_id={health}", "system_id={system}",
    "q=不存在的资源",
])
def test_the_exports_equal_the_filtered_list(api, district, world, query):
    _more_resources(world)
    query = query.format(health=district.health.pk, system=world.system.pk)
    client = api("finance")
    listed = client.get(f"/catalogue/resources?limit=200&{query}").json()
    codes = [r["code"] for r in listed["items"]]
    assert listed["count"] == len(codes)
    xlsx = client.get(f"/catalogue/export.xlsx?{query}")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    assert _xlsx_codes(xlsx.content) == codes
    rows = _xlsx_rows(xlsx.content)
    by_code = {r["code"]: r for r in listed["items"]}
    assert len(rows) - 1 == sum(by_code[c]["items_count"] for c in codes)  # one row per information item
    document = client.get(f"/catalogue/export.json?{query}")
    assert document.status_code == 200 and document["Content-Type"] == "application/json"
    datasets = json.loads(document.content)["dcat:dataset"]
    assert [d["dct:identifier"] for d in datasets] == codes
    assert [len(d["itgov:items"]) for d in datasets] == [by_code[c]["items_count"] for c in codes]
    exported = AuditEvent.objects.filter(event_type="catalogue.exported").order_by("seq")
    assert [(e.after["format"], e.after["resources"]) for e in exported] == [("xlsx", len(codes)),
                                                                            ("json", len(codes))]


def test_the_filters_find_what_they_name(api, district, world):
    made, _health_system = _more_resources(world)
    client = api("gov")

    def codes(query):
        return [r["code"] for r in client.get(f"/catalogue/resources?limit=200&{query}").json()["items"]]

    assert codes("sharing_type=conditional") == [world.conditional.code, world.second.code, made[2].code]
    assert codes("q=体检结论") == [world.second.code]  # an item's name
    assert codes("published=yes") == [world.conditional.code, made[0].code]
    assert codes(f"provider_id={district.health.pk}") == [made[2].code]
    assert codes("resource_class=basic") == [made[0].code]


# --- a classified system: absent from every list, export and comparison ----------------------------------------


def test_a_classified_system_is_absent_from_every_list_and_export(api, world):
    # given a resource, an interface and a request planted on the classified system (the services refuse them all)
    system = world.classified
    planted = CatalogueResource.objects.create(
        jurisdiction=system.jurisdiction, system=system, provider=system.owner_unit, resource_class="departmental",
        seq=999, code="320106-3-000999", name="学籍管理保密数据", summary="学籍管理保密数据", format="database",
        sharing_type="unconditional", sharing_method="interface", open_type="closed", update_cycle="daily")
    DataItem.objects.create(resource=planted, position=1, name="学籍号", data_type="C")
    SharingInterface.objects.create(resource=planted, kind="api", name="保密接口", address="/secret")
    secret = SharingRequest.objects.create(resource=planted, consumer=world.health.unit, purpose="x",
                                           requested_on=local_today())
    secret_words = ("学籍管理保密", "保密接口", system.code, planted.code)

    def leaks(payload) -> list[str]:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        return [w for w in secret_words if w in text]

    for role in READERS:
        client = api(role)
        systems = client.get("/systems?limit=200").json()
        assert (system.pk in {s["id"] for s in systems["items"]}) == (role in SEES_CLASSIFIED), role
        for path in ("/catalogue/resources?limit=200", "/catalogue/resources?q=保密&limit=200",
                     "/catalogue/completeness", "/sharing/requests?limit=200"):
            assert leaks(client.get(path).json()) == [], (role, path)
        assert leaks(client.get("/catalogue/export.json").content.decode()) == [], role
        assert leaks(" ".join(str(c) for row in _xlsx_rows(client.get("/catalogue/export.xlsx").content)
                              for c in row)) == [], role
        assert client.get(f"/catalogue/resources/{planted.pk}").json() == NOT_FOUND, role
        assert client.get(f"/sharing/requests/{secret.pk}").json() == NOT_FOUND, role
        if role not in SEES_CLASSIFIED:
            assert client.get(f"/systems/{system.pk}").json() == NOT_FOUND, role
    # and the duplicate detection never names it, not even to DRC
    assert leaks(api("drc").get(f"/systems/{world.system.pk}/similar?limit=50").json()) == []
    assert api("drc").get(f"/systems/{system.pk}/similar").json()["items"] == []


def test_similar_systems_for_drc_and_the_systems_unit(api, district, world):
    twin = services.system_register(actor=world.health, data={"name": "学籍管理系统", "summary": "全区中小学学籍管理"})
    far = services.system_register(actor=world.health, data={"name": "卫生监督执法", "summary": "执法文书和案件办理"})
    drc = api("drc").get(f"/systems/{world.system.pk}/similar").json()["items"]
    assert drc[0]["kind"] == "system" and drc[0]["object_id"] == twin.pk and drc[0]["score"] >= 0.9
    assert drc[0]["unit"] == district.health.name and drc[0]["kind_label"] == "信息系统"
    assert far.pk not in {row["object_id"] for row in drc if row["kind"] == "system"}
    edu = api("edu").get(f"/systems/{world.system.pk}/similar").json()["items"]
    assert {row["kind"] for row in edu} <= {"system", "resource"} and twin.pk in {row["object_id"] for row in edu}
    assert api("health").get(f"/systems/{world.system.pk}/similar").json() == FORBIDDEN


def test_completeness_names_the_gaps(api, district, world):
    from tests.factories import ProjectFactory

    lonely = ProjectFactory(owner_unit=district.health, status="in_operation")
    empty = services.system_register(actor=world.health, data={"name": "卫生监督执法", "summary": "执法文书",
                                                               "status": "operating"})
    body = api("drc").get("/catalogue/completeness").json()
    units = {u["unit"]["code"]: u for u in body["units"]}
    assert [s["id"] for s in units["health"]["without_resources"]] == [empty.pk]
    assert [p["id"] for p in units["health"]["projects_without_system"]] == [lonely.pk]
    assert (units["edu"]["systems"], units["edu"]["operating"], units["edu"]["incomplete"]) == (1, 1, 2)
    assert body["totals"] == {"units": 2, "without_resources": 1, "projects_without_system": 1, "resources": 2,
                              "incomplete": 2}


# --- query counts: the lists cost the same at 3 rows and at 30 -------------------------------------------------


def _grow(world, n: int) -> None:
    """n more systems of edu, each with a conditional resource (items and an interface) health requested, every
    other request granted with a use."""
    for i in range(n):
        system = services.system_register(actor=world.edu, data={"name": f"业务系统{i}{n}", "summary": f"第{i}号业务"})
        resource = services.resource_register(actor=world.edu, data=resource_payload(system, name=f"业务资源{i}{n}"))
        services.interface_register(actor=world.edu, resource=resource, data={
            "kind": "api", "name": f"接口{i}", "address": f"/api/{i}"})
        request = services.sharing_request(actor=world.health, data={"resource_id": resource.pk, "purpose": "核验"})
        if i % 2:
            request = services.sharing_grant(actor=world.edu, request=request, data={})
            services.sharing_use(actor=world.health, request=request, data={"used_on": _today(), "records": i})


LISTS = [("drc", "/systems?limit=200"), ("edu", "/systems?limit=200"), ("finance", "/catalogue/resources?limit=200"),
         ("health", "/catalogue/resources?limit=200&q=资源"), ("drc", "/sharing/requests?limit=200"),
         ("health", "/sharing/requests?limit=200&direction=made"), ("edu", "/sharing/requests?limit=200"),
         ("gov", "/catalogue/completeness"), ("cyber", "/catalogue/export.xlsx"), ("audit", "/catalogue/export.json")]


def test_the_list_endpoints_cost_the_same_at_3_and_30_rows(api, world):
    clients = {role: api(role) for role in {r for r, _p in LISTS}}
    for role, path in LISTS:  # warm: the first request's one-off reads
        assert clients[role].get(path).status_code == 200

    def measure() -> list[int]:
        counts = []
        for role, path in LISTS:
            with CaptureQueriesContext(connection) as queries:
                assert clients[role].get(path).status_code == 200, path
            counts.append(len(queries))
        return counts

    _grow(world, 1)  # 3 systems, 3 resources, 3 requests
    small = measure()
    assert api("drc").get("/sharing/requests").json()["count"] == 3
    _grow(world, 27)  # 30 of each
    large = measure()
    assert api("drc").get("/sharing/requests").json()["count"] == 30
    assert api("drc").get("/catalogue/resources").json()["count"] == 30
    assert large == small, list(zip(LISTS, small, large, strict=True))
