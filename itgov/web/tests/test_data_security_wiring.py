"""The catalogue and security on the pages every role starts from: 我的待办's data and security steps, the project
page's information systems and, for DRC, the duplicate-detection panel (art. 3, 18, 27, 29, 30)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from itgov.catalogue import services as catalogue
from itgov.catalogue.tests.conftest import resource_payload
from itgov.core.dates import local_today
from itgov.security import services as security

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_home_shows_requests_to_answer_and_findings_to_remediate(client, district):
    edu, health, cyber = district.users["edu"], district.users["health"], district.users["cyber"]
    system = catalogue.system_register(actor=edu, data={"name": "学籍管理系统", "summary": "中小学学籍管理"})
    resource = catalogue.resource_register(actor=edu, data=resource_payload(system))
    catalogue.sharing_request(actor=health, data={"resource_id": resource.pk, "purpose": "核验身份"})
    security.finding_raise(actor=cyber, system=system, data={
        "description": "弱口令", "severity": "high", "due_on": (local_today() + dt.timedelta(days=5)).isoformat()})

    page = _client(client, edu).get(reverse("web:home"))
    assert page.status_code == 200
    todo = {item["label"]: item for item in page.context["data_todo"]}
    assert todo["待答复的共享申请"]["count"] == 1
    assert "direction=received" in todo["待答复的共享申请"]["url"]
    assert todo["待整改的安全问题"]["count"] == 1
    assert todo["待整改的安全问题"]["url"] == reverse("web:catalogue_systems")
    assert "待答复的共享申请" in page.content.decode()

    # the consumer has nothing to answer; the Cyberspace Office sees the finding on its board
    assert _client(client, health).get(reverse("web:home")).context["data_todo"] == []
    cyber_todo = _client(client, cyber).get(reverse("web:home")).context["data_todo"]
    assert [(i["label"], i["count"], i["url"]) for i in cyber_todo] == [
        ("待整改的安全问题", 1, reverse("web:security_board"))]
    for name in ("finance", "gov", "supervisor", "expert"):
        assert _client(client, district.users[name]).get(reverse("web:home")).context["data_todo"] == []


def test_project_page_lists_its_systems_and_shows_drc_the_similar_ones(client, district):
    from tests.acceptance_world import acceptance_maker

    world = acceptance_maker(district)("trial_operation")
    other = catalogue.system_register(actor=district.users["health"], data={
        "name": world.project.name.replace("项目", "平台"), "summary": world.project.construction_content})
    url = reverse("web:project_detail", args=[world.project.pk])

    page = _client(client, district.users["drc"]).get(url)
    html = page.content.decode()
    assert world.system.code in html and 'data-testid="project-systems"' in html
    assert other.pk in [row["object_id"] for row in page.context["similar"] if row["kind"] == "system"]

    page = _client(client, world.owner).get(url)
    assert page.context["similar"] is None and page.context["can_register_system"]
    assert reverse("web:catalogue_system_new") + f"?project={world.project.pk}" in page.content.decode()
    page = _client(client, district.users["finance"]).get(url)
    assert page.context["similar"] is None and not page.context["can_register_system"]
    assert [s.pk for s in page.context["systems"]] == [world.system.pk]
