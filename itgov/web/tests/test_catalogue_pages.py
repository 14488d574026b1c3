"""The pages of the catalogue and of sharing (art. 27–29, with art. 5): 数据资源目录 (search, filters, exports), a
resource's page and form (metadata + information-item rows), 信息系统 (list, registration, a system's page), 目录完整性,
数据共享 (the requests, a request's page with the answer, withdrawal and use forms) — each × every role → the exact
status; a refused POST changes nothing and writes no business audit event, a success writes its event and redirects
(PRG); 400 on the fields with the input kept, 422 naming 第二十九条 / 第五条, 409 on a stale version; the pages' queries do
not grow with the resources, requests and uses."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itgov.audit import events
from itgov.audit.models import AuditEvent
from itgov.catalogue import services
from itgov.catalogue.models import (
    CatalogueResource,
    InformationSystem,
    SharingInterface,
    SharingRequest,
    SharingUse,
)
from itgov.catalogue.tests.conftest import catalogue, resource_payload  # noqa: F401  (the `catalogue` fixture)
from itgov.core.dates import local_today
from itgov.web.tests.role_table import DENIAL_EVENTS, ROLES, page_failures, rolled_back, table

pytestmark = pytest.mark.django_db



# Columns: anon admin drc finance audit cyber gov edu health supervisor expert.
GETS = {
    "catalogue_list":            table("302 403 200 200 200 200 200 200 200 403 403"),
    "catalogue_export_xlsx":     table("302 403 200 200 200 200 200 200 200 403 403"),
    "catalogue_export_json":     table("302 403 200 200 200 200 200 200 200 403 403"),
    "catalogue_completeness":    table("302 403 200 200 200 200 200 200 200 403 403"),
    "catalogue_systems":         table("302 403 200 200 200 200 200 200 200 403 403"),
    "catalogue_system_new":      table("302 403 200 403 403 403 403 200 200 403 403"),
    "catalogue_resource_choose": table("302 403 200 403 403 403 403 200 200 403 403"),
    "catalogue_resource_new":    table("302 403 200 403 403 403 403 200 403 403 403"),
    "catalogue_resource":        table("302 404 200 200 200 200 200 200 200 404 404"),
    "catalogue_resource_edit":   table("302 404 200 403 403 403 403 200 403 404 404"),
    "catalogue_system":          table("302 404 200 200 200 200 200 200 200 404 404"),
    "catalogue_system_secret":   table("302 404 200 404 404 404 404 200 404 404 404"),
    "sharing_list":              table("302 403 200 403 200 403 403 200 200 403 403"),
    "sharing_request":           table("302 404 200 404 200 404 404 200 200 404 404"),
}
# Each POST by every role, rolled back after each (so several roles may succeed on the same world).
POSTS = {
    "catalogue_system_new":       table("302 403 302 403 403 403 403 302 400 403 403"),
    "catalogue_system_edit":      table("302 404 302 403 403 403 403 302 403 404 404"),
    "catalogue_resource_new":     table("302 403 302 403 403 403 403 302 403 403 403"),
    "catalogue_resource_edit":    table("302 404 302 403 403 403 403 302 403 404 404"),
    "catalogue_resource_publish": table("302 404 302 403 403 403 403 403 403 404 404"),
    "catalogue_interface_add":    table("302 404 302 403 403 403 403 302 403 404 404"),
    "catalogue_interface_retire": table("302 404 302 403 403 403 403 302 403 404 404"),
    "sharing_request_create":     table("302 404 403 403 403 403 403 400 302 404 404"),
    "sharing_grant":              table("302 404 403 404 403 404 404 302 403 404 404"),
    "sharing_refuse":             table("302 404 403 404 403 404 404 302 403 404 404"),
    "sharing_withdraw":           table("302 404 403 404 403 404 404 403 302 404 404"),
    "sharing_use":                table("302 404 403 404 403 404 404 403 302 404 404"),
}


@pytest.fixture
def world(catalogue):  # noqa: F811
    """The catalogue fixture, with: an interface on the conditional resource, a second conditional resource, health's
    pending request on the first and its granted request on the second, and a classified system of edu's."""
    edu, health = catalogue.edu, catalogue.health
    catalogue.interface = services.interface_register(actor=edu, resource=catalogue.conditional, data={
        "kind": "api", "name": "学籍核验接口", "address": "https://share.example/api/xueji", "description": ""})
    catalogue.second = services.resource_register(actor=edu, data=resource_payload(
        catalogue.system, name="教师信息", items=[{"name": "教师编号", "data_type": "C", "sensitive": False}]))
    catalogue.pending = services.sharing_request(actor=health, data={
        "resource_id": catalogue.conditional.pk, "purpose": "核验学生身份办理医保"})
    catalogue.granted = services.sharing_grant(
        actor=edu, request=services.sharing_request(actor=health, data={
            "resource_id": catalogue.second.pk, "purpose": "家庭医生签约"}), data={})
    catalogue.secret = services.system_register(actor=edu, data={"name": "涉密办公系统", "summary": "涉密",
                                                                 "classified": True})
    return catalogue


