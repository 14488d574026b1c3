"""The project form and the transition forms: bad input is a 400 naming the field and saves nothing; a rule
of the measures refuses with its article (422); a stale version is a conflict (409); success redirects."""

from __future__ import annotations

import re

import pytest

from itgov.audit.models import AuditEvent
from itgov.projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "区教育局智慧课堂建设项目", "kind": "business_system", "construction_type": "new",
    "estimated_investment": "860000.00", "responsible_person": "李四", "responsible_phone": "025-83331111",
    "necessity": "现有课堂互动工具分散,难以统一管理。", "construction_content": "建设课堂互动与学情分析模块。",
    "data_sharing_intent": "学情统计数据按有条件共享编入全区目录。", "plan_task": "",
}


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{field}">(.*?)</div>\s*</div>', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize(("change", "field"), [
    ({"estimated_investment": "-5"}, "estimated_investment"),
    ({"estimated_investment": "1e15"}, "estimated_investment"),
    ({"estimated_investment": "12.345"}, "estimated_investment"),
    ({"estimated_investment": "abc"}, "estimated_investment"),
    ({"name": ""}, "name"),
    ({"name": "短"}, "name"),
    ({"kind": "space_station"}, "kind"),
    ({"construction_type": "demolish"}, "construction_type"),
    ({"necessity": "很" * 6000}, "necessity"),
    ({"construction_content": "x" * 6000}, "construction_content"),
    ({"responsible_phone": "call me maybe"}, "responsible_phone"),
    ({"plan_task": "999999"}, "plan_task"),
])
def test_bad_input_is_400_naming_the_field_and_saves_nothing(change, field, client_for, district):
    client = client_for("edu")
    count, events = Project.objects.count(), AuditEvent.objects.count()

    response = client.post("/projects/new/", {**GOOD, **change})

    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, field), f"no error shown on {field}"
    assert 'data-testid="form-error"' in html
    assert Project.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_create_redirects_to_the_new_draft(client_for, district):
    response = client_for("edu").post("/projects/new/", GOOD)

    project = Project.objects.get(name=GOOD["name"])
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.status, project.owner_unit, project.classified) == ("draft", district.edu, False)
    assert AuditEvent.objects.filter(event_type="project.created", project_id=project.pk).count() == 1
    page = client_for("edu").get(response["Location"]).content.decode()
    assert "已创建项目草稿" in page
    assert "86.00" in page  # 860000 yuan shown as 86.00 万元


def test_a_classified_project_with_content_is_refused_citing_article_5(client_for, district):
    response = client_for("edu").post("/projects/new/", {**GOOD, "classified": "on"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "第五条" in html
    assert field_errors(html, "necessity")
    assert not Project.objects.filter(name=GOOD["name"]).exists()


def test_submit_without_data_sharing_shows_article_28(client_for, district):
    project = ProjectFactory(owner_unit=district.edu, data_sharing_intent="")
    client = client_for("edu")

    response = client.post(f"/projects/{project.pk}/actions/submit_proposal/", {"version": project.version})

    assert response.status_code == 422
    html = response.content.decode()
    assert "第二十八条" in html
    assert 'data-testid="error-article"' in html
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.status, fresh.version) == ("draft", project.version)
    assert AuditEvent.objects.filter(event_type="rule.refused", project_id=project.pk).count() == 1


def test_edit_saves_with_the_version_and_a_stale_version_is_409(client_for, district):
    project = ProjectFactory(owner_unit=district.edu)
    client = client_for("edu")
    form = client.get(f"/projects/{project.pk}/edit/")
    assert form.status_code == 200
    assert f'name="version" value="{project.version}"' in form.content.decode()

    saved = client.post(f"/projects/{project.pk}/edit/", {**GOOD, "name": "改名后的测试项目", "version": 1})
    stale = client.post(f"/projects/{project.pk}/edit/", {**GOOD, "name": "另一个人的改名", "version": 1})

    assert saved.status_code == 302
    assert stale.status_code == 409
    assert 'data-status="409"' in stale.content.decode()
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.name, fresh.version) == ("改名后的测试项目", 2)


