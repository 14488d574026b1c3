"""Fixtures for the page tests: clients signed in as each role of the `district`, and a few projects."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from itgov.projects import services
from tests.factories import ProjectFactory


@pytest.fixture
def client_for(district):
    """client_for("edu") → a Client signed in as that user of the district ("anon" for nobody)."""
    clients = {}

    def make(role: str) -> Client:
        if role not in clients:
            client = Client()
            if role != "anon":
                client.force_login(district.users[role])
            clients[role] = client
        return clients[role]

    return make


@pytest.fixture
def projects(district):
    """Projects of edu and health in the states the pages care about."""
    edu, drc, health = district.users["edu"], district.users["drc"], district.users["health"]
    ns = SimpleNamespace()
    ns.edu_draft = ProjectFactory(owner_unit=district.edu, name="区教育局智慧校园草稿项目")
    ns.edu_proposed = services.project_submit_proposal(
        actor=edu, project=ProjectFactory(owner_unit=district.edu, name="区教育局教育资源平台项目"))
    ns.edu_reserve = services.project_admit(
        actor=drc, project=services.project_submit_proposal(
            actor=edu, project=ProjectFactory(owner_unit=district.edu, name="区教育局入库项目")),
        no_task_reason="基础支撑类项目")
    ns.edu_classified = services.project_submit_proposal(
        actor=edu, project=ProjectFactory(owner_unit=district.edu, name="区教育局涉密专网项目", classified=True,
                                          necessity="", construction_content="", data_sharing_intent=""))
    ns.health_draft = ProjectFactory(owner_unit=district.health, name="区卫健委健康档案草稿项目")
    ns.health_proposed = services.project_submit_proposal(
        actor=health, project=ProjectFactory(owner_unit=district.health, name="区卫健委基层医疗平台项目"))
    return ns
