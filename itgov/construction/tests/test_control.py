"""Construction control at its exact boundaries (art. 19–21), through the services: supervision and its pool,
performance monitoring, milestones and the risk ratings, change control, incidents, rectification and
suspension. Every refusal names its rule and article, leaves nothing written and is audited as `rule.refused`
(a missing power: 403 citing the article, audited as `access.denied`); every write leaves its audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from itgov.accounts.choices import Role
from itgov.approvals import services as approvals
from itgov.approvals.models import Baseline, InitiationApplication
from itgov.approvals.selectors import current_application, current_baseline
from itgov.audit import events
from itgov.audit.models import AuditEvent
from itgov.construction import services
from itgov.construction.models import (
    ChangeRequest,
    ConstructionSuspension,
    Contract,
    Incident,
    MilestoneActual,
    MonitoringReport,
    MonitoringValue,
    Payment,
    Procurement,
    RectificationOrder,
    RiskAssessment,
    RiskRating,
    SupervisionAppointment,
    SupervisionPoolEntry,
    SupervisionReport,
)
from itgov.construction.selectors import (
    control_figures,
    control_of,
    deviations,
    effective_end_date,
    effective_estimate,
    level_of,
    milestones_of,
    monitoring_due,
    open_changes,
    overall_rating,
    rating_of,
)
from itgov.core.dates import add_months, local_today
from itgov.core.errors import Forbidden, InvalidInput, RuleViolation
from itgov.projects.models import Project
from itgov.rules.models import PolicyProfile
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, evaluate, get_rule
from tests.approvals_world import approval_maker, report, valid_application_payload
from tests.construction_world import ESTIMATE, appoint_supervisor, issued_plan_line, pool_entry
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
PLUS_TEN = Decimal("1265000.00")  # the approved estimate + exactly 10 %
DURATION = 1000  # days from the planned start to the planned end of a world's baseline
WATCHED = (Procurement, Contract, Payment, SupervisionPoolEntry, SupervisionAppointment, SupervisionReport,
           MonitoringReport, MonitoringValue, MilestoneActual, RiskAssessment, RiskRating, ChangeRequest, Incident,
           RectificationOrder, ConstructionSuspension, InitiationApplication, Baseline)


# --- the world ---------------------------------------------------------------------------------------------------


def build(district, *, estimate: Decimal = ESTIMATE, supervised: bool = True, started: bool = True,
          milestones: tuple[int, ...] = (100, 300), targets: list[dict] | None = None) -> SimpleNamespace:
    """A project of edu approved at `estimate` through the approval services, budgeted (800,000.00 this year, the
    rest next year), in this year's issued plan, its supervisor appointed if `supervised`, started if `started`.
    The baseline runs from today − 500 days to today + 500 days (`DURATION`); its milestones fall due
    `milestones` days from today; its targets are the standard ones (3 个, 30 %, ≥90 %) unless given."""
    world = approval_maker(district)("drafted", panel=False)
    owner, drc, today = world.owner, district.users["drc"], local_today()
    start = today - dt.timedelta(days=DURATION // 2)
    changes = {"start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=DURATION)).isoformat(),
               "milestones": [{"name": f"里程碑{i + 1}", "due_date": (today + dt.timedelta(days=d)).isoformat()}
                              for i, d in enumerate(milestones)]}
    if targets is not None:
        changes["performance_targets"] = targets
    approvals.application_save(actor=owner, project=fresh(world.project), data=changes)
    approvals.initiation_submit(actor=owner, project=fresh(world.project))
    approvals.initiation_start_review(actor=drc, project=fresh(world.project))
    approvals.review_update(actor=drc, project=fresh(world.project), data={
        "sharing_conclusion": "adequate", "sharing_opinion": "共享内容完整,可纳入目录。",
        "checklist": {"necessity": {"ok": True, "note": ""}}})
    approvals.initiation_approve(actor=drc, project=fresh(world.project), data={
        "approved_estimate": str(estimate), "control_indicators": "建设工期以批复为准。", "opinion": "同意建设。",
        "copy_to": "区财政局"})
    this_year = Decimal("800000.00")
    approvals.budget_record(actor=district.users["finance"], project=fresh(world.project), data={
        "lines": [{"year": today.year, "fund_source": "general", "amount": str(this_year)},
                  {"year": today.year + 1, "fund_source": "general", "amount": str(estimate - this_year)}],
        "note": "分两年安排"})
    issued_plan_line(world.project, today.year)
    if supervised:
        appoint_supervisor(district, fresh(world.project))
    if started:
        services.construction_start(actor=owner, project=fresh(world.project))
    project = fresh(world.project)
    return SimpleNamespace(project=project, owner=owner, baseline=current_baseline(project), today=today,
                           drc=drc, finance=district.users["finance"])


def fresh(project) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


def params_today(project) -> dict:
    return parameters_in_force(project.owner_unit.jurisdiction, local_today())


def written() -> dict:
    """What a refused action must leave as it was."""
    return {**{model.__name__: model.objects.count() for model in WATCHED},
            "projects": list(Project.objects.order_by("pk").values_list("pk", "status", "version")),
            "events": AuditEvent.objects.exclude(event_type__in=(events.RULE_REFUSED, events.ACCESS_DENIED)).count()}


def refused(call, rule: str, article: str) -> RuleViolation:
    """`call()` is refused by `rule` citing `article`: nothing written, the refusal audited."""
    before, audited = written(), AuditEvent.objects.filter(event_type=events.RULE_REFUSED).count()
    with pytest.raises(RuleViolation) as exc:
        call()
    assert (exc.value.rule, exc.value.article) == (rule, article)
    assert written() == before
    refusals = AuditEvent.objects.filter(event_type=events.RULE_REFUSED)
    assert refusals.count() == audited + 1
    assert rule in [r["rule"] for r in refusals.order_by("-seq").first().rule_results]
    return exc.value


def forbidden(call, article: str) -> Forbidden:
    before, denied = written(), AuditEvent.objects.filter(event_type=events.ACCESS_DENIED).count()
    with pytest.raises(Forbidden) as exc:
        call()
    assert exc.value.article == article
    assert written() == before
    assert AuditEvent.objects.filter(event_type=events.ACCESS_DENIED).count() == denied + 1
    return exc.value


def audited(event_type: str, obj, **after) -> AuditEvent:
    """The event `event_type` recorded about `obj`, with `after` among its data."""
    event = AuditEvent.objects.filter(event_type=event_type, object_type=obj._meta.label_lower,
                                      object_id=str(obj.pk)).order_by("-seq").first()
    assert event is not None, f"no {event_type} for {obj!r}"
    for key, value in after.items():
        assert event.after[key] == value, (key, event.after)
    return event


def firm(code: str, *, login: str | None = None):
    unit = UnitFactory(code=code, name=f"{code}监理公司", kind="supervision_firm")
    if login:
        UserFactory(username=login, unit=unit, role=Role.SUPERVISOR)
    return unit


def pool_add(district, year: int, unit, valid_until: dt.date):
    return services.pool_add(actor=district.users["drc"], jurisdiction=district.drc_unit.jurisdiction, data={
        "year": year, "firm_id": unit.pk, "qualification": "信息系统工程监理甲级",
        "certificate_number": f"JL-{year}-{unit.code}", "valid_until": valid_until.isoformat()})


def appoint(world, unit, fee: str = "50000.00", on: dt.date | None = None):
    return services.supervisor_appoint(actor=world.owner, project=fresh(world.project), data={
        "firm_id": unit.pk, "fee": fee, "appointed_on": (on or world.today).isoformat()})


def position(world, target: str) -> int:
    """The position of the baseline's target whose value is `target` (the baseline lists them by category)."""
    return [t["target"] for t in world.baseline.performance_targets].index(target)


