"""The initiation approval (art. 13–17, 23, 28) over /api/v1.

The authorization matrix: every operation × every role (the district's, an expert of the pool, anonymous) ×
the states that matter, with the exact status, following itgov/approvals/policies.py and the services:
- visibility: a joint project of edu with health participating; the bureaus, edu and health see it, the
  expert only once it sits on the panel (reviewed and later), sysadmin and the supervisor never (404, exactly
  like a missing id);
- power: edu (the lead unit) edits, uploads, records the code, manages participants and submits; health
  confirms; DRC reviews, staffs the panel and decides; the panel's expert gives its own opinion; Finance
  budgets; the baselines and budgets are shown to whoever sees the project except a pure expert (403). A visible
  object without the power is 403 citing the article; with the power in the wrong state 409; a rule refusing
  is 422 with rule and article.
A refusal leaves every row of the approval and the business audit trail as they were; a 403 of a write is
recorded as `access.denied`, a 422 as `rule.refused`, naming the action.

Each matrix test builds one world per state and asks every role every operation in turn, each inside a
savepoint rolled back after its checks, and reports every cell that differs at once."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils.http import content_disposition_header

from itgov.approvals import services
from itgov.approvals.models import (
    ApplicationDocument,
    ApprovalLetter,
    ApprovalReview,
    Baseline,
    Budget,
    BudgetLine,
    InitiationApplication,
    PanelMember,
    UnitSuspension,
)
from itgov.core.dates import local_today
from itgov.organizations.models import Expert
from itgov.projects.models import Project, ProjectParticipant
from tests.approvals_world import (
    JOINT_SECTIONS,
    PDF_BYTES,
    approval_maker,
    next_code,
    plan_project,
    report,
    valid_application_payload,
)

from . import matrix_approvals
from .conftest import (
    API,
    FORBIDDEN,
    NOT_FOUND,
    ROLES,
    UNAUTHENTICATED,
    business_events,
    missing_id,
    missing_project_id,
    refusal_events,
)
from .test_bad_input import INVALID, ONE_OF

pytestmark = pytest.mark.django_db

# The tables' columns, in this order; together they are the district's roles, an expert and anonymous.
COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
CALLERS = ("anonymous", *ROLES, *(() if "expert" in ROLES else ("expert",)))
BUREAUS = ("drc", "finance", "audit", "cyber", "gov")
STATES = ("planned", "drafted", "submitted", "under_review", "reviewed", "approved", "budgeted", "rejected")
PROJECT_STATUS = {"planned": "planned", "drafted": "planned", "submitted": "initiation_submitted",
                  "under_review": "under_review", "reviewed": "under_review", "approved": "approved",
                  "budgeted": "budgeted", "rejected": "initiation_rejected"}


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


def _power(message: str, article: str) -> dict:
    return {"error": {"code": "forbidden", "message": f"{message}({article})", "article": article}}


OWNER_FORBIDDEN = _power("只有项目的建设单位(联合项目为牵头部门)可以编制和提交立项申请", "第十四条")
CONFIRM_FORBIDDEN = _power("只有该参建单位可以确认联合申请", "第十六条")
DRC_FORBIDDEN = _power("只有区发改委(大数据局)可以审查和批复立项", "第十五条")
OPINION_FORBIDDEN = _power("只有该项目专家组的专家可以提交评审意见", "第二十八条")
FINANCE_FORBIDDEN = _power("只有区财政局可以编列项目预算", "第十五条")
SUSPENSION_FORBIDDEN = _power("只有区发改委(大数据局)可以暂缓或恢复单位的项目审批", "第二十三条")


def _owner(ok: int, planned: int | None = None) -> str:
    """edu's own writes: while the project waits in the plan (planned, with or without its application);
    refused by state once submitted. Everyone else who sees the project lacks the power (art. 14)."""
    return f"""
planned       401 404 403 403 403 403 403 {planned or ok} 403 404 404
drafted       401 404 403 403 403 403 403 {ok} 403 404 404
submitted     401 404 403 403 403 403 403 409 403 404 404
reviewed      401 404 403 403 403 403 403 409 403 404 403
"""


def _drc(**cells: int) -> str:
    """DRC's writes in the states named, `cells` giving DRC's status there; the others who see it lack the power."""
    return "\n".join(f"{s} 401 404 {code} 403 403 403 403 403 403 404 {403 if s in PANEL_SEEN else 404}"
                     for s, code in cells.items())


PANEL_SEEN = ("reviewed", "approved", "budgeted")  # the expert sits on the panel from then on
_SEEN = "\n".join(f"{s} 401 404 200 200 200 200 200 200 200 404 {200 if s in PANEL_SEEN else 404}" for s in STATES)
# The decision's papers: everyone who sees the project, but not the pure expert (approvals.view_decision).
_DECISION = "\n".join(f"{s} 401 404 200 200 200 200 200 200 200 404 {403 if s in PANEL_SEEN else 404}"
                      for s in ("planned", "reviewed", "approved", "budgeted"))

# Operations on the project's approval, in the states that tell them apart.
PROJECT_EXPECTED = {
    "dossier": _table(_SEEN),
    "application_save": _table(_owner(200)),
    "document_upload": _table(_owner(201)),
    "project_code": _table(_owner(200)),
    "participant_add": _table(_owner(201)),
    # with no code yet (planned), art. 17 refuses before anything else (422)
    "submit": _table(_owner(200, planned=422)),
    "start_review": _table(_drc(drafted=409, submitted=200, under_review=409)),
    "return": _table(_drc(drafted=409, submitted=200, under_review=200, approved=409)),
    "reject": _table(_drc(drafted=409, submitted=200, under_review=200, approved=409)),
    # under review without the data-sharing assessment: art. 28 refuses (422)
    "approve": _table(_drc(submitted=409, under_review=422, reviewed=200, approved=409)),
    "review_update": _table(_drc(submitted=409, under_review=200, reviewed=200, approved=409)),
    "panel_add": _table(_drc(submitted=409, under_review=201, reviewed=201, approved=409)),
    "baseline_list": _table(_DECISION),
    "budget_list": _table(_DECISION),
    "budget_record": _table("""
reviewed      401 404 403 409 403 403 403 403 403 404 403
approved      401 404 403 201 403 403 403 403 403 404 403
budgeted      401 404 403 201 403 403 403 403 403 404 403
"""),
}
# Operations on one object of the approval, in the states where it exists.
OBJECT_EXPECTED = {
    "document_download": _table("""
drafted       401 404 200 200 200 200 200 200 200 404 404
reviewed      401 404 200 200 200 200 200 200 200 404 200
approved      401 404 200 200 200 200 200 200 200 404 200
"""),
    "participant_remove": _table(_owner(204)),
    "participant_confirm": _table("""
planned       401 404 403 403 403 403 403 403 409 404 404
drafted       401 404 403 403 403 403 403 403 200 404 404
submitted     401 404 403 403 403 403 403 403 409 404 404
reviewed      401 404 403 403 403 403 403 403 409 404 403
"""),
    # under review: the spare expert (no opinion yet); approved: the expert who gave its opinion
    "panel_remove": _table(_drc(under_review=204, reviewed=204, approved=409)),
    # under review: the spare expert has no login, DRC records its opinion from the meeting; then the expert's
    # own seat, which only the expert may fill
    "opinion": _table("""
under_review  401 404 200 403 403 403 403 403 403 404 404
reviewed      401 404 403 403 403 403 403 403 403 404 200
approved      401 404 403 403 403 403 403 403 403 404 409
"""),
    # baseline version 1: none before the approval (404), but the expert is refused first (403)
    "baseline_detail": _table("""
reviewed      401 404 404 404 404 404 404 404 404 404 403
approved      401 404 200 200 200 200 200 200 200 404 403
budgeted      401 404 200 200 200 200 200 200 200 404 403
"""),
    "letter": _table("""
