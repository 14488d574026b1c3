"""The owner unit's initiation application pages (art. 14, 11, 16–18, 28, 30): every page and POST × every role
of the district → the exact status; the owner saves a sectioned draft (and only the filled rows); bad input is a
400 with Chinese field errors and nothing saved; a stale version is a 409; reports upload and download (audited);
the project code is recorded or refused with 第十七条; a participant confirms a joint application and the lead
submits it; a refusal shows its article; the pages' queries do not grow with the rows."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itgov.approvals import services
from itgov.approvals.models import ApplicationDocument, InitiationApplication
from itgov.audit import events
from itgov.audit.models import AuditEvent
from itgov.projects.models import Project, ProjectParticipant
from tests.approvals_world import (
    JOINT_SECTIONS,
    PDF_BYTES,
    approval_maker,
    next_code,
    report,
    valid_application_payload,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "health", "supervisor", "expert", "anon", "edu"]
HTMX = {"HTTP_HX_REQUEST": "true"}
# Who sees an edu project in the plan (not a draft): the owner, the bureaus, the audit bureau; not the system
# administrator, another unit, the supervision firm or an expert who is not on its panel.
UNSEEN = {"admin": 404, "health": 404, "supervisor": 404, "expert": 404, "anon": 302}
BUREAUS = ("drc", "finance", "audit", "cyber", "gov")


def signed_in(district, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(district.users[role])
    return client


def table(default: int, **statuses: int) -> dict[str, int]:
    return {role: statuses.get(role, UNSEEN.get(role, default)) for role in ROLES}


def answers(district, call) -> dict[str, int]:
    """Each role's status for `call(client)`; edu, whose write may succeed, goes last."""
    return {role: call(signed_in(district, role)).status_code for role in ROLES}


def field_error(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{field}">(.*?)</div>\s*</div>', html, re.S) or re.search(
        rf'data-testid="error-{field}">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def form_post(payload: dict, *, version="", blank_rows: int = 1) -> dict:
    """The application form as the page posts it: scalars, the platform boxes, every row's inputs by position
    (with blank rows, which the page ignores)."""
    data: dict = {"version": version, "has": ["shared_platforms", "milestones", "performance_targets",
                                              "data_resources"]}
    rows = {"milestones": ("name", "due_date"),
            "performance_targets": ("category", "indicator", "unit", "target"),
            "data_resources": ("name", "direction", "sharing_type", "into_catalogue", "source_or_use")}
    for key, value in payload.items():
        if key in rows:
            continue
        data[key] = value if isinstance(value, list) else ("" if value is None else str(value))
    for key, names in rows.items():
        entries = list(payload.get(key, []))
        for name in names:
            column = []
            for row in entries:
                value = row.get(name, "")
                if name == "into_catalogue":
                    value = "1" if value else "0"
                column.append(str(value))
            column += ["1" if name == "into_catalogue" else ""] * blank_rows
            data[f"{key}-{name}"] = column
    return data


@pytest.fixture
def make(district):
    return approval_maker(district)


@pytest.fixture
def planned(make):
    return make("planned")


@pytest.fixture
def drafted(make):
    return make("drafted")


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.pk}/application/{tail}"


# --- every page and POST × every role ---------------------------------------------------------------------


def test_application_page_by_role(district, planned):
    got = {}
    for role in ROLES:
        response = signed_in(district, role).get(_url(planned.project))
        got[role] = response.status_code
        if response.status_code == 200:
            html = response.content.decode()
            assert ('data-testid="application-form"' in html) == (role == "edu"), role
            assert ('data-testid="upload-form"' in html) == (role == "edu"), role
            assert ('data-testid="code-form"' in html) == (role == "edu"), role
            assert ('data-testid="submit-application"' in html) == (role == "edu"), role
            assert 'data-testid="application-compliance"' in html and "第十四条" in html
    assert got == table(200)


def test_reviewed_application_by_role(district, make):
    """In DRC's hands: read-only for everyone; the panel's expert now sees it too."""
    world = make("reviewed")
    got = {}
    for role in ROLES:
        response = signed_in(district, role).get(_url(world.project))
        got[role] = response.status_code
        if response.status_code == 200:
            html = response.content.decode()
            assert 'data-testid="application-form"' not in html and 'data-testid="application-readonly"' in html
            assert "建设统一业务办理平台" in html and "业务办件信息" in html
            assert 'data-testid="in-review-note"' in html
    assert got == table(200, expert=200)


