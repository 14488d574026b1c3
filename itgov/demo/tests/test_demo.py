"""The demo district loads through the real services, deterministically and idempotently."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from itgov.accounts.models import User
from itgov.approvals.models import Baseline, InitiationApplication, UnitSuspension
from itgov.audit.models import AuditEvent
from itgov.audit.verify import verify_chain
from itgov.core.dates import local_today
from itgov.demo import data
from itgov.demo.catalogue import NEAR_DUPLICATE
from itgov.demo.history import STORIES
from itgov.organizations.models import Expert, Unit
from itgov.planning.models import AnnualPlan, DeclarationLine, DeclarationRound, PlanAdjustment
from itgov.projects.models import Project


@pytest.fixture(scope="module")
def loaded_twice(django_db_setup, django_db_blocker):
    """The demo loaded twice, once for the module, inside a transaction rolled back at the end (each test runs in
    a savepoint inside it): what the first run made (events, plans, adjustments) and the second run's output."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            first = (AuditEvent.objects.count(), AnnualPlan.objects.count(), PlanAdjustment.objects.count())
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            yield (*first, out.getvalue())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_load_demo_builds_the_district_and_is_idempotent(loaded_twice):
    events_after_first, plans_after_first, adjustments_after_first, out = loaded_twice

    # this year's 60 projects, the recent years' (itgov/demo/history.py, tested in test_demo_history) and the
    # near-duplicate proposal (itgov/demo/catalogue.py, tested in test_demo_catalogue)
    history = [story["name"] for story in STORIES]
    assert Project.objects.count() == 60 + len(history) + 1
    this_year = Project.objects.exclude(name__in=[*history, NEAR_DUPLICATE["name"]])
    # the second run recorded nothing and made no plan
    assert AuditEvent.objects.count() == events_after_first
    assert (AnnualPlan.objects.count(), PlanAdjustment.objects.count()) == (plans_after_first,
                                                                          adjustments_after_first)
    assert (AnnualPlan.objects.filter(year__gte=local_today().year).count(), PlanAdjustment.objects.count()) == (3, 3)
    # of the plan's 14 projects, 7 have moved on in the initiation approval and construction (3 more are back at
    # planned: a draft application, a returned one, and a re-approval with its second application)
    assert Counter(this_year.values_list("status", flat=True)) == {
        "draft": 18, "proposed": 14, "in_reserve": 10, "planned": 7, "initiation_submitted": 1, "under_review": 2,
        "approved": 1, "budgeted": 1, "in_construction": 1, "suspended": 1, "withdrawn": 4}
    assert (InitiationApplication.objects.filter(project__in=this_year).count(),
            Baseline.objects.filter(project__in=this_year).count(),
            UnitSuspension.objects.exclude(project__name__in=history).count()) == (11, 5, 1)
    assert Project.objects.filter(status="draft").exclude(last_return_reason="").count() == 6
    assert Project.objects.filter(classified=True).count() == 2
    assert Unit.objects.filter(kind="bureau").count() == 5
    assert Unit.objects.filter(kind__in=["department", "street"]).count() >= 20
    assert Unit.objects.filter(kind="supervision_firm").count() == 3
    assert Expert.objects.count() >= 10
    for username in ("admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "expert", "supervisor"):
        user = User.objects.get(username=username)
        assert user.check_password("Gulou@2026")
        assert user.roles
    assert User.objects.get(username="edu").unit.name == "区教育局"
    assert User.objects.get(username="health").unit.name == "区卫生健康委员会"
    assert DeclarationRound.objects.get().year == local_today().year + 1
    assert DeclarationLine.objects.filter(unit__code__in=["edu", "health"]).count() == 4
    assert verify_chain().ok
    assert "Gulou@2026" in out and "edu" in out and "expert" in out and "supervisor" in out
    assert "'annual_plans_created': 0" in out and "'approvals_created': 0" in out
    assert "'construction_created': 0" in out


@pytest.mark.django_db
def test_the_current_year_plan_is_issued_adjusted_and_in_motion(loaded_twice):
    year = local_today().year
    first, second = AnnualPlan.objects.filter(year=year).order_by("edition")
    # edition 1 issued by the government, kept as superseded; edition 2 issued by the consented adjustment
    assert (first.edition, first.status, first.document_number) == (1, "superseded", f"鼓政发〔{year}〕12号")
    assert (second.edition, second.status, second.document_number) == (2, "issued", f"鼓政发〔{year}〕58号")
    assert second.based_on == first and first.capacity == second.capacity == Decimal("32000000.00")
    assert first.submitted_at and first.cosigned_at and first.issued_at
    old = {line.project.name: line for line in first.lines.select_related("project")}
    new = {line.project.name: line for line in second.lines.select_related("project")}
    assert set(old) == set(new) == {line["project"] for line in data.ANNUAL_PLAN["lines"]}
    assert Counter(line.plan_class for line in new.values()) == {"A": 4, "B": 7, "C": 3}

    # the helper funded the B lines by score within what A and C left; the last one waits with 0
    waiting = "鼓楼区医保基金智能监管系统建设项目"
    assert (new[waiting].amount, new[waiting].requested_amount) == (Decimal("0"), Decimal("1080000.00"))
    assert all(line.amount == line.requested_amount for name, line in new.items() if name != waiting)
    assert all(line.skip_reason for line in new.values() if line.plan_class == "B")
    assert all(line.must_start_reason for line in new.values() if line.plan_class == "A")
    assert all(line.amount == line.prework_amount > 0 for line in new.values() if line.plan_class == "C")
    assert sum(line.amount for line in old.values()) == Decimal("30960000.00")
    # edu's adjustment raised its C line's pre-work money; nothing else changed
    raised = "鼓楼区中小学校园网络安全防护能力提升项目"
    assert (old[raised].amount, new[raised].amount, new[raised].prework_amount) == (
        Decimal("80000.00"), Decimal("150000.00"), Decimal("150000.00"))
    assert sum(line.amount for line in new.values()) == Decimal("31030000.00")

    # the plan's projects were planned, each once, by the government's issue (some have moved on since)
    planned = [int(pk) for pk in AuditEvent.objects.filter(event_type="project.planned").values_list(
        "object_id", flat=True)]
    planned = list(Project.objects.filter(pk__in=planned).exclude(name__in=[s["name"] for s in STORIES])
                   .values_list("name", flat=True))
    assert len(planned) == 14 and set(planned) == set(new)

    consented = PlanAdjustment.objects.get(status="consented")
    assert (consented.unit.code, consented.plan, consented.result) == ("edu", first, second)
    assert consented.drc_reviewed_at and consented.finance_reviewed_at and consented.consented_at
    pending = PlanAdjustment.objects.get(status="applied")
    assert (pending.kind, pending.unit.code, pending.plan) == ("change", "health", second)
    assert list(pending.items.values_list("project__name", "plan_class", "amount")) == [
        ("鼓楼区基层医疗卫生机构信息系统一体化建设项目", "C", Decimal("400000.00"))]
    release = PlanAdjustment.objects.get(kind="release")
    assert (release.status, release.unit, release.plan) == ("drc_reviewed", None, second)
    assert dict(release.items.values_list("project__name", "amount")) == {
        "鼓楼区政务云平台扩容建设项目": Decimal("6200000.00"), waiting: Decimal("1080000.00")}


@pytest.mark.django_db
def test_next_year_draft_is_compiled_from_the_declarations(loaded_twice):
    year = local_today().year + 1
    draft = AnnualPlan.objects.get(year=year)
    assert (draft.status, draft.edition, draft.capacity) == ("draft", 1, Decimal("35000000.00"))
    declared = DeclarationLine.objects.filter(round__year=year, status="declared")
    assert draft.lines.count() == declared.count() == 4
    assert {(line.declaration_id, line.plan_class, line.amount) for line in draft.lines.all()} == {
        (d.pk, d.proposed_class, d.requested_amount) for d in declared}
    # a C line asks for pre-work money only
    assert all(line.amount == line.prework_amount for line in draft.lines.filter(plan_class="C"))