def url(name: str, w) -> str:
    if name == "catalogue_resource_choose":
        return reverse("web:catalogue_resource_new")
    if name == "catalogue_resource_new":
        return reverse("web:catalogue_resource_new") + f"?system={w.system.pk}"
    if name == "catalogue_system_secret":
        return reverse("web:catalogue_system", args=[w.secret.pk])
    args = {"catalogue_resource": [w.conditional.pk], "catalogue_resource_edit": [w.conditional.pk],
            "catalogue_resource_publish": [w.conditional.pk], "catalogue_interface_add": [w.conditional.pk],
            "catalogue_interface_retire": [w.interface.pk], "sharing_request_create": [w.second.pk],
            "catalogue_system": [w.system.pk], "catalogue_system_edit": [w.system.pk],
            "sharing_request": [w.pending.pk], "sharing_grant": [w.pending.pk], "sharing_refuse": [w.pending.pk],
            "sharing_withdraw": [w.pending.pk], "sharing_use": [w.granted.pk]}.get(name, [])
    return reverse(f"web:{name}", args=args)


def item_rows(items: list[tuple[str, str, bool]], blanks: int = 1) -> dict:
    rows = [*items, *[("", "C", False)] * blanks]
    return {"items-name": [r[0] for r in rows], "items-data_type": [r[1] for r in rows],
            "items-sensitive": ["1" if r[2] else "0" for r in rows]}


def resource_form(w, **overrides) -> dict:
    data = {k: v for k, v in resource_payload(w.system).items() if k not in ("items", "system_id")}
    data.update(name="学生体检信息", declared_id="", related_ids=[w.unconditional.pk])
    data.update(item_rows([("体检编号", "C", False), ("视力", "N", True)]))
    data.update(overrides)
    return data


def post_data(name: str, w) -> dict:
    if name == "catalogue_system_new":
        return {"name": "校园安防系统", "summary": "视频监控", "owner_unit_id": w.district.edu.pk, "project_id": "",
                "status": "operating"}
    if name == "catalogue_system_edit":
        return {"name": "学籍管理系统(新)", "summary": "中小学学籍管理", "status": "operating", "version": w.system.version}
    if name == "catalogue_resource_new":
        return {**resource_form(w), "system_id": w.system.pk}
    if name == "catalogue_resource_edit":
        return {**resource_form(w, name="学生学籍信息(修订)"), "version": w.conditional.version}
    return {
        "catalogue_resource_publish": {"version": w.conditional.version},
        "catalogue_interface_add": {"kind": "file", "name": "学籍交换目录", "address": "/exchange/xueji",
                                    "description": "每日交换"},
        "catalogue_interface_retire": {},
        "sharing_request_create": {"purpose": "核验"},
        "sharing_grant": {"valid_until": "", "reasons": "同意", "version": w.pending.version},
        "sharing_refuse": {"reasons": "涉及未成年人个人信息", "version": w.pending.version},
        "sharing_withdraw": {"version": w.pending.version},
        "sharing_use": {"used_on": local_today().isoformat(), "records": "35", "note": "签约核验"},
    }[name]


def state() -> tuple:
    return (list(InformationSystem.objects.order_by("pk").values()), list(CatalogueResource.objects.order_by("pk")
                                                                          .values()),
            list(SharingInterface.objects.order_by("pk").values()), list(SharingRequest.objects.order_by("pk")
                                                                         .values()),
            SharingUse.objects.count(), AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count())


def test_every_page_for_every_role(client_for, world):
    failures = page_failures(client_for, GETS, lambda name: url(name, world))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", list(POSTS))