def test_save_by_role(district, planned):
    data = form_post({"construction_content": "只改建设内容"})
    got = answers(district, lambda c: c.post(_url(planned.project, "save/"), data))
    assert got == table(403, edu=302)
    application = InitiationApplication.objects.get(project=planned.project)
    assert application.construction_content == "只改建设内容"
    assert AuditEvent.objects.filter(event_type=events.APPLICATION_SAVED).count() == 1


def test_upload_by_role(district, planned):
    def call(client):
        upload = SimpleUploadedFile("立项申请报告.pdf", PDF_BYTES, "application/pdf")
        return client.post(_url(planned.project, "upload/"), {"kind": "application_report", "file": upload})

    assert answers(district, call) == table(403, edu=302)
    assert ApplicationDocument.objects.filter(application__project=planned.project).count() == 1


def test_code_by_role(district, planned):
    code = next_code()
    got = answers(district, lambda c: c.post(_url(planned.project, "code/"), {"project_code": code}))
    assert got == table(403, edu=302)
    assert Project.objects.get(pk=planned.project.pk).project_code == code


def test_submit_by_role(district, drafted):
    project = drafted.project
    got = answers(district, lambda c: c.post(_url(project, "submit/"), {"version": project.version}))
    assert got == table(403, edu=302)
    assert Project.objects.get(pk=project.pk).status == "initiation_submitted"


def test_document_download_by_role(district, drafted):
    document = drafted.application.documents.first()
    got = {}
    for role in ROLES:
        response = signed_in(district, role).get(_url(drafted.project, f"documents/{document.pk}/"))
        got[role] = response.status_code
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert "attachment" in response["Content-Disposition"]
    assert got == table(200)
    downloads = AuditEvent.objects.filter(event_type=events.FILE_DOWNLOADED, project_id=drafted.project.pk)
    assert downloads.count() == 6  # the bureaus and the owner, each audited


def test_participant_add_by_role(district, planned):
    data = {"unit_id": district.street.pk, "role_description": "街道数据采集"}
    got = answers(district, lambda c: c.post(_url(planned.project, "participants/"), data))
    assert got == table(403, edu=302)
    assert list(planned.project.participants.values_list("unit__name", flat=True)) == ["宁海路街道"]


def test_participant_confirm_by_role(district, make):
    """Only the participating unit confirms (health), not even the lead unit; health sees the joint project."""
    world = make("drafted", joint=True)
    participant = world.project.participants.get()
    url = _url(world.project, f"participants/{participant.pk}/confirm/")
    got = answers(district, lambda c: c.post(url, {"version": world.application.version}))
    assert got == table(403, health=302, edu=403)


def test_participant_remove_by_role(district, make):
    world = make("planned", joint=True)
    participant = world.project.participants.get()
    url = _url(world.project, f"participants/{participant.pk}/remove/")
    got = answers(district, lambda c: c.post(url))
    assert got == table(403, health=403, edu=302)
    assert not ProjectParticipant.objects.filter(pk=participant.pk).exists()


def test_row_fragment_by_role(district, planned):
    got = {}
    for role in ROLES:
        response = signed_in(district, role).get(_url(planned.project, "rows/milestones/"), **HTMX)
        got[role] = response.status_code
        if response.status_code == 200:
            html = response.content.decode()
            assert html.lstrip().startswith("<tr") and 'name="milestones-name"' in html
    assert got == table(403, edu=200)


@pytest.mark.parametrize("tail", ["", "save/", "upload/", "code/", "submit/", "participants/",
                                  "rows/milestones/", "documents/1/"])
def test_anonymous_is_sent_to_login(tail, district, planned):
    client = signed_in(district, "anon")
    response = client.get(_url(planned.project, tail)) if tail in ("", "rows/milestones/", "documents/1/") \
        else client.post(_url(planned.project, tail))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/projects/987654321/application/"),
    ("get", "/projects/99999999999999999999/application/"),
    ("post", "/projects/987654321/application/save/"),
    ("get", "/projects/{pk}/application/rows/nope/"),
    ("get", "/projects/{pk}/application/documents/987654321/"),
    ("post", "/projects/{pk}/application/participants/987654321/remove/"),
    ("post", "/projects/{pk}/application/participants/987654321/confirm/"),
])
def test_missing_things_are_404(method, url, district, planned):
    client = signed_in(district, "edu")
    response = getattr(client, method)(url.format(pk=planned.project.pk), **HTMX)
    assert response.status_code == 404