def monitor(world, actuals: dict[str, str], *, causes: dict[str, str] | None = None,
            achieved: dict[str, bool] | None = None, period_end: dt.date | None = None,
            forecast: Decimal = ESTIMATE):
    """A monitoring report with the actual value of each target (by its target value)."""
    causes, achieved = causes or {}, achieved or {}
    rows = [{"position": position(world, target), "actual": actual, "cause": causes.get(target, ""),
             **({"achieved": achieved[target]} if target in achieved else {})} for target, actual in actuals.items()]
    return services.monitoring_submit(actor=world.owner, project=fresh(world.project), data={
        "period_end": (period_end or world.today).isoformat(), "completion": 40, "forecast_cost": str(forecast),
        "summary": "按计划推进。", "values": sorted(rows, key=lambda row: row["position"])})


ON_TARGET = {"3": "3", "30": "30", "≥90": "90"}


def change(world, **data):
    return services.change_submit(actor=world.owner, project=fresh(world.project), data={
        "description": "调整建设内容。", "reason": "业务需求变化。", **data})


def decide(world, request, decision: str = "approve"):
    return services.change_decide(actor=world.drc, project=fresh(world.project), change=request,
                                  data={"decision": decision, "reason": "同意。" if decision == "approve" else "不同意。"})


def profile_today(project, **changes) -> PolicyProfile:
    """A new version of the district's profile in force from today (art. 31: a case is judged by the version in
    force at its date), with `changes` to today's parameters."""
    jurisdiction = project.owner_unit.jurisdiction
    return PolicyProfile.objects.create(jurisdiction=jurisdiction, name="测试修订", effective_from=local_today(),
                                        parameters={**params_today(project), **changes})


# --- supervision (art. 19) ---------------------------------------------------------------------------------------


def test_an_estimate_of_exactly_one_million_needs_a_supervisor_to_start(district):
    world = build(district, estimate=Decimal("1000000.00"), supervised=False, started=False)

    error = refused(lambda: services.construction_start(actor=world.owner, project=fresh(world.project)),
                    "art19.supervisor_required", "第十九条")
    assert error.fields == {"supervision": ["须委托监理"]}

    appointment = appoint_supervisor(district, fresh(world.project))
    audited(events.SUPERVISOR_APPOINTED, appointment, fee="50000.00", pool_year=world.today.year)
    started = services.construction_start(actor=world.owner, project=fresh(world.project))
    assert started.status == "in_construction"
    assert {"rule": "art19.supervisor_required", "status": "met"}.items() <= next(
        r for r in audited(events.CONSTRUCTION_STARTED, started).rule_results
        if r["rule"] == "art19.supervisor_required").items()