def test_every_post_for_every_role(client_for, world, name):
    row = POSTS[name]
    clients = {role: client_for(role) for role in ROLES}  # signing in is audited: before the snapshots
    for role in ROLES:
        with rolled_back():
            before = state()
            response = clients[role].post(url(name, world), post_data(name, world))
            assert response.status_code == row[role], (role, response.status_code, response.content.decode()[-600:])
            after = state()
            if row[role] == 302 and role != "anon":
                assert after[-1] > before[-1], role  # the write was audited
                assert not response["Location"].startswith("/login/")
            else:
                assert after == before, role
            if row[role] == 403 and role != "anon" and name not in ("catalogue_system_new",
                                                                   "catalogue_resource_new"):
                assert re.search("第二十七条|第二十九条", response.content.decode()), role


def test_the_navigation_entries_by_role(client_for, world):
    def nav(role):
        html = client_for(role).get(reverse("web:home")).content.decode()
        return [key for key in re.findall(r'data-nav="([a-z_]+)"', html) if key in ("catalogue", "sharing")]

    assert {role: nav(role) for role in ROLES if role != "anon"} == {
        "admin": [], "drc": ["catalogue", "sharing"], "finance": ["catalogue"], "audit": ["catalogue", "sharing"],
        "cyber": ["catalogue"], "gov": ["catalogue"], "edu": ["catalogue", "sharing"],
        "health": ["catalogue", "sharing"], "supervisor": [], "expert": []}
    for path, key in [(url("catalogue_resource", world), "catalogue"), (url("catalogue_system", world), "catalogue"),
                      (url("sharing_request", world), "sharing")]:
        html = client_for("edu").get(path).content.decode()
        assert re.search(rf'nav-link active" href="[^"]+" data-nav="{key}"', html), path


# --- the catalogue browser and its exports ---------------------------------------------------------------------