def test_a_document_of_another_project_is_404(district, make, drafted):
    other = make("planned")
    document = drafted.application.documents.first()
    response = signed_in(district, "edu").get(_url(other.project, f"documents/{document.pk}/"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event_type=events.FILE_DOWNLOADED).exists()


@pytest.mark.parametrize(("tail", "data", "status", "text"), [
    ("save/", {"version": "x", "scale": "改"}, 400, "版本号无效"),
    ("save/", {"hardware": "1万", "has": ["milestones"], "milestones-name": ["甲"], "milestones-due_date": ["明天"]},
     400, "请输入金额(元)"),
    ("upload/", {"kind": "application_report"}, 400, "必填"),
    ("upload/", {"kind": "nonsense"}, 400, "不是可选的材料类型"),
    ("code/", {"project_code": "", "version": "1"}, 400, "必填"),
    ("code/", {"project_code": "2604-320106-65-01-000001", "version": "-3"}, 400, "版本号无效"),
    ("participants/", {"unit_id": "abc"}, 400, "须为整数"),
    ("participants/", {"unit_id": "999999"}, 400, "须为本区的部门或街道"),
    ("submit/", {"version": "abc"}, 400, "版本号无效"),
])
def test_garbage_is_a_4xx_with_a_chinese_message(tail, data, status, text, district, planned):
    response = signed_in(district, "edu").post(_url(planned.project, tail), data)
    assert response.status_code == status
    assert text in response.content.decode()
    assert not InitiationApplication.objects.filter(project=planned.project).exists()


def test_get_on_a_post_only_url_is_405(district, planned):
    assert signed_in(district, "edu").get(_url(planned.project, "save/")).status_code == 405


def test_the_projects_nav_entry_is_active(district, planned):
    html = signed_in(district, "edu").get(_url(planned.project)).content.decode()
    assert re.search(r'data-nav="projects"\s+aria-current="page"', html)


# --- the draft --------------------------------------------------------------------------------------------


def test_the_owner_saves_a_draft_and_only_the_filled_rows(district, planned):
    client = signed_in(district, "edu")
    before = client.get(_url(planned.project)).content.decode()
    assert 'data-rule="art14.application_complete" data-status="pending"' in before

    payload = valid_application_payload()
    payload["data_resources"][1]["into_catalogue"] = False
    response = client.post(_url(planned.project, "save/"), form_post(payload, blank_rows=2))
    assert response.status_code == 302 and response["Location"] == _url(planned.project)

    application = InitiationApplication.objects.get(project=planned.project)
    assert application.construction_content == payload["construction_content"]
    assert (application.hardware, application.total) == (Decimal("200000.00"), Decimal("1200000.00"))
    assert str(application.start_date) == "2027-03-01" and application.protection_level == 3
    assert application.shared_platforms == ["gov_cloud", "identity", "data_exchange"]
    assert [m.name for m in application.milestones.all()] == ["完成招标采购", "系统上线试运行"]
    assert sorted(t.category for t in application.performance_targets.all()) == [
        "benefit", "output_quantity", "satisfaction"]
    assert [(r.name, r.into_catalogue) for r in application.data_resources.order_by("id")] == [
        ("业务办件信息", True), ("人口基础信息", False)]

    html = client.get(_url(planned.project)).content.decode()
    assert "已保存立项申请草稿" in html
    assert 'data-testid="investment-total" data-investment-total aria-live="polite">120.00<' in html
    assert 'value="完成招标采购"' in html and 'value="2027-04-30"' in html
    for rule in ("art14.application_complete", "art11.performance_targets", "art18.shared_platforms",
                 "art28.application_data_sharing", "art30.protection_level_planned"):
        assert f'data-rule="{rule}" data-status="met"' in html, rule
    assert 'data-rule="art14.reports_submitted" data-status="pending"' in html
    assert 'data-rule="art17.project_code" data-status="pending"' in html

    # A second save with the version read: a row cleared on the page is gone, a blank amount is 0.
    payload["milestones"] = payload["milestones"][:1]
    payload["other"] = ""
    response = client.post(_url(planned.project, "save/"), form_post(payload, version=application.version))
    assert response.status_code == 302
    application = InitiationApplication.objects.get(pk=application.pk)
    assert [m.name for m in application.milestones.all()] == ["完成招标采购"]
    assert (application.other, application.version) == (Decimal("0"), 2)


def test_bad_input_shows_chinese_field_errors_and_saves_nothing(district, planned):
    payload = valid_application_payload(hardware="-5", start_date="2027-06-01", end_date="2027-01-01",
                                        protection_level="9")
    payload["milestones"] = [{"name": "完成招标采购", "due_date": "2027-13-01"}]
    payload["performance_targets"] = [{"category": "", "indicator": "建设子系统数量", "unit": "个", "target": "3"}]
    response = signed_in(district, "edu").post(_url(planned.project, "save/"), form_post(payload))
    assert response.status_code == 400
    html = response.content.decode()
    assert "不得为负数" in field_error(html, "hardware")
    assert "计划完工不得早于计划开工" in field_error(html, "end_date")
    assert "须为1至5级" in field_error(html, "protection_level")
    assert "日期格式须为 YYYY-MM-DD" in html and "必填" in html  # on the rows they belong to
    row_errors = re.findall(r'data-testid="row-error">(.*?)</div>', html)
    assert row_errors == ["日期格式须为 YYYY-MM-DD", "必填"]
    # What was typed is kept.
    assert 'value="-5"' in html and payload["construction_content"] in html and 'value="2027-13-01"' in html
    assert not InitiationApplication.objects.filter(project=planned.project).exists()
    assert not AuditEvent.objects.filter(event_type=events.APPLICATION_SAVED).exists()


def test_a_stale_version_is_a_409_keeping_the_input(district, drafted):
    client = signed_in(district, "edu")
    stale = drafted.application.version
    services.application_save(actor=district.users["edu"], project=drafted.project, data={"scale": "他人修改"})
    response = client.post(_url(drafted.project, "save/"),
                           form_post(valid_application_payload(scale="我的修改"), version=stale))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="form-error" data-status="409"' in html and "已被他人修改" in html and "我的修改" in html
    assert f'name="version" value="{stale}"' in html  # saving again without reloading is still refused
    assert InitiationApplication.objects.get(pk=drafted.application.pk).scale == "他人修改"


def test_too_many_rows_is_refused_on_the_table(district, planned):
    payload = valid_application_payload()
    payload["milestones"] = [{"name": f"里程碑{i}", "due_date": "2027-05-01"} for i in range(101)]
    response = signed_in(district, "edu").post(_url(planned.project, "save/"), form_post(payload))
    assert response.status_code == 400
    assert "最多100行" in field_error(response.content.decode(), "milestones")


def test_the_application_is_read_only_once_submitted(district, make):
    world = make("submitted")
    html = signed_in(district, "edu").get(_url(world.project)).content.decode()
    assert 'data-testid="application-form"' not in html and 'data-testid="upload-form"' not in html
    assert 'data-testid="submit-application"' not in html and 'data-testid="submitted-note"' in html
    response = signed_in(district, "edu").post(_url(world.project, "save/"), form_post({"scale": "再改"}))
    assert response.status_code == 409 and "不能编制立项申请" in response.content.decode()


def test_a_returned_application_shows_the_reason_and_is_editable_again(district, make):
    world = make("returned")
    html = signed_in(district, "edu").get(_url(world.project)).content.decode()
    assert 'data-testid="return-reason"' in html and "投资估算依据不足" in html
    assert 'data-testid="application-form"' in html


# --- files, code, joint project, submission -----------------------------------------------------------------


def test_upload_and_download_a_report(district, planned):
    client = signed_in(district, "edu")
    upload = SimpleUploadedFile("可研报告.pdf", PDF_BYTES, "application/pdf")
    response = client.post(_url(planned.project, "upload/"), {"kind": "feasibility_study", "file": upload})
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    document = ApplicationDocument.objects.get(application__project=planned.project)
    assert (document.kind, document.name, document.size) == ("feasibility_study", "可研报告.pdf", len(PDF_BYTES))

    html = client.get(_url(planned.project)).content.decode()
    assert "可研报告.pdf" in html and 'data-required="feasibility_study" data-present="1"' in html
    assert 'data-required="application_report" data-present="0"' in html
    response = client.get(_url(planned.project, f"documents/{document.pk}/"))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    event = AuditEvent.objects.get(event_type=events.FILE_DOWNLOADED)
    assert (event.project_id, event.actor_name) == (planned.project.pk, district.users["edu"].display_name)


def test_a_wrong_file_type_is_refused_on_the_field(district, planned):
    upload = SimpleUploadedFile("报告.txt", b"hello", "text/plain")
    response = signed_in(district, "edu").post(_url(planned.project, "upload/"),
                                               {"kind": "application_report", "file": upload})
    assert response.status_code == 400
    assert "只接受 PDF、OFD、Word、WPS 或 ZIP 文件" in field_error(response.content.decode(), "file")
    assert not ApplicationDocument.objects.exists()


def test_a_valid_project_code_is_recorded_with_its_meaning(district, planned):
    client = signed_in(district, "edu")
    response = client.post(_url(planned.project, "code/"), {"project_code": "2604-320106-65-01-000123",
                                                            "version": planned.project.version})
    assert response.status_code == 302
    assert Project.objects.get(pk=planned.project.pk).project_code == "2604-320106-65-01-000123"
    html = client.get(_url(planned.project)).content.decode()
    assert "赋码时间2026年4月" in html and "流水号000123" in html and 'data-testid="code-meaning"' in html
    assert 'data-rule="art17.project_code" data-status="met"' in html


@pytest.mark.parametrize(("code", "why"), [
    ("ZB-2026-0012", "含字母的多为采购或招标编号"),
    ("2604-320106-65-01-00012", "应为24位"),
    ("2604-320105-65-01-000012", "与本级(320106)不符"),
])
def test_an_invalid_project_code_is_refused_with_article_17(code, why, district, planned):
    response = signed_in(district, "edu").post(_url(planned.project, "code/"), {"project_code": code})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="error-article">第十七条<' in html and why in field_error(html, "project_code")
    assert f'value="{code}"' in html
    assert Project.objects.get(pk=planned.project.pk).project_code is None


def test_joint_application_confirmed_by_health_then_submitted_by_edu(district, make):
    world = make("planned", joint=True)
    edu, project = district.users["edu"], world.project
    services.application_save(actor=edu, project=project, data=valid_application_payload(**JOINT_SECTIONS))
    for kind in ("application_report", "feasibility_study"):
        services.document_upload(actor=edu, project=project, **report(kind))
    project = services.project_code_record(actor=edu, project=project, data={"project_code": next_code()})
    participant = project.participants.get()
    lead = signed_in(district, "edu")

    # The lead sees the joint sections and cannot submit before the participant confirms (art. 16).
    html = lead.get(_url(project)).content.decode()
    assert 'id="joint"' in html and 'data-state="waiting"' in html and 'data-action="confirm-participation"' not in html
    response = lead.post(_url(project, "submit/"), {"version": project.version})
    assert response.status_code == 422
    assert "第十六条" in response.content.decode() and "待确认:区卫健委" in response.content.decode()

    # health reads the application (read-only) and confirms the version it read.
    partner = signed_in(district, "health")
    html = partner.get(_url(project)).content.decode()
    application = InitiationApplication.objects.get(project=project)
    assert 'data-testid="application-readonly"' in html and 'data-action="confirm-participation"' in html
    response = partner.post(_url(project, f"participants/{participant.pk}/confirm/"),
                            {"version": application.version})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.confirmed_application_id, participant.confirmed_version) == (application.pk,
                                                                                     application.version)
    assert 'data-state="confirmed"' in partner.get(_url(project)).content.decode()

    response = lead.post(_url(project, "submit/"), {"version": project.version})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).status == "initiation_submitted"
    assert "已提交立项申请" in lead.get(_url(project)).content.decode()