reviewed      401 404 404 404 404 404 404 404 404 404 403
approved      401 404 200 200 200 200 200 200 200 404 403
budgeted      401 404 200 200 200 200 200 200 200 404 403
"""),
}
EXPECTED = {**PROJECT_EXPECTED, **OBJECT_EXPECTED}

# Operations without a project: one world (reviewed, an active suspension of edu). Same columns.
GLOBAL_EXPECTED = _table("""
expert_reviews      401 403 403 403 403 403 403 403 403 403 200
expert_pool         401 403 200 403 403 403 403 403 403 403 403
suspension_list     401 200 200 200 200 200 200 200 200 200 200
suspension_create   401 403 201 403 403 403 403 403 403 403 403
codes_export        401 403 200 403 403 403 403 403 403 403 403
codes_import        401 403 200 403 403 403 403 403 403 403 403
""")
# Lifting edu's suspension: the bureaus and edu see it, only DRC lifts it (art. 23).
SUSPENSION_EXPECTED = {"suspension_lift": _table("""
active    401 404 200 403 403 403 403 403 404 404 404
lifted    401 404 409 403 403 403 403 403 404 404 404
""")}

FORBIDDEN_BODY = {
    **dict.fromkeys(("application_save", "document_upload", "project_code", "participant_add", "participant_remove",
                     "submit"), OWNER_FORBIDDEN),
    "participant_confirm": CONFIRM_FORBIDDEN,
    **dict.fromkeys(("start_review", "return", "reject", "approve", "review_update", "panel_add", "panel_remove",
                     "codes_export", "codes_import"), DRC_FORBIDDEN),
    "opinion": OPINION_FORBIDDEN, "budget_record": FINANCE_FORBIDDEN,
    **dict.fromkeys(("suspension_create", "suspension_lift"), SUSPENSION_FORBIDDEN),
    **dict.fromkeys(("baseline_list", "budget_list", "baseline_detail", "letter", "expert_reviews", "expert_pool"),
                    FORBIDDEN),
}
# The action a refusal (access.denied, rule.refused) names; reads refuse without a record.
ACTION = {
    "application_save": "initiation.edit", "document_upload": "initiation.upload",
    "project_code": "project_code.record", "participant_add": "participant.add",
    "participant_remove": "participant.remove", "participant_confirm": "participant.confirm",
    "submit": "initiation.submit", "start_review": "initiation.start_review", "return": "initiation.return",
    "reject": "initiation.reject", "approve": "initiation.approve", "review_update": "review.update",
    "panel_add": "panel.add", "panel_remove": "panel.remove", "opinion": "panel.opinion",
    "budget_record": "budget.record", "suspension_create": "suspension.create", "suspension_lift": "suspension.lift",
    "codes_export": "project_codes.export", "codes_import": "project_codes.import",
}
# The business events a success records, in order.
EVENTS = {
    "application_save": ["approval.application.saved"], "document_upload": ["approval.document.uploaded"],
    "project_code": ["approval.project_code.recorded"], "participant_add": ["approval.participant.added"],
    "participant_remove": ["approval.participant.removed"],
    "participant_confirm": ["approval.participant.confirmed"], "submit": ["approval.submitted"],
    "start_review": ["approval.review.started"], "return": ["approval.returned"], "reject": ["approval.rejected"],
    "approve": ["approval.approved", "approval.baseline.fixed"], "review_update": ["approval.review.changed"],
    "panel_add": ["approval.panel.added"], "panel_remove": ["approval.panel.removed"],
    "opinion": ["approval.panel.opinion"], "budget_record": ["approval.budget.recorded", "approval.budget.revision"],
    "document_download": ["file.downloaded"], "letter": ["file.downloaded"],
    "suspension_create": ["approval.unit.suspended"], "suspension_lift": ["approval.unit.suspension_lifted"],
    "codes_export": ["file.downloaded"], "codes_import": ["approval.project_codes.imported"],
}
# A dossier's `actions` name the operations below, for the cells where the role holds the power in that state
# (2xx, or 422: the power and the state are there, a rule refuses on execution).
ACTION_OF_OP = {"application_save": "edit", "document_upload": "upload", "project_code": "record_code",
                "participant_add": "manage_participants", "participant_confirm": "confirm", "submit": "submit",
                "start_review": "start_review", "return": "return", "reject": "reject", "approve": "approve",
                "review_update": "review", "panel_add": "manage_panel", "opinion": "opinion",
                "budget_record": "record_budget"}
_EDU = ["edit", "upload", "record_code", "manage_participants", "submit"]
_DRC = ["return", "reject", "approve", "review", "manage_panel"]
# Each role's actions on the dossier per state (the others: none).
ACTIONS = {
    "planned": {"edu": _EDU}, "drafted": {"edu": _EDU, "health": ["confirm"]},
    "submitted": {"drc": ["start_review", "return", "reject"]}, "under_review": {"drc": [*_DRC, "opinion"]},
    "reviewed": {"drc": [*_DRC, "opinion"], "expert": ["opinion"]}, "approved": {"finance": ["record_budget"]},
    "budgeted": {"finance": ["record_budget"]},
}
# The approval-scope rules on the dossier, per state (the art. 28 threshold is not set in the Gulou profile).
_RULES = ("art11.performance_targets", "art14.application_complete", "art14.reports_submitted",
          "art16.joint_study_complete", "art16.participants_confirmed", "art17.project_code", "art18.shared_platforms",
          "art23.unit_not_suspended", "art28.application_data_sharing", "art28.expert_assessment",
          "art28.sharing_assessed", "art30.protection_level_planned")
_P, _M, _N = "pending", "met", "not_applicable"
CHECKS = {
    "planned": (_P, _P, _P, _P, _P, _P, _P, _M, _P, _N, _P, _P),
    "drafted": (_M, _M, _M, _M, _M, _M, _M, _M, _M, _N, _P, _M),
    "submitted": (_M, _M, _M, _M, _M, _M, _M, _M, _M, _N, _P, _M),
    "under_review": (_M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _P, _M),
    "reviewed": (_M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _M),
    "approved": (_M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _M),
    "budgeted": (_M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _M, _M),
    # the decision changed the application (its version), so health's confirmation is no longer current
    "rejected": (_M, _M, _M, _M, _P, _M, _M, _M, _M, _N, _P, _M),
}
PANEL = {"under_review": ["赵专家"], "reviewed": ["王专家", "赵专家"], "approved": ["王专家"], "budgeted": ["王专家"]}
NEW_SCALE = "覆盖全区13个街道、5000名用户。"
APPROVE_BODY = {"approved_estimate": "1100000.00", "control_indicators": "建设工期10个月。", "opinion": "同意建设。",
                "copy_to": "区财政局,区审计局"}
REVIEW_BODY = {"sharing_conclusion": "needs_improvement", "sharing_opinion": "需补充共享目录。",
               "expert_panel_required": False, "checklist": {"estimate": {"ok": False, "note": "硬件单价偏高"}}}


@pytest.fixture
def api(api):
    """The API clients of tests/api/conftest.py, every caller's token issued up front: issuing one is audited,
    and the tests compare the audit trail around each request."""
    for role in COLUMNS:
        api(role)
    return api


def test_the_tables_cover_every_operation_role_and_state():
    assert set(COLUMNS) == set(CALLERS)
    assert set(PROJECT_EXPECTED) == set(matrix_approvals.PROJECT)
    assert set(OBJECT_EXPECTED) == set(matrix_approvals.OBJECT)
    assert set(GLOBAL_EXPECTED) == set(matrix_approvals.GLOBAL)
    assert set(SUSPENSION_EXPECTED) == set(matrix_approvals.SUSPENSION)
    assert tuple(PROJECT_EXPECTED["dossier"]) == STATES
    assert all(set(table) <= set(STATES) for table in EXPECTED.values())


# --- the world ---------------------------------------------------------------------------------------------


def _world(district, state: str) -> SimpleNamespace:
    """edu's joint project (health participates) in `state`, with an expert outside the panel to add, a spare
    expert without a login on the panel while under review (no opinion yet), and, once approved, the letter as
    issued (a stored PDF with its hash)."""
    world = approval_maker(district)(state, joint=True)
    world.district = district
    world.extra_expert = Expert.objects.create(jurisdiction=district.drc_unit.jurisdiction, name="孙专家",
                                               specialty="网络安全", employer="某设计院")
    world.spare = None
    if state in ("under_review", "reviewed"):
        world.spare = services.panel_add(actor=district.users["drc"], project=world.project,
                                         data={"expert_id": district.expert2.pk})
    if world.baseline is not None:  # the letter as issued (rendering one is test_the_approval_letter_…'s)
        letter = ApprovalLetter(baseline=world.baseline, sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
                                size=len(PDF_BYTES))
        letter.file.save(f"letter-{world.baseline.pk}.pdf", ContentFile(PDF_BYTES), save=False)
        letter.save()
    world.project = Project.objects.select_related("owner_unit").get(pk=world.project.pk)
    world.participant = ProjectParticipant.objects.get(project=world.project)
    world.document = (ApplicationDocument.objects.filter(application=world.application, kind="application_report")
                      .first() if world.application else None)
    world.new_code = next_code()
    return world


def approval_snapshot(project_id: int) -> dict:
    """Every row of the project's approval (and every suspension): what a refusal must leave as it was."""
    return {
        "project": Project.objects.filter(pk=project_id).values().get(),
        "applications": list(InitiationApplication.objects.filter(project_id=project_id).values()),
        "documents": list(ApplicationDocument.objects.filter(application__project_id=project_id).values()),
        "participants": list(ProjectParticipant.objects.filter(project_id=project_id).values()),
        "reviews": list(ApprovalReview.objects.filter(application__project_id=project_id).values()),
        "panel": list(PanelMember.objects.filter(review__application__project_id=project_id).values()),
        "baselines": list(Baseline.objects.filter(project_id=project_id).values()),
        "budgets": list(Budget.objects.filter(project_id=project_id).values()),
        "budget_lines": list(BudgetLine.objects.filter(budget__project_id=project_id).values()),
        "suspensions": list(UnitSuspension.objects.values()),
    }


def _upload(client, url: str, data: dict):
    return client.client.post(url, data, **client.headers)


def _url(table: dict, op: str, **ids) -> str:
    return API + table[op][1].format(**ids)


def _versioned(obj, **body) -> dict:
    return {**({"version": obj.version} if obj is not None else {}), **body}


