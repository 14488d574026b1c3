"""The catalogue's and security's project rules as a project's standing (the compliance panel): the produced
resources in the catalogue (art. 27) pending before the trial run, violated after it, met once registered — by the
declaration or by name; the findings remediated on time (art. 30)."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.catalogue import services
from itgov.core.dates import local_today
from itgov.projects.models import Project
from itgov.rules.registry import Case, evaluate, get_rule
from itgov.security import services as security
from tests.construction_world import construction_maker

from .conftest import resource_payload

pytestmark = pytest.mark.django_db


def _standing(rule_id: str, project, day=None):
    fresh = Project.objects.select_related("owner_unit").get(pk=project.pk)
    return evaluate(get_rule(rule_id), Case(subject=fresh, action="project.compliance", on=day or local_today()), {})


def test_produced_resources_pending_before_the_trial_then_required(district):
    world = construction_maker(district)("in_construction")
    outcome = _standing("art27.produced_resources_catalogued", world.project)
    assert (outcome.status, outcome.reason) == ("pending", "验收前须登记:业务办件信息")

    Project.objects.filter(pk=world.project.pk).update(status="trial_operation")
    outcome = _standing("art27.produced_resources_catalogued", world.project)
    assert (outcome.status, outcome.fields) == ("violated", {"data_resources": "未登记:业务办件信息"})

    # registered under the same name, without naming the declaration: it counts
    system = services.system_register(actor=world.owner, data={"name": "办件系统", "summary": "办件",
                                                               "project_id": world.project.pk})
    services.resource_register(actor=world.owner, data=resource_payload(system, name=" 业务办件信息 "))
    assert _standing("art27.produced_resources_catalogued", world.project).status == "met"


def test_a_classified_or_unapproved_project_is_not_judged(district):
    from tests.factories import ProjectFactory

    draft = ProjectFactory(owner_unit=district.edu)
    assert _standing("art27.produced_resources_catalogued", draft).status == "not_applicable"
    secret = ProjectFactory(owner_unit=district.edu, classified=True)
    assert _standing("art27.produced_resources_catalogued", secret).status == "not_applicable"
    assert _standing("art30.findings_remediated", secret).status == "not_applicable"


def test_findings_remediated_on_time(district):
    world = construction_maker(district)("in_construction")
    system = services.system_register(actor=world.owner, data={"name": "办件系统", "summary": "办件",
                                                               "project_id": world.project.pk})
    due = local_today() + dt.timedelta(days=3)
    finding = security.finding_raise(actor=district.users["cyber"], system=system, data={
        "description": "未开启审计日志", "severity": "medium", "due_on": due.isoformat()})
    assert _standing("art30.findings_remediated", world.project, due).status == "met"
    outcome = _standing("art30.findings_remediated", world.project, due + dt.timedelta(days=1))
    assert (outcome.status, outcome.reason) == ("violated", "1个安全问题逾期未整改")
    security.finding_remediate(actor=world.owner, finding=finding, data={
        "remediated_on": local_today().isoformat(), "remediation": "已开启"})
    assert _standing("art30.findings_remediated", world.project, due + dt.timedelta(days=1)).status == "met"


def test_a_proposal_like_an_existing_system_waits_for_drcs_judgement(district):
    """Art. 3: with the profile's flag score set, a submitted proposal with an indexed look-alike is pending (the
    reason gives counts, not names: every reader of the project sees it); an unrelated one is met; without the
    setting the rule does not apply; once approved it is judged."""
    from itgov.catalogue.tests.test_similarity import CITY, PROPOSAL, SCHOOL, indexed_project, project

    services.system_register(actor=district.users["health"], data={
        "name": CITY["name"], "summary": CITY["necessity"] + CITY["construction_content"]})
    proposal = indexed_project(district.edu, **PROPOSAL)
    unrelated = indexed_project(district.edu, **SCHOOL)
    rule = get_rule("art3.intensive_construction")
    flag = {"duplicate_similarity_flag": "0.5"}

    outcome = evaluate(rule, Case(subject=proposal, on=local_today()), flag)
    assert outcome.status == "pending" and "1个" in outcome.reason and CITY["name"] not in outcome.reason
    assert evaluate(rule, Case(subject=unrelated, on=local_today()), flag).status == "met"
    assert evaluate(rule, Case(subject=proposal, on=local_today()), {}).status == "not_applicable"
    approved = project(district.edu, status="approved", **PROPOSAL)
    assert evaluate(rule, Case(subject=approved, on=local_today()), flag).status == "not_applicable"