def test_an_edit_asks_the_participant_to_confirm_again(district, make):
    world = make("drafted", joint=True)
    services.application_save(actor=district.users["edu"], project=world.project, data={"scale": "扩大范围"})
    html = signed_in(district, "health").get(_url(world.project)).content.decode()
    assert 'data-state="stale"' in html and "须重新确认" in html
    participant = world.project.participants.get()
    stale = world.application.version
    response = signed_in(district, "health").post(_url(world.project, f"participants/{participant.pk}/confirm/"),
                                                  {"version": stale})
    assert response.status_code == 409 and "请阅读后再确认" in response.content.decode()


def test_the_owner_cannot_be_its_own_participant(district, planned):
    response = signed_in(district, "edu").post(_url(planned.project, "participants/"),
                                               {"unit_id": district.edu.pk, "role_description": ""})
    assert response.status_code == 400
    assert "牵头部门不能同时是参建单位" in field_error(response.content.decode(), "unit_id")
    assert not planned.project.participants.exists()


def test_a_submission_without_reports_shows_article_14(district, planned):
    edu = district.users["edu"]
    services.application_save(actor=edu, project=planned.project, data=valid_application_payload())
    project = services.project_code_record(actor=edu, project=planned.project, data={"project_code": next_code()})
    response = signed_in(district, "edu").post(_url(project, "submit/"), {"version": project.version})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="error-article">第十四条<' in html
    assert "缺少:立项申请报告、可行性研究报告" in html
    assert Project.objects.get(pk=project.pk).status == "planned"