def _request(client, op: str, world, *, missing: bool = False):
    """The matrix's request for `op` on `world` (on an id that does not exist when `missing`)."""
    project, application = world.project, world.application
    if op in matrix_approvals.PROJECT:
        url = _url(matrix_approvals.PROJECT, op, project_id=missing_project_id() if missing else project.pk)
        return {
            "application_save": lambda: client.patch(url, _versioned(application, scale=NEW_SCALE)),
            "document_upload": lambda: _upload(client, url, {"kind": "feasibility_study", "file": SimpleUploadedFile(
                "可行性研究报告(修订).pdf", PDF_BYTES, "application/pdf")}),
            "project_code": lambda: client.post(url, _versioned(project, project_code=world.new_code)),
            "participant_add": lambda: client.post(url, {"unit_id": world.district.street.pk,
                                                         "role_description": "街道数据采集"}),
            "submit": lambda: client.post(url, _versioned(project)),
            "start_review": lambda: client.post(url, _versioned(project)),
            "return": lambda: client.post(url, _versioned(project, reason="投资估算依据不足")),
            "reject": lambda: client.post(url, _versioned(project, reason="与已建系统重复")),
            "approve": lambda: client.post(url, _versioned(project, **APPROVE_BODY)),
            "review_update": lambda: client.patch(url, _versioned(world.review, **REVIEW_BODY)),
            "panel_add": lambda: client.post(url, {"expert_id": world.extra_expert.pk}),
            "budget_record": lambda: client.post(url, _versioned(project, note="一次安排", lines=[
                {"year": 2027, "fund_source": "general", "amount": "900000.00"}])),
        }.get(op, lambda: client.get(url))()
    if op in matrix_approvals.OBJECT:
        seat = (world.member or world.spare) if op == "opinion" else (world.spare or world.member)
        ids = {"document_id": world.document.pk if world.document else None,
               "participant_id": world.participant.pk, "member_id": seat.pk if seat else None, "version": 1}
        if missing:
            ids = {"document_id": missing_id(ApplicationDocument), "participant_id": missing_id(ProjectParticipant),
                   "member_id": missing_id(PanelMember), "version": 99}
        path = matrix_approvals.OBJECT[op][1]
        url = API + path.format(project_id=project.pk, **{k: v for k, v in ids.items() if f"{{{k}}}" in path})
        if op in ("participant_remove", "panel_remove"):
            return client.call("DELETE", url)
        if op == "participant_confirm":
            return client.post(url, _versioned(application))
        if op == "opinion":
            return client.post(url, {"opinion": "agree_with_changes", "opinion_text": "建议压缩硬件投资。"})
        return client.get(url)
    if op in matrix_approvals.GLOBAL:
        url = _url(matrix_approvals.GLOBAL, op)
        if op == "expert_pool":
            return client.get(f"{url}?project_id={missing_project_id() if missing else project.pk}")
        if op == "suspension_create":
            return client.post(url, {"unit_id": world.district.health.pk, "reason": "验收不合格且拒不整改"})
        if op == "codes_import":
            return _upload(client, url, {"file": SimpleUploadedFile("项目代码交换.xlsx", world.codes_file)})
        return client.get(url)
    suspension_id = missing_id(UnitSuspension) if missing else world.suspension.pk
    return client.post(_url(matrix_approvals.SUSPENSION, op, suspension_id=suspension_id),
                       {"version": world.suspension.version, "reason": "已完成整改"})


def _expected_actions(role: str, state: str) -> list[str]:
    return ACTIONS.get(state, {}).get(role, [])


def test_the_dossiers_actions_agree_with_the_tables():
    """A power the role holds in that state is an action; on the project itself, exactly those. (An object's
    operation is offered when one of its objects is open to the role: DRC records the opinion of an expert
    without a login, not of one with a login.)"""
    for op, action in ACTION_OF_OP.items():
        for state, row in EXPECTED[op].items():
            for role, code in row.items():
                holds = code in (200, 201, 422)
                offered = action in _expected_actions(role, state)
                assert offered == holds or (op in OBJECT_EXPECTED and offered), (op, state, role)


def _check_dossier(role: str, state: str, world, body: dict) -> None:
    insider = role in BUREAUS or role == "expert"
    papers = role != "expert"
    assert (body["project"]["id"], body["project"]["status"]) == (world.project.pk, PROJECT_STATUS[state])
    assert body["project"]["project_code"] == world.project.project_code
    application = body["application"]
    if state == "planned":
        assert application is None
    else:
        assert (application["id"], application["total"], application["hardware"], application["protection_level"]) == (
            world.application.pk, "1200000.00", "200000.00", 3)
        assert [m["name"] for m in application["milestones"]] == ["完成招标采购", "系统上线试运行"]
        assert [t["category"] for t in application["performance_targets"]] == [
            "benefit", "output_quantity", "satisfaction"]
        assert [(d["kind"], d["name"]) for d in application["documents"]] == [
            ("application_report", "application_report.pdf"), ("feasibility_study", "feasibility_study.pdf")]
        assert application["documents"][0]["download"] == (
            f"{API}/projects/{world.project.pk}/application/documents/{world.document.pk}")
    current = state not in ("planned", "rejected")
    assert [(p["unit"]["code"], p["confirmed"], p["current"]) for p in body["participants"]] == [
        ("health", state != "planned", current)]
    has_review = state in ("under_review", "reviewed", "approved", "budgeted")
    assert (body["review"] is not None) == (insider and has_review)
    if body["review"] is not None:
        assert [row["item"] for row in body["review"]["checklist"]][:2] == ["necessity", "content_scale"]
        assert body["review"]["sharing_conclusion"] == ("" if state == "under_review" else "adequate")
    if insider:
        assert [m["expert"]["name"] for m in body["panel"]] == PANEL.get(state, [])
    else:
        assert body["panel"] is None
    decided = papers and state in ("approved", "budgeted")
    assert [b["version"] for b in body["baselines"]] == ([1] if decided else [])
    if decided:
        assert body["baselines"][0]["letter"] == f"{API}/projects/{world.project.pk}/baselines/1/letter.pdf"
    budget = body["budget"]
    assert (budget and (budget["revision"], budget["total"])) == (
        (1, "1150000.00") if papers and state == "budgeted" else None)
    assert [c["rule"] for c in body["checks"]] == list(_RULES)
    assert tuple(c["status"] for c in body["checks"]) == CHECKS[state]
    assert body["actions"] == _expected_actions(role, state)


def _check_success(op: str, role: str, state: str, world, response, expected_events: list[str]):
    """What a success answers and leaves, op by op."""
    body = (response.json() if not response.streaming and response.content
            and response.get("Content-Type", "").startswith("application/json") else None)
    project, application = world.project, world.application
    if op == "dossier":
        _check_dossier(role, state, world, body)
    elif op == "application_save":
        version = application.version + 1 if application else 1
        assert (body["scale"], body["version"], body["project_id"]) == (NEW_SCALE, version, project.pk)
        assert InitiationApplication.objects.get(project=project).scale == NEW_SCALE
    elif op == "document_upload":
        assert (body["kind"], body["name"], body["size"]) == ("feasibility_study", "可行性研究报告(修订).pdf",
                                                            len(PDF_BYTES))
        assert ApplicationDocument.objects.filter(application__project=project, kind="feasibility_study").count() == (
            1 if state == "planned" else 2)
    elif op == "project_code":
        assert (body["project_code"], body["version"]) == (world.new_code, project.version + 1)
        assert Project.objects.get(pk=project.pk).project_code == world.new_code
    elif op == "participant_add":
        assert (body["unit"]["code"], body["role_description"], body["confirmed"]) == ("street1", "街道数据采集", False)
    elif op == "participant_remove":
        assert response.content == b""
        assert not ProjectParticipant.objects.filter(pk=world.participant.pk).exists()
    elif op == "participant_confirm":
        assert (body["id"], body["confirmed"], body["current"], body["confirmed_version"]) == (
            world.participant.pk, True, True, application.version)
    elif op in ("submit", "start_review", "return", "reject", "approve"):
        target = {"submit": "initiation_submitted", "start_review": "under_review", "return": "planned",
                  "reject": "initiation_rejected", "approve": "approved"}[op]
        assert (body["project"]["status"], body["project"]["version"]) == (target, project.version + 1)
        fresh = InitiationApplication.objects.get(pk=application.pk)
        if op == "submit":
            assert fresh.submitted_at is not None
        if op == "start_review":
            assert ApprovalReview.objects.filter(application=application).exists()
        if op in ("return", "reject"):
            assert (fresh.decision, fresh.decision_reason) == (
                ("returned", "投资估算依据不足") if op == "return" else ("rejected", "与已建系统重复"))
        if op == "approve":
            baseline = Baseline.objects.get(project=project)
            assert (baseline.version, baseline.approved_estimate, baseline.control_indicators) == (
                1, Decimal("1100000.00"), "建设工期10个月。")
            assert baseline.document_number.endswith(f"〔{local_today().year}〕1号")
            assert [(b["version"], b["approved_estimate"]) for b in body["baselines"]] == [(1, "1100000.00")]
            assert fresh.decision == "approved"
    elif op == "review_update":
        assert (body["sharing_conclusion"], body["sharing_opinion"], body["version"]) == (
            "needs_improvement", "需补充共享目录。", world.review.version + 1)
        assert {row["item"]: (row["ok"], row["note"]) for row in body["checklist"]}["estimate"] == (False, "硬件单价偏高")
    elif op == "panel_add":
        assert (body["expert"]["name"], body["opinion"]) == ("孙专家", "")
        assert PanelMember.objects.filter(review=world.review, expert=world.extra_expert).exists()
    elif op == "panel_remove":
        assert response.content == b""
        assert not PanelMember.objects.filter(pk=world.spare.pk).exists()
    elif op == "opinion":
        seat, recorder = (world.member, "expert") if world.member else (world.spare, "drc")
        assert (body["id"], body["opinion"], body["opinion_text"], body["has_login"]) == (
            seat.pk, "agree_with_changes", "建议压缩硬件投资。", recorder == "expert")
        assert body["recorded_by"] == world.district.users[recorder].display_name
    elif op == "baseline_list":
        assert [(b["version"], b["approved_estimate"]) for b in body["items"]] == (
            [(1, "1150000.00")] if state in ("approved", "budgeted") else [])
    elif op == "budget_list":
        assert [(b["revision"], b["total"]) for b in body["items"]] == (
            [(1, "1150000.00")] if state == "budgeted" else [])
    elif op == "budget_record":
        revision = 2 if state == "budgeted" else 1
        assert (body["revision"], body["total"], body["baseline_version"]) == (revision, "900000.00", 1)
        assert [(line["year"], line["fund_source"], line["amount"]) for line in body["lines"]] == [
            (2027, "general", "900000.00")]
        assert Project.objects.get(pk=project.pk).status == "budgeted"
    elif op == "baseline_detail":
        _check_baseline(body, world.baseline)
    elif op == "letter":
        assert response["Content-Type"] == "application/pdf"
        assert response.content == PDF_BYTES  # the stored letter, its hash checked
        assert "attachment" in response["Content-Disposition"]
    elif op == "document_download":
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert "application_report.pdf" in response["Content-Disposition"]
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)
    assert expected_events == EVENTS.get(op, [])


