"""我的待办 (the workbench) brings each role to its acceptance and operation step (art. 22–24, 12): the owner unit to
apply, rectify, file with Finance, go live and report its self-evaluation (only once the window has opened); DRC to
schedule, then decide; the expert of the group to give its opinion; Finance to confirm a filing and decide O&M
funds. Another unit sees none of it."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.acceptance import services as acceptance
from itgov.core.dates import add_months, local_today
from itgov.operation import services as operation
from itgov.operation.selectors import evaluation_due_cutoff
from itgov.operation.tests.world import add_contract, operation_maker
from tests.acceptance_world import acceptance_maker, fresh

from .test_control_pages import todo_links

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def page(project) -> str:
    return f"/projects/{project.pk}/acceptance/"


def test_the_acceptance_steps_of_each_role(client_for, district):
    make = acceptance_maker(district)
    trial, applied, rectifying = make("trial_operation"), make("acceptance_applied"), make("rectifying")
    assert todo_links(client_for("edu"))["申请竣工验收"] == page(trial.project)
    assert todo_links(client_for("edu"))["验收整改并重新申请"] == page(rectifying.project)
    # DRC schedules the applied one, then (organised) decides it
    assert todo_links(client_for("drc"))["安排竣工验收"] == page(applied.project)
    acceptance.acceptance_schedule(actor=applied.drc, project=fresh(applied.project),
                                   data={"scheduled_on": local_today().isoformat()})
    seat = acceptance.expert_add(actor=applied.drc, project=fresh(applied.project),
                                 data={"expert_id": district.expert.pk})
    assert todo_links(client_for("drc"))["作出验收结论"] == page(applied.project)
    # the expert of the group gives its opinion; once given, nothing waits for it
    assert todo_links(client_for("expert"))["提交验收意见"] == page(applied.project)
    acceptance.expert_opinion(actor=district.users["expert"], project=fresh(applied.project), seat=seat,
                              data={"opinion": "passed", "opinion_text": "同意"})
    assert "提交验收意见" not in todo_links(client_for("expert"))
    # another unit sees nothing of edu's
    assert not set(todo_links(client_for("health"))) & {"申请竣工验收", "验收整改并重新申请"}


def test_the_filing_and_operation_steps_of_each_role(client_for, district):
    world = acceptance_maker(district)("accepted")
    links = todo_links(client_for("edu"))
    assert links["验收结果报财政局备案"] == page(world.project)
    acceptance.filing_record(actor=world.owner, project=fresh(world.project),
                             data={"filed_on": local_today().isoformat()})
    assert todo_links(client_for("finance"))["确认验收备案"] == page(world.project)
    acceptance.filing_receive(actor=district.users["finance"], project=fresh(world.project))
    assert "确认验收备案" not in todo_links(client_for("finance"))
    operation_page = f"/projects/{world.project.pk}/operation/"
    assert todo_links(client_for("edu"))["投入正式运行"] == operation_page


def test_the_self_evaluation_waits_from_the_day_the_window_opens(client_for, district, district_settings):
    today = local_today()
    cutoff = evaluation_due_cutoff(today, {"self_evaluation_window": {"min": 12, "max": 24}})
    assert add_months(cutoff, 12) <= today < add_months(cutoff + DAY, 12)
    opened = operation_maker(district)("in_operation", g=cutoff)
    not_yet = operation_maker(district)("in_operation", g=cutoff + DAY)
    for world in (opened, not_yet):  # filed with Finance (else that step comes first)
        acceptance.filing_record(actor=world.owner, project=fresh(world.project),
                                 data={"filed_on": today.isoformat()})
    links = [link for label, link in todo_links(client_for("edu")).items() if label == "报送绩效自评价"]
    assert links == [f"/projects/{opened.project.pk}/operation/"]
    assert f"/projects/{not_yet.project.pk}/operation/" not in todo_links(client_for("edu")).values()


def test_finance_is_asked_to_decide_o_and_m_funds(client_for, district):
    world = operation_maker(district)("in_operation")
    add_contract(world.project, local_today() - DAY)
    operation.funding_request(actor=world.owner, project=fresh(world.project), data={
        "year": local_today().year + 1, "requested_amount": "50000.00", "justification": "运维服务"})
    assert todo_links(client_for("finance"))["审核运维经费"] == f"/projects/{world.project.pk}/operation/"
    assert "审核运维经费" not in todo_links(client_for("drc"))