def test_a_stale_project_version_on_submit_is_a_409(district, drafted):
    response = signed_in(district, "edu").post(_url(drafted.project, "submit/"),
                                               {"version": drafted.project.version - 1})
    assert response.status_code == 409
    assert Project.objects.get(pk=drafted.project.pk).status == "planned"


# --- the project page's card ----------------------------------------------------------------------------------


def test_the_project_card_shows_code_application_baseline_and_budget(district, make):
    world = make("budgeted")
    html = signed_in(district, "edu").get(f"/projects/{world.project.pk}/").content.decode()
    assert 'data-testid="approval-card"' in html
    assert world.project.project_code in html and "赋码时间2026年4月" in html
    assert world.baseline.document_number in html
    assert re.search(r'data-testid="card-estimate">115\.00 万元', html)
    assert re.search(r'data-testid="card-budget">115\.00 万元', html)
    assert f'href="/projects/{world.project.pk}/application/"' in html


def test_the_card_invites_the_owner_to_apply(district, planned):
    html = signed_in(district, "edu").get(f"/projects/{planned.project.pk}/").content.decode()
    assert "编制立项申请" in html and 'data-testid="card-application">' in html and "未编制" in html
    html = signed_in(district, "drc").get(f"/projects/{planned.project.pk}/").content.decode()
    assert "查看立项申请" in html and "编制立项申请" not in html


