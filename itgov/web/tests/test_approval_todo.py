"""我的待办 in the approval stage: each role finds the step waiting for it, with a link to the page where it is
taken, and loses it once taken."""

from __future__ import annotations

import re

from django.urls import reverse

from itgov.approvals import services
from tests.approvals_world import approval_maker


def _steps(client) -> dict[str, str]:
    """Project name → the step link's label, as the workbench shows them."""
    html = client.get(reverse("web:home")).content.decode()
    items = re.findall(r'<li class="list-group-item itgov-todo">(.*?)</li>', html, re.S)
    found = {}
    for item in items:
        name = re.search(r'class="fw-semibold" href="[^"]+">([^<]+)</a>', item).group(1)
        step = re.search(r'href="([^"]+)" data-testid="todo-step">([^<]+)</a>', item)
        found[name] = (step.group(2), step.group(1)) if step else None
    return found


def test_drc_finance_and_the_expert_each_find_their_step(client_for, district):
    make = approval_maker(district)
    submitted, reviewing, approved = make("submitted"), make("under_review"), make("approved", panel=False)
    services.panel_add(actor=district.users["drc"], project=reviewing.project, data={"expert_id": district.expert.pk})

    drc, finance, expert = (_steps(client_for(role)) for role in ("drc", "finance", "expert"))

    review = reverse("web:approval_review", args=[submitted.project.pk])
    assert drc[submitted.project.name] == ("立项审查", review)
    assert drc[reviewing.project.name][0] == "立项审查"
    assert approved.project.name not in drc
    assert finance == {approved.project.name: ("编列项目预算", reverse("web:approval_budget",
                                                                   args=[approved.project.pk]))}
    assert expert == {reviewing.project.name: ("提交评审意见", reverse("web:expert_opinion",
                                                                   args=[reviewing.project.pk]))}


def test_a_participant_is_asked_again_after_the_lead_edits_the_joint_application(client_for, district):
    # given a joint application of edu, confirmed by health
    world = approval_maker(district)("drafted", joint=True)
    name = world.project.name
    assert name not in _steps(client_for("health"))
    assert _steps(client_for("edu"))[name][0] == "编制立项申请"

    # when the lead edits it, health must confirm the new version
    services.application_save(actor=world.owner, project=world.project, data={"scale": "覆盖全区13个街道。"})

    assert _steps(client_for("health"))[name] == ("确认联合申请",
                                                 reverse("web:application_detail", args=[world.project.pk]))
