"""The approval rules (art. 13, 16, 17, 23, 28) judged through the services and the registry, each refusal
with its rule and article."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from itgov.approvals import services
from itgov.approvals.models import Baseline, UnitSuspension
from itgov.approvals.selectors import approval_case
from itgov.core.dates import local_today
from itgov.core.errors import RuleViolation
from itgov.rules.models import PolicyProfile
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, compliance
from tests.approvals_world import approval_maker


def _spend(project, action: str, **data):
    """Art. 13's gate alone (the other rules of a payment — plan, budget — are construction's, tested there)."""
    from itgov.rules.registry import enforce_rule

    return [enforce_rule("art13.approved_before_spending",
                         Case(subject=project, action=action, data=data, on=local_today()))]


def test_nothing_is_paid_or_procured_before_approval_except_prework(district):
    # given a project whose application is in DRC's hands
    project = approval_maker(district)("under_review").project

    # then pre-work costs may be paid (art. 13's exception) …
    assert _spend(project, "payment.record", prework=True)[0]["status"] == "met"
    # … but no other payment and no procurement
    for action in ("payment.record", "procurement.record"):
        with pytest.raises(RuleViolation) as exc:
            _spend(project, action, prework=False)
        assert (exc.value.rule, exc.value.article) == ("art13.approved_before_spending", "第十三条")


def test_once_approved_payments_and_procurement_pass_the_gate(district):
    project = approval_maker(district)("approved", panel=False).project

    assert _spend(project, "payment.record", prework=False)[0]["status"] == "met"
    assert _spend(project, "procurement.record")[0]["status"] == "met"


def test_a_suspended_parent_unit_blocks_its_sub_units_submission(district):
    # given a complete application of the edu bureau's school, and a suspension on the edu bureau (art. 23)
    world = approval_maker(district)("drafted", owner="school1")
    suspension = services.suspension_create(actor=district.users["drc"], data={
        "unit_id": district.edu.pk, "reason": "验收不合格且拒不整改"})

    # when the school submits, it is refused citing art. 23
    with pytest.raises(RuleViolation) as exc:
        services.initiation_submit(actor=world.owner, project=world.project)
    assert (exc.value.rule, exc.value.article) == ("art23.unit_not_suspended", "第二十三条")

    # and once DRC lifts the suspension it goes through
    services.suspension_lift(actor=district.users["drc"], suspension=suspension, data={"reason": "已整改并通过验收"})
    assert services.initiation_submit(actor=world.owner, project=world.project).status == "initiation_submitted"
    assert UnitSuspension.objects.get(pk=suspension.pk).lift_reason == "已整改并通过验收"


def test_an_edit_after_confirmation_asks_the_participant_again(district):
    # given a joint application its participant confirmed
    world = approval_maker(district)("drafted", joint=True)

    # when the lead unit edits it
    services.application_save(actor=world.owner, project=world.project, data={"scale": "覆盖全区13个街道。"})

    # then the submission is refused until the participant confirms the new version (art. 16)
    with pytest.raises(RuleViolation) as exc:
        services.initiation_submit(actor=world.owner, project=world.project)
    assert (exc.value.rule, exc.value.article) == ("art16.participants_confirmed", "第十六条")
    participant = world.project.participants.get()
    services.participant_confirm(actor=district.users["health"], project=world.project, participant=participant)
    assert services.initiation_submit(actor=world.owner, project=world.project).status == "initiation_submitted"


def _set_threshold(value):
    profile = PolicyProfile.objects.get()
    PolicyProfile.objects.filter(pk=profile.pk).update(parameters={**profile.parameters,
                                                                   "expert_review_threshold": value})


@pytest.mark.parametrize(("threshold", "needs_panel"), [(None, False), ("2000000.00", False), ("1200000.00", True)])
def test_the_expert_threshold_is_a_setting_without_a_default(district, threshold, needs_panel):
    # given a reviewed application of 1,200,000 yuan with its assessment but no panel
    world = approval_maker(district)("reviewed", panel=False)
    _set_threshold(threshold)
    approve = {"approved_estimate": "1150000.00"}

    # when DRC approves
    if needs_panel:  # at or above the district's threshold an expert panel is required (art. 28)
        with pytest.raises(RuleViolation) as exc:
            services.initiation_approve(actor=district.users["drc"], project=world.project, data=approve)
        assert (exc.value.rule, exc.value.article) == ("art28.expert_assessment", "第二十八条")
        assert exc.value.fields == {"panel": ["须组建专家组"]}
    else:  # without a threshold (the measures set none) or below it, no panel is needed
        assert services.initiation_approve(actor=district.users["drc"], project=world.project,
                                           data=approve).status == "approved"


def test_the_compliance_panel_shows_what_is_missing_as_pending_until_submission(district):
    # given a planned project with an empty application
    world = approval_maker(district)("planned")
    services.application_save(actor=world.owner, project=world.project, data={"scale": "全区"})
    params = parameters_in_force(world.project.owner_unit.jurisdiction, local_today())

    rows = {r["rule"]: r for r in compliance(Case(subject=world.project, action="initiation.compliance",
                                                  data=approval_case(world.project), on=local_today()),
                                             params, scope="approval")}

    # then nothing is refused yet, but every missing part is named with its article
    assert {r["status"] for r in rows.values()} <= {"pending", "not_applicable", "met"}
    assert rows["art14.reports_submitted"]["status"] == "pending"
    assert rows["art28.application_data_sharing"]["article"] == "第二十八条"
    assert rows["art17.project_code"]["reason"] == "尚未登记项目代码"
    assert rows["art16.participants_confirmed"]["status"] == "not_applicable"
    assert rows["art23.unit_not_suspended"]["status"] == "met"


def test_the_database_refuses_to_change_a_baseline(district):
    baseline = approval_maker(district)("approved", panel=False).baseline

    with pytest.raises(DatabaseError), transaction.atomic():
        Baseline.objects.filter(pk=baseline.pk).update(approved_estimate="9999999.00")
    with pytest.raises(DatabaseError), transaction.atomic():
        Baseline.objects.filter(pk=baseline.pk)._raw_delete(Baseline.objects.db)
    with pytest.raises(RuntimeError):
        baseline.save()

    assert Baseline.objects.get(pk=baseline.pk).approved_estimate == baseline.approved_estimate


def test_a_second_approval_numbers_the_next_document(district):
    make = approval_maker(district)
    first = make("approved", panel=False).baseline
    second = make("approved", panel=False).baseline

    assert (first.document_seq + 1, first.document_year) == (second.document_seq, second.document_year)
    assert second.document_number == f"drc局〔{second.document_year}〕{second.document_seq}号"
    assert first.version == second.version == 1


@pytest.mark.parametrize(("state", "status"), [("submitted", "met"), ("approved", "met"), ("budgeted", "met"),
                                               ("rejected", "violated")])
def test_a_project_continuing_towards_construction_may_be_declared_for_next_year(district, state, status):
    # art. 9: class A funds continuing projects; a rejected one has nothing to continue
    from itgov.planning.models import DeclarationLine
    from itgov.rules.registry import evaluate, get_rule

    project = approval_maker(district)(state, panel=False).project
    line = DeclarationLine(project=project, line_type="construction")

    outcome = evaluate(get_rule("art8.declared_project_eligible"), Case(subject=line, action="declaration.declare"), {})

    assert outcome.status == status


def test_drc_records_the_meeting_opinion_of_an_expert_without_login_but_not_of_one_with(district):
    from itgov.core.errors import Forbidden

    world = approval_maker(district)("reviewed")  # district.expert (with a login) already gave an opinion
    drc = district.users["drc"]
    offline = services.panel_add(actor=drc, project=world.project, data={"expert_id": district.expert2.pk})

    recorded = services.opinion_record(actor=drc, project=world.project, member=offline,
                                       data={"opinion": "agree_with_changes", "opinion_text": "补充运维方案。"})

    assert (recorded.opinion, recorded.recorded_by) == ("agree_with_changes", drc)
    with pytest.raises(Forbidden) as exc:
        services.opinion_record(actor=drc, project=world.project, member=world.member, data={"opinion": "disagree",
                                                                                              "opinion_text": "x"})
    assert exc.value.article == "第二十八条"