def test_the_panel_expert_sees_the_card_without_baseline_or_budget(district, make):
    world = make("reviewed")
    html = signed_in(district, "expert").get(f"/projects/{world.project.pk}/").content.decode()
    assert 'data-testid="approval-card"' in html and 'data-testid="card-budget"' not in html


# --- query budgets ------------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(district, world, n: int) -> None:
    edu = district.users["edu"]
    payload = valid_application_payload()
    payload["milestones"] = [{"name": f"里程碑{i}", "due_date": "2027-05-01"} for i in range(n)]
    payload["data_resources"] = payload["data_resources"] * n
    payload["performance_targets"] = payload["performance_targets"] * n
    services.application_save(actor=edu, project=world.project, data=payload)
    for _n in range(n):
        services.document_upload(actor=edu, project=world.project, **report("other"))


@pytest.mark.parametrize("role", ["edu", "drc"])
def test_application_page_queries_do_not_grow_with_rows(role, district, drafted):
    client = signed_in(district, role)
    url = _url(drafted.project)
    client.get(url)
    small = count_queries(client, url)
    _grow(district, drafted, 12)
    large = count_queries(client, url)
    assert small == large, f"{small} queries with 2 rows, {large} with 12"
    assert large <= 25


def test_project_page_queries_do_not_grow_with_rows(district, drafted):
    client = signed_in(district, "edu")
    url = f"/projects/{drafted.project.pk}/"
    client.get(url)
    small = count_queries(client, url)
    _grow(district, drafted, 12)
    assert count_queries(client, url) == small