def _check_baseline(body: dict, baseline: Baseline) -> None:
    """Every figure the approval fixed, as stored."""
    expected = {
        "id": baseline.pk, "project_id": baseline.project_id, "version": baseline.version,
        "application_id": baseline.application_id, "approved_estimate": f"{baseline.approved_estimate:.2f}",
        "construction_content": baseline.construction_content, "scale": baseline.scale,
        "standards": baseline.standards, "investment_breakdown": baseline.investment_breakdown,
        "start_date": baseline.start_date.isoformat(), "end_date": baseline.end_date.isoformat(),
        "protection_level": baseline.protection_level, "performance_targets": baseline.performance_targets,
        "control_indicators": baseline.control_indicators, "opinion": baseline.opinion,
        "document_number": baseline.document_number, "document_year": baseline.document_year,
        "document_seq": baseline.document_seq, "copy_to": baseline.copy_to,
        "approved_on": baseline.approved_on.isoformat(), "approved_by": baseline.approved_by.display_name,
        "issuing_unit": {"id": baseline.issuing_unit_id, "code": "drc", "name": baseline.issuing_unit.name},
    }
    assert {key: body[key] for key in expected} == expected
    assert (body["approved_estimate"], body["investment_breakdown"]["hardware"], body["opinion"]) == (
        "1150000.00", "200000.00", "同意建设。")


def _run_row(api, op: str, state: str, row: dict[str, int], world, clients, failures: list[str]) -> None:
    """Ask every role in turn, each inside a savepoint rolled back after its checks; collect what differs."""
    compared_missing = False
    for role, expected in row.items():
        with transaction.atomic():
            # the rows are compared where the request got past authentication and lookup
            before = approval_snapshot(world.project.pk) if expected in (403, 409, 422) else None
            events_before, refusals_before = business_events(), refusal_events()
            response = _request(clients[role], op, world)
            where = f"{op} {state} {role}"
            try:
                text = "" if response.streaming else response.content.decode(errors="replace")[:300]
                assert response.status_code == expected, f"{where}: {response.status_code} {text}"
                body = response.json() if expected >= 400 else None
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                new_refusals = refusal_events()[len(refusals_before):]
                if before is not None:
                    assert approval_snapshot(world.project.pk) == before, where
                if expected >= 400:
                    assert new_events == [], where
                if expected == 401:
                    assert body == UNAUTHENTICATED, where
                elif expected == 404:
                    assert body == NOT_FOUND, where
                    if not compared_missing:  # exactly what a missing id answers
                        assert _request(clients[role], op, world, missing=True).json() == body, where
                        compared_missing = True
                elif expected == 403 and op in ("codes_export", "codes_import"):
                    assert body["error"]["code"] == "forbidden", where
                    assert body["error"]["article"] == "第十五条", where
                elif expected == 403:
                    assert body == FORBIDDEN_BODY[op], f"{where}: {body}"
                elif expected == 409:
                    assert body["error"]["code"] == "conflict", where
                elif expected == 422:
                    rule = {"submit": ("art14.application_complete", "第十四条"),
                            "approve": ("art28.sharing_assessed", "第二十八条")}[op]
                    assert (body["error"]["rule"], body["error"]["article"]) == rule, where
                elif expected < 300:
                    _check_success(op, role, state, world, response, new_events)
                recorded = {403: [("access.denied", ACTION.get(op))], 422: [("rule.refused", ACTION.get(op))]}
                expected_refusals = recorded.get(expected, []) if op in ACTION else []
                assert new_refusals == expected_refusals, f"{where}: {new_refusals}"
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


@pytest.mark.parametrize("state", STATES)
def test_project_operations(api, district, state):
    world = _world(district, state)
    clients = {role: api(role) for role in COLUMNS}  # tokens issued outside the savepoints
    failures: list[str] = []
    for op, table in EXPECTED.items():
        if state in table:
            _run_row(api, op, state, table[state], world, clients, failures)
    assert not failures, "\n".join(failures)


def _global_world(district):
    world = _world(district, "reviewed")
    world.suspension = services.suspension_create(actor=district.users["drc"], data={
        "unit_id": district.edu.pk, "reason": "项目验收不合格且拒不整改"})
    from itgov.approvals.provincial import codes_export

    world.codes_file = codes_export(actor=district.users["drc"])
    return world


def test_global_operations(api, district):
    world = _global_world(district)
    clients = {role: api(role) for role in COLUMNS}
    failures: list[str] = []
    for op, row in GLOBAL_EXPECTED.items():
        _run_global_row(op, row, world, clients, failures)
    assert not failures, "\n".join(failures)


def _run_global_row(op: str, row: dict[str, int], world, clients, failures: list[str]) -> None:
    for role, expected in row.items():
        with transaction.atomic():
            before = approval_snapshot(world.project.pk)
            events_before, refusals_before = business_events(), refusal_events()
            response = _request(clients[role], op, world)
            where = f"{op} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                new_refusals = refusal_events()[len(refusals_before):]
                if expected >= 400:
                    body = response.json()
                    assert approval_snapshot(world.project.pk) == before, where
                    assert new_events == [], where
                    assert body == {401: UNAUTHENTICATED}.get(expected) or body["error"]["code"] == "forbidden", where
                    if op in FORBIDDEN_BODY and expected == 403 and op not in ("codes_export", "codes_import"):
                        assert body == FORBIDDEN_BODY[op], f"{where}: {body}"
                    denied = [("access.denied", ACTION[op])] if expected == 403 and op in ACTION else []
                    assert new_refusals == denied, f"{where}: {new_refusals}"
                else:
                    _check_global_success(op, role, world, response)
                    assert new_events == EVENTS.get(op, []), where
                    assert new_refusals == [], where
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


def _check_global_success(op: str, role: str, world, response) -> None:
    district = world.district
    if op == "expert_reviews":
        body = response.json()
        assert [(s["id"], s["project"]["id"], s["opinion"], s["open"]) for s in body["items"]] == [
            (world.member.pk, world.project.pk, "agree", True)]
    elif op == "expert_pool":
        body = response.json()
        assert body["project_id"] == world.project.pk
        # 钱专家 works for edu, the owner unit: a conflict of interest (art. 15)
        assert [(e["name"], e["on_panel"], e["conflict"]) for e in body["items"]] == [
            ("王专家", True, False), ("钱专家", False, True), ("赵专家", True, False), ("孙专家", False, False)]
        assert body["items"][1]["conflict_reason"] == "钱专家任职于区教育局"
    elif op == "suspension_list":
        body = response.json()
        seen = [world.suspension.pk] if role in (*BUREAUS, "edu") else []
        assert [(s["id"], s["active"]) for s in body["items"]] == [(pk, True) for pk in seen]
        assert body["count"] == len(seen)
    elif op == "suspension_create":
        body = response.json()
        assert (body["unit"]["code"], body["active"], body["reason"]) == ("health", True, "验收不合格且拒不整改")
        assert UnitSuspension.objects.filter(unit=district.health, lifted_at__isnull=True).count() == 1
    elif op == "codes_export":
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content.startswith(b"PK")
    elif op == "codes_import":
        assert response.json() == {"updated": 0, "unchanged": 1}
    else:  # pragma: no cover
        raise AssertionError(op)


@pytest.mark.parametrize("state", ["active", "lifted"])
def test_suspension_lift(api, district, state):
    drc = district.users["drc"]
    world = SimpleNamespace(district=district, project=approval_maker(district)("planned").project, application=None)
    world.suspension = services.suspension_create(actor=drc, data={"unit_id": district.edu.pk,
                                                                   "reason": "项目验收不合格且拒不整改"})
    if state == "lifted":
        world.suspension = services.suspension_lift(actor=drc, suspension=world.suspension, data={"reason": "已整改"})
    clients = {role: api(role) for role in COLUMNS}
    failures: list[str] = []
    for role, expected in SUSPENSION_EXPECTED["suspension_lift"][state].items():
        with transaction.atomic():
            before, events_before = approval_snapshot(world.project.pk), business_events()
            refusals_before = refusal_events()
            response = _request(clients[role], "suspension_lift", world)
            where = f"suspension_lift {state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.content[:300]}"
                body = response.json()
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                new_refusals = refusal_events()[len(refusals_before):]
                if expected == 200:
                    assert (body["active"], body["lift_reason"], body["version"]) == (
                        False, "已完成整改", world.suspension.version + 1)
                    assert new_events == ["approval.unit.suspension_lifted"]
                else:
                    assert approval_snapshot(world.project.pk) == before, where
                    assert new_events == [], where
                    expected_body = {401: UNAUTHENTICATED, 403: SUSPENSION_FORBIDDEN, 404: NOT_FOUND}.get(expected)
                    if expected_body:
                        assert body == expected_body, where
                    else:
                        assert body["error"]["code"] == "conflict", where
                    if expected == 404:
                        assert _request(clients[role], "suspension_lift", world, missing=True).json() == NOT_FOUND
                    denied = [("access.denied", "suspension.lift")] if expected == 403 else []
                    assert new_refusals == denied, where
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# --- every refusal with its article --------------------------------------------------------------------------


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else {}