def test_an_estimate_one_fen_below_one_million_starts_without_a_supervisor(district):
    world = build(district, estimate=Decimal("999999.99"), supervised=False, started=False)

    started = services.construction_start(actor=world.owner, project=fresh(world.project))

    assert started.status == "in_construction" and not SupervisionAppointment.objects.exists()
    result = next(r for r in audited(events.CONSTRUCTION_STARTED, started).rule_results
                  if r["rule"] == "art19.supervisor_required")
    assert result["status"] == "not_applicable"


def test_the_pool_holds_three_firms_a_year_and_refuses_the_fourth(district):
    year = local_today().year + 1
    firms = [district.firm, firm("firm2"), firm("firm3"), firm("firm4")]
    until = dt.date(year + 1, 12, 31)

    entries = [pool_add(district, year, unit, until) for unit in firms[:3]]
    for entry in entries:
        audited(events.SUPERVISION_POOL_ADDED, entry, year=year)

    error = refused(lambda: pool_add(district, year, firms[3], until), "art19.pool_size", "第十九条")
    assert error.fields == {"firm_id": ["已达上限"]}
    assert SupervisionPoolEntry.objects.filter(year=year).count() == 3
    # another year's pool is counted apart
    assert pool_add(district, year + 1, firms[3], until).year == year + 1


def test_a_firm_qualified_until_the_eve_of_the_pool_year_is_refused(district):
    year = local_today().year + 1

    error = refused(lambda: pool_add(district, year, district.firm, dt.date(year - 1, 12, 31)),
                    "art19.pool_firm_qualified", "第十九条")
    assert set(error.fields) == {"valid_until"}
    assert pool_add(district, year, district.firm, dt.date(year, 1, 1)).valid_until == dt.date(year, 1, 1)


def test_this_years_pool_needs_a_qualification_valid_today(district):
    today = local_today()

    refused(lambda: pool_add(district, today.year, district.firm, today - DAY), "art19.pool_firm_qualified",
            "第十九条")
    assert pool_add(district, today.year, district.firm, today).valid_until == today


def test_a_unit_that_is_not_a_supervision_firm_is_refused_and_only_drc_keeps_the_pool(district):
    year = local_today().year

    error = refused(lambda: pool_add(district, year, district.edu, dt.date(year + 1, 12, 31)),
                    "art19.pool_firm_qualified", "第十九条")
    assert set(error.fields) == {"firm_id"}
    forbidden(lambda: services.pool_add(actor=district.users["finance"], jurisdiction=district.drc_unit.jurisdiction,
                                        data={}), "第十九条")


def test_a_refused_pool_entry_is_audited(district):
    year = local_today().year
    refused(lambda: pool_add(district, year, district.edu, dt.date(year + 1, 12, 31)), "art19.pool_firm_qualified",
            "第十九条")


def test_a_firm_only_in_last_years_pool_cannot_be_appointed(district):
    world = build(district, supervised=False, started=False)
    last_year = firm("oldfirm")
    pool_add(district, world.today.year - 1, last_year, world.today + dt.timedelta(days=365))

    error = refused(lambda: appoint(world, last_year), "art19.supervisor_from_pool", "第十九条")
    assert set(error.fields) == {"firm_id"}
    # a firm in no pool at all is not a firm one may name (400)
    with pytest.raises(InvalidInput) as exc:
        appoint(world, firm("nopool"))
    assert set(exc.value.fields) == {"firm_id"}


def test_an_appointment_backdated_before_the_approval_is_refused(district):
    # given a project approved today and a firm that was in last year's pool
    world = build(district, supervised=False, started=False)
    last_year = firm("oldfirm")
    pool_add(district, world.today.year - 1, last_year, world.today + dt.timedelta(days=365))

    # when the unit dates the appointment back into last year, to reach that pool
    error = refused(lambda: appoint(world, last_year, on=dt.date(world.today.year - 1, 12, 31)),
                    "art19.supervisor_from_pool", "第十九条")

    # then it is refused on the date: no appointment precedes the approval
    assert set(error.fields) == {"appointed_on"}


def test_the_supervision_fee_reaches_the_estimates_supervision_part_to_the_fen(district):
    world = build(district, supervised=False, started=False)
    assert world.baseline.investment_breakdown["supervision_fee"] == "50000.00"
    pool_entry(district, world.today.year)

    error = refused(lambda: appoint(world, district.firm, fee="50000.01"), "art19.supervision_fee_in_estimate",
                    "第十九条")
    assert set(error.fields) == {"fee"}
    appointment = appoint(world, district.firm, fee="50000.00")
    assert (appointment.fee, appointment.firm, appointment.pool_entry.year) == (
        Decimal("50000.00"), district.firm, world.today.year)


def test_only_the_appointed_firms_supervisor_files_reports(district):
    world = build(district)
    firm("firm2", login="supervisor2")
    data = {"period_start": (world.today - dt.timedelta(days=30)).isoformat(), "period_end": world.today.isoformat(),
            "progress": "完成需求调研。", "quality": "符合要求。", "issues_found": "", "recommendations": ""}
    from itgov.accounts.models import User

    for user in (User.objects.get(username="supervisor2"), world.owner):
        forbidden(lambda u=user: services.supervision_report_file(actor=u, project=fresh(world.project), data=data),
                  "第十九条")

    filed = services.supervision_report_file(actor=district.users["supervisor"], project=fresh(world.project),
                                             data=data)
    assert (filed.firm, filed.filed_by) == (district.firm, district.users["supervisor"])
    audited(events.SUPERVISION_REPORT_FILED, filed, firm=district.firm.name)