def test_the_catalogue_searches_filters_and_marks_gaps(client_for, world):
    client = client_for("finance")
    html = client.get(reverse("web:catalogue_list")).content.decode()
    for resource in (world.conditional, world.unconditional, world.unshared, world.second):
        assert f'data-resource="{resource.pk}"' in html
    assert "未发布" in html and "未提供共享接口" in html and 'data-testid="resource-new-link"' not in html
    html = client.get(reverse("web:catalogue_list"), {"q": "身份证号"}).content.decode()  # an item's name
    assert f'data-resource="{world.conditional.pk}"' in html and f'data-resource="{world.second.pk}"' not in html
    html = client.get(reverse("web:catalogue_list"), {"sharing_type": "not_shared"}).content.decode()
    assert re.findall(r'data-resource="(\d+)"', html) == [str(world.unshared.pk)]
    assert "export.xlsx?sharing_type=not_shared" in html
    response = client.get(reverse("web:catalogue_list"), {"sharing_type": "sometimes", "q": "身份证"})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="filter-errors"' in html  # the bad filter ignored
    assert f'data-resource="{world.conditional.pk}"' in html and f'data-resource="{world.second.pk}"' not in html
    partial = client.get(reverse("web:catalogue_list"), {"q": "学校"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'data-testid="catalogue-table"' in partial.content.decode()
    assert 'data-testid="resource-new-link"' in client_for("edu").get(reverse("web:catalogue_list")).content.decode()


def test_the_exports_honour_the_filters_and_are_audited(client_for, world):
    client = client_for("gov")
    response = client.get(reverse("web:catalogue_export_json"), {"sharing_type": "conditional"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert sorted(d["dct:title"] for d in document["dcat:dataset"]) == ["学生学籍信息", "教师信息"]
    response = client.get(reverse("web:catalogue_export_xlsx"), {"q": "学校名录"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["学校名录"]
    events_ = AuditEvent.objects.filter(event_type=events.CATALOGUE_EXPORTED).order_by("seq")
    assert [e.reason for e in events_] == ["sharing_type=conditional", "q=学校名录"]
    assert client.get(reverse("web:catalogue_export_xlsx"), {"format": "pdf"}).status_code == 400
    assert events_.count() == 2
    secret_code = world.secret.code
    assert secret_code not in client_for("drc").get(reverse("web:catalogue_export_json")).content.decode()


# --- the resource form: metadata and information-item rows -------------------------------------------------------


def test_registering_a_resource_with_item_rows(client_for, world):
    client = client_for("edu")
    page = client.get(url("catalogue_resource_new", world)).content.decode()
    assert page.count('name="items-name"') == 3 and 'name="declared_id"' not in page  # no project: no declared
    assert f'value="{world.conditional.pk}"' in page  # a related-resource candidate
    response = client.post(url("catalogue_resource_new", world), {**resource_form(world), "system_id": world.system.pk})
    assert response.status_code == 302
    made = CatalogueResource.objects.get(name="学生体检信息")
    assert response["Location"] == reverse("web:catalogue_resource", args=[made.pk])
    assert [(i.position, i.name, i.data_type, i.sensitive) for i in made.items.all()] == [
        (1, "体检编号", "C", False), (2, "视力", "N", True)]
    assert list(made.related.values_list("pk", flat=True)) == [world.unconditional.pk]
    html = client.get(response["Location"]).content.decode()
    assert "已登记数据资源" in html and 'data-testid="sensitive"' in html and "学校名录" in html


def test_a_refused_resource_form_keeps_the_rows_and_names_the_fields(client_for, world):
    client = client_for("edu")
    target = url("catalogue_resource_new", world)
    bad = {**resource_form(world, name="", update_cycle="hourly"), "system_id": world.system.pk,
           **item_rows([("体检编号", "C", False), ("体检编号", "X", True)])}
    response = client.post(target, bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert {'data-testid="error-name"', 'data-testid="error-update_cycle"', 'data-testid="error-items"'} <= set(
        re.findall(r'data-testid="error-[a-z_]+"', html))
    assert "第2项" in html and html.count('value="体检编号"') == 2 and html.count("is-invalid") >= 3
    response = client.post(target, {**resource_form(world), "system_id": world.system.pk, **item_rows([])})
    assert response.status_code == 400 and "至少登记一个信息项" in response.content.decode()
    response = client.post(target, {**resource_form(world, sharing_conditions="  "), "system_id": world.system.pk})
    html = response.content.decode()
    assert response.status_code == 422 and 'data-testid="error-article"' in html and "第二十九条" in html
    assert 'data-testid="error-sharing_conditions"' in html and 'value="学生体检信息"' in html
    assert CatalogueResource.objects.count() == 4


def test_a_classified_system_takes_no_resource(client_for, world):
    client = client_for("edu")
    target = reverse("web:catalogue_resource_new") + f"?system={world.secret.pk}"
    assert 'data-testid="classified-system"' in client.get(target).content.decode()
    response = client.post(reverse("web:catalogue_resource_new"), {**resource_form(world), "system_id": world.secret.pk})
    assert response.status_code == 422 and "第五条" in response.content.decode()
    assert client_for("health").get(target).status_code == 404


def test_editing_a_resource_prefills_rows_and_refuses_a_stale_version(client_for, world):
    client = client_for("edu")
    target = url("catalogue_resource_edit", world)
    html = client.get(target).content.decode()
    assert 'value="学籍号"' in html and 'value="身份证号"' in html and 'value="入学日期"' in html
    assert f'name="version" value="{world.conditional.version}"' in html
    response = client.post(target, {**resource_form(world, name="学籍"), "version": world.conditional.version})
    assert response.status_code == 302
    assert [i.name for i in CatalogueResource.objects.get(pk=world.conditional.pk).items.all()] == ["体检编号", "视力"]
    response = client.post(target, {**resource_form(world, name="学籍2"), "version": world.conditional.version})
    assert response.status_code == 409 and 'data-status="409"' in response.content.decode()
    assert CatalogueResource.objects.get(pk=world.conditional.pk).name == "学籍"


def test_a_projects_system_offers_its_declared_resources(client_for, district):
    from itgov.approvals.models import DataResource, InitiationApplication
    from tests.api.conftest import project_maker

    project = project_maker(district)("proposed")
    application = (InitiationApplication.objects.filter(project=project).first()
                   or InitiationApplication.objects.create(project=project))
    declared = DataResource.objects.create(application=application, name="课后服务报名数据", direction="produced",
                                           sharing_type="conditional")
    edu = district.users["edu"]
    system = services.system_register(actor=edu, data={"name": "课后服务系统", "summary": "报名", "project_id": project.pk})
    client = client_for("edu")
    target = reverse("web:catalogue_resource_new") + f"?system={system.pk}"
    html = client.get(target).content.decode()
    assert 'name="declared_id"' in html and "课后服务报名数据" in html
    response = client.post(target.split("?")[0], {
        **{k: v for k, v in resource_payload(system).items() if k not in ("items", "system_id")},
        "system_id": system.pk, "declared_id": declared.pk, **item_rows([("报名编号", "C", False)])})
    assert response.status_code == 302
    resource = CatalogueResource.objects.get(system=system)
    assert resource.declared_id == declared.pk
    assert "课后服务报名数据" in client.get(response["Location"]).content.decode()


def test_the_item_row_fragment(client_for, world):
    response = client_for("edu").get(reverse("web:catalogue_item_row"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content.decode().count('name="items-name"') == 1
    assert client_for("finance").get(reverse("web:catalogue_item_row"), headers={"HX-Request": "true"}).status_code \
        == 403


# --- a resource's page --------------------------------------------------------------------------------------------


def test_the_resource_page_by_role(client_for, world):
    target = url("catalogue_resource", world)
    edu = client_for("edu").get(target).content.decode()
    assert "学籍核验接口" in edu and 'data-testid="retire-interface"' in edu and 'data-testid="interface-form"' in edu
    assert 'data-testid="resource-requests"' in edu and "区卫健委" in edu  # the provider sees the requests received
    assert 'data-testid="request-form"' not in edu and 'data-testid="publish"' not in edu
    assert edu.count('data-testid="sensitive"') == 1
    health = client_for("health").get(target).content.decode()
    assert 'data-testid="request-form"' in health and 'data-testid="retire-interface"' not in health
    assert 'data-testid="resource-edit-link"' not in health
    drc = client_for("drc").get(target).content.decode()
    assert 'data-testid="publish"' in drc and 'data-testid="resource-edit-link"' in drc
    finance = client_for("finance").get(target).content.decode()
    assert 'data-testid="resource-requests"' not in finance and 'data-testid="request-form"' not in finance
    unshared = client_for("health").get(url("catalogue_resource", world).replace(
        str(world.conditional.pk), str(world.unshared.pk))).content.decode()
    assert "《中华人民共和国未成年人保护法》第四条" in unshared and 'data-testid="request-form"' not in unshared


def test_publishing_and_interfaces(client_for, world):
    drc = client_for("drc")
    response = drc.post(url("catalogue_resource_publish", world), {"version": world.conditional.version}, follow=True)
    assert "已发布" in response.content.decode()
    assert CatalogueResource.objects.get(pk=world.conditional.pk).published_on == local_today()
    fresh = CatalogueResource.objects.get(pk=world.conditional.pk)
    response = drc.post(url("catalogue_resource_publish", world), {"version": fresh.version})
    assert response.status_code == 409 and "该数据资源今日已发布" in response.content.decode()
    edu = client_for("edu")
    response = edu.post(url("catalogue_interface_add", world), {"kind": "", "name": "", "address": ""})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-kind"' in html and 'data-testid="error-address"' in html
    assert edu.post(url("catalogue_interface_retire", world)).status_code == 302
    response = edu.post(url("catalogue_interface_retire", world))
    assert response.status_code == 409 and "该接口已停用" in response.content.decode()
    unshared = reverse("web:catalogue_interface_add", args=[world.unshared.pk])
    assert edu.post(unshared, post_data("catalogue_interface_add", world)).status_code == 409
    assert SharingInterface.objects.filter(active=True).count() == 0


# --- sharing ------------------------------------------------------------------------------------------------------


def test_requesting_answering_and_recording_uses(client_for, world):
    health, edu = client_for("health"), client_for("edu")
    target = reverse("web:sharing_request_create", args=[world.conditional.pk])
    response = health.post(target, {"purpose": "再次申请"})
    assert response.status_code == 409 and "已有待答复的申请" in response.content.decode()
    response = health.post(reverse("web:sharing_request_create", args=[world.unconditional.pk]), {"purpose": "x"})
    assert response.status_code == 422 and "第二十九条" in response.content.decode()
    response = health.post(target, {"purpose": ""})
    assert response.status_code == 400 and 'data-testid="error-purpose"' in response.content.decode()

    page = url("sharing_request", world)
    html = edu.get(page).content.decode()
    assert 'data-testid="grant-form"' in html and 'data-testid="refuse-form"' in html
    assert 'data-testid="withdraw"' in health.get(page).content.decode()
    assert 'data-testid="withdraw"' not in html  # the provider answers, it does not withdraw
    response = edu.post(url("sharing_refuse", world), {"reasons": " ", "version": world.pending.version})
    html = response.content.decode()
    assert response.status_code == 422 and "第二十九条" in html and 'data-testid="error-reasons"' in html
    response = edu.post(url("sharing_grant", world), {"valid_until": local_today().isoformat(), "reasons": ""})
    assert response.status_code == 400 and "须晚于今天" in response.content.decode()
    until = local_today() + dt.timedelta(days=30)
    response = edu.post(url("sharing_grant", world), {"valid_until": until.isoformat(), "reasons": "同意,限医保核验",
                                                      "version": world.pending.version}, follow=True)
    html = response.content.decode()
    assert "已同意共享" in html and 'data-state="granted"' in html and until.isoformat() in html
    assert 'data-testid="use-form"' not in html  # the provider records no use

    html = health.get(page).content.decode()
    assert 'data-testid="use-form"' in html and 'data-testid="uses-empty"' in html
    response = health.post(reverse("web:sharing_use", args=[world.pending.pk]),
                           {"used_on": (local_today() - dt.timedelta(days=1)).isoformat(), "records": "3"})
    assert response.status_code == 400 and "不得早于同意共享的日期" in response.content.decode()
    response = health.post(reverse("web:sharing_use", args=[world.pending.pk]),
                           {"used_on": local_today().isoformat(), "records": "120", "note": "医保核验"}, follow=True)
    html = response.content.decode()
    assert "已登记" in html and html.count('data-testid="use"') == 1 and "医保核验" in html
    assert response.redirect_chain[-1][0].endswith("#uses")


def test_withdrawing_and_a_stale_answer(client_for, world):
    health, edu = client_for("health"), client_for("edu")
    version = world.pending.version
    assert health.post(url("sharing_withdraw", world), {"version": version}).status_code == 302
    response = edu.post(url("sharing_grant", world), {"reasons": "", "version": version})
    assert response.status_code == 409 and 'data-testid="grant-form"' not in response.content.decode()
    assert SharingRequest.objects.get(pk=world.pending.pk).status == "withdrawn"


def test_the_sharing_list_by_state_and_direction(client_for, world):
    SharingRequest.objects.filter(pk=world.pending.pk).update(due_on=local_today() - dt.timedelta(days=1))
    health = client_for("health")
    html = health.get(reverse("web:sharing_list")).content.decode()
    assert 'data-state="overdue"' in html and 'data-state="granted"' in html
    assert re.search(r'data-status="overdue"[^>]*>[^<]*<span[^>]*>1<', html)
    html = health.get(reverse("web:sharing_list"), {"status": "granted"}).content.decode()
    assert f'data-request="{world.granted.pk}"' in html and f'data-request="{world.pending.pk}"' not in html
    html = health.get(reverse("web:sharing_list"), {"direction": "received"}).content.decode()
    assert 'data-testid="sharing-empty"' in html
    html = client_for("edu").get(reverse("web:sharing_list"), {"direction": "received"}).content.decode()
    assert len(re.findall(r'<tr data-request="', html)) == 2
    html = client_for("audit").get(reverse("web:sharing_list")).content.decode()
    assert 'data-testid="direction-tabs"' not in html and len(re.findall(r'<tr data-request="', html)) == 2
    html = client_for("edu").get(url("sharing_request", world)).content.decode()
    assert 'data-testid="overdue"' in html


# --- systems and completeness -------------------------------------------------------------------------------------


def test_systems_list_register_and_edit(client_for, world):
    health = client_for("health")
    html = health.get(reverse("web:catalogue_systems")).content.decode()
    assert f'data-system="{world.system.pk}"' in html and world.secret.code not in html
    html = client_for("edu").get(reverse("web:catalogue_systems")).content.decode()
    assert world.secret.code in html and 'data-testid="classified"' in html
    html = client_for("drc").get(reverse("web:catalogue_systems"), {"status": "building"}).content.decode()
    assert 'data-testid="systems-empty"' in html
    response = health.post(reverse("web:catalogue_system_new"), {"name": "", "summary": "", "status": "sometimes"})
    html = response.content.decode()
    assert response.status_code == 400 and {"error-name", "error-summary", "error-status"} <= set(
        re.findall(r'data-testid="(error-[a-z_]+)"', html))
    response = health.post(reverse("web:catalogue_system_new"), {"name": "家庭医生签约系统", "summary": "签约服务"})
    made = InformationSystem.objects.get(name="家庭医生签约系统")
    assert response["Location"] == reverse("web:catalogue_system", args=[made.pk])
    assert made.owner_unit == world.district.health and made.status == "operating"
    html = health.get(response["Location"]).content.decode()
    assert 'data-testid="no-resources"' in html and 'data-testid="system-edit-form"' in html
    response = client_for("edu").post(reverse("web:catalogue_system_edit", args=[world.system.pk]), {
        "name": "学籍", "summary": "x", "status": "operating", "version": world.system.version + 5})
    assert response.status_code == 409 and 'data-testid="system-edit-form"' in response.content.decode()
    html = client_for("drc").get(reverse("web:catalogue_system_new")).content.decode()
    assert f'value="{world.district.health.pk}"' in html  # DRC registers for any unit


def test_the_system_page_lists_its_resources_with_gaps(client_for, world):
    html = client_for("cyber").get(url("catalogue_system", world)).content.decode()
    for resource in (world.conditional, world.unconditional, world.unshared, world.second):
        assert f'data-resource="{resource.pk}"' in html
    assert "未发布" in html and 'data-testid="system-edit-form"' not in html
    html = client_for("edu").get(url("catalogue_system_secret", world)).content.decode()
    assert 'data-testid="system-resources"' not in html and "第五条" in html


def test_the_completeness_page(client_for, world):
    from tests.factories import ProjectFactory

    project = ProjectFactory(owner_unit=world.district.health, name="区卫健委已运行项目", status="in_operation")
    services.system_register(actor=world.health, data={"name": "空系统", "summary": "x"})
    html = client_for("audit").get(reverse("web:catalogue_completeness")).content.decode()
    assert f'data-unit="{world.district.edu.pk}"' in html and f'data-unit="{world.district.health.pk}"' in html
    assert 'data-testid="system-without-resources"' in html and project.name in html
    assert re.search(r'data-total="resources">4<', html)
    assert world.secret.code not in html


# --- queries --------------------------------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_pages_queries_do_not_grow_with_the_records(client_for, world):
    edu, health, drc = client_for("edu"), client_for("health"), client_for("drc")
    pages = [(edu, reverse("web:catalogue_list")), (edu, url("catalogue_resource", world)),
             (edu, url("catalogue_resource_edit", world)), (drc, reverse("web:catalogue_systems")),
             (edu, url("catalogue_system", world)), (health, reverse("web:sharing_list")),
             (health, reverse("web:sharing_request", args=[world.granted.pk])), (edu, url("sharing_request", world)),
             (drc, reverse("web:catalogue_completeness")), (edu, reverse("web:catalogue_resource_new"))]
    for client, path in pages:
        client.get(path)  # warm
    before = [_queries(client, path) for client, path in pages]
    for n in range(12):  # more resources with items and interfaces, related; more requests and uses; more systems
        system = services.system_register(actor=world.edu, data={"name": f"系统{n}", "summary": "x"})
        resource = services.resource_register(actor=world.edu, data=resource_payload(
            system, name=f"资源{n}", related_ids=[world.conditional.pk],
            items=[{"name": f"项{k}", "data_type": "C", "sensitive": k == 0} for k in range(3)]))
        services.interface_register(actor=world.edu, resource=resource, data={
            "kind": "api", "name": f"接口{n}", "address": f"/api/{n}", "description": ""})
        services.interface_register(actor=world.edu, resource=world.conditional, data={
            "kind": "file", "name": f"交换{n}", "address": f"/x/{n}", "description": ""})
        request = services.sharing_request(actor=world.health, data={"resource_id": resource.pk, "purpose": "核验"})
        if n % 2:
            services.sharing_grant(actor=world.edu, request=request, data={})
        services.sharing_use(actor=world.health, request=world.granted, data={
            "used_on": local_today().isoformat(), "records": n})
    assert CatalogueResource.objects.count() == 16
    assert [_queries(client, path) for client, path in pages] == before

