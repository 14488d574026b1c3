"""The initiation approval pages of DRC, the other bureaus, the experts and Finance (art. 13–17, 23, 28): every
page and every POST × every role → the exact status (a table); DRC's review through the pages; the refusals
citing their article with the input kept; Finance's budget; the expert's opinion; suspensions; the navigation;
the queries of the list and the workspace do not grow with the rows."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.accounts.choices import Role
from itgov.approvals import services
from itgov.approvals.models import (
    ApplicationDocument,
    ApprovalReview,
    Baseline,
    Budget,
    InitiationApplication,
    Milestone,
    PanelMember,
    UnitSuspension,
)
from itgov.audit.models import AuditEvent
from itgov.organizations.models import Expert
from itgov.projects.models import Project
from tests.approvals_world import approval_maker
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
BUREAUS = ("drc", "finance", "audit", "cyber", "gov")
OTHER_BUREAUS = ("finance", "audit", "cyber", "gov")
UNSEEN = ("health", "admin", "supervisor")  # who does not see an edu project (404)
DENIAL_EVENTS = {"access.denied", "rule.refused"}


def table(default: int, **statuses: int) -> dict[str, int]:
    """role → expected status: `default` for the roles not named, 302 (to sign in) for anonymous."""
    return {role: statuses.get(role, 302 if role == "anon" else default) for role in ROLES}


def of(roles, status: int) -> dict[str, int]:
    return dict.fromkeys(roles, status)


def business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{re.escape(field)}">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def state(project) -> tuple:
    fresh = Project.objects.get(pk=project.pk)
    return fresh.status, fresh.version


@pytest.fixture
def make(district):
    return approval_maker(district)


def get_statuses(client_for, url: str) -> dict[str, int]:
    return {role: client_for(role).get(url).status_code for role in ROLES}


def post_statuses(client_for, url: str, data, expected: dict[str, int], project=None) -> dict[str, int]:
    """POST as every role that is refused (nothing may change), then as the one allowed (last)."""
    got = {}
    allowed = [r for r in ROLES if expected[r] in (200, 302) and r != "anon"]
    for role in [r for r in ROLES if r not in allowed] + allowed:
        client = client_for(role)  # signing in is audited: before the count
        before = (state(project) if project is not None else None), business_events()
        got[role] = client.post(url, data() if callable(data) else data).status_code
        if role not in allowed:
            assert ((state(project) if project is not None else None), business_events()) == before, role
    return got


# --- every page × every role -----------------------------------------------------------------------------------


def test_approval_list_per_role(client_for, make):
    world = make("submitted")
    planned = make("planned", owner="edu")
    got = get_statuses(client_for, "/approvals/")
    assert got == table(200, admin=403, supervisor=403, expert=403)

    drc = client_for("drc").get("/approvals/").content.decode()
    assert f'data-project="{world.project.pk}"' in drc and f'data-project="{planned.project.pk}"' not in drc
    assert f'/projects/{world.project.pk}/review/' in drc and "区发改委(大数据局)受理" in drc
    assert "120.00" in drc  # the application's total, 万元
    assert 'data-testid="codes-link"' in drc
    edu = client_for("edu").get("/approvals/").content.decode()
    assert f'data-project="{planned.project.pk}"' in edu and "建设单位编制立项申请" in edu
    assert f'/projects/{world.project.pk}/application/' in edu and 'data-testid="codes-link"' not in edu
    health = client_for("health").get("/approvals/").content.decode()
    assert f'data-project="{world.project.pk}"' not in health


def test_approval_list_tabs_filter_by_status(client_for, make):
    submitted, approved = make("submitted"), make("approved")
    html = client_for("finance").get("/approvals/?status=approved").content.decode()
    assert f'data-project="{approved.project.pk}"' in html and f'data-project="{submitted.project.pk}"' not in html
    assert "区财政局编列预算" in html
    partial = client_for("finance").get("/approvals/?status=initiation_submitted", HTTP_HX_REQUEST="true")
    fragment = partial.content.decode()
    assert "<html" not in fragment and f'data-project="{submitted.project.pk}"' in fragment
    assert 'data-status="planned"' not in html  # the bureaus have no "to apply" tab


def test_review_workspace_per_role(client_for, make):
    world = make("reviewed")
    url = f"/projects/{world.project.pk}/review/"
    got = get_statuses(client_for, url)
    assert got == table(200, edu=302, expert=302, **of(UNSEEN, 404))
    assert client_for("edu").get(url)["Location"] == f"/projects/{world.project.pk}/application/"
    assert client_for("expert").get(url)["Location"] == f"/projects/{world.project.pk}/review/opinion/"

    drc = client_for("drc").get(url).content.decode()
    for testid in ("review-form", "approve-form", "return-form", "reject-form", "pool-table", "approval-compliance"):
        assert f'data-testid="{testid}"' in drc, testid
    assert "方案可行。" in drc and "共享内容完整,可纳入目录。" in drc and "第二十八条" in drc
    finance = client_for("finance").get(url).content.decode()
    assert 'data-testid="review-form"' not in finance and 'data-testid="approve-form"' not in finance
    assert 'data-action="start_review"' not in finance and "共享内容完整,可纳入目录。" in finance  # read-only


def test_expert_opinion_page_per_role(client_for, make):
    world = make("reviewed")
    got = get_statuses(client_for, f"/projects/{world.project.pk}/review/opinion/")
    assert got == table(403, expert=200, **of(UNSEEN, 404))
    html = client_for("expert").get(f"/projects/{world.project.pk}/review/opinion/").content.decode()
    assert 'data-testid="opinion-form"' in html and "方案可行。" in html
    assert 'data-testid="application-summary"' in html and "application_report.pdf" in html


@pytest.mark.parametrize("page", ["baselines/1/", "budget/"])
def test_decision_pages_per_role(page, client_for, make):
    world = make("approved")
    got = get_statuses(client_for, f"/projects/{world.project.pk}/{page}")
    assert got == table(200, expert=403, **of(UNSEEN, 404))


def test_letter_download_per_role_is_a_pdf_and_audited(client_for, make):
    world = make("approved")
    url = f"/projects/{world.project.pk}/baselines/1/letter.pdf"
    downloads = AuditEvent.objects.filter(event_type="file.downloaded").count()
    got = get_statuses(client_for, url)
    assert got == table(200, expert=403, **of(UNSEEN, 404))
    response = client_for("drc").get(url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(event_type="file.downloaded").count() == downloads + 7  # 6 roles above, + 1


def test_letter_preview_per_role(client_for, make):
    world = make("reviewed")
    url = f"/projects/{world.project.pk}/review/letter-preview/"
    got = get_statuses(client_for, url)
    assert got == table(403, drc=200, **of(UNSEEN, 404))
    html = client_for("drc").get(url).content.decode()
    assert world.project.name in html
    typed = client_for("drc").post(url, {"approved_estimate": "1000000", "opinion": "同意建设,注意集约。"},
                                   HTTP_HX_REQUEST="true")
    assert typed.status_code == 200 and 'data-testid="letter-preview-frame"' in typed.content.decode()
    assert "同意建设,注意集约。" in typed.content.decode()


def test_expert_reviews_page_per_role(client_for, make):
    world = make("reviewed")
    assert get_statuses(client_for, "/expert-reviews/") == table(403, expert=200)
    html = client_for("expert").get("/expert-reviews/").content.decode()
    assert f'data-project="{world.project.pk}"' in html and "同意" in html


def test_suspension_and_codes_pages_per_role(client_for, district):
    assert get_statuses(client_for, "/suspensions/") == table(200, admin=403, supervisor=403, expert=403)
    assert get_statuses(client_for, "/project-codes/") == table(403, drc=200)
    assert get_statuses(client_for, "/project-codes/export.xlsx") == table(403, drc=200)
    html = client_for("drc").get("/suspensions/").content.decode()
    assert 'data-testid="suspension-form"' in html
    assert 'data-testid="suspension-form"' not in client_for("finance").get("/suspensions/").content.decode()


# --- every POST × every role: the refused ones change nothing ------------------------------------------------------

SEEN_NOT_DRC = of((*OTHER_BUREAUS, "edu"), 403)


def test_start_review_post_per_role(client_for, make):
    world = make("submitted")
    got = post_statuses(client_for, f"/projects/{world.project.pk}/review/start/",
                        lambda: {"version": Project.objects.get(pk=world.project.pk).version},
                        table(404, drc=302, **SEEN_NOT_DRC), world.project)
    assert got == table(404, drc=302, **SEEN_NOT_DRC)
    assert state(world.project)[0] == "under_review"
    refused = client_for("finance").post(f"/projects/{world.project.pk}/review/start/", {})
    assert refused.status_code == 403 and "第十五条" in refused.content.decode()  # the power's article


def test_review_posts_per_role(client_for, make):
    world = make("under_review")
    pk = world.project.pk
    expected = table(404, drc=302, **SEEN_NOT_DRC)

    def review():
        return {"sharing_conclusion": "adequate", "sharing_opinion": "满足要求", "ck_necessity_ok": "true",
                "version": ApprovalReview.objects.get().version}

    assert post_statuses(client_for, f"/projects/{pk}/review/assessment/", review, expected, world.project) == expected
    assert ApprovalReview.objects.get().sharing_conclusion == "adequate"
    add = {"expert_id": _expert_id()}
    assert post_statuses(client_for, f"/projects/{pk}/review/panel/", add, expected, world.project) == expected
    member = PanelMember.objects.get()
    assert post_statuses(client_for, f"/projects/{pk}/review/panel/{member.pk}/remove/", {}, expected,
                         world.project) == expected
    assert not PanelMember.objects.exists()


def _expert_id():
    return Expert.objects.get(name="赵专家").pk


def test_drc_records_the_meeting_opinion_of_an_expert_without_login_per_role(client_for, make, district):
    # given 赵专家 (no login) on the panel of a project under review
    world = make("under_review")
    pk = world.project.pk
    drc = client_for("drc")
    drc.post(f"/projects/{pk}/review/panel/", {"expert_id": _expert_id()})
    member = PanelMember.objects.get(expert__name="赵专家")
    assert 'data-testid="record-opinion"' in drc.get(f"/projects/{pk}/review/").content.decode()
    expected = table(404, drc=302, **SEEN_NOT_DRC)

    got = post_statuses(client_for, f"/projects/{pk}/review/panel/{member.pk}/opinion/",
                        {"opinion": "agree_with_changes", "opinion_text": "补充运维方案。"}, expected, world.project)

    assert got == expected
    member.refresh_from_db()
    assert (member.opinion, member.opinion_text, member.recorded_by) == (
        "agree_with_changes", "补充运维方案。", district.users["drc"])


def test_the_opinion_of_an_expert_with_a_login_is_not_recorded_by_drc(client_for, make, district):
    world = make("under_review")
    pk = world.project.pk
    client_for("drc").post(f"/projects/{pk}/review/panel/", {"expert_id": district.expert.pk})
    member = PanelMember.objects.get(expert=district.expert)

    refused = client_for("drc").post(f"/projects/{pk}/review/panel/{member.pk}/opinion/", {"opinion": "agree"})

    assert refused.status_code == 403 and "第二十八条" in refused.content.decode()
    member.refresh_from_db()
    assert member.opinion == ""


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_return_and_reject_posts_per_role(decision, client_for, make):
    world = make("under_review")
    expected = table(404, drc=302, **SEEN_NOT_DRC)
    got = post_statuses(client_for, f"/projects/{world.project.pk}/review/{decision}/",
                        lambda: {"reason": "投资估算依据不足", "version": state(world.project)[1]}, expected,
                        world.project)
    assert got == expected
    assert state(world.project)[0] == ("planned" if decision == "return" else "initiation_rejected")


def test_approve_post_per_role(client_for, make):
    world = make("reviewed")
    expected = table(404, drc=302, expert=403, **SEEN_NOT_DRC)
    got = post_statuses(client_for, f"/projects/{world.project.pk}/review/approve/",
                        lambda: {"approved_estimate": "1100000", "version": state(world.project)[1]}, expected,
                        world.project)
    assert got == expected
    assert Baseline.objects.get(project=world.project).approved_estimate == Decimal("1100000")


def test_opinion_post_per_role(client_for, make):
    world = make("reviewed")
    expected = table(403, expert=302, **of(UNSEEN, 404))
    got = post_statuses(client_for, f"/projects/{world.project.pk}/review/opinion/",
                        {"opinion": "agree_with_changes", "opinion_text": "补充运维方案。"}, expected, world.project)
    assert got == expected
    assert PanelMember.objects.get().opinion == "agree_with_changes"


def test_budget_post_per_role(client_for, make):
    world = make("approved")
    expected = table(403, finance=302, **of(UNSEEN, 404))
    got = post_statuses(client_for, f"/projects/{world.project.pk}/budget/",
                        lambda: {"rows": "5", "lines-0-year": "2027", "lines-0-fund_source": "general",
                                 "lines-0-amount": "900000", "version": state(world.project)[1]},
                        expected, world.project)
    assert got == expected
    assert Budget.objects.get(project=world.project).total == Decimal("900000")


def test_suspension_posts_per_role(client_for, district):
    expected = table(403, drc=302)
    got = post_statuses(client_for, "/suspensions/new/", {"unit_id": district.edu.pk, "reason": "验收再次不合格"},
                        expected)
    assert got == expected
    suspension = UnitSuspension.objects.get()
    expected = table(404, drc=302, edu=403, **of(OTHER_BUREAUS, 403))
    got = post_statuses(client_for, f"/suspensions/{suspension.pk}/lift/",
                        {"reason": "已完成整改", "version": suspension.version}, expected)
    assert got == expected
    assert UnitSuspension.objects.get().lifted_at is not None


def test_codes_import_post_per_role(client_for, district):
    got = post_statuses(client_for, "/project-codes/", {}, table(403, drc=400))
    assert got == table(403, drc=400)  # DRC without a file: the field named
    assert "请选择要导入的文件" in client_for("drc").post("/project-codes/", {}).content.decode()
    assert "第十五条" in client_for("finance").post("/project-codes/", {}).content.decode()


# --- DRC's review through the pages ---------------------------------------------------------------------------


def test_drc_reviews_and_approves_through_the_pages(client_for, make, district):
    world = make("submitted")
    pk, drc = world.project.pk, client_for("drc")
    page = drc.get(f"/projects/{pk}/review/").content.decode()
    assert 'data-action="start_review"' in page and 'data-testid="review-form"' not in page

    assert drc.post(f"/projects/{pk}/review/start/", {"version": state(world.project)[1]}).status_code == 302
    page = drc.get(f"/projects/{pk}/review/").content.decode()
    assert 'data-testid="review-form"' in page and 'data-testid="pool-table"' in page
    assert re.search(rf'data-expert="{district.conflicted_expert.pk}" class="table-warning" data-conflict="true"', page)
    assert "第十五条 应当回避" in page

    review = ApprovalReview.objects.get()
    response = drc.post(f"/projects/{pk}/review/assessment/", {
        "ck_necessity_ok": "true", "ck_necessity_note": "需求明确", "ck_estimate_ok": "false",
        "ck_estimate_note": "硬件单价偏高", "review_notes": "建议压减硬件", "sharing_conclusion": "adequate",
        "sharing_opinion": "共享内容完整", "expert_panel_required": "on", "version": review.version})
    assert response.status_code == 302
    review = ApprovalReview.objects.get()
    assert review.checklist["necessity"] == {"ok": True, "note": "需求明确"}
    assert review.checklist["estimate"] == {"ok": False, "note": "硬件单价偏高"}
    assert (review.sharing_conclusion, review.expert_panel_required) == ("adequate", True)

    refused = drc.post(f"/projects/{pk}/review/panel/", {"expert_id": district.conflicted_expert.pk})
    html = refused.content.decode()
    assert refused.status_code == 422 and 'data-testid="error-article">第十五条' in html and "钱专家" in html
    assert not PanelMember.objects.exists()
    assert drc.post(f"/projects/{pk}/review/panel/", {"expert_id": district.expert.pk}).status_code == 302

    # the panel is required and the expert has not spoken: the approval is refused (art. 28), the input kept
    refused = drc.post(f"/projects/{pk}/review/approve/", {"approved_estimate": "1100000", "opinion": "同意建设",
                                                           "version": state(world.project)[1]})
    html = refused.content.decode()
    assert refused.status_code == 422 and "第二十八条" in html and 'value="1100000"' in html and "同意建设" in html

    expert = client_for("expert")
    assert expert.post(f"/projects/{pk}/review/opinion/", {"opinion": "agree", "opinion_text": "可行"}).status_code == 302
    response = drc.post(f"/projects/{pk}/review/approve/", {
        "approved_estimate": "1100000", "control_indicators": "工期10个月", "opinion": "同意建设",
        "copy_to": "区财政局", "version": state(world.project)[1]})
    baseline = Baseline.objects.get(project=world.project)
    assert response.status_code == 302 and response["Location"] == f"/projects/{pk}/baselines/1/"
    assert baseline.approved_estimate == Decimal("1100000") and baseline.scale == world.application.scale
    page = drc.get(response["Location"]).content.decode()
    assert baseline.document_number in page and "〔" in baseline.document_number
    assert 'data-testid="approved-estimate">110.00' in page and "工期10个月" in page
    assert f'/projects/{pk}/baselines/1/letter.pdf' in page
    review_page = drc.get(f"/projects/{pk}/review/").content.decode()
    assert 'data-testid="baseline-link"' in review_page and 'data-testid="approve-form"' not in review_page


def test_bad_review_input_is_400_on_the_field(client_for, make):
    world = make("under_review")
    review = ApprovalReview.objects.get()
    response = client_for("drc").post(f"/projects/{world.project.pk}/review/assessment/", {
        "sharing_conclusion": "adequate", "sharing_opinion": "", "ck_technical_ok": "maybe",
        "review_notes": "保留的意见", "version": review.version})
    html = response.content.decode()
    assert response.status_code == 400
    assert "给出评估结论时须写明评估意见" in field_errors(html, "sharing_opinion")
    assert field_errors(html, "ck_technical_ok") and "保留的意见" in html
    assert ApprovalReview.objects.get().version == review.version


def test_a_stale_review_version_is_409(client_for, make):
    world = make("under_review")
    response = client_for("drc").post(f"/projects/{world.project.pk}/review/assessment/", {
        "review_notes": "x", "version": ApprovalReview.objects.get().version + 5})
    assert response.status_code == 409 and 'data-status="409"' in response.content.decode()


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_return_and_reject_need_a_reason(decision, client_for, make):
    world = make("under_review")
    url = f"/projects/{world.project.pk}/review/{decision}/"
    refused = client_for("drc").post(url, {"reason": "  ", "version": state(world.project)[1]})
    html = refused.content.decode()
    assert refused.status_code == 422 and 'data-testid="error-article">第十五条' in html
    assert state(world.project)[0] == "under_review"
    done = client_for("drc").post(url, {"reason": "未说明数据共享方式", "version": state(world.project)[1]})
    assert done.status_code == 302
    application = InitiationApplication.objects.get(project=world.project)
    assert application.decision_reason == "未说明数据共享方式"
    label = "returned-note" if decision == "return" else "rejected-note"
    assert f'data-testid="{label}"' in client_for("drc").get(f"/projects/{world.project.pk}/review/").content.decode()


# --- Finance's budget -------------------------------------------------------------------------------------------


def test_finance_budget_above_the_estimate_is_refused_with_article_15(client_for, make):
    world = make("approved")  # approved estimate 1,150,000.00
    finance, url = client_for("finance"), f"/projects/{world.project.pk}/budget/"
    page = finance.get(url).content.decode()
    assert 'data-testid="budget-form"' in page and 'data-testid="approved-estimate">115.00' in page
    refused = finance.post(url, {"rows": "5", "lines-0-year": "2027", "lines-0-fund_source": "general",
                                 "lines-0-amount": "1000000", "lines-1-year": "2028", "lines-1-fund_source": "general",
                                 "lines-1-amount": "200000", "note": "分年安排", "version": state(world.project)[1]})
    html = refused.content.decode()
    assert refused.status_code == 422 and 'data-testid="error-article">第十五条' in html
    assert "120.00" in html and 'value="200000"' in html and "分年安排" in html  # the input kept
    assert not Budget.objects.exists()

    bad = finance.post(url, {"rows": "5", "lines-0-year": "2027", "lines-0-fund_source": "general",
                             "lines-0-amount": "-5", "lines-2-year": "1999", "lines-2-fund_source": "general",
                             "lines-2-amount": "10", "version": state(world.project)[1]})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "须大于0" in field_errors(html, "lines-0-amount") and field_errors(html, "lines-2-year")

    ok = finance.post(url, {"rows": "5", "lines-0-year": "2027", "lines-0-fund_source": "general",
                            "lines-0-amount": "1000000", "lines-1-year": "2028", "lines-1-fund_source": "transfer",
                            "lines-1-amount": "150000", "version": state(world.project)[1]})
    assert ok.status_code == 302 and state(world.project)[0] == "budgeted"
    page = client_for("audit").get(url).content.decode()
    assert 'data-testid="budget-total">115.00' in page and 'data-testid="budget-form"' not in page
    assert "上级转移支付" in page


# --- the expert's opinion ---------------------------------------------------------------------------------------


def test_only_the_seated_expert_records_an_opinion(client_for, make, district):
    world = make("under_review")
    services.panel_add(actor=district.users["drc"], project=world.project, data={"expert_id": district.expert.pk})
    other = UserFactory(username="expert9", unit=None, role=Role.EXPERT)
    Expert.objects.create(jurisdiction=district.drc_unit.jurisdiction, name="孙专家", specialty="网络安全",
                          employer="某学院", user=other)
    client = client_for("anon")
    client.force_login(other)
    url = f"/projects/{world.project.pk}/review/opinion/"
    assert client.get(url).status_code == 404  # not on this panel: not even visible
    assert client.post(url, {"opinion": "agree"}).status_code == 404

    expert = client_for("expert")
    bad = expert.post(url, {"opinion": "disagree", "opinion_text": ""})
    assert bad.status_code == 400 and "修改后同意或不同意须写明意见" in field_errors(bad.content.decode(), "opinion_text")
    ok = expert.post(url, {"opinion": "disagree", "opinion_text": "重复建设"})
    assert ok.status_code == 302 and ok["Location"] == "/expert-reviews/"
    member = PanelMember.objects.get()
    assert (member.opinion, member.opinion_text) == ("disagree", "重复建设")
    listing = expert.get("/expert-reviews/").content.decode()
    assert 'data-testid="seat-opinion">不同意' in listing


def test_an_expert_cannot_change_the_opinion_after_the_decision(client_for, make):
    world = make("approved")
    url = f"/projects/{world.project.pk}/review/opinion/"
    page = client_for("expert").get(url).content.decode()
    assert 'data-testid="review-closed"' in page and 'data-testid="opinion-form"' not in page
    refused = client_for("expert").post(url, {"opinion": "disagree", "opinion_text": "改变主意"})
    assert refused.status_code == 409 and PanelMember.objects.get().opinion == "agree"


# --- suspensions (art. 23) --------------------------------------------------------------------------------------


def test_drc_suspends_and_lifts_a_unit(client_for, district, make):
    approved = make("approved")
    drc = client_for("drc")
    bad = drc.post("/suspensions/new/", {"unit_id": district.edu.pk, "reason": ""})
    assert bad.status_code == 400 and field_errors(bad.content.decode(), "reason")
    wrong = drc.post("/suspensions/new/", {"unit_id": district.health.pk, "project_id": approved.project.pk,
                                           "reason": "验收不合格"})
    assert wrong.status_code == 400 and "须为该单位的项目" in wrong.content.decode()
    done = drc.post("/suspensions/new/", {"unit_id": district.edu.pk, "project_id": approved.project.pk,
                                          "reason": "拒不整改甲项"})
    assert done.status_code == 302
    again = drc.post("/suspensions/new/", {"unit_id": district.edu.pk, "reason": "重复"})
    assert again.status_code == 409

    suspension = UnitSuspension.objects.get()
    assert "拒不整改甲项" in client_for("edu").get("/suspensions/").content.decode()
    assert "拒不整改甲项" not in client_for("health").get("/suspensions/").content.decode()
    stale = drc.post(f"/suspensions/{suspension.pk}/lift/", {"reason": "已整改", "version": suspension.version + 1})
    assert stale.status_code == 409 and 'data-testid="lift-form"' in stale.content.decode()
    lifted = drc.post(f"/suspensions/{suspension.pk}/lift/", {"reason": "已完成整改", "version": suspension.version})
    assert lifted.status_code == 302
    html = drc.get("/suspensions/?state=lifted").content.decode()
    assert "已完成整改" in html and 'data-testid="suspension-state">已解除' in html


def test_a_suspended_unit_cannot_be_approved(client_for, make, district):
    world = make("reviewed")
    services.suspension_create(actor=district.users["drc"], data={"unit_id": district.edu.pk, "reason": "验收不合格"})
    response = client_for("drc").post(f"/projects/{world.project.pk}/review/approve/", {
        "approved_estimate": "1000000", "version": state(world.project)[1]})
    assert response.status_code == 422 and "第二十三条" in response.content.decode()
    assert state(world.project)[0] == "under_review"


# --- project codes ----------------------------------------------------------------------------------------------


def test_codes_import_shows_row_errors_and_the_summary(client_for, make):
    make("drafted")
    drc = client_for("drc")
    exported = drc.get("/project-codes/export.xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    assert "attachment" in exported["Content-Disposition"]
    upload = SimpleUploadedFile("codes.xlsx", exported.content)
    summary = drc.post("/project-codes/", {"file": upload})
    assert summary.status_code == 200 and 'data-testid="import-summary"' in summary.content.decode()
    wrong = drc.post("/project-codes/", {"file": SimpleUploadedFile("codes.txt", b"hello")})
    assert wrong.status_code == 400 and 'data-testid="import-error"' in wrong.content.decode()


# --- navigation -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_navigation_per_role(role, client_for, district):
    html = client_for(role).get("/").content.decode()
    bureau_or_unit = role in (*BUREAUS, "edu", "health")
    assert ('data-nav="approvals"' in html) == bureau_or_unit
    assert ('data-nav="suspensions"' in html) == bureau_or_unit
    assert ('data-nav="expert_reviews"' in html) == (role == "expert")


def test_the_workspace_marks_its_navigation_entry(client_for, make):
    world = make("submitted")
    html = client_for("drc").get(f"/projects/{world.project.pk}/review/").content.decode()
    assert re.search(r'class="nav-link active" href="/approvals/" data-nav="approvals"', html)


# --- queries ---------------------------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def reviewing_projects(district, n: int) -> None:
    """`n` projects under review, each with an application, a review and a panel seat waiting."""
    for _i in range(n):
        project = ProjectFactory(owner_unit=district.edu, status="under_review")
        application = InitiationApplication.objects.create(project=project, hardware=Decimal("100000"))
        review = ApprovalReview.objects.create(application=application)
        PanelMember.objects.create(review=review, expert=district.expert2)


@pytest.mark.parametrize("role", ["drc", "edu"])
def test_list_queries_do_not_grow(role, client_for, district):
    client = client_for(role)
    reviewing_projects(district, 3)
    client.get("/approvals/")
    small = count_queries(client, "/approvals/")
    reviewing_projects(district, 30)
    large = count_queries(client, "/approvals/")
    assert small == large and large <= 12
    assert "评审专家提交意见(1位)" in client.get("/approvals/").content.decode()


def test_review_workspace_queries_do_not_grow(client_for, make, district):
    world = make("reviewed")
    client, url = client_for("drc"), f"/projects/{world.project.pk}/review/"
    client.get(url)
    small = count_queries(client, url)
    application, review = world.application, ApprovalReview.objects.get()
    jurisdiction = district.drc_unit.jurisdiction
    for i in range(12):
        expert = Expert.objects.create(jurisdiction=jurisdiction, name=f"专家{i}", specialty="信息化",
                                       employer="某大学", employer_unit=district.health if i % 2 else None)
        PanelMember.objects.create(review=review, expert=expert, opinion="agree" if i % 3 else "")
        Milestone.objects.create(application=application, name=f"节点{i}", due_date="2027-06-01")
        ApplicationDocument.objects.create(application=application, kind="other", name=f"附件{i}.pdf", size=10,
                                           sha256="0" * 64, file="applications/x.pdf")
    large = count_queries(client, url)
    assert small == large, f"{small} queries with 1 expert, {large} with 13"
    assert large <= 25