# --- performance monitoring (art. 11, 19) --------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "actual", "deviation"), [
    ("30", "33", Decimal("0.1000")),
    ("30", "33.003", Decimal("0.1001")),
    ("≥90", "81", Decimal("-0.1000")),
    ("≥ 95%", "95", Decimal("0.0000")),
    ("1,200 件", "1,320", Decimal("0.1000")),
    ("四级甲等", "四级乙等", None),
    ("0", "5", None),
    ("3至5", "4", None),
])
def test_the_deviation_is_actual_minus_target_over_target(target, actual, deviation):
    assert services.deviation_of(target, actual) == deviation


def test_a_deviation_of_exactly_the_tolerance_needs_no_cause_and_one_beyond_does(district, district_settings):
    world = build(district)
    assert params_today(world.project)["performance_tolerance"] == "0.10"

    # 33 against 30 and 99 against ≥90: exactly 10 %
    filed = monitor(world, {"3": "3", "30": "33", "≥90": "99"}, period_end=world.today - dt.timedelta(days=10))
    assert {v.target: (v.deviation, v.beyond) for v in filed.values.all()} == {
        "3": (Decimal("0.0000"), False), "30": (Decimal("0.1000"), False), "≥90": (Decimal("0.1000"), False)}
    audited(events.MONITORING_REPORTED, filed)

    # 10.01 % above 30, and 10.01 % below ≥90
    error = refused(lambda: monitor(world, {"3": "3", "30": "33.003", "≥90": "80.991"}), "art19.deviation_causes",
                    "第十九条")
    assert set(error.fields) == {f"values.{position(world, '30')}.cause", f"values.{position(world, '≥90')}.cause"}
    error = refused(lambda: monitor(world, {"3": "3", "30": "33.003", "≥90": "81"}), "art19.deviation_causes",
                    "第十九条")
    assert error.fields == {f"values.{position(world, '30')}.cause": ["偏差超出容差,须分析原因"]}

    explained = monitor(world, {"3": "3", "30": "33.003", "≥90": "81"}, causes={"30": "办件量超出预期。"})
    assert {v.target: (v.deviation, v.beyond, v.cause) for v in explained.values.all()} == {
        "3": (Decimal("0.0000"), False, ""), "30": (Decimal("0.1001"), True, "办件量超出预期。"),
        "≥90": (Decimal("-0.1000"), False, "")}


def test_a_target_that_is_not_a_number_is_judged_by_achieved(district, district_settings):
    world = build(district, targets=[*valid_application_payload()["performance_targets"], {
        "category": "output_quality", "indicator": "互联互通成熟度测评等级", "unit": "", "target": "四级甲等"}])

    error = refused(lambda: monitor(world, {**ON_TARGET, "四级甲等": "四级乙等"}, achieved={"四级甲等": False}),
                    "art19.deviation_causes", "第十九条")
    assert set(error.fields) == {f"values.{position(world, '四级甲等')}.cause"}

    achieved = monitor(world, {**ON_TARGET, "四级甲等": "四级甲等"}, achieved={"四级甲等": True},
                       period_end=world.today - DAY)
    value = achieved.values.get(target="四级甲等")
    assert (value.deviation, value.achieved, value.beyond) == (None, True, False)
    # not said either way: no cause asked
    unsaid = monitor(world, {**ON_TARGET, "四级甲等": "待测评"})
    assert unsaid.values.get(target="四级甲等").beyond is False


def test_without_a_tolerance_any_deviation_needs_a_cause(district, policy):
    # the 2021 profile, the only one in force here, sets none (null): the rule itself
    assert policy.effective_from == dt.date(2021, 12, 31) and policy.parameters["performance_tolerance"] is None
    rule = get_rule("art19.deviation_causes")

    def judged(deviation, achieved=None):
        case = Case(subject=None, data={"values": [{"indicator": "用户满意度", "deviation": deviation,
                                                    "achieved": achieved, "cause": ""}]})
        return evaluate(rule, case, policy.parameters)

    assert judged(Decimal("0.0001")).fields == {"values.0.cause": "偏差超出容差,须分析原因"}
    assert judged(Decimal("-0.0001")).status == "violated"
    assert judged(Decimal("0.0000")).status == "met"
    assert judged(None, achieved=False).status == "violated"

    # and through the service
    world = build(district)
    assert params_today(world.project)["performance_tolerance"] is None
    refused(lambda: monitor(world, {"3": "3", "30": "30.003", "≥90": "90"}), "art19.deviation_causes", "第十九条")
    assert not monitor(world, ON_TARGET).values.filter(beyond=True).exists()


