"""The demo's initiation approvals (art. 13–17, 23, 28): each state acted out through the services, the letters
stored with their hash, the expert who signs in seeing only its panels' projects."""

import copy
import hashlib
import re
from decimal import Decimal

import pytest
from django.db import transaction

from itgov.accounts.models import User
from itgov.approvals import services as approvals
from itgov.approvals.models import Baseline, UnitSuspension
from itgov.approvals.selectors import approval_case, current_application, current_budget, panel_of, review_of
from itgov.core.dates import local_today
from itgov.core.errors import RuleViolation
from itgov.demo import data
from itgov.demo.history import STORIES
from itgov.organizations.models import Expert, Unit
from itgov.projects.models import Project
from itgov.projects.selectors import projects_visible_to
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, compliance

pytestmark = pytest.mark.django_db

HEALTH = "鼓楼区全民健康信息平台升级改造项目"
FOOD = "鼓楼区食品安全智慧监管平台建设项目"
EMERGENCY = "鼓楼区应急指挥信息化平台建设项目"
URBAN = "鼓楼区数字城管平台升级改造项目"
ONE_STOP = "鼓楼区政务服务“一网通办”平台升级项目"
SITES = "鼓楼区建筑工地智慧监管平台建设项目"
ELDERLY = "鼓楼区智慧养老服务综合平台建设项目"
DATA, VIDEO, NINGHAI = data.DATA_PLATFORM, data.VIDEO_PLATFORM, data.NINGHAI_GRID  # built on (test_demo_construction)
CODE = re.compile(r"^\d{4}-320106-65-01-\d{6}$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice (what the tests see is what a second `load_demo` left), once for the module, inside
    a transaction rolled back at the end; each test runs in a savepoint inside it (pytest-django's `db`).
    The first run's counts."""
    from itgov.demo.services import load_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            counts = load_demo()
            again = load_demo()
            assert again["approvals_created"] == 0 and "notes" not in again
            yield counts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def project(name: str) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(name=name)


def approval_rows(name: str, actor: str) -> dict[str, str]:
    p = project(name)
    case = Case(subject=p, actor=User.objects.get(username=actor), action="initiation.compliance",
                data=approval_case(p), on=local_today())
    return {row["rule"]: row["status"] for row in compliance(
        case, parameters_in_force(p.owner_unit.jurisdiction, local_today()), scope="approval")}


def test_every_approval_state_is_in_the_demo(demo):
    assert demo["approvals_created"] == len(data.APPROVALS) == 10 and "notes" not in demo
    statuses = dict(Project.objects.filter(name__in=[s["project"] for s in data.APPROVALS])
                    .values_list("name", "status"))
    # the three budgeted projects of the construction stories have moved on since (test_demo_construction)
    assert statuses == {HEALTH: "planned", FOOD: "initiation_submitted", EMERGENCY: "under_review",
                        URBAN: "planned", ONE_STOP: "approved", SITES: "budgeted", ELDERLY: "under_review",
                        DATA: "in_construction", VIDEO: "suspended", NINGHAI: "planned"}
    # the codes: GB/T 40058, the district's region, this month, one each; none before the application is complete
    codes = dict(Project.objects.exclude(project_code__isnull=True).exclude(project_code="")
                 .exclude(name__in=[story["name"] for story in STORIES]).values_list("name", "project_code"))
    assert set(codes) == set(statuses) - {HEALTH}
    assert all(CODE.match(code) and code.startswith(f"{local_today():%y%m}-") for code in codes.values())
    assert len(set(codes.values())) == len(codes)
    assert {n: current_application(project(n)).decision for n in statuses} == {
        HEALTH: "", FOOD: "", EMERGENCY: "", URBAN: "returned", ONE_STOP: "approved", SITES: "approved",
        ELDERLY: "", DATA: "approved", VIDEO: "approved", NINGHAI: ""}  # NINGHAI: its second application


def test_the_draft_application_shows_what_is_still_missing(demo):
    application = current_application(project(HEALTH))
    assert application.submitted_at is None and application.total == Decimal("3230000.00")
    assert [d.kind for d in application.documents.all()] == ["application_report"]
    rows = approval_rows(HEALTH, "health")
    assert {rule for rule, status in rows.items() if status == "pending"} == {
        "art14.reports_submitted", "art14.application_complete", "art11.performance_targets",
        "art30.protection_level_planned", "art17.project_code", "art28.sharing_assessed"}
    assert rows["art28.application_data_sharing"] == rows["art18.shared_platforms"] == "met"


def test_the_submitted_application_is_complete_and_waits_for_the_drc(demo):
    application = current_application(project(FOOD))
    assert application.submitted_at is not None and application.total == project(FOOD).estimated_investment
    assert review_of(application) is None
    assert sorted(d.kind for d in application.documents.all()) == ["application_report", "feasibility_study"]
    assert all(len(d.sha256) == 64 and d.file.read(5) == b"%PDF-" for d in application.documents.all())


def test_the_review_has_its_assessment_and_a_panel_with_one_opinion_in(demo):
    review = review_of(current_application(project(EMERGENCY)))
    assert (review.sharing_conclusion, review.expert_panel_required) == ("adequate", True)
    assert review.assessed_at is not None and review.checklist["content_scale"] == {
        "ok": None, "note": "视频会商终端数量待复核"}
    assert [(m.expert.name, m.opinion, bool(m.opinion_at)) for m in panel_of(review)] == [
        ("顾维民", "agree_with_changes", True), ("沈立峰", "", False)]
    # the compliance panel waits for the second expert (art. 28), so the approval is not yet possible
    assert approval_rows(EMERGENCY, "drc")["art28.expert_assessment"] == "pending"


def test_the_returned_application_is_back_with_the_unit_with_its_reasons(demo):
    application = current_application(project(URBAN))
    spec = next(s for s in data.APPROVALS if s["project"] == URBAN)
    assert (application.decision, application.decision_reason) == ("returned", spec["return_reason"])
    assert application.decided_at is not None and not Baseline.objects.filter(project__name=URBAN).exists()


def test_the_approvals_fix_baselines_numbered_by_the_drc(demo):
    year = local_today().year
    assert Unit.objects.get(code="drc").document_prefix == "鼓发改审"
    numbers = dict(Baseline.objects.filter(document_number__contains=f"〔{year}〕")
                   .values_list("project__name", "document_number"))
    assert numbers == {ONE_STOP: f"鼓发改审〔{year}〕1号", SITES: f"鼓发改审〔{year}〕2号",
                       DATA: f"鼓发改审〔{year}〕3号", VIDEO: f"鼓发改审〔{year}〕4号", NINGHAI: f"鼓发改审〔{year}〕5号"}
    baseline = Baseline.objects.get(project__name=ONE_STOP)
    assert (baseline.version, baseline.approved_estimate) == (1, Decimal("2436000.00"))
    assert baseline.investment_breakdown["software"] == "1520000.00" and len(baseline.performance_targets) == 4
    assert baseline.approved_by.username == "drc"


def test_each_approval_letter_is_stored_with_its_hash(demo):
    # the construction stories' letters are rendered as the app renders them, after the commit (huey) or on the
    # first download; the approval stories' are stored at once
    stored = Baseline.objects.filter(letter__isnull=False)
    assert set(stored.values_list("project__name", flat=True)) == {ONE_STOP, SITES}
    for baseline in stored.select_related("letter"):
        letter = baseline.letter
        with letter.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-") and len(content) == letter.size
        assert hashlib.sha256(content).hexdigest() == letter.sha256


def test_finance_budgeted_one_project_within_its_estimate(demo):
    budget = current_budget(project(SITES))
    year = local_today().year
    assert (budget.revision, budget.total, budget.recorded_by.username) == (1, Decimal("1420000.00"), "finance")
    assert [(line.year, line.fund_source, line.amount) for line in budget.lines.all()] == [
        (year, "general", Decimal("860000.00")), (year + 1, "general", Decimal("440000.00")),
        (year + 1, "transfer", Decimal("120000.00"))]
    assert budget.total <= budget.baseline.approved_estimate


def test_the_joint_project_was_confirmed_by_its_participant(demo):
    p = project(ELDERLY)
    application = current_application(p)
    participant = p.participants.select_related("unit").get()
    assert participant.unit.code == "health" and participant.confirmed_by.username == "health"
    assert (participant.confirmed_application, participant.confirmed_version) == (application, application.version)
    assert application.joint_framework and application.system_interfaces
    rows = approval_rows(ELDERLY, "drc")
    assert rows["art16.participants_confirmed"] == rows["art16.joint_study_complete"] == "met"
    # the participant's user sees the project (art. 16)
    assert projects_visible_to(User.objects.get(username="health")).filter(pk=p.pk).exists()


def test_the_expert_signs_in_and_sees_exactly_the_projects_on_its_panels(demo):
    user = User.objects.get(username="expert")
    assert user.check_password("Gulou@2026") and user.roles == frozenset({"expert"})
    assert Expert.objects.get(user=user).name == "顾维民"
    on_panels = set(Project.objects.filter(applications__review__panel__expert__user=user)
                    .values_list("name", flat=True))
    assert on_panels == {EMERGENCY, ONE_STOP, ELDERLY}
    in_groups = set(Project.objects.filter(acceptances__experts__expert__user=user).values_list("name", flat=True))
    assert in_groups == {"鼓楼区社区矫正智慧管理平台建设项目", "鼓楼区市场主体信用监管平台建设项目"}  # art. 22
    assert set(projects_visible_to(user).values_list("name", flat=True)) == on_panels | in_groups
    # one seat still waits for its opinion: the expert's to-do
    assert list(user.expert.panels.filter(opinion="").values_list(
        "review__application__project__name", flat=True)) == [ELDERLY]


def test_an_expert_of_a_participant_must_stand_aside(demo):
    conflicted = Expert.objects.get(name="冯立群")
    assert conflicted.employer_unit.code == "health"
    with pytest.raises(RuleViolation) as refused:
        approvals.panel_add(actor=User.objects.get(username="drc"), project=project(ELDERLY),
                            data={"expert_id": conflicted.pk})
    assert refused.value.rule == "art15.expert_independent"


def test_a_lifted_suspension_is_kept_and_none_is_active(demo):
    suspension = UnitSuspension.objects.get(unit__code="hrss")
    assert suspension.unit.code == "hrss" and suspension.lifted_at is not None and suspension.lift_reason
    assert suspension.created_by.username == suspension.lifted_by.username == "drc"
    # the one in force is the recent years' (a second failed acceptance, test_demo_history)
    assert list(UnitSuspension.objects.filter(lifted_at__isnull=True).values_list("unit__code", flat=True)) == ["eco"]


def test_the_data_check_refuses_a_budget_above_the_approved_estimate(monkeypatch):
    data.validate()
    broken = copy.deepcopy(data.APPROVALS)
    next(s for s in broken if s["budget"])["budget"]["lines"].append((2, "other", "1.00"))
    monkeypatch.setattr(data, "APPROVALS", broken)
    with pytest.raises(AssertionError):
        data.validate()


def test_the_placeholder_reports_are_valid_pdfs():
    pypdf = pytest.importorskip("pypdf")
    import io

    from itgov.demo.services import _pdf

    reader = pypdf.PdfReader(io.BytesIO(_pdf(["itgov demo district", "Feasibility study report (art. 14)"])))
    assert len(reader.pages) == 1
    assert "Feasibility study report (art. 14)" in reader.pages[0].extract_text()
