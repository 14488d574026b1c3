"""The pages of audit cooperation (art. 25): 审计监督 (the cases, a case, the audit bureau's forms), 审计调阅 (an owner
unit's requests with the answer and 补充 forms), a project's dossier page and its download, an answer's file — each
× every role → the exact status; a refused POST changes nothing and writes no business audit event, a success
writes its event and redirects (PRG); 400 on the fields, 422 naming 第二十五条, 409 on a closed case; the navigation
entry's label by role; the pages' queries do not grow with the cases, requests and answers."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.oversight import services
from itgov.oversight.models import AuditAnswer, AuditAnswerFile, AuditCase, AuditRequest
from itgov.oversight.tests.world import oversight_maker, pdf
from itgov.web.tests.role_table import DENIAL_EVENTS, ROLES, table

pytestmark = pytest.mark.django_db



# Columns: anon admin drc finance audit cyber gov edu health supervisor expert.
GETS = {
    "oversight_cases":          table("302 200 200 200 200 200 200 302 302 200 200"),
    "oversight_case_open":      table("302 403 403 403 200 403 403 403 403 403 403"),
    "oversight_case":           table("302 404 200 404 200 404 404 404 404 404 404"),
    "oversight_requests":       table("302 403 403 403 403 403 403 200 200 403 403"),
    "oversight_file":           table("302 404 200 404 200 404 404 200 404 404 404"),
    "project_dossier":          table("302 404 200 403 200 403 403 200 404 403 404"),
    "project_dossier_download": table("302 404 200 403 200 403 403 200 404 403 404"),
}
POSTS = {
    "oversight_case_open":        table("302 403 403 403 302 403 403 403 403 403 403"),
    "oversight_case_add_project": table("302 404 403 404 302 404 404 404 404 404 404"),
    "oversight_request_send":     table("302 404 403 404 302 404 404 404 404 404 404"),
    "oversight_case_close":       table("302 404 403 404 302 404 404 404 404 404 404"),
    "oversight_answer":           table("302 404 403 404 403 404 404 302 404 404 404"),
}


@pytest.fixture
def world(district):
    from tests.api.conftest import project_maker

    world = oversight_maker(district)(answered=True)
    world.other = project_maker(district)("proposed", owner="health")
    world.file = AuditAnswerFile.objects.get(answer=world.answer)
    return world


def url(name: str, world) -> str:
    args = {"oversight_cases": [], "oversight_case_open": [], "oversight_requests": [],
            "oversight_case": [world.case.pk], "oversight_case_add_project": [world.case.pk],
            "oversight_request_send": [world.case.pk], "oversight_case_close": [world.case.pk],
            "oversight_answer": [world.request.pk], "oversight_file": [world.file.pk],
            "project_dossier": [world.project.pk], "project_dossier_download": [world.project.pk]}[name]
    return reverse(f"web:{name}", args=args)


def due(days: int = 7) -> str:
    return (local_today() + dt.timedelta(days=days)).isoformat()


def post_data(name: str, world) -> dict:
    return {
        "oversight_case_open": {"title": "第二项审计", "scope": "合同管理", "project_ids": [world.project.pk]},
        "oversight_case_add_project": {"project_id": world.other.pk, "version": world.case.version},
        "oversight_request_send": {"project_id": world.project.pk, "kind": "documents", "subject": "调阅合同",
                                   "text": "请提供", "due_on": due()},
        "oversight_case_close": {"closing_summary": "未发现重大问题", "version": world.case.version},
        "oversight_answer": {"text": "补充说明", "files": [pdf("补充.pdf")]},
    }[name]


def state() -> tuple:
    return (list(AuditCase.objects.order_by("pk").values()), AuditRequest.objects.count(),
            AuditAnswer.objects.count(), AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count())


def test_every_page_for_every_role(client_for, world):
    failures = []
    for name, row in GETS.items():
        for role, want in row.items():
            response = client_for(role).get(url(name, world))
            if response.status_code != want:
                failures.append(f"{name} {role}: {response.status_code} != {want}")
            elif want == 302 and role == "anon":
                assert response["Location"].startswith("/login/")
            elif want == 302:
                assert response["Location"] == reverse("web:oversight_requests")
            elif want == 403 and name == "project_dossier":
                assert "只有区审计局、区发改委(大数据局)和项目建设单位可以导出项目档案(第二十五条)" in response.content.decode()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", list(POSTS))
def test_every_post_for_every_role(client_for, world, name):
    row = POSTS[name]
    winner = "audit" if name != "oversight_answer" else "edu"
    clients = {role: client_for(role) for role in ROLES}  # signing in is audited: before the snapshots
    for role in [r for r in ROLES if r != winner] + [winner]:
        before = state()
        response = clients[role].post(url(name, world), post_data(name, world))
        assert response.status_code == row[role], (role, response.status_code)
        if role != winner:
            assert state() == before, role
        if row[role] == 403 and role != "anon":
            assert "第二十五条" in response.content.decode(), role
    after = state()
    assert after[3] > before[3]  # the winner's write was audited
    expected = {"oversight_case_open": "/oversight/cases/", "oversight_answer": "/oversight/requests/#request-"}
    assert response["Location"].startswith(expected.get(name, f"/oversight/cases/{world.case.pk}/"))


def test_the_navigation_entry_is_named_for_the_role(client_for, world):
    def nav(role):
        html = client_for(role).get(reverse("web:home")).content.decode()
        match = re.search(r'data-nav="oversight"[^>]*>(.*?)</a>', html, re.S)
        return re.sub(r"<[^>]+>|\s", "", match.group(1)) if match else None

    assert {role: nav(role) for role in ROLES if role != "anon"} == {
        "admin": None, "drc": "审计监督", "finance": None, "audit": "审计监督", "cyber": None, "gov": None,
        "edu": "审计调阅", "health": "审计调阅", "supervisor": None, "expert": None}


def test_the_case_page_shows_projects_requests_states_answers_and_files(client_for, world):
    html = client_for("audit").get(url("oversight_case", world)).content.decode()
    assert world.case.number in html and world.project.name in html
    assert 'data-state="answered"' in html and "合同台账.pdf" in html
    assert reverse("web:project_dossier", args=[world.project.pk]) in html
    assert {"request-form", "add-project-form", "close-form"} <= set(re.findall(r'data-testid="([a-z-]+-form)"', html))
    html = client_for("drc").get(url("oversight_case", world)).content.decode()  # DRC reads, writes nothing
    assert "合同台账.pdf" in html and 'data-testid="request-form"' not in html


def test_a_refused_request_keeps_the_input_and_names_the_field_or_article(client_for, world):
    client = client_for("audit")
    data = post_data("oversight_request_send", world)
    response = client.post(url("oversight_request_send", world), {**data, "due_on": local_today().isoformat()})
    html = response.content.decode()
    assert response.status_code == 422 and "第二十五条" in html and "须晚于今天" in html
    assert 'value="调阅合同"' in html
    response = client.post(url("oversight_request_send", world), {**data, "kind": ""})
    assert response.status_code == 400 and 'data-testid="error-kind"' in response.content.decode()
    response = client.post(url("oversight_case_open", world), {"title": "", "scope": "x"})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-title"' in html
    assert 'data-testid="error-project_ids"' in html
    assert AuditRequest.objects.count() == 1 and AuditCase.objects.count() == 1


def test_the_owner_answers_supplements_and_sees_late(client_for, world, monkeypatch):
    client = client_for("edu")
    html = client.get(url("oversight_requests", world)).content.decode()
    assert 'data-action="supplement"' in html and "合同台账.pdf" in html
    response = client.post(url("oversight_answer", world), {"text": ""})
    assert response.status_code == 400 and "须填写说明或上传至少一个文件" in response.content.decode()
    bad = SimpleUploadedFile("a.exe", b"MZ")
    response = client.post(url("oversight_answer", world), {"text": "x", "files": [bad]})
    assert response.status_code == 400 and "只接受 PDF、OFD、Word、WPS 或 ZIP 文件" in response.content.decode()
    assert AuditAnswer.objects.count() == 1
    response = client.post(url("oversight_answer", world), {"text": "补充", "files": [pdf("a.pdf"), pdf("b.pdf")]},
                           follow=True)
    assert "已补充报送(第2次)" in response.content.decode()
    assert list(AuditAnswer.objects.get(sequence=2).files.values_list("name", flat=True)) == ["a.pdf", "b.pdf"]
    services.case_close(actor=world.audit, case=world.case, data={"closing_summary": "结案"})
    response = client.post(url("oversight_answer", world), {"text": "再补充"})
    assert response.status_code == 409 and AuditAnswer.objects.count() == 2


def test_the_dossier_page_and_download(client_for, world):
    html = client_for("audit").get(url("project_dossier", world)).content.decode()
    assert 'data-record="construction.payment"' in html and 'data-record="oversight.auditanswerfile"' in html
    assert 'data-event="oversight.answer.submitted"' in html
    response = client_for("edu").get(url("project_dossier_download", world))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {"manifest.json", "project.json", "events.csv"} <= set(archive.namelist())
    assert AuditEvent.objects.filter(event_type="oversight.dossier.exported", actor_id=world.owner.pk).count() == 1
    response = client_for("audit").get(url("oversight_file", world))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 itgov audit answer"
    assert AuditEvent.objects.filter(event_type="file.downloaded", object_id=str(world.file.pk)).count() == 1


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_pages_queries_do_not_grow_with_the_records(client_for, world, district):
    audit, edu = client_for("audit"), client_for("edu")
    pages = [(audit, url("oversight_cases", world)), (audit, url("oversight_case", world)),
             (edu, url("oversight_requests", world)), (audit, url("project_dossier", world))]
    for client, path in pages:
        client.get(path)  # warm
    before = [_queries(client, path) for client, path in pages]
    for n in range(3):  # more cases, requests, answers with files on the same project
        services.case_open(actor=world.audit, data={"title": f"审计{n}", "scope": "x", "project_ids": [world.project.pk]})
        extra = services.request_send(actor=world.audit, case=world.case, data={
            "project_id": world.project.pk, "kind": "explanation", "subject": f"说明{n}", "text": "请说明",
            "due_on": due(3)})
        services.answer_submit(actor=world.owner, request=extra, data={"text": "说明"}, files=[pdf(), pdf("b.pdf")])
    assert [_queries(client, path) for client, path in pages] == before