def test_edit_can_clear_the_classified_flag_and_text(client_for, district):
    project = ProjectFactory(owner_unit=district.edu, classified=True, necessity="", construction_content="",
                             data_sharing_intent="")
    data = {**GOOD, "version": project.version}  # no "classified" key: the box is unchecked

    response = client_for("edu").post(f"/projects/{project.pk}/edit/", data)

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).classified is False


def test_malformed_version_is_400(client_for, district):
    project = ProjectFactory(owner_unit=district.edu)
    response = client_for("edu").post(f"/projects/{project.pk}/edit/", {**GOOD, "version": "abc"})
    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).version == project.version


def test_the_whole_proposal_flow_through_the_pages(client_for, district):
    edu, drc = client_for("edu"), client_for("drc")
    edu.post("/projects/new/", GOOD)
    project = Project.objects.get(name=GOOD["name"])

    submitted = edu.post(f"/projects/{project.pk}/actions/submit_proposal/", {"version": 1})
    no_reason = drc.post(f"/projects/{project.pk}/actions/admit/", {"version": 2})
    admitted = drc.post(f"/projects/{project.pk}/actions/admit/", {"version": 2, "no_task_reason": "基础支撑"})

    assert submitted.status_code == 302
    assert no_reason.status_code == 422 and "第六条" in no_reason.content.decode()
    assert admitted.status_code == 302 and admitted["Location"] == f"/projects/{project.pk}/"
    project.refresh_from_db()
    assert (project.status, project.reserve_no_task_reason) == ("in_reserve", "基础支撑")
    assert "已完成" in drc.get(admitted["Location"]).content.decode()


def test_return_needs_a_reason_and_lands_in_the_owners_todo(client_for, district, projects):
    drc, edu = client_for("drc"), client_for("edu")
    project = projects.edu_proposed

    empty = drc.post(f"/projects/{project.pk}/actions/return_for_revision/", {"reason": "  "})
    returned = drc.post(f"/projects/{project.pk}/actions/return_for_revision/", {"reason": "请补充数据共享方式"})

    assert empty.status_code == 422 and "第七条" in empty.content.decode()
    # DRC no longer sees the draft: it is sent to the list, not to a 404.
    assert returned.status_code == 302 and returned["Location"] == "/projects/"
    home = edu.get("/").content.decode()
    assert "请补充数据共享方式" in home
    assert project.name in home


def test_transition_form_shows_the_fields_it_needs(client_for, projects):
    admit = client_for("drc").get(f"/projects/{projects.edu_proposed.pk}/actions/admit/").content.decode()
    ret = client_for("drc").get(f"/projects/{projects.edu_proposed.pk}/actions/return_for_revision/").content.decode()
    submit = client_for("edu").get(f"/projects/{projects.edu_draft.pk}/actions/submit_proposal/").content.decode()

    assert 'name="no_task_reason"' in admit and 'name="reason"' not in admit
    assert 'name="reason"' in ret and 'name="no_task_reason"' not in ret
    assert "<textarea" not in submit


def test_too_long_reason_is_400(client_for, projects):
    project = projects.edu_proposed
    response = client_for("drc").post(f"/projects/{project.pk}/actions/return_for_revision/",
                                      {"reason": "x" * 2001})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "reason")
    assert Project.objects.get(pk=project.pk).status == "proposed"


def test_stale_transition_is_409(client_for, projects):
    project = projects.edu_proposed
    response = client_for("drc").post(f"/projects/{project.pk}/actions/admit/",
                                      {"version": project.version - 1, "no_task_reason": "x"})
    assert response.status_code == 409
    assert Project.objects.get(pk=project.pk).status == "proposed"
