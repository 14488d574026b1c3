"""The audit bureau's pages: search with filters, CSV export (BOM, same filters) that is itself audited."""

from __future__ import annotations

import csv
import io

import pytest

from itgov.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_search_filters_by_event_type_and_project(client_for, projects):
    client = client_for("audit")
    response = client.get("/audit/", {"event_type": "project.proposal.submitted",
                                      "project_id": projects.edu_proposed.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<td class="font-monospace small">') == 1
    assert projects.edu_proposed.name in html


def test_invalid_filters_are_400_and_named(client_for, projects):
    response = client_for("audit").get("/audit/", {"since": "not-a-date", "project_id": "-3"})
    assert response.status_code == 400
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_htmx_request_gets_the_fragment(client_for, projects):
    response = client_for("audit").get("/audit/", {"q": "教育"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="audit-table"' in html
    assert 'hx-swap-oob="outerHTML"' in html  # the export link follows the filters


def test_csv_export_has_bom_header_filtered_rows_and_is_audited(client_for, projects, district):
    client = client_for("audit")
    response = client.get("/audit/export.csv", {"event_type": "project.proposal.submitted"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-events.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "时间", "事件类型", "事件"]
    # Art. 5: the classified project's events are not in the audit bureau's export.
    from itgov.projects.models import Project

    classified = Project.objects.filter(classified=True).values("pk")
    submitted = AuditEvent.objects.filter(event_type="project.proposal.submitted").exclude(project_id__in=classified)
    assert AuditEvent.objects.filter(event_type="project.proposal.submitted", project_id__in=classified).exists()
    assert len(rows) - 1 == submitted.count() == 3
    assert {r[2] for r in rows[1:]} == {"project.proposal.submitted"}
    download = AuditEvent.objects.get(event_type="file.downloaded")
    assert download.object_repr == "audit-events.csv"
    assert download.reason == "event_type=project.proposal.submitted"
    assert download.actor_id == district.users["audit"].pk


def test_csv_cells_that_look_like_formulas_are_neutralised(client_for, district):
    from itgov.audit import events
    from itgov.audit.services import audit_record

    audit_record(event_type=events.AUTH_LOGIN_FAILED, actor=None, actor_name="=HYPERLINK(1)",
                 object_repr="=cmd|' /C calc'!A0")
    body = b"".join(client_for("audit").get("/audit/export.csv").streaming_content).decode("utf-8")
    assert "'=HYPERLINK(1)" in body and "'=cmd|" in body


def test_export_denied_to_others_writes_only_a_denial(client_for, projects):
    client = client_for("drc")
    before = AuditEvent.objects.count()
    response = client.get("/audit/export.csv")
    assert response.status_code == 403
    assert list(AuditEvent.objects.order_by("seq").values_list("event_type", flat=True)[before:]) == [
        "access.denied"]