def _planned_with(district, *, documents=("application_report", "feasibility_study"), code=True, **overrides):
    """edu's planned project with its application (overrides applied), the given reports, a code or none."""
    world = approval_maker(district)("planned")
    edu = district.users["edu"]
    services.application_save(actor=edu, project=world.project, data=valid_application_payload(**overrides))
    for kind in documents:
        services.document_upload(actor=edu, project=world.project, **report(kind))
    if code:
        services.project_code_record(actor=edu, project=Project.objects.get(pk=world.project.pk),
                                     data={"project_code": next_code()})
    return Project.objects.select_related("owner_unit").get(pk=world.project.pk)


def _assert_refused(response, rule: str, article: str, fields: set[str] | None = None) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article)
    assert f"({article})" in error["message"]
    if fields is not None:
        assert set(error["fields"]) == fields
    return error


def _refused_cleanly(project_id: int, action: str, run) -> dict:
    """Run the refused call; nothing of the approval changed, no business event, one `rule.refused`."""
    before, events_before, refusals_before = approval_snapshot(project_id), business_events(), refusal_events()
    error = run()
    assert approval_snapshot(project_id) == before
    assert business_events() == events_before
    assert refusal_events()[len(refusals_before):] == [("rule.refused", action)]
    return error


def test_submission_without_the_feasibility_study_is_refused_by_art14(api, district):
    project = _planned_with(district, documents=("application_report",))
    error = _refused_cleanly(project.pk, "initiation.submit", lambda: _assert_refused(
        api("edu").post(f"projects/{project.pk}/initiation/submit", {"version": project.version}),
        "art14.reports_submitted", "第十四条", {"documents.feasibility_study"}))
    assert "可行性研究报告" in error["message"]


def test_submission_without_data_sharing_is_refused_by_art28(api, district):
    project = _planned_with(district, data_sharing_summary="", data_resources=[])
    _refused_cleanly(project.pk, "initiation.submit", lambda: _assert_refused(
        api("edu").post(f"projects/{project.pk}/initiation/submit", {"version": project.version}),
        "art28.application_data_sharing", "第二十八条", {"data_sharing_summary", "data_resources"}))


def test_submission_without_a_project_code_is_refused_by_art17(api, district):
    project = _planned_with(district, code=False)
    error = _refused_cleanly(project.pk, "initiation.submit", lambda: _assert_refused(
        api("edu").post(f"projects/{project.pk}/initiation/submit", {"version": project.version}),
        "art17.project_code", "第十七条", {"project_code"}))
    assert "尚未登记项目代码" in error["message"]


@pytest.mark.parametrize(("state", "op", "action"), [("drafted", "submit", "initiation.submit"),
                                                     ("reviewed", "approve", "initiation.approve")])
def test_a_suspended_unit_can_neither_submit_nor_be_approved(api, district, state, op, action):
    # given edu's approvals suspended by DRC (art. 23)
    world = approval_maker(district)(state)
    _ok(api("drc").post("unit-suspensions", {"unit_id": district.edu.pk, "reason": "验收不合格,拒不整改"}), 201)
    body = {"version": world.project.version, **(APPROVE_BODY if op == "approve" else {})}
    client = api("edu" if op == "submit" else "drc")

    error = _refused_cleanly(world.project.pk, action, lambda: _assert_refused(
        client.post(f"projects/{world.project.pk}/initiation/{op}", body), "art23.unit_not_suspended", "第二十三条",
        {"owner_unit"}))
    assert "验收不合格,拒不整改" in error["message"]


def test_an_edit_after_confirmation_asks_the_participant_again(api, district):
    # given a joint application health confirmed
    world = approval_maker(district)("drafted", joint=True)
    pid, edu, health = world.project.pk, api("edu"), api("health")
    dossier = _ok(health.get(f"projects/{pid}/approval"))
    assert [(p["current"], p["confirmed_version"]) for p in dossier["participants"]] == [
        (True, world.application.version)]

    # when edu edits the application
    edited = _ok(edu.patch(f"projects/{pid}/application", {"version": world.application.version,
                                                            "data_flow": "经共享交换平台按日交换。"}))

    # then the confirmation no longer counts: submitting is refused (art. 16) until health confirms again
    dossier = _ok(health.get(f"projects/{pid}/approval"))
    participant = dossier["participants"][0]
    assert (participant["confirmed"], participant["current"]) == (True, False)
    assert "confirm" in dossier["actions"] and "submit" not in dossier["actions"]
    project = Project.objects.get(pk=pid)
    _refused_cleanly(pid, "initiation.submit", lambda: _assert_refused(
        edu.post(f"projects/{pid}/initiation/submit", {"version": project.version}),
        "art16.participants_confirmed", "第十六条", {"participants"}))
    # health may not submit for the lead unit (art. 14), nor confirm a version it has not read
    assert health.post(f"projects/{pid}/initiation/submit", {"version": project.version}).json() == OWNER_FORBIDDEN
    stale = health.post(f"projects/{pid}/participants/{participant['id']}/confirm",
                        {"version": world.application.version})
    assert stale.status_code == 409 and f"当前版本{edited['version']}" in stale.json()["error"]["message"]
    confirmed = _ok(health.post(f"projects/{pid}/participants/{participant['id']}/confirm",
                                {"version": edited["version"]}))
    assert (confirmed["current"], confirmed["confirmed_version"]) == (True, edited["version"])
    submitted = _ok(edu.post(f"projects/{pid}/initiation/submit", {"version": project.version}))
    assert submitted["project"]["status"] == "initiation_submitted"


def test_a_project_not_joint_is_not_seen_by_another_unit(api, district):
    world = approval_maker(district)("drafted")
    assert api("health").get(f"projects/{world.project.pk}/approval").json() == NOT_FOUND
    assert _ok(api("edu").get(f"projects/{world.project.pk}/approval"))["participants"] == []


@pytest.mark.parametrize(("review", "rule", "fields"), [
    ({}, "art28.sharing_assessed", {"sharing_conclusion"}),
    ({"sharing_conclusion": "inadequate", "sharing_opinion": "未编入目录。"}, "art28.sharing_assessed",
     {"sharing_conclusion"}),
], ids=["not_assessed", "inadequate"])
def test_approval_needs_an_adequate_sharing_assessment(api, district, review, rule, fields):
    world = approval_maker(district)("under_review")
    drc, pid = api("drc"), world.project.pk
    if review:
        _ok(drc.patch(f"projects/{pid}/initiation/review", review))
    error = _refused_cleanly(pid, "initiation.approve", lambda: _assert_refused(
        drc.post(f"projects/{pid}/initiation/approve", {"version": world.project.version, **APPROVE_BODY}),
        rule, "第二十八条", fields))
    assert ("尚未评估" if not review else "不满足共享要求") in error["message"]


def test_a_required_panel_must_have_every_opinion_before_approval(api, district):
    # given DRC marked the project for an expert panel (art. 28) and seated two experts, one of whom opined
    world = approval_maker(district)("reviewed", panel=False)
    drc, pid = api("drc"), world.project.pk
    _ok(drc.patch(f"projects/{pid}/initiation/review", {"expert_panel_required": True}))
    project = Project.objects.get(pk=pid)
    _refused_cleanly(pid, "initiation.approve", lambda: _assert_refused(
        drc.post(f"projects/{pid}/initiation/approve", {"version": project.version, **APPROVE_BODY}),
        "art28.expert_assessment", "第二十八条", {"panel"}))
    first = _ok(drc.post(f"projects/{pid}/initiation/panel", {"expert_id": district.expert.pk}), 201)
    _ok(drc.post(f"projects/{pid}/initiation/panel", {"expert_id": district.expert2.pk}), 201)
    _ok(api("expert").post(f"projects/{pid}/initiation/panel/{first['id']}/opinion", {"opinion": "agree"}))

    # then approving is still refused, naming the expert who has not opined
    error = _refused_cleanly(pid, "initiation.approve", lambda: _assert_refused(
        drc.post(f"projects/{pid}/initiation/approve", {"version": project.version, **APPROVE_BODY}),
        "art28.expert_assessment", "第二十八条", {"panel"}))
    assert "赵专家" in error["message"]


def test_a_conflicted_expert_cannot_sit_on_the_panel(api, district):
    world = approval_maker(district)("under_review")
    pid = world.project.pk
    error = _refused_cleanly(pid, "panel.add", lambda: _assert_refused(
        api("drc").post(f"projects/{pid}/initiation/panel", {"expert_id": district.conflicted_expert.pk}),
        "art15.expert_independent", "第十五条", {"expert_id"}))
    assert "钱专家任职于区教育局" in error["message"]
    # the pool says so beforehand
    pool = _ok(api("drc").get(f"experts?project_id={pid}"))["items"]
    assert {e["name"]: e["conflict"] for e in pool} == {"王专家": False, "钱专家": True, "赵专家": False}