@pytest.mark.parametrize(("day", "months", "due"), [
    (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
    (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
    (dt.date(2027, 3, 31), -1, dt.date(2027, 2, 28)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, due):
    assert add_months(day, months) == due


def test_monitoring_is_overdue_the_day_after_it_falls_due(district, district_settings):
    world = build(district)
    params = params_today(world.project)
    assert params["monitoring_interval"] == 3

    # from the start of construction
    due = add_months(world.today, 3)
    assert monitoring_due(fresh(world.project), params, due) == {"interval": 3, "last": None, "due": due,
                                                                 "overdue": False}
    assert monitoring_due(fresh(world.project), params, due + DAY)["overdue"] is True
    assert "monitoring_overdue" in control_figures(fresh(world.project), params, due + DAY)["flags"]
    assert "monitoring_overdue" not in control_figures(fresh(world.project), params, due)["flags"]

    # from the last report's period
    last = world.today - dt.timedelta(days=40)
    monitor(world, ON_TARGET, period_end=last)
    due = add_months(last, 3)
    assert monitoring_due(fresh(world.project), params, due)["overdue"] is False
    assert monitoring_due(fresh(world.project), params, due + DAY) == {"interval": 3, "last": last, "due": due,
                                                                       "overdue": True}
    # a profile without an interval asks for no date
    assert monitoring_due(fresh(world.project), {**params, "monitoring_interval": None}, due + DAY)["due"] is None


# --- milestones and the risk ratings -------------------------------------------------------------------------------


@pytest.mark.parametrize(("variance", "rating"), [
    (None, None), (Decimal("0"), 5), (Decimal("0.0999"), 5), (Decimal("0.1000"), 3), (Decimal("-0.1000"), 3),
    (Decimal("0.2999"), 3), (Decimal("0.3000"), 1), (Decimal("1.5"), 1)])
def test_a_variance_is_rated_in_the_dashboards_bands(variance, rating):
    assert rating_of(variance) == rating


@pytest.mark.parametrize(("cost", "schedule", "drc", "overall"), [
    (5, 3, None, Decimal("4.00")),
    (5, 3, 2, Decimal("2.00")),   # DRC's is worse than both computed ratings: DRC's
    (5, 3, 3, Decimal("3.67")),   # not worse than both: the average
    (3, 3, 3, Decimal("3.00")),
    (None, 5, 4, Decimal("4.00")),
    (None, None, 4, Decimal("4.00")),
    (None, None, None, None),
])
def test_the_overall_rating_is_the_average_unless_drc_rates_worse_than_both(cost, schedule, drc, overall):
    assert overall_rating(cost, schedule, drc) == overall


@pytest.mark.parametrize(("overall", "level"), [
    (None, ""), (Decimal("5.00"), "low"), (Decimal("4.00"), "low"), (Decimal("3.99"), "medium"),
    (Decimal("2.50"), "medium"), (Decimal("2.49"), "high"), (Decimal("1.00"), "high")])
def test_the_level_of_an_overall_rating(overall, level):
    assert level_of(overall) == level


def test_schedule_variance_is_the_worst_slip_over_the_planned_duration(district):
    world = build(district)  # milestones due in 100 and 300 days, 1000 days planned
    params, first = params_today(world.project), world.today + dt.timedelta(days=100)

    def at(day):
        return control_figures(fresh(world.project), params, day)

    figures = at(world.today)
    assert [(r["state"], r["slip_days"]) for r in figures["milestones"]] == [("pending", 0), ("pending", 0)]
    assert (figures["schedule_variance"], figures["schedule_rating"]) == (Decimal("0.0000"), 5)
    for slip, variance, rating in ((99, "0.0990", 5), (100, "0.1000", 3), (299, "0.2990", 3), (300, "0.3000", 1)):
        figures = at(first + dt.timedelta(days=slip))
        assert figures["milestones"][0]["state"] == "late" and figures["milestones"][0]["slip_days"] == slip
        assert (figures["schedule_variance"], figures["schedule_rating"]) == (Decimal(variance), rating), slip


def test_a_milestone_recorded_late_slips_by_its_days(district):
    world = build(district, milestones=(-150, 100))
    late, ahead = milestones_of(fresh(world.project), world.today)
    assert (late["state"], late["slip_days"]) == ("late", 150)

    done = services.milestone_record(actor=world.owner, project=fresh(world.project),
                                     milestone_id=late["milestone"].pk,
                                     data={"actual_date": (world.today - dt.timedelta(days=50)).isoformat(),
                                           "note": "招标延期"})
    audited(events.MILESTONE_RECORDED, done, milestone="里程碑1")
    early = services.milestone_record(actor=world.owner, project=fresh(world.project),
                                      milestone_id=ahead["milestone"].pk,
                                      data={"actual_date": world.today.isoformat(), "note": ""})

    rows = milestones_of(fresh(world.project), world.today)
    assert [(r["state"], r["slip_days"]) for r in rows] == [("done", 100), ("done", -100)]
    assert early.actual_date == world.today
    risk = RiskRating.objects.get(project=world.project)
    assert (risk.schedule_variance, risk.schedule_rating) == (Decimal("0.1000"), 3)
    with pytest.raises(InvalidInput):  # a completion in the future is not recorded
        services.milestone_record(actor=world.owner, project=fresh(world.project), milestone_id=late["milestone"].pk,
                                  data={"actual_date": (world.today + DAY).isoformat()})


def test_the_ratings_follow_cost_schedule_and_drcs_assessment(district, district_settings):
    world = build(district)
    monitor(world, ON_TARGET, forecast=PLUS_TEN)  # cost variance exactly 10 %

    risk = RiskRating.objects.get(project=world.project)
    assert (risk.cost_variance, risk.cost_rating, risk.schedule_rating, risk.drc_rating) == (
        Decimal("0.1000"), 3, 5, None)
    assert (risk.overall, risk.level) == (Decimal("4.00"), "low")

    for score, overall, level in ((2, "2.00", "high"), (3, "3.67", "medium"), (5, "4.33", "low")):
        assessment = services.risk_assess(actor=world.drc, project=fresh(world.project),
                                          data={"score": score, "comment": "评估意见。"})
        audited(events.RISK_ASSESSED, assessment, score=score)
        risk.refresh_from_db()
        assert (risk.drc_rating, risk.overall, risk.level) == (score, Decimal(overall), level)
    forbidden(lambda: services.risk_assess(actor=world.owner, project=fresh(world.project),
                                           data={"score": 5, "comment": "自评。"}), "第十九条")


# --- change control (art. 20) --------------------------------------------------------------------------------------


def test_an_increase_of_exactly_ten_percent_goes_back_to_initiation(district):
    world = build(district)
    first = current_application(world.project)

    request = change(world, kinds=["estimate"], proposed_estimate=str(PLUS_TEN))

    project = fresh(world.project)
    assert (request.classification, request.status, request.increase_ratio) == (
        "reapproval", "reapproval", Decimal("0.100000"))
    assert project.status == "planned"
    audited(events.CHANGE_REAPPROVAL, project)
    audited(events.CHANGE_SUBMITTED, request, status="reapproval")
    second = current_application(project)
    assert (second.number, second.submitted_at, second.decision) == (2, None, "")
    assert not second.documents.exists()
    for rows, fields in (("milestones", ("name", "due_date")), ("performance_targets", ("indicator", "target")),
                         ("data_resources", ("name", "direction", "sharing_type"))):
        copied = list(getattr(second, rows).values_list(*fields))
        assert copied and copied == list(getattr(first, rows).values_list(*fields)), rows
    assert first.milestones.count() == 2  # the first keeps its own rows
    assert second.breakdown() == first.breakdown()
    assert [c.number for c in open_changes(project)] == [request.number]

    # the new application is given its reports, submitted and approved: baseline version 2
    owner, drc = world.owner, world.drc
    for kind in ("application_report", "feasibility_study"):
        approvals.document_upload(actor=owner, project=fresh(project), **report(kind))
    approvals.initiation_submit(actor=owner, project=fresh(project))
    approvals.initiation_start_review(actor=drc, project=fresh(project))
    approvals.review_update(actor=drc, project=fresh(project), data={
        "sharing_conclusion": "adequate", "sharing_opinion": "同前。", "checklist": {}})
    approved = approvals.initiation_approve(actor=drc, project=fresh(project), data={
        "approved_estimate": str(PLUS_TEN), "control_indicators": "", "opinion": "同意调整。",
        "copy_to": ""})

    baseline = current_baseline(approved)
    assert (baseline.version, baseline.approved_estimate, baseline.application) == (
        2, Decimal("1265000.00"), second)
    assert open_changes(approved) == [] and deviations(approved) == []
    assert ChangeRequest.objects.get(pk=request.pk).status == "reapproval"


def test_an_increase_just_under_ten_percent_is_a_change_drc_decides(district):
    world = build(district)
    new_total = Decimal("1264885.00")  # + 9.99 %

    request = change(world, kinds=["estimate", "content"], proposed_estimate=str(new_total))
    assert (request.classification, request.status, request.increase, request.increase_ratio) == (
        "procedure", "submitted", Decimal("114885.00"), Decimal("0.099900"))
    assert fresh(world.project).status == "in_construction"
    audited(events.CHANGE_SUBMITTED, request, status="submitted")
    assert effective_estimate(fresh(world.project)) == ESTIMATE  # not before DRC approves

    forbidden(lambda: services.change_decide(actor=world.owner, project=fresh(world.project), change=request,
                                             data={"decision": "approve", "reason": "自批。"}), "第二十条")
    decided = decide(world, request)
    assert (decided.status, decided.decided_by, decided.version) == ("approved", world.drc, 2)
    audited(events.CHANGE_DECIDED, decided, status="approved")
    assert effective_estimate(fresh(world.project)) == new_total

    contract = {"title": "建设合同", "supplier": "某公司", "signed_on": world.today.isoformat()}
    services.contract_record(actor=world.owner, project=fresh(world.project), data={
        **contract, "amount": str(new_total - Decimal("0.01"))})
    refused(lambda: services.contract_record(actor=world.owner, project=fresh(world.project), data={
        **contract, "amount": "0.02"}), "art20.contracts_within_estimate", "第二十条")
    last = services.contract_record(actor=world.owner, project=fresh(world.project), data={
        **contract, "amount": "0.01"})
    audited(events.CONTRACT_RECORDED, last)


def test_an_increase_one_fen_under_ten_percent_is_not_a_reapproval(district):
    world = build(district)

    request = change(world, kinds=["estimate"], proposed_estimate=str(PLUS_TEN - Decimal("0.01")))

    assert request.classification == "procedure"


def test_a_schedule_change_alone_is_recorded_at_once_and_moves_the_end(district):
    world = build(district)
    later = world.baseline.end_date + dt.timedelta(days=90)

    request = change(world, kinds=["schedule"], proposed_end_date=later.isoformat())

    assert (request.classification, request.status) == ("schedule_only", "recorded")
    assert effective_end_date(fresh(world.project)) == later
    assert open_changes(fresh(world.project)) == []
    audited(events.CHANGE_SUBMITTED, request, status="recorded")
    # a recorded change is settled: the next may follow
    assert change(world, kinds=["technical"]).status == "submitted"


def test_one_change_at_a_time(district):
    world = build(district)
    pending = change(world, kinds=["content"])

    refused(lambda: change(world, kinds=["schedule"], proposed_end_date=world.baseline.end_date.isoformat()),
            "art20.one_open_change", "第二十条")
    decide(world, pending, "refuse")
    assert change(world, kinds=["scale"]).number == 2


def test_a_change_is_not_approved_when_the_profile_in_force_then_makes_it_a_reapproval(district):
    world = build(district)
    request = change(world, kinds=["estimate"], proposed_estimate="1264885.00")  # + 9.99 % under a 10 % ratio
    profile_today(world.project, reapproval_overrun_ratio="0.05")

    refused(lambda: decide(world, request), "art20.reapproval_over_ratio", "第二十条")
    assert ChangeRequest.objects.get(pk=request.pk).status == "submitted"
    assert decide(world, request, "refuse").status == "refused"


def test_an_open_change_is_an_unapproved_deviation_until_decided(district):
    world = build(district)
    rule = get_rule("art20.no_unapproved_deviation")

    def judged():
        return evaluate(rule, Case(subject=fresh(world.project), on=local_today()), params_today(world.project))

    assert judged().status == "met"
    request = change(world, kinds=["standards"])
    outcome = judged()
    assert outcome.status == "violated" and "第1号变更申请" in outcome.reason
    assert rule.citation == "第二十条"
    decide(world, request)
    assert judged().status == "met"


# --- incidents, rectification, suspension (art. 21) ---------------------------------------------------------------


def test_the_system_proposes_an_incident_at_the_slippage_threshold_once(district, district_settings):
    world = build(district)  # its first milestone due in 100 days; 1000 days planned; threshold 30 %
    assert params_today(world.project)["incident_schedule_slippage"] == "0.30"
    due = world.today + dt.timedelta(days=100)

    services.refresh_risk(fresh(world.project), today=due + dt.timedelta(days=299))
    assert not Incident.objects.exists()

    services.refresh_risk(fresh(world.project), today=due + dt.timedelta(days=300))
    incident = Incident.objects.get()
    assert (incident.kind, incident.source, incident.status, incident.reported_by) == (
        "serious_delay", "system", "open", None)
    assert incident.measure == {"parameter": "incident_schedule_slippage", "value": "0.3000", "threshold": "0.30"}
    event = audited(events.INCIDENT_PROPOSED, incident, kind="serious_delay")
    assert event.actor_id is None

    services.refresh_risk(fresh(world.project), today=due + dt.timedelta(days=400))
    assert Incident.objects.count() == 1
    # once dismissed, a new crossing is proposed again
    dismissed = services.incident_dismiss(actor=world.drc, project=fresh(world.project), incident=incident,
                                          data={"reason": "已掌握情况。"})
    audited(events.INCIDENT_DISMISSED, dismissed, reason="已掌握情况。")
    services.refresh_risk(fresh(world.project), today=due + dt.timedelta(days=401))
    assert list(Incident.objects.values_list("status", flat=True).order_by("id")) == ["dismissed", "open"]


def test_the_nightly_task_rates_every_building_project_and_leaves_the_others(district, district_settings):
    from itgov.construction.tasks import refresh_construction_risks

    # given a building project whose rating is gone stale, a suspended one, and a budgeted one not yet started
    building, stopped = build(district), build(district)
    services.construction_suspend(actor=stopped.drc, project=fresh(stopped.project), data={"reason": "整改"})
    waiting = build(district, started=False)
    RiskRating.objects.all().delete()

    # when the periodic task runs (huey runs it each night; here in the test's process)
    assert refresh_construction_risks.call_local() == 2

    # then the two being built are rated today, the budgeted one is not
    assert set(RiskRating.objects.values_list("project_id", "computed_on")) == {
        (building.project.pk, local_today()), (stopped.project.pk, local_today())}
    assert not RiskRating.objects.filter(project=waiting.project).exists()
    assert RiskRating.objects.get(project=stopped.project).flags == ["suspended"]


def test_the_system_proposes_an_incident_when_the_forecast_reaches_the_cost_threshold(district, district_settings):
    world = build(district)

    monitor(world, ON_TARGET, forecast=Decimal("1264885.00"), period_end=world.today - DAY)  # + 9.99 %
    assert not Incident.objects.exists()
    monitor(world, ON_TARGET, forecast=PLUS_TEN)
    incident = Incident.objects.get()
    assert (incident.kind, incident.source, incident.measure) == (
        "major_loss", "system", {"parameter": "incident_cost_overrun", "value": "0.1000", "threshold": "0.10"})


def test_a_forecast_one_fen_under_the_cost_threshold_proposes_nothing(district, district_settings):
    world = build(district)

    monitor(world, ON_TARGET, forecast=PLUS_TEN - Decimal("0.01"))

    assert not Incident.objects.exists()


def test_a_suspended_project_can_only_rectify(district):
    world = build(district)
    procurement = services.procurement_record(actor=world.owner, project=fresh(world.project), data={
        "title": "平台建设", "method": "open_tender", "announced_on": world.today.isoformat()})
    audited(events.PROCUREMENT_RECORDED, procurement)
    incident = services.incident_report(actor=world.owner, project=fresh(world.project), data={
        "kind": "serious_delay", "description": "供应商履约困难,进度严重滞后。"})
    audited(events.INCIDENT_REPORTED, incident)
    order = services.rectification_order(actor=world.drc, project=fresh(world.project), data={
        "requirements": "更换项目经理,提交赶工计划。", "deadline": (world.today + dt.timedelta(days=30)).isoformat(),
        "incident_id": incident.pk})
    audited(events.RECTIFICATION_ORDERED, order)
    assert Incident.objects.get(pk=incident.pk).status == "rectifying"

    suspended = services.construction_suspend(actor=world.drc, project=fresh(world.project), data={
        "reason": "整改期间暂停建设。", "incident_id": incident.pk})
    assert suspended.status == "suspended"
    assert ConstructionSuspension.objects.get().incident == incident
    audited(events.CONSTRUCTION_SUSPENDED, suspended)

    blocked = {
        "procurement": lambda: services.procurement_record(actor=world.owner, project=fresh(world.project), data={
            "title": "二期", "method": "inquiry", "announced_on": world.today.isoformat()}),
        "contract": lambda: services.contract_record(actor=world.owner, project=fresh(world.project), data={
            "title": "建设合同", "supplier": "某公司", "amount": "1000.00", "signed_on": world.today.isoformat(),
            "procurement_id": procurement.pk}),
        "payment": lambda: services.payment_record(actor=world.owner, project=fresh(world.project), data={
            "amount": "1000.00", "paid_on": world.today.isoformat(), "purpose": "进度款"}),
        "monitoring": lambda: monitor(world, ON_TARGET),
        "change": lambda: change(world, kinds=["content"]),
        "milestone": lambda: services.milestone_record(
            actor=world.owner, project=fresh(world.project), milestone_id=world.baseline.application.milestones.first().pk,
            data={"actual_date": world.today.isoformat()}),
    }
    for name, call in blocked.items():
        assert refused(call, "art21.not_suspended", "第二十一条").fields == {}, name

    responded = services.rectification_respond(actor=world.owner, project=fresh(world.project), order=order, data={
        "response": "已更换项目经理,赶工计划已报送。"})
    assert responded.status == "submitted"
    audited(events.RECTIFICATION_RESPONDED, responded, status="submitted")

    resumed = services.construction_resume(actor=world.finance, project=fresh(world.project),
                                           data={"reason": "整改到位,恢复建设。"})
    assert resumed.status == "in_construction"
    suspension = ConstructionSuspension.objects.get()
    assert (suspension.resumed_by, suspension.resume_reason) == (world.finance, "整改到位,恢复建设。")
    assert suspension.resumed_at is not None
    assert audited(events.CONSTRUCTION_RESUMED, resumed).reason == "整改到位,恢复建设。"
    assert monitor(world, ON_TARGET).project_id == world.project.pk


def test_finance_may_suspend_and_the_owner_may_not(district):
    world = build(district)

    forbidden(lambda: services.construction_suspend(actor=world.owner, project=fresh(world.project),
                                                    data={"reason": "自行暂停。"}), "第二十一条")
    assert not ConstructionSuspension.objects.exists()

    suspended = services.construction_suspend(actor=world.finance, project=fresh(world.project),
                                               data={"reason": "资金使用存在问题。"})
    assert suspended.status == "suspended"
    assert ConstructionSuspension.objects.get().suspended_by == world.finance
    forbidden(lambda: services.construction_resume(actor=world.owner, project=fresh(world.project),
                                                   data={"reason": "自行恢复。"}), "第二十一条")


def test_a_rectification_is_overdue_the_day_after_its_deadline(district):
    world = build(district)
    deadline = world.today + dt.timedelta(days=30)
    order = services.rectification_order(actor=world.finance, project=fresh(world.project), data={
        "requirements": "补充资金使用说明。", "deadline": deadline.isoformat()})
    params = params_today(world.project)

    on_the_day = control_of(fresh(world.project), params, deadline)
    assert on_the_day["rectifications"][0].overdue is False and "rectification_overdue" not in on_the_day["flags"]
    after = control_of(fresh(world.project), params, deadline + DAY)
    assert after["rectifications"][0].overdue is True and "rectification_overdue" in after["flags"]

    services.rectification_respond(actor=world.owner, project=fresh(world.project), order=order,
                                   data={"response": "已补充。"})
    closed = services.rectification_review(actor=world.finance, project=fresh(world.project), order=order,
                                           data={"accept": True, "note": "整改完成。"})
    audited(events.RECTIFICATION_REVIEWED, closed, status="closed")
    assert control_of(fresh(world.project), params, deadline + DAY)["rectifications"][0].overdue is False
    # a deadline must lie ahead when ordered
    with pytest.raises(InvalidInput) as exc:
        services.rectification_order(actor=world.drc, project=fresh(world.project), data={
            "requirements": "x", "deadline": world.today.isoformat()})
    assert set(exc.value.fields) == {"deadline"}
