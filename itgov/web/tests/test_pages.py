"""Page content: the workbench, the project list with filters and htmx, the detail page, the rules page,
and the English interface."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_home_todo_for_owner_drc_and_others(client_for, projects):
    edu = client_for("edu").get("/").content.decode()
    drc = client_for("drc").get("/").content.decode()
    finance = client_for("finance").get("/").content.decode()

    assert projects.edu_draft.name in edu and projects.health_draft.name not in edu
    assert projects.edu_proposed.name in drc and projects.health_proposed.name in drc
    assert projects.edu_classified.name in drc  # DRC reviews classified proposals too (art. 5)
    assert projects.edu_draft.name not in drc.split('id="activity-title"')[0]
    assert 'data-testid="todo-empty"' in finance
    assert 'data-testid="new-project"' in edu and 'data-testid="new-project"' not in drc


def test_home_activity_lists_visible_project_events_only(client_for, projects):
    health = client_for("health").get("/").content.decode()
    activity = health.split('data-testid="activity"')[1]
    assert projects.health_proposed.name in activity
    assert projects.edu_proposed.name not in activity


def test_list_filters(client_for, district):
    ProjectFactory(owner_unit=district.edu, name="甲项目大额平台", estimated_investment=Decimal("5000000"))
    ProjectFactory(owner_unit=district.edu, name="乙项目小额系统", estimated_investment=Decimal("200000"),
                   kind="standards", construction_type="upgrade")
    client = client_for("edu")

    def names(**params):
        html = client.get("/projects/", params).content.decode()
        return {n for n in ("甲项目大额平台", "乙项目小额系统") if n in html}

    assert names() == {"甲项目大额平台", "乙项目小额系统"}
    assert names(min_wan="100") == {"甲项目大额平台"}        # 500万元 ≥ 100万元
    assert names(max_wan="20") == {"乙项目小额系统"}          # 20万元 ≤ 20万元
    assert names(kind="standards") == {"乙项目小额系统"}
    assert names(construction_type="upgrade") == {"乙项目小额系统"}
    assert names(q="大额") == {"甲项目大额平台"}
    assert names(status="proposed") == set()
    assert names(owner_unit=district.health.pk) == set()


def test_list_bad_filter_is_400_and_shown(client_for, district):
    response = client_for("edu").get("/projects/", {"min_wan": "abc", "max_wan": "-1", "status": "nope"})
    assert response.status_code == 400
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_list_htmx_returns_the_table_fragment_and_paginates(client_for, district):
    for _ in range(25):
        ProjectFactory(owner_unit=district.edu)
    client = client_for("edu")

    full = client.get("/projects/")
    fragment = client.get("/projects/", {"page": 2}, headers={"HX-Request": "true"})

    assert "<html" in full.content.decode() and 'data-testid="next-page"' in full.content.decode()
    html = fragment.content.decode()
    assert "<html" not in html and 'data-testid="project-table"' in html
    assert html.count("<tr>") == 1 + 5  # header + the 5 on page 2
    assert "HX-Request" in fragment["Vary"]
    restore = client.get("/projects/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_detail_shows_stepper_compliance_history_in_wan(client_for, projects):
    html = client_for("drc").get(f"/projects/{projects.edu_proposed.pk}/").content.decode()
    assert "120.00" in html  # 1,200,000 yuan
    assert 'class="itgov-step is-done"' in html and 'class="itgov-step is-current"' in html
    assert "第二十八条" in html and "符合" in html
    assert "提交入库申请" in html  # history


def test_withdrawn_project_shows_as_withdrawn(client_for, projects):
    client = client_for("edu")
    project = projects.edu_reserve
    client.post(f"/projects/{project.pk}/actions/withdraw/", {"reason": "并入全区统一平台建设",
                                                              "version": project.version})
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "is-withdrawn" in html and "is-current" not in html
    assert "并入全区统一平台建设" in html


def test_rules_page_lists_every_rule_and_the_profile(client_for, policy, district):
    from itgov.rules.registry import all_rules

    html = client_for("finance").get("/rules/").content.decode()
    for rule in all_rules():
        assert f'data-rule="{rule.id}"' in html
    assert policy.name in html
    assert "2021-12-31" in html
    assert "supervision_threshold" in html


def test_english_interface(client_for, projects):
    client = client_for("drc")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    assert response.status_code == 302

    home = client.get("/").content.decode()
    detail = client.get(f"/projects/{projects.edu_proposed.pk}/").content.decode()

    assert '<html lang="en">' in home
    assert "My to-do list" in home and "我的待办" not in home
    assert "Workbench" in home
    assert "Compliance check" in detail and "Art. 28" in detail
    assert "Admit to the reserve" in detail
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的待办" in client.get("/").content.decode()


def test_error_templates_render_without_a_request():
    from django.template.loader import render_to_string

    assert "400" in render_to_string("400.html")
    assert "系统错误" in render_to_string("500.html")


def test_csrf_failure_is_a_clear_403(district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(district.users["edu"])
    response = client.post("/logout/")
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_head_requests_are_answered(client_for, projects):
    assert client_for("edu").head("/projects/").status_code == 200


def test_a_suspended_project_stands_at_construction_on_the_stepper(client_for, district):
    import re

    from itgov.construction import services
    from tests.construction_world import construction_maker

    # given a project in construction that DRC suspends (art. 21)
    world = construction_maker(district)("in_construction")
    services.construction_suspend(actor=district.users["drc"], project=world.project, data={"reason": "严重逾期"})

    # then its page shows every earlier step done and 建设中 as the current one
    html = client_for("edu").get(f"/projects/{world.project.pk}/").content.decode()
    current = re.findall(r'class="itgov-step is-current".*?</li>', html, re.S)
    assert len(current) == 1 and "建设中" in current[0]
    assert html.count('class="itgov-step is-done"') == 8
    # and its risk rating, linked to the construction page (suspended, on schedule and on cost: still low risk)
    risk = html.split('data-testid="project-risk"')[1].split("</div>")[0]
    assert "低风险" in risk and "综合评级 5.00" in risk and f"/projects/{world.project.pk}/construction/#risk" in risk