def test_a_budget_above_the_approved_estimate_is_refused_by_art15(api, district):
    world = approval_maker(district)("approved")
    pid = world.project.pk
    body = {"version": world.project.version, "lines": [
        {"year": 2027, "fund_source": "general", "amount": "1000000.00"},
        {"year": 2028, "fund_source": "transfer", "amount": "150000.01"}]}
    error = _refused_cleanly(pid, "budget.record", lambda: _assert_refused(
        api("finance").post(f"projects/{pid}/budgets", body), "art15.budget_within_estimate", "第十五条", {"lines"}))
    assert "115.00" in error["message"]
    exactly = {**body, "lines": [{**body["lines"][0]}, {**body["lines"][1], "amount": "150000.00"}]}
    assert _ok(api("finance").post(f"projects/{pid}/budgets", exactly), 201)["total"] == "1150000.00"


@pytest.mark.parametrize("op", ["return", "reject"])
@pytest.mark.parametrize("reason", [None, "", "   "], ids=["absent", "empty", "blank"])
def test_return_and_reject_need_a_reason(api, district, op, reason):
    world = approval_maker(district)("under_review")
    pid = world.project.pk
    body = {"version": world.project.version, **({} if reason is None else {"reason": reason})}
    _refused_cleanly(pid, f"initiation.{op}", lambda: _assert_refused(
        api("drc").post(f"projects/{pid}/initiation/{op}", body), "art15.decision_with_reasons", "第十五条",
        {"reason"}))


def test_submission_without_any_application_is_refused_by_art14(api, district):
    project = approval_maker(district)("planned").project
    services.project_code_record(actor=district.users["edu"], project=project, data={"project_code": next_code()})
    project = Project.objects.get(pk=project.pk)
    response = api("edu").post(f"projects/{project.pk}/initiation/submit", {"version": project.version})
    assert response.status_code == 422, response.status_code
    assert response.json()["error"]["article"] == "第十四条"


# --- the project code (art. 17) ------------------------------------------------------------------------------


def _future_month() -> str:
    today = local_today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year % 100:02d}{month:02d}"


@pytest.mark.parametrize(("raw", "stored"), [
    ("2404-320106-65-01-000123", "2404-320106-65-01-000123"),  # year and month (the scheme since 2024)
    ("2020-320106-65-01-000456", "2020-320106-65-01-000456"),  # a year (the older scheme)
    ("２４０４－３２０１０６－６５－０１－０００１２３", "2404-320106-65-01-000123"),  # full-width, as pasted
    ("  2404-320106-65-01-000789 ", "2404-320106-65-01-000789"),
], ids=["year_month", "year", "full_width", "spaces"])
def test_a_project_code_is_accepted(api, district, raw, stored):
    project = approval_maker(district)("planned").project
    body = _ok(api("edu").post(f"projects/{project.pk}/project-code", {"version": project.version, "project_code": raw}))
    assert (body["project_code"], body["version"]) == (stored, project.version + 1)
    assert Project.objects.get(pk=project.pk).project_code == stored
    assert _ok(api("edu").get(f"projects/{project.pk}/approval"))["checks"][5]["status"] == "met"


@pytest.mark.parametrize(("raw", "message"), [
    ("2404-320106-65-01-00012", "项目代码应为24位(4-6-2-2-6,含4个连字符),当前为23位"),
    ("2404-320106-65-01-0001234", "项目代码应为24位(4-6-2-2-6,含4个连字符),当前为25位"),
    ("JSZC-320106-2024-00123", "项目代码只含数字和连字符;含字母的多为采购或招标编号,不是项目代码"),
    ("2404-320106-6501-0001230", "项目代码格式应为 XXXX-XXXXXX-XX-XX-XXXXXX(4-6-2-2-6位数字)"),
    ("2404-320102-65-01-000123", "第二段行政区划代码“320102”与本级(320106)不符"),
    ("FUTURE-320106-65-01-000123", "不是有效的赋码年份或年月"),
    ("2413-320106-65-01-000123", "第一段“2413”不是有效的赋码年份或年月"),
    ("2404-320106-65-01-000000", "第五段流水号不能全为0"),
    ("DUPLICATE", "项目代码已被其他项目使用"),
], ids=["23_chars", "25_chars", "procurement_number", "grouping", "wrong_region", "future_month", "month_13",
        "serial_zero", "duplicate"])
def test_a_project_code_is_refused_with_art17(api, district, raw, message):
    make = approval_maker(district)
    project = make("planned").project
    if raw == "DUPLICATE":
        raw = make("drafted", code="2404-320106-65-01-000321").project.project_code
    raw = raw.replace("FUTURE", _future_month())
    error = _refused_cleanly(project.pk, "project_code.record", lambda: _assert_refused(
        api("edu").post(f"projects/{project.pk}/project-code", {"version": project.version, "project_code": raw}),
        "art17.project_code", "第十七条", {"project_code"}))
    assert len(error["fields"]["project_code"]) == 1 and message in error["fields"]["project_code"][0]
    assert Project.objects.get(pk=project.pk).project_code is None


@pytest.mark.parametrize(("raw", "expected"), [("", ["必填"]), ("2" * 41, ["项目代码应为24位"]), (2404, ["须为文本"])])
def test_a_project_code_of_the_wrong_shape_is_bad_input(api, district, raw, expected):
    project = approval_maker(district)("planned").project
    events = business_events()
    response = api("edu").post(f"projects/{project.pk}/project-code", {"project_code": raw})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"project_code": expected}
    assert (Project.objects.get(pk=project.pk).project_code, business_events()) == (None, events)


# --- experts see their own panels only -----------------------------------------------------------------------


def test_an_expert_sees_only_the_projects_of_its_panels_and_opines_on_its_own_seat(api, district):
    make = approval_maker(district)
    mine = make("reviewed")  # the expert's seat, with its opinion given
    other = make("reviewed", panel=False)  # no panel: not the expert's
    drc, expert = api("drc"), api("expert")
    colleague = _ok(drc.post(f"projects/{mine.project.pk}/initiation/panel", {"expert_id": district.expert2.pk}), 201)

    # the expert sees its project, the review and the panel, but not the decision's papers
    dossier = _ok(expert.get(f"projects/{mine.project.pk}/approval"))
    assert [m["expert"]["name"] for m in dossier["panel"]] == ["王专家", "赵专家"]
    assert (dossier["review"]["sharing_conclusion"], dossier["actions"]) == ("adequate", ["opinion"])
    assert expert.get(f"projects/{mine.project.pk}/baselines").json() == FORBIDDEN
    assert expert.get(f"projects/{mine.project.pk}/budgets").json() == FORBIDDEN
    assert [s["project"]["id"] for s in _ok(expert.get("expert-reviews"))["items"]] == [mine.project.pk]
    # and nothing else
    for path in ("approval", "baselines", f"application/documents/{other.application.documents.first().pk}"):
        assert expert.get(f"projects/{other.project.pk}/{path}").json() == NOT_FOUND

    # it revises its own opinion, but not its colleague's (art. 28)
    revised = _ok(expert.post(f"projects/{mine.project.pk}/initiation/panel/{mine.member.pk}/opinion",
                              {"opinion": "disagree", "opinion_text": "投资估算偏高。"}))
    assert (revised["opinion"], revised["opinion_label"]) == ("disagree", "不同意")
    events = business_events()
    response = expert.post(f"projects/{mine.project.pk}/initiation/panel/{colleague['id']}/opinion",
                           {"opinion": "agree"})
    assert response.json() == OPINION_FORBIDDEN
    assert business_events() == events
    assert PanelMember.objects.get(pk=colleague["id"]).opinion == ""
    # a seat named under another project's path is not found
    assert expert.post(f"projects/{other.project.pk}/initiation/panel/{mine.member.pk}/opinion",
                       {"opinion": "agree"}).json() == NOT_FOUND
    # a disagreement without reasons is bad input
    response = expert.post(f"projects/{mine.project.pk}/initiation/panel/{mine.member.pk}/opinion",
                           {"opinion": "disagree"})
    assert response.json()["error"]["fields"] == {"opinion_text": ["修改后同意或不同意须写明意见"]}


