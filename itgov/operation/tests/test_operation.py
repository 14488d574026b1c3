"""Operation's services (art. 12, 23, 24) at their exact boundaries: go-live only after a passed acceptance (第二十三条)
and not before the day it passed; the self-evaluation window G + 12 months − 1 day (refused) / G + 12 months (taken),
G + 24 months (on time) / + 1 day (overdue, then taken late); the warranty's last day (refused) / the day after
(taken); the suggested O&M amount (none without a rate, estimate × rate with one); Finance's decision; the
arrangement's history; the report's PDF."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.operation import selectors, services
from itgov.operation.models import OMArrangement, OMFundingRequest, SelfEvaluation
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force

from .world import add_contract, evaluation_payload, operation_maker

pytestmark = pytest.mark.django_db

G = dt.date(2026, 1, 31)  # a 31st: G + 12 months is 31 Jan, G + 13 months would clamp


@pytest.fixture
def make(district):
    return operation_maker(district)


def at(monkeypatch, day: dt.date) -> None:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def fresh(project) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


def events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def status_now(project, day: dt.date) -> dict:
    project = fresh(project)
    return selectors.evaluation_status(project, parameters_in_force(project.owner_unit.jurisdiction, day), day)


# --- go-live (art. 23) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["trial_operation", "acceptance_applied", "rectifying"])
def test_going_live_without_a_pass_is_refused_citing_article_23(make, state):
    world = make(state)
    before = (world.project.status, world.project.version, events("operation.started"))

    with pytest.raises(RuleViolation) as refused:
        services.go_live(actor=world.owner, project=world.project,
                         data={"operation_started_on": local_today().isoformat()})

    assert (refused.value.rule, refused.value.article) == ("art23.accepted_before_operation", "第二十三条")
    assert "(第二十三条)" in refused.value.message
    project = fresh(world.project)
    assert (project.status, project.version, events("operation.started")) == before
    assert project.operation_started_on is None
    assert AuditEvent.objects.filter(event_type="rule.refused", reason="operation.go_live").count() == 1


def test_an_accepted_project_goes_live_on_day_g(make):
    world = make("accepted", g=local_today() - dt.timedelta(days=10))
    day = local_today() - dt.timedelta(days=3)

    project = services.go_live(actor=world.owner, project=world.project, data={"operation_started_on": day.isoformat()})

    assert (project.status, project.operation_started_on) == ("in_operation", day)
    event = AuditEvent.objects.get(event_type="operation.started")
    assert (event.project_id, event.after["status"]) == (project.pk, "in_operation")
    with pytest.raises(Conflict):  # once in operation, there is nothing to go live from
        services.go_live(actor=world.owner, project=project, data={"operation_started_on": day.isoformat()})


def test_day_g_before_the_pass_is_refused_and_a_future_day_is_bad_input(make):
    world = make("accepted", g=local_today() - dt.timedelta(days=10))
    before = local_today() - dt.timedelta(days=11)

    with pytest.raises(RuleViolation) as refused:
        services.go_live(actor=world.owner, project=world.project, data={"operation_started_on": before.isoformat()})
    assert refused.value.rule == "art23.accepted_before_operation"
    assert set(refused.value.fields) == {"operation_started_on"}

    with pytest.raises(InvalidInput) as bad:
        services.go_live(actor=world.owner, project=world.project,
                         data={"operation_started_on": (local_today() + dt.timedelta(days=1)).isoformat()})
    assert set(bad.value.fields) == {"operation_started_on"}
    assert fresh(world.project).status == "accepted"


def test_only_the_owner_unit_goes_live(make, district):
    world = make("accepted")
    for role in ("drc", "finance", "audit"):
        with pytest.raises(Forbidden) as denied:
            services.go_live(actor=district.users[role], project=world.project,
                             data={"operation_started_on": local_today().isoformat()})
        assert denied.value.article == "第二十四条"


# --- the self-evaluation window (art. 24) ------------------------------------------------------------------------


def test_the_window_opens_at_g_plus_12_months_to_the_day(make, monkeypatch):
    world = make("in_operation", g=G)
    opens = add_months(G, 12)
    assert opens == dt.date(2027, 1, 31)

    # the day before it opens: not yet, and a submission is refused citing 第二十四条
    at(monkeypatch, opens - dt.timedelta(days=1))
    assert status_now(world.project, opens - dt.timedelta(days=1))["state"] == "not_yet"
    with pytest.raises(RuleViolation) as refused:
        services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                        data=evaluation_payload(world))
    assert (refused.value.rule, refused.value.article) == ("art24.self_evaluation_window", "第二十四条")
    assert SelfEvaluation.objects.count() == 0

    # on the day it opens: open, and the report is taken on time
    at(monkeypatch, opens)
    assert status_now(world.project, opens) == {"operation_started_on": G, "opens": opens,
                                                "closes": dt.date(2028, 1, 31), "state": "open",
                                                "state_label": "待报送"}
    evaluation = services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                                 data=evaluation_payload(world))
    assert (evaluation.submitted_on, evaluation.late, evaluation.score) == (opens, False, Decimal("86.5"))
    assert [(v.indicator, v.actual, v.achieved) for v in evaluation.values.order_by("position")] == [
        (t.indicator, a, ok) for t, (a, ok) in zip(world.targets, [("3", True), ("25", False), ("93", True)],
                                                   strict=True)]
    assert status_now(world.project, opens)["state"] == "submitted"
    event = AuditEvent.objects.get(event_type="operation.self_evaluation.submitted")
    assert (event.project_id, event.after["late"]) == (world.project.pk, False)

    # never edited: a second report is a conflict
    with pytest.raises(Conflict):
        services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                        data=evaluation_payload(world))


def test_on_g_plus_24_months_on_time_and_a_day_later_overdue_then_late(make, monkeypatch):
    world = make("in_operation", g=G)
    closes = add_months(G, 24)

    at(monkeypatch, closes)
    assert status_now(world.project, closes)["state"] == "open"

    late_day = closes + dt.timedelta(days=1)
    at(monkeypatch, late_day)
    assert status_now(world.project, late_day)["state"] == "overdue"
    evaluation = services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                                 data=evaluation_payload(world))
    assert (evaluation.submitted_on, evaluation.late) == (late_day, True)
    assert status_now(world.project, late_day)["state"] == "submitted_late"


def test_on_g_plus_24_months_the_report_is_on_time(make, monkeypatch):
    world = make("in_operation", g=G)
    at(monkeypatch, add_months(G, 24))
    evaluation = services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                                 data=evaluation_payload(world))
    assert evaluation.late is False


def test_every_target_needs_its_value(make, monkeypatch):
    world = make("in_operation", g=G)
    at(monkeypatch, add_months(G, 12))
    payload = evaluation_payload(world)

    with pytest.raises(InvalidInput) as missing:
        services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                        data={**payload, "values": payload["values"][:2]})
    assert set(missing.value.fields) == {"values"}
    assert "缺第3项" in missing.value.fields["values"][0]

    rows = [dict(r) for r in payload["values"]]
    rows[1]["actual"] = "  "
    rows[2]["achieved"] = None
    with pytest.raises(InvalidInput) as blank:
        services.self_evaluation_submit(actor=world.owner, project=fresh(world.project),
                                        data={**payload, "values": rows, "score": "100.05"})
    assert set(blank.value.fields) == {"score", "values.1.actual", "values.2.achieved"}
    assert (SelfEvaluation.objects.count(), events("operation.self_evaluation.submitted")) == (0, 0)


def test_not_in_operation_the_status_says_so(make):
    world = make("accepted")
    assert status_now(world.project, local_today())["state"] == "not_in_operation"


# --- the O&M arrangement (art. 24) ---------------------------------------------------------------------------


ARRANGEMENT = {"mode": "contractor", "provider": "某某运维服务有限公司", "period_start": "2026-01-01",
               "period_end": "2026-12-31", "security_officer": "王五", "security_measures": "等保三级,专人负责。"}


def test_the_arrangement_is_recorded_once_accepted_and_kept(make):
    trial = make("trial_operation")
    with pytest.raises(Conflict):
        services.arrangement_record(actor=trial.owner, project=trial.project, data=ARRANGEMENT)

    world = make("accepted")
    first = services.arrangement_record(actor=world.owner, project=world.project, data=ARRANGEMENT)
    second = services.arrangement_record(actor=world.owner, project=world.project,
                                         data={**ARRANGEMENT, "mode": "team", "provider": "信息中心运维组"})
    assert [a.pk for a in selectors.arrangements_of(world.project)] == [second.pk, first.pk]
    assert events("operation.om.arranged") == 2

    with pytest.raises(InvalidInput) as bad:
        services.arrangement_record(actor=world.owner, project=world.project,
                                    data={**ARRANGEMENT, "period_end": "2025-12-31"})
    assert set(bad.value.fields) == {"period_end"}
    assert OMArrangement.objects.count() == 2


# --- O&M funding (art. 12) -----------------------------------------------------------------------------------


def request(world, **data):
    return services.funding_request(actor=world.owner, project=fresh(world.project), data={
        "year": local_today().year + 1, "requested_amount": "50000.00", "justification": "质保期满,委托运维。", **data})


def test_in_warranty_through_its_last_day_and_allowed_the_day_after(make):
    world = make("in_operation")
    contract = add_contract(world.project, local_today())
    add_contract(world.project, None, title="无质保约定的服务合同")

    with pytest.raises(RuleViolation) as refused:
        request(world)
    assert (refused.value.rule, refused.value.article) == ("art12.om_after_warranty", "第十二条")
    assert "系统开发合同" in refused.value.message
    assert OMFundingRequest.objects.count() == 0

    contract.warranty_ends_on = local_today() - dt.timedelta(days=1)
    contract.save(update_fields=["warranty_ends_on"])
    made = request(world)
    assert (made.status, made.requested_amount, made.suggested_amount) == ("submitted", Decimal("50000.00"), None)
    assert events("operation.om_funding.requested") == 1


@pytest.mark.parametrize("state", ["trial_operation", "rectifying"])
def test_a_project_not_accepted_gets_no_om_funds(make, state):
    world = make(state)
    with pytest.raises(RuleViolation) as refused:
        request(world)
    assert (refused.value.rule, refused.value.article) == ("art12.om_after_acceptance", "第十二条")


def test_a_project_drc_never_approved_gets_no_om_funds(district):
    from tests.api.conftest import project_maker

    project = project_maker(district)("in_reserve")
    with pytest.raises(RuleViolation) as refused:
        services.funding_request(actor=district.users["edu"], project=project, data={
            "year": 2027, "requested_amount": "50000.00", "justification": "运维"})
    assert refused.value.rule == "art12.om_after_acceptance"
    assert "未经区发改委(大数据局)审批" in refused.value.message


def test_one_open_or_approved_request_a_year(make, district):
    world = make("accepted")
    first = request(world)
    with pytest.raises(Conflict):
        request(world)
    services.funding_decide(actor=district.users["finance"], project=world.project, request=first,
                            data={"decision": "reject", "reason": "纳入部门预算统筹"})
    again = request(world)  # a declined year may be asked again
    assert again.status == "submitted"


def test_without_a_rate_no_amount_is_suggested_and_with_one_estimate_times_rate(make, district):
    from itgov.rules.services import policy_profile_load

    world = make("accepted")
    assert request(world).suggested_amount is None

    path = Path(__file__).resolve().parents[3] / "itgov" / "rules" / "profiles_data" / "gulou-2021.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["name"], spec["effective_from"] = "鼓楼区运维经费比例设定(测试)", (local_today() - dt.timedelta(days=30)).isoformat()
    spec["parameters"]["om_funding_rate"] = "0.05"
    policy_profile_load(actor=None, spec=spec)

    made = request(world, year=local_today().year + 2)
    assert made.suggested_amount == Decimal("57500.00")  # 1,150,000.00 × 5%


def test_finance_decides_once(make, district):
    world = make("accepted")
    made = request(world)
    finance = district.users["finance"]

    with pytest.raises(Forbidden) as denied:
        services.funding_decide(actor=world.owner, project=world.project, request=made,
                                data={"decision": "approve", "amount": "40000.00"})
    assert denied.value.article == "第十二条"
    with pytest.raises(InvalidInput) as no_amount:
        services.funding_decide(actor=finance, project=world.project, request=made, data={"decision": "approve"})
    assert set(no_amount.value.fields) == {"amount"}
    with pytest.raises(InvalidInput) as no_reason:
        services.funding_decide(actor=finance, project=world.project, request=made, data={"decision": "reject"})
    assert set(no_reason.value.fields) == {"reason"}
    with pytest.raises(InvalidInput) as zero:
        services.funding_decide(actor=finance, project=world.project, request=made,
                                data={"decision": "approve", "amount": "0"})
    assert set(zero.value.fields) == {"amount"}

    decided = services.funding_decide(actor=finance, project=world.project, request=made,
                                      data={"decision": "approve", "amount": "40000.00", "reason": "按标准核定"})
    assert (decided.status, decided.decided_amount, decided.decided_by_id, decided.version) == (
        "approved", Decimal("40000.00"), finance.pk, 2)
    assert events("operation.om_funding.decided") == 1
    with pytest.raises(Conflict):
        services.funding_decide(actor=finance, project=world.project, request=made,
                                data={"decision": "reject", "reason": "重复"})


# --- the report's PDF ---------------------------------------------------------------------------------------


def test_the_report_pdf_names_the_project_the_score_and_a_target(make, monkeypatch):
    from pypdf import PdfReader

    from itgov.operation.report import render_report

    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Noto Serif CJK" not in fonts:
        pytest.skip("!!! fonts-noto-cjk is not installed: the PDF's Chinese cannot be checked !!!")
    world = make("in_operation", g=G)
    at(monkeypatch, add_months(G, 13))
    services.self_evaluation_submit(actor=world.owner, project=fresh(world.project), data=evaluation_payload(world))

    pdf = render_report(selectors.evaluation_of(world.project))

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert world.project.name in text
    assert "86.5分" in text
    assert world.targets[0].indicator in text
    assert "绩效自评价报告" in text
