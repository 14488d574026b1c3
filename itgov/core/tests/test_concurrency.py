"""Concurrent actions on one object leave exactly one winner (SQLite and PostgreSQL alike)."""

import threading

import pytest
from django.db import connection

from itgov.audit.models import AuditEvent
from itgov.audit.verify import verify_chain
from itgov.core.errors import Conflict
from itgov.projects import services
from itgov.projects.models import Project
from tests.factories import ProjectFactory

THREADS = 8


def run_concurrently(fn, n=THREADS):
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def worker(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = fn()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_eight_admissions_of_one_proposal_have_exactly_one_winner(district):
    project = services.project_submit_proposal(actor=district.users["edu"],
                                               project=ProjectFactory(owner_unit=district.edu))
    drc = district.users["drc"]

    outcomes = run_concurrently(
        lambda: services.project_admit(actor=drc, project=Project.objects.get(pk=project.pk), no_task_reason="基础"))

    winners = [o for o in outcomes if isinstance(o, Project)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1, outcomes
    assert len(conflicts) == THREADS - 1, outcomes
    final = Project.objects.get(pk=project.pk)
    assert (final.status, final.version) == ("in_reserve", 3)
    assert AuditEvent.objects.filter(project_id=project.pk, event_type="project.proposal.admitted").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_with_the_same_version_have_one_winner(district):
    project = ProjectFactory(owner_unit=district.edu)
    edu = district.users["edu"]

    outcomes = run_concurrently(lambda: services.project_update(
        actor=edu, project=Project.objects.get(pk=project.pk), data={"responsible_person": "李四"},
        expected_version=1))

    assert sum(isinstance(o, Project) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == THREADS - 1, outcomes
    assert Project.objects.get(pk=project.pk).version == 2
    assert AuditEvent.objects.filter(project_id=project.pk, event_type="project.changed").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_eight_api_admissions_answer_one_200_and_seven_409(district):
    import json

    from django.test import Client

    from itgov.accounts.services import api_token_issue

    project = services.project_submit_proposal(actor=district.users["edu"],
                                               project=ProjectFactory(owner_unit=district.edu))
    token = api_token_issue(actor=None, user=district.users["drc"])

    def admit():
        response = Client().post(f"/api/v1/projects/{project.pk}/admit", data=json.dumps({"no_task_reason": "基础"}),
                                 content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, response.json()

    outcomes = run_concurrently(admit)

    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [200] + [409] * (THREADS - 1), outcomes
    assert all(body["error"]["code"] == "conflict" for status, body in outcomes if status == 409)
    assert AuditEvent.objects.filter(project_id=project.pk, event_type="project.proposal.admitted").count() == 1
    assert verify_chain().ok