def test_a_document_of_another_project_is_not_found(api, district):
    make = approval_maker(district)
    first, second = make("drafted"), make("drafted")
    document = first.application.documents.first()
    events = business_events()
    response = api("edu").get(f"projects/{second.project.pk}/application/documents/{document.pk}")
    assert response.json() == NOT_FOUND
    assert business_events() == events
    response = api("drc").get(f"projects/{first.project.pk}/application/documents/{document.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


# --- the baseline is never changed ---------------------------------------------------------------------------


def test_no_endpoint_changes_the_baseline(api, district):
    world = approval_maker(district)("approved")
    pid, project, application = world.project.pk, world.project, world.application
    baseline = Baseline.objects.filter(pk=world.baseline.pk).values().get()
    drc, edu = api("drc"), api("edu")
    attempts = {
        "edit the application": edu.patch(f"projects/{pid}/application", {"version": application.version,
                                                                          "hardware": "1.00"}),
        "upload a report": _upload(edu, f"{API}/projects/{pid}/application/documents", {
            "kind": "feasibility_study", "file": SimpleUploadedFile("新版.pdf", PDF_BYTES)}),
        "change the code": edu.post(f"projects/{pid}/project-code", {"project_code": next_code()}),
        "submit again": edu.post(f"projects/{pid}/initiation/submit", {"version": project.version}),
        "review again": drc.post(f"projects/{pid}/initiation/start-review", {"version": project.version}),
        "change the review": drc.patch(f"projects/{pid}/initiation/review", {"review_notes": "重审"}),
        "approve again": drc.post(f"projects/{pid}/initiation/approve", {"version": project.version,
                                                                         **APPROVE_BODY}),
        "return": drc.post(f"projects/{pid}/initiation/return", {"version": project.version, "reason": "重新审查"}),
        "reject": drc.post(f"projects/{pid}/initiation/reject", {"version": project.version, "reason": "撤销"}),
        "seat an expert": drc.post(f"projects/{pid}/initiation/panel", {"expert_id": district.expert2.pk}),
        "change an opinion": api("expert").post(f"projects/{pid}/initiation/panel/{world.member.pk}/opinion",
                                                {"opinion": "disagree", "opinion_text": "不同意"}),
    }
    assert {what: r.status_code for what, r in attempts.items()} == dict.fromkeys(attempts, 409)
    assert Baseline.objects.filter(project_id=pid).count() == 1
    assert Baseline.objects.filter(pk=world.baseline.pk).values().get() == baseline
    assert _ok(drc.get(f"projects/{pid}/baselines/1"))["approved_estimate"] == "1150000.00"

    # not even the database lets the row change (a trigger refuses any UPDATE)
    with pytest.raises(DatabaseError), transaction.atomic():
        Baseline.objects.filter(pk=world.baseline.pk).update(approved_estimate=Decimal("1.00"))
    with pytest.raises(RuntimeError):
        Baseline.objects.get(pk=world.baseline.pk).save()
    assert Baseline.objects.filter(pk=world.baseline.pk).values().get() == baseline


def test_the_approval_letter_is_a_pdf_for_whom_may_see_the_decision(api, district):
    world = approval_maker(district)("approved")
    url = f"projects/{world.project.pk}/baselines/1/letter.pdf"
    events = business_events()
    response = api("edu").get(url)
    assert response.status_code == 200
    assert (response["Content-Type"], response.content[:4]) == ("application/pdf", b"%PDF")
    assert response["Content-Disposition"] == content_disposition_header(
        True, f"立项批复-{world.baseline.document_number}.pdf")
    # rendered on first demand (the job after the approval did not run here), then served as stored
    assert [e for _seq, e in business_events()[len(events):]] == ["approval.letter.generated", "file.downloaded"]
    events = business_events()
    assert api("drc").get(url).content == response.content  # the very document issued, every time
    assert [e for _seq, e in business_events()[len(events):]] == ["file.downloaded"]
    assert api("expert").get(url).json() == FORBIDDEN
    assert api("drc").get(f"projects/{world.project.pk}/baselines/2/letter.pdf").json() == NOT_FOUND


# --- races: one wins, the other is told to reload ------------------------------------------------------------


@pytest.mark.parametrize(("state", "role", "op", "body"), [
    ("drafted", "edu", "submit", {}),
    ("reviewed", "drc", "approve", APPROVE_BODY),
])
def test_two_actions_at_the_same_version_one_wins(api, district, state, role, op, body):
    world = approval_maker(district)(state)
    pid = world.project.pk
    url = f"projects/{pid}/initiation/{op}"
    first, second = api(role), api(role)
    responses = [first.post(url, {"version": world.project.version, **body}),
                 second.post(url, {"version": world.project.version, **body})]
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert responses[1].json()["error"]["code"] == "conflict"
    assert Project.objects.get(pk=pid).version == world.project.version + 1
    assert Baseline.objects.filter(project_id=pid).count() == (1 if op == "approve" else 0)


def test_a_row_given_without_its_optional_fields_takes_their_defaults(api, district):
    world = approval_maker(district)("drafted")
    saved = _ok(api("edu").patch(f"projects/{world.project.pk}/application", {
        "data_resources": [{"name": "学籍信息", "direction": "produced", "sharing_type": "unconditional"}],
        "performance_targets": [{"category": "benefit", "indicator": "办件时长缩短", "target": "30%"}]}))
    assert [(r["name"], r["into_catalogue"], r["source_or_use"]) for r in saved["data_resources"]] == [
        ("学籍信息", True, "")]
    assert [(t["indicator"], t["unit"]) for t in saved["performance_targets"]] == [("办件时长缩短", "")]
    # the lists not given are kept
    assert [m["name"] for m in saved["milestones"]] == ["完成招标采购", "系统上线试运行"]


def test_two_edits_of_the_same_application_version_one_wins(api, district):
    world = approval_maker(district)("drafted")
    pid, version = world.project.pk, world.application.version
    edu = api("edu")
    assert _ok(edu.patch(f"projects/{pid}/application", {"version": version, "scale": "甲"}))["version"] == version + 1
    lost = edu.patch(f"projects/{pid}/application", {"version": version, "scale": "乙"})
    assert lost.status_code == 409
    assert InitiationApplication.objects.get(pk=world.application.pk).scale == "甲"


# --- bad input: 400 naming the field in Chinese, nothing saved ------------------------------------------------


BAD_APPLICATION = [
    ({"budget": "1"}, {"budget": ["不允许的字段"]}),
    ({"hardware": 12}, {"hardware": ["须为文本"]}),
    ({"hardware": "-1.00"}, {"hardware": ["格式不正确"]}),
    ({"hardware": "1.234"}, {"hardware": ["格式不正确"]}),
    ({"hardware": None}, {"hardware": ["必填"]}),
    ({"protection_level": 6}, {"protection_level": ["须小于或等于5"]}),
    ({"protection_level": "三级"}, {"protection_level": ["须为整数"]}),
    ({"start_date": "2027-13-01"}, {"start_date": ["日期格式须为 YYYY-MM-DD"]}),
    ({"start_date": "1999-12-31"}, {"start_date": ["日期须在2000年至2100年之间"]}),
    ({"start_date": "2027-12-31", "end_date": "2027-03-01"}, {"end_date": ["计划完工不得早于计划开工"]}),
    ({"construction_content": "字" * 5001}, {"construction_content": ["过长,最多5000个字符"]}),
    ({"shared_platforms": ["mars"]}, {"shared_platforms": [ONE_OF]}),
    ({"milestones": [{"name": "上线", "due_date": "2027-01-01"}] * 101}, {"milestones": ["最多100行"]}),
    ({"milestones": [{"name": "上线"}]}, {"milestones.due_date": ["必填"]}),
    ({"milestones": None}, {"milestones": ["须为列表"]}),
    ({"performance_targets": [{"category": "fun", "indicator": "x", "target": "1"}]},
     {"performance_targets.category": [ONE_OF]}),
    ({"data_resources": [{"name": "x", "direction": "produced", "sharing_type": "conditional", "secret": 1}]},
     {"data_resources.secret": ["不允许的字段"]}),
    ({"version": 0}, {"version": ["须大于或等于1"]}),
    ({"version": "new"}, {"version": ["须为整数"]}),
]


@pytest.mark.parametrize(("body", "fields"), BAD_APPLICATION, ids=lambda v: repr(v)[:40])
def test_a_bad_application_is_refused_and_nothing_saved(api, district, body, fields):
    world = approval_maker(district)("drafted")
    pid = world.project.pk
    before, events = approval_snapshot(pid), business_events()

    response = api("edu").patch(f"projects/{pid}/application", body)

    assert response.status_code == 400, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", INVALID)
    got = error["fields"]
    assert set(got) == set(fields)
    for name, messages in fields.items():
        if messages == [ONE_OF]:
            assert len(got[name]) == 1 and got[name][0].startswith(ONE_OF), got
        else:
            assert got[name] == messages, got
    assert (approval_snapshot(pid), business_events()) == (before, events)


@pytest.mark.parametrize("body", ["[1, 2]", "{bad json", "null"])
def test_an_application_body_that_is_not_an_object_is_refused(api, district, body):
    world = approval_maker(district)("planned")
    response = api("edu").patch(f"projects/{world.project.pk}/application", body)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["body"]
    assert not InitiationApplication.objects.filter(project=world.project).exists()


BAD_OTHERS = [
    ("approved", "finance", "budgets", {"lines": []}, {"lines": ["至少填写一行预算"]}),
    ("approved", "finance", "budgets", {"lines": [{"year": 2027, "fund_source": "general", "amount": "-5"}]},
     {"lines.amount": ["格式不正确"]}),
    ("approved", "finance", "budgets", {"lines": [{"year": 2027, "fund_source": "general", "amount": "0"}]},
     {"lines.0.amount": ["须大于0"]}),
    ("approved", "finance", "budgets", {"lines": [{"year": 1999, "fund_source": "general", "amount": "1.00"}]},
     {"lines.year": ["须大于或等于2000"]}),
    ("approved", "finance", "budgets", {"lines": [{"year": 2027, "fund_source": "general", "amount": "1.00"}] * 2},
     {"lines.1.fund_source": ["同一年度、同一资金来源只能填写一行"]}),
    ("approved", "finance", "budgets", {"lines": [{"year": 2000 + i % 100, "fund_source": "general",
                                                   "amount": "1.00"} for i in range(101)]},
     {"lines": ["最多100行"]}),
    ("reviewed", "drc", "initiation/approve", {"approved_estimate": "0"}, {"approved_estimate": ["须大于0"]}),
    ("reviewed", "drc", "initiation/approve", {}, {"approved_estimate": ["必填"]}),
    ("reviewed", "drc", "initiation/approve", {"approved_estimate": "1.00", "decision": "ok"},
     {"decision": ["不允许的字段"]}),
    ("reviewed", "drc", "initiation/review", {"checklist": {"beauty": {"ok": True}}}, {"checklist.beauty": ["不是审查要点"]}),
    ("reviewed", "drc", "initiation/review", {"sharing_conclusion": "adequate", "sharing_opinion": ""},
     {"sharing_opinion": ["给出评估结论时须写明评估意见"]}),
    ("drafted", "edu", "participants", {"unit_id": 0}, {"unit_id": ["须大于或等于1"]}),
    ("drafted", "edu", "participants", {"unit_id": 10**9}, {"unit_id": ["须为本区的部门或街道"]}),
    ("under_review", "drc", "initiation/panel", {"expert_id": 10**9}, {"expert_id": ["须为本区专家库中在库的专家"]}),
]


@pytest.mark.parametrize(("state", "role", "path", "body", "fields"), BAD_OTHERS, ids=lambda v: repr(v)[:30])
def test_other_bad_input_is_refused_and_nothing_saved(api, district, state, role, path, body, fields):
    world = approval_maker(district)(state)
    pid = world.project.pk
    before, events = approval_snapshot(pid), business_events()
    method = "patch" if path == "initiation/review" else "post"

    response = getattr(api(role), method)(f"projects/{pid}/{path}", body)

    assert response.status_code == 400, response.content.decode()
    got = response.json()["error"]["fields"]
    assert set(got) == set(fields), got
    for name, messages in fields.items():
        assert (got[name][0].startswith(ONE_OF) if messages == [ONE_OF] else got[name] == messages), got
    assert (approval_snapshot(pid), business_events()) == (before, events)


def test_a_suspension_needs_a_reason_and_a_unit(api, district):
    drc = api("drc")
    assert drc.post("unit-suspensions", {"unit_id": district.edu.pk}).json()["error"]["fields"] == {"reason": ["必填"]}
    response = drc.post("unit-suspensions", {"unit_id": district.firm.pk, "reason": "拒不整改"})
    assert response.json()["error"]["fields"] == {"unit_id": ["须为本区的部门或街道"]}
    assert not UnitSuspension.objects.exists()


def test_an_upload_needs_a_kind_and_an_accepted_file(api, district):
    world = approval_maker(district)("planned")
    url = f"{API}/projects/{world.project.pk}/application/documents"
    edu = api("edu")
    assert _upload(edu, url, {}).json()["error"]["fields"] == {"kind": ["必填"], "file": ["必填"]}
    assert _upload(edu, url, {"kind": "photo", "file": SimpleUploadedFile("a.pdf", PDF_BYTES)}).json()["error"][
        "fields"] == {"kind": ["不是可选的材料类型"]}
    assert _upload(edu, url, {"kind": "other", "file": SimpleUploadedFile("a.exe", b"MZ")}).json()["error"][
        "fields"] == {"file": ["只接受 PDF、OFD、Word、WPS 或 ZIP 文件"]}
    assert not ApplicationDocument.objects.exists()


# --- the approval, end to end, over the API ------------------------------------------------------------------


def test_from_application_to_budget_over_the_api(api, district):
    # given edu's project in the 2027 plan, health participating
    world = approval_maker(district)("planned")
    project = plan_project(world.project)
    pid = project.pk
    edu, health, drc, expert, finance = (api(r) for r in ("edu", "health", "drc", "expert", "finance"))
    events_before = business_events()

    # edu prepares the joint application, uploads the reports, records the code
    participant = _ok(edu.post(f"projects/{pid}/participants", {"unit_id": district.health.pk,
                                                                 "role_description": "数据对接"}), 201)
    application = _ok(edu.patch(f"projects/{pid}/application", valid_application_payload(**JOINT_SECTIONS)))
    assert (application["version"], application["total"]) == (1, "1200000.00")
    for kind in ("application_report", "feasibility_study"):
        _ok(_upload(edu, f"{API}/projects/{pid}/application/documents", {
            "kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", PDF_BYTES, "application/pdf")}), 201)
    dossier = _ok(edu.get(f"projects/{pid}/approval"))
    missing = [c["rule"] for c in dossier["checks"] if c["status"] == "pending"]
    assert missing == ["art16.participants_confirmed", "art17.project_code", "art28.sharing_assessed"]
    coded = _ok(edu.post(f"projects/{pid}/project-code", {"project_code": "2404-320106-65-01-000901"}))
    # health reads and confirms the version it read
    version = _ok(health.get(f"projects/{pid}/approval"))["application"]["version"]
    _ok(health.post(f"projects/{pid}/participants/{participant['id']}/confirm", {"version": version}))
    submitted = _ok(edu.post(f"projects/{pid}/initiation/submit", {"version": coded["version"]}))
    assert submitted["actions"] == []

    # DRC reviews with an expert, who opines; DRC approves
    started = _ok(drc.post(f"projects/{pid}/initiation/start-review", {"version": submitted["project"]["version"]}))
    assert started["actions"] == ["return", "reject", "approve", "review", "manage_panel"]
    review = _ok(drc.patch(f"projects/{pid}/initiation/review", {
        "version": started["review"]["version"], "sharing_conclusion": "adequate", "sharing_opinion": "可纳入目录。",
        "expert_panel_required": True, "checklist": {item: {"ok": True, "note": ""} for item in (
            "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")}}))
    assert all(row["ok"] for row in review["checklist"])
    seat = _ok(drc.post(f"projects/{pid}/initiation/panel", {"expert_id": district.expert.pk}), 201)
    assert [s["open"] for s in _ok(expert.get("expert-reviews"))["items"]] == [True]
    _ok(expert.post(f"projects/{pid}/initiation/panel/{seat['id']}/opinion",
                    {"opinion": "agree_with_changes", "opinion_text": "压缩硬件投资。"}))
    approved = _ok(drc.post(f"projects/{pid}/initiation/approve", {
        "version": started["project"]["version"], "approved_estimate": "1150000.00", "opinion": "同意建设。"}))
    assert approved["project"]["status"] == "approved"
    baseline = _ok(finance.get(f"projects/{pid}/baselines/1"))
    assert (baseline["approved_estimate"], baseline["scale"], baseline["start_date"]) == (
        "1150000.00", "覆盖全区12个街道、3000名用户。", "2027-03-01")

    # Finance budgets within the estimate; a revision later
    budget = _ok(finance.post(f"projects/{pid}/budgets", {"version": approved["project"]["version"], "lines": [
        {"year": 2027, "fund_source": "general", "amount": "800000.00"},
        {"year": 2028, "fund_source": "gov_fund", "amount": "300000.00"}], "note": "分两年"}), 201)
    assert (budget["revision"], budget["total"], budget["baseline_version"]) == (1, "1100000.00", 1)
    dossier = _ok(edu.get(f"projects/{pid}/approval"))
    assert (dossier["project"]["status"], dossier["budget"]["total"], dossier["review"], dossier["panel"]) == (
        "budgeted", "1100000.00", None, None)
    assert [b["document_number"] for b in dossier["baselines"]] == [baseline["document_number"]]

    assert [e for _seq, e in business_events()[len(events_before):]] == [
        "approval.participant.added", "approval.application.saved", "approval.document.uploaded",
        "approval.document.uploaded", "approval.project_code.recorded", "approval.participant.confirmed",
        "approval.submitted", "approval.review.started", "approval.review.changed", "approval.panel.added",
        "approval.panel.opinion", "approval.approved", "approval.baseline.fixed", "approval.budget.recorded",
        "approval.budget.revision"]


