"""Concurrent actions on one plan, one line or one adjustment leave exactly one winner (SQLite and
PostgreSQL alike): the line's version, the plan's status and the base edition's status are compare-and-swap."""

from decimal import Decimal

import pytest

from itgov.audit.models import AuditEvent
from itgov.audit.verify import verify_chain
from itgov.core.errors import Conflict
from itgov.core.tests.test_concurrency import THREADS, run_concurrently
from itgov.planning import plan_services
from itgov.planning.models import AnnualPlan, PlanAdjustment, PlanLine

from .test_annual_plan import add, issue, reserve

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(district, policy):
    return plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2027, "capacity": "1000000"})


def test_eight_edits_of_one_draft_line_with_one_version_have_one_winner(district, draft):
    line = add(district, draft, reserve(district), "B", "100000.00")

    outcomes = run_concurrently(lambda: plan_services.plan_line_update(
        actor=district.users["finance"], line=PlanLine.objects.select_related("plan__jurisdiction").get(pk=line.pk),
        data={"amount": "90000.00"}, expected_version=line.version))

    assert sum(isinstance(o, PlanLine) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == THREADS - 1, outcomes
    assert PlanLine.objects.get(pk=line.pk).version == line.version + 1
    assert AuditEvent.objects.filter(event_type="planning.plan.line_changed").count() == 1
    assert verify_chain().ok


def test_eight_issues_of_one_plan_have_one_winner(district, draft):
    add(district, draft, reserve(district), "B", "100000.00")
    plan = plan_services.plan_transition(actor=district.users["drc"], plan=AnnualPlan.objects.get(pk=draft.pk),
                                         name="submit")
    plan = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="cosign")

    outcomes = run_concurrently(lambda: plan_services.plan_transition(
        actor=district.users["gov"], plan=AnnualPlan.objects.get(pk=plan.pk), name="issue"))

    assert sum(isinstance(o, AnnualPlan) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == THREADS - 1, outcomes
    assert AuditEvent.objects.filter(event_type="planning.plan.issued").count() == 1
    assert AuditEvent.objects.filter(event_type="project.planned").count() == 1


def test_eight_consents_of_one_adjustment_issue_one_edition(district, draft):
    project = reserve(district)
    add(district, draft, project, "B", "100000.00")
    plan = issue(district, AnnualPlan.objects.get(pk=draft.pk))
    adjustment = plan_services.adjustment_apply(actor=district.users["edu"], plan=plan, data={
        "reason": "需求增加", "items": [{"project_id": project.pk, "line_type": "construction", "plan_class": "B",
                                      "amount": "150000.00"}]})
    for user, name in (("drc", "review"), ("finance", "finance_review")):
        adjustment = plan_services.adjustment_transition(actor=district.users[user], adjustment=adjustment, name=name)

    outcomes = run_concurrently(lambda: plan_services.adjustment_transition(
        actor=district.users["gov"], adjustment=PlanAdjustment.objects.get(pk=adjustment.pk), name="consent"))

    assert sum(isinstance(o, PlanAdjustment) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == THREADS - 1, outcomes
    assert list(AnnualPlan.objects.filter(year=2027).order_by("edition").values_list("edition", "status")) == [
        (1, "superseded"), (2, "issued")]
    assert PlanLine.objects.get(plan__edition=2).amount == Decimal("150000.00")
    assert verify_chain().ok
