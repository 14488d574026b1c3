"""Construction control at its boundaries (art. 13, 19, 8, 15, 20): each refusal with its rule and article,
and nothing written by a refused record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from itgov.approvals import services as approvals
from itgov.construction import services
from itgov.construction.models import Contract, Payment, Procurement
from itgov.construction.selectors import spending
from itgov.core.errors import Forbidden, InvalidInput, RuleViolation
from itgov.projects.models import Project
from tests.approvals_world import approval_maker
from tests.construction_world import ESTIMATE, construction_maker, issued_plan_line


def _refused(call, rule: str, article: str):
    with pytest.raises(RuleViolation) as exc:
        call()
    assert (exc.value.rule, exc.value.article) == (rule, article)
    return exc.value


def _pay(world, amount: str, *, paid_on: dt.date | None = None, prework: bool = False, actor=None):
    return services.payment_record(actor=actor or world.owner, project=world.project, data={
        "amount": amount, "paid_on": (paid_on or world.baseline.approved_on).isoformat(), "purpose": "进度款",
        "prework": prework})


def test_construction_starts_only_in_plan_approved_and_budgeted(district):
    # given a budgeted project without a line in this year's issued plan
    world = construction_maker(district)("budgeted", planned=False)

    error = _refused(lambda: services.construction_start(actor=world.owner, project=world.project),
                     "art19.planned_approved_budgeted", "第十九条")
    assert set(error.fields) == {"plan"}

    # once the plan carries it, it starts
    issued_plan_line(world.project, world.year)
    started = services.construction_start(actor=world.owner, project=world.project)
    assert started.status == "in_construction" and started.construction_started_at is not None


def test_an_unsupervised_project_outside_the_plan_is_told_both_at_once(district):
    # given a budgeted project above the supervision threshold, with no plan line and no supervisor
    world = construction_maker(district)("budgeted", planned=False, supervised=False)

    error = _refused(lambda: services.construction_start(actor=world.owner, project=world.project),
                     "art19.planned_approved_budgeted", "第十九条")

    # the first rule's words, every refusing rule's fields
    assert set(error.fields) == {"plan", "supervision"}
    assert {v["rule"] for v in error.violations} == {"art19.planned_approved_budgeted", "art19.supervisor_required"}
    assert Project.objects.get(pk=world.project.pk).status == "budgeted"


def test_a_named_responsible_person_is_required_to_start(district):
    world = construction_maker(district)("budgeted")
    Project.objects.filter(pk=world.project.pk).update(responsible_person="")

    error = _refused(lambda: services.construction_start(actor=world.owner, project=Project.objects.get(
        pk=world.project.pk)), "art19.responsible_person", "第十九条")
    assert error.fields == {"responsible_person": ["必填"]}


def test_only_the_owner_unit_starts_and_procures_but_finance_may_pay(district):
    world = construction_maker(district)("in_construction")
    for call in (lambda u: services.construction_start(actor=u, project=world.project),
                 lambda u: services.procurement_record(actor=u, project=world.project, data={}),
                 lambda u: services.contract_record(actor=u, project=world.project, data={})):
        with pytest.raises(Forbidden) as exc:
            call(district.users["finance"])
        assert exc.value.article == "第十九条"
    assert _pay(world, "1000.00", actor=district.users["finance"]).recorded_by == district.users["finance"]
    with pytest.raises(Forbidden):
        _pay(world, "1000.00", actor=district.users["drc"])


@pytest.mark.parametrize("state", ["under_review", "reviewed"])
def test_before_approval_only_prework_is_paid_and_nothing_procured(district, state):
    world = approval_maker(district)(state, panel=False)
    year = dt.date.today().year
    issued_plan_line(world.project, year)

    for call in (lambda: services.procurement_record(actor=world.owner, project=world.project, data={
                     "title": "平台建设", "method": "open_tender", "announced_on": f"{year}-01-10"}),
                 lambda: services.contract_record(actor=world.owner, project=world.project, data={
                     "title": "建设合同", "supplier": "某公司", "amount": "100000.00", "signed_on": f"{year}-01-10"}),
                 lambda: services.payment_record(actor=world.owner, project=world.project, data={
                     "amount": "1000.00", "paid_on": f"{year}-01-10", "purpose": "进度款"})):
        _refused(call, "art13.approved_before_spending", "第十三条")
    assert not (Procurement.objects.exists() or Contract.objects.exists() or Payment.objects.exists())

    # the feasibility study may be paid for (art. 13's exception)
    paid = services.payment_record(actor=world.owner, project=world.project, data={
        "amount": "30000.00", "paid_on": f"{year}-01-10", "purpose": "可行性研究报告编制", "prework": True})
    assert paid.prework and spending(world.project)["prework_paid"] == Decimal("30000.00")


def test_the_day_before_approval_is_before_approval(district):
    # given an approved project: money moved on the last day before the approval, recorded after it, was spent
    # before approval (art. 13); on the day of the approval it was not; pre-work costs any day
    world = construction_maker(district)("in_construction")
    eve = world.baseline.approved_on - dt.timedelta(days=1)
    error = _refused(lambda: _pay(world, "1000.00", paid_on=eve), "art13.approved_before_spending", "第十三条")
    assert error.fields == {"paid_on": ["不得早于立项批复日期"]}
    assert not Payment.objects.exists()
    assert _pay(world, "1000.00", paid_on=world.baseline.approved_on).amount == Decimal("1000.00")
    assert _pay(world, "1000.00", paid_on=eve, prework=True).prework

    # and so for a tender announced, or a contract signed, on that eve
    _refused(lambda: services.procurement_record(actor=world.owner, project=world.project, data={
        "title": "软件开发", "method": "open_tender", "announced_on": eve.isoformat()}),
        "art13.approved_before_spending", "第十三条")
    _refused(lambda: services.contract_record(actor=world.owner, project=world.project, data={
        "title": "建设合同", "supplier": "某公司", "amount": "1000.00", "signed_on": eve.isoformat()}),
        "art13.approved_before_spending", "第十三条")
    assert not Procurement.objects.exists() and not Contract.objects.exists()


def test_no_payment_in_a_year_without_a_plan_line(district):
    # given an approved, budgeted project without a line in this year's issued plan
    world = construction_maker(district)("budgeted", planned=False)

    _refused(lambda: _pay(world, "1000.00"), "art8.payment_in_plan", "第八条")
    assert not Payment.objects.exists()


def test_payments_reach_the_budget_to_the_fen_and_not_beyond(district):
    world = construction_maker(district)("in_construction")  # this year's budget: 800,000.00
    _pay(world, "799999.99")

    error = _refused(lambda: _pay(world, "0.02"), "art15.payment_within_budget", "第十五条")
    assert error.fields == {"amount": ["超过当年预算"]}
    assert _pay(world, "0.01").amount == Decimal("0.01")
    assert spending(world.project)["years"][0] == {"year": world.year, "budget": Decimal("800000.00"),
                                                   "paid": Decimal("800000.00")}


def test_contracts_reach_the_estimate_and_not_beyond(district):
    world = construction_maker(district)("in_construction")
    contract = {"title": "建设合同", "supplier": "某公司", "signed_on": world.baseline.approved_on.isoformat()}
    services.contract_record(actor=world.owner, project=world.project, data={**contract, "amount": "1000000.00"})

    _refused(lambda: services.contract_record(actor=world.owner, project=world.project, data={
        **contract, "amount": str(ESTIMATE - Decimal("1000000.00") + Decimal("0.01"))}),
        "art20.contracts_within_estimate", "第二十条")
    services.contract_record(actor=world.owner, project=world.project, data={
        **contract, "amount": str(ESTIMATE - Decimal("1000000.00"))})
    assert spending(world.project)["contracted"] == ESTIMATE


@pytest.mark.parametrize(("data", "field"), [
    ({"amount": "-1", "paid_on": "2026-01-01", "purpose": "x"}, "amount"),
    ({"amount": "1.001", "paid_on": "2026-01-01", "purpose": "x"}, "amount"),
    ({"amount": "1.00", "paid_on": "2999-01-01", "purpose": "x"}, "paid_on"),
    ({"amount": "1.00", "paid_on": "not a date", "purpose": "x"}, "paid_on"),
    ({"amount": "1.00", "paid_on": "2026-01-01", "purpose": ""}, "purpose"),
    ({"amount": "1.00", "paid_on": "2026-01-01", "purpose": "x", "vendor": "y"}, "vendor"),
    ({"amount": "1.00", "paid_on": "2026-01-01", "purpose": "x", "contract_id": 999999}, "contract_id"),
])
def test_bad_payment_input_is_a_400_with_the_field(district, data, field):
    world = construction_maker(district)("in_construction")

    with pytest.raises(InvalidInput) as exc:
        services.payment_record(actor=world.owner, project=world.project, data=data)

    assert field in exc.value.fields and not Payment.objects.exists()


def test_a_procurement_awarded_names_its_supplier_and_amount(district):
    world = construction_maker(district)("in_construction")
    approved_on = world.baseline.approved_on
    base = {"title": "平台建设", "method": "open_tender", "announced_on": approved_on.isoformat()}

    with pytest.raises(InvalidInput) as exc:
        services.procurement_record(actor=world.owner, project=world.project, data={
            **base, "awarded_on": (approved_on - dt.timedelta(days=1)).isoformat()})
    assert set(exc.value.fields) == {"awarded_on", "supplier", "amount"}

    done = services.procurement_record(actor=world.owner, project=world.project, data={
        **base, "awarded_on": (approved_on + dt.timedelta(days=30)).isoformat(), "supplier": "某科技公司",
        "amount": "980000.00"})
    assert (done.method, done.amount) == ("open_tender", Decimal("980000.00"))


def test_a_budget_revision_moves_the_payment_ceiling(district):
    world = construction_maker(district)("in_construction", budget=("100000.00", "300000.00"))
    _pay(world, "100000.00")
    _refused(lambda: _pay(world, "1.00"), "art15.payment_within_budget", "第十五条")

    approvals.budget_record(actor=district.users["finance"], project=Project.objects.get(pk=world.project.pk), data={
        "lines": [{"year": world.year, "fund_source": "general", "amount": "200000.00"}], "note": "追加"})

    assert _pay(world, "1.00").amount == Decimal("1.00")


def test_a_budget_revision_in_construction_stays_inside_the_estimate(district):
    world = construction_maker(district)("in_construction")

    _refused(lambda: approvals.budget_record(actor=district.users["finance"], project=world.project, data={
        "lines": [{"year": world.year, "fund_source": "general", "amount": str(ESTIMATE + Decimal("0.01"))}]}),
        "art15.budget_within_estimate", "第十五条")
    assert Project.objects.get(pk=world.project.pk).status == "in_construction"