def test_a_returned_application_is_edited_and_submitted_again(api, district):
    world = approval_maker(district)("returned")
    pid, edu = world.project.pk, api("edu")
    dossier = _ok(edu.get(f"projects/{pid}/approval"))
    assert (dossier["project"]["status"], dossier["application"]["decision"],
            dossier["application"]["decision_reason"]) == ("planned", "returned", "投资估算依据不足")
    assert dossier["actions"][:3] == ["edit", "upload", "record_code"]
    edited = _ok(edu.patch(f"projects/{pid}/application", {"version": dossier["application"]["version"],
                                                            "hardware": "150000.00"}))
    assert edited["total"] == "1150000.00"
    resubmitted = _ok(edu.post(f"projects/{pid}/initiation/submit", {"version": dossier["project"]["version"]}))
    assert (resubmitted["project"]["status"], resubmitted["application"]["decision"]) == ("initiation_submitted", "")


def test_experts_pool_and_reviews_are_refused_to_others(api, district):
    world = approval_maker(district)("under_review")
    assert api("edu").get(f"experts?project_id={world.project.pk}").json() == FORBIDDEN
    assert api("drc").get("expert-reviews").json() == FORBIDDEN
    assert api("drc").get(f"experts?project_id={missing_project_id()}").json() == NOT_FOUND
    response = api("drc").get("experts")
    assert response.json()["error"]["fields"] == {"project_id": ["必填"]}
    assert {e["name"] for e in _ok(api("drc").get(f"experts?project_id={world.project.pk}"))["items"]} == {
        "王专家", "赵专家", "钱专家"}
