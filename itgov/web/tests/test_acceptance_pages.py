"""The pages of trial operation, acceptance and rectification (art. 22, 23, 20).

The section 试运行与验收申请 of a project's construction page: who sees it and which form; both POSTs × every role →
the exact status (a refused POST changes nothing and writes no business audit event; a success writes its events and
redirects to #acceptance); the exact boundaries T + 3 months − 1 day (refused, article shown, input kept) / T + 3
months, and T + 6 months (on time) / + 1 day (late: the explanation required, then taken and shown); 400 on the
fields, 409 on a stale version, 422 naming 第二十二条 or 第二十条; the section's queries do not grow with the
applications.

The page 竣工验收, the list 验收管理 and the calendar: the page per role and state with the forms each role is offered;
every POST (upload, apply, schedule, seat / remove an expert, opinion, decide, reapply, refuse, file, confirm the
filing, register an asset) × every role → 302 / 403 citing the article / 404, nothing changed by a refusal, each
write audited; the download audited as file.downloaded; 400 on the field, 409, 422 naming 第二十二条 or 第二十三条;
the overdue badge the day after the deadline; the suspension linked; the list's tabs, rows and the expert's scope;
the calendar's month (Monday first) and a bad month → 400; the navigation per role; query counts constant."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itgov.acceptance import services
from itgov.acceptance.models import AcceptanceApplication
from itgov.audit.models import AuditEvent
from itgov.construction import services as construction
from itgov.core.dates import SHANGHAI, local_today
from itgov.projects.models import Project
from tests.acceptance_world import acceptance_maker, catalogue_and_security, upload, upload_required
from tests.construction_world import construction_maker

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
SEEN = ("drc", "finance", "audit", "cyber", "gov", "edu", "supervisor")  # who sees an edu project being built
DENIAL_EVENTS = {"access.denied", "rule.refused"}
SUMMARY = "三个子系统均已建成并上线试运行"


def expected(owner: int = 302) -> dict[str, int]:
    """The owner unit (edu) `owner`; the others who see the project 403 (no power), the rest 404; anonymous
    302 to sign in."""
    return {role: 302 if role == "anon" else owner if role == "edu" else 403 if role in SEEN else 404
            for role in ROLES}


def business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def state(project) -> tuple:
    fresh = Project.objects.get(pk=project.pk)
    return (fresh.status, fresh.version, fresh.trial_started_on, AcceptanceApplication.objects.count(),
            business_events())


def html_of(response) -> str:
    return response.content.decode()


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{re.escape(field)}">(.*?)</div>\s*</div>', html, re.S)
    return match.group(1) if match else ""


def forms_on(html: str) -> set[str]:
    return set(re.findall(r'data-testid="([a-z-]+)-form"', html))


def section(html: str) -> str:
    match = re.search(r'<section class="card mb-3" id="acceptance".*?</section>', html, re.S)
    return match.group(0) if match else ""


def at(monkeypatch, day: dt.date) -> None:
    """The clock on `day`, at noon in Shanghai."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def started_long_ago(project, day: dt.date) -> None:
    """Construction started on `day` (the world starts it today)."""
    Project.objects.filter(pk=project.pk).update(
        construction_started_at=dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI))


# T: a 31st, so T + 3 months is the last day of a shorter month (add_months clamps): 31 Jan → 30 Apr.
T = dt.date(local_today().year - 1, 1, 31)


def in_trial(world, t: dt.date = T, *, documents: bool = True) -> Project:
    """Trial operation from `t`, with the documents the application must carry uploaded (art. 22)."""
    started_long_ago(world.project, t - dt.timedelta(days=200))
    services.trial_start(actor=world.owner, project=Project.objects.get(pk=world.project.pk),
                         data={"trial_started_on": t.isoformat()})
    if documents:
        upload_required(world)
        catalogue_and_security(world)  # its system and declared resources in the catalogue (art. 27, 30)
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=world.project.pk)


@pytest.fixture
def make(district):
    return construction_maker(district)


@pytest.fixture
def building(make):
    return make("in_construction")


def post_all(client_for, url: str, data, want: dict[str, int], project) -> dict[str, int]:
    """POST as every role, the owner unit last; a role that does not succeed changes nothing."""
    got = {}
    for role in [r for r in ROLES if r != "edu"] + ["edu"]:
        client = client_for(role)
        before = state(project)
        response = client.post(url, data() if callable(data) else data)
        got[role] = response.status_code
        if role == "anon":
            assert response["Location"].startswith("/login/"), response["Location"]
        if want[role] != 302 or role == "anon":
            assert state(project) == before, role
    return got


# --- the section per role -----------------------------------------------------------------------------------


def test_in_construction_only_the_owner_is_offered_to_complete(client_for, building):
    url = f"/projects/{building.project.pk}/construction/"
    html = html_of(client_for("edu").get(url))
    assert 'id="acceptance"' in html and "trial" in forms_on(html) and "apply" not in forms_on(html)
    assert "完成建设,开始试运行" in section(html)
    assert f'value="{building.project.version}"' in section(html)
    assert "试运行满 3 个月方可申请竣工验收,应在试运行后 6 个月内申请" in section(html)  # the profile in force
    for role in ("drc", "finance", "audit", "cyber", "gov", "supervisor"):
        assert 'id="acceptance"' not in html_of(client_for(role).get(url)), role


def test_in_trial_everybody_who_sees_the_project_sees_the_dates(client_for, building, monkeypatch):
    in_trial(building)
    at(monkeypatch, dt.date(T.year, 4, 30))
    url = f"/projects/{building.project.pk}/construction/"
    statuses = {role: client_for(role).get(url).status_code for role in ROLES}
    assert statuses == {role: 302 if role == "anon" else 200 if role in SEEN else 404 for role in ROLES}
    for role in SEEN:
        part = section(html_of(client_for(role).get(url)))
        assert f'data-testid="trial-started-on">{T.year}-01-31' in part, role
        assert f'data-testid="apply-from">{T.year}-04-30' in part, role
        assert f'data-testid="apply-due">{T.year}-07-31' in part, role
        assert 'data-timing="open">可申请' in part, role
        assert 'data-testid="applications-empty"' in part, role
        assert forms_on(part) == ({"apply"} if role == "edu" else set()), role
    assert "试运行" in html_of(client_for("drc").get(url))


@pytest.mark.parametrize(("day", "timing", "label"), [
    ((4, 29), "early", "未满试运行期"), ((4, 30), "open", "可申请"), ((7, 31), "open", "可申请"),
    ((8, 1), "late", "已逾期")])
def test_the_badge_at_each_boundary(day, timing, label, client_for, building, monkeypatch):
    in_trial(building)
    at(monkeypatch, dt.date(T.year, *day))
    part = section(html_of(client_for("edu").get(f"/projects/{building.project.pk}/construction/")))
    assert f'data-timing="{timing}">{label}' in part
    # 逾期说明 is marked required once late.
    required = re.search(r'for="apply_late_explanation">逾期说明 <span class="text-danger"', part) is not None
    assert required is (timing == "late")


# --- the POSTs × every role ---------------------------------------------------------------------------------


def test_trial_per_role(client_for, building):
    project = building.project
    started_long_ago(project, local_today() - dt.timedelta(days=100))
    day = (local_today() - dt.timedelta(days=10)).isoformat()
    got = post_all(client_for, f"/projects/{project.pk}/construction/trial/",
                   lambda: {"trial_started_on": day, "version": Project.objects.get(pk=project.pk).version},
                   expected(), project)
    assert got == expected()
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.status, fresh.trial_started_on.isoformat()) == ("trial_operation", day)
    event = AuditEvent.objects.get(event_type="acceptance.trial_started")
    assert event.actor_name and event.project_id == project.pk
    denied = AuditEvent.objects.filter(event_type="access.denied", reason="acceptance.complete").count()
    assert denied == 6  # the bureaus and the supervisor; the unseen are 404 before any power is judged
    response = client_for("drc").post(f"/projects/{project.pk}/construction/trial/", {"trial_started_on": day})
    assert response.status_code == 403 and "第二十二条" in html_of(response)  # the rule that gives the power


def test_apply_per_role(client_for, building, monkeypatch):
    project = in_trial(building)
    at(monkeypatch, dt.date(T.year, 4, 30))  # T + 3 months exactly: open
    got = post_all(client_for, f"/projects/{project.pk}/construction/acceptance/",
                   lambda: {"summary": SUMMARY, "late_explanation": "",
                            "version": Project.objects.get(pk=project.pk).version}, expected(), project)
    assert got == expected()
    application = AcceptanceApplication.objects.get()
    assert (application.number, application.applied_on, application.late, application.summary) == (
        1, dt.date(T.year, 4, 30), False, SUMMARY)
    assert Project.objects.get(pk=project.pk).status == "acceptance_applied"
    assert AuditEvent.objects.filter(event_type="acceptance.applied").count() == 1
    assert AuditEvent.objects.filter(event_type="acceptance.application.filed").count() == 1
    response = client_for("supervisor").post(f"/projects/{project.pk}/construction/acceptance/", {"summary": "x"})
    assert response.status_code == 403 and "第二十二条" in html_of(response)


def test_success_redirects_to_the_section_with_a_message(client_for, building):
    project = building.project
    started_long_ago(project, local_today() - dt.timedelta(days=30))
    url = f"/projects/{project.pk}/construction/"
    response = client_for("edu").post(f"{url}trial/", {"trial_started_on": local_today().isoformat(),
                                                       "version": project.version})
    assert response.status_code == 302 and response["Location"] == f"{url}#acceptance"
    html = html_of(client_for("edu").get(url))
    assert "已完成建设,自 " in html and 'data-testid="construction-status">试运行' in html
    assert 'data-timing="early">未满试运行期' in section(html) and "trial" not in forms_on(html)


@pytest.mark.parametrize("path", ["trial/", "acceptance/"])
def test_the_posts_take_no_get(path, client_for, building):
    assert client_for("edu").get(f"/projects/{building.project.pk}/construction/{path}").status_code == 405


# --- refusals re-render the page with the input kept --------------------------------------------------------


def test_one_day_before_three_months_is_refused_with_the_article_and_on_the_day_taken(
        client_for, district, building, monkeypatch):
    project = in_trial(building)
    url = f"/projects/{project.pk}/construction/acceptance/"
    at(monkeypatch, dt.date(T.year, 4, 29))  # T + 3 months − 1 day
    edu = client_for("edu")  # signing in is audited: before the count
    before = state(project)
    response = edu.post(url, {"summary": SUMMARY, "late_explanation": "", "version": project.version})
    html = html_of(response)
    assert response.status_code == 422
    part = section(html)
    assert 'data-testid="error-article">第二十二条' in part and "试运行未满规定期限" in part
    assert f"{T.year}-04-30 起方可申请" in part
    assert f"{SUMMARY}</textarea>" in part  # the input kept
    assert state(project) == before
    refused = AuditEvent.objects.get(event_type="rule.refused", reason="acceptance.apply")
    assert [r["rule"] for r in refused.rule_results] == ["art22.min_trial_run"]

    at(monkeypatch, dt.date(T.year, 4, 30))  # T + 3 months
    edu.force_login(district.users["edu"])  # a day later: the 30-minute session has lapsed
    response = edu.post(url, {"summary": SUMMARY, "late_explanation": "", "version": project.version})
    assert response.status_code == 302, response["Location"]
    assert AcceptanceApplication.objects.get().applied_on == dt.date(T.year, 4, 30)


def test_on_the_due_day_no_explanation_is_needed(client_for, building, monkeypatch):
    project = in_trial(building)
    at(monkeypatch, dt.date(T.year, 7, 31))  # T + 6 months
    response = client_for("edu").post(f"/projects/{project.pk}/construction/acceptance/",
                                      {"summary": SUMMARY, "late_explanation": ""}, follow=True)
    part = section(html_of(response))
    assert 'data-testid="application-on-time">按期' in part and 'data-testid="application-late"' not in part
    assert AcceptanceApplication.objects.get().late is False


def test_late_without_an_explanation_is_refused_and_with_one_taken_and_shown(client_for, building, monkeypatch):
    project = in_trial(building)
    url = f"/projects/{project.pk}/construction/acceptance/"
    at(monkeypatch, dt.date(T.year, 8, 1))  # T + 6 months + 1 day
    edu = client_for("edu")  # signing in is audited: before the count
    before = state(project)
    response = edu.post(url, {"summary": SUMMARY, "late_explanation": "  "})
    html = html_of(response)
    part = section(html)
    assert response.status_code == 422 and 'data-testid="error-article">第二十二条' in part
    assert "逾期申请须说明原因" in field_errors(part, "late_explanation")
    assert field_errors(part, "late_explanation").count("逾期申请须说明原因") == 1
    assert f"{SUMMARY}</textarea>" in part
    assert state(project) == before
    refused = AuditEvent.objects.get(event_type="rule.refused", reason="acceptance.apply")
    assert [r["rule"] for r in refused.rule_results] == ["art22.late_application_explained"]

    response = client_for("edu").post(url, {"summary": SUMMARY, "late_explanation": "等保测评排期延误"}, follow=True)
    html = html_of(response)
    assert "已申请竣工验收" in html and 'data-testid="construction-status">已申请验收' in html
    part = section(html)
    assert 'data-testid="application-number">1' in part and f"{T.year}-08-01" in part
    assert 'data-testid="application-late">逾期申请' in part and "等保测评排期延误" in part
    assert "apply" not in forms_on(part)
    application = AcceptanceApplication.objects.get()
    assert (application.late, application.late_explanation) == (True, "等保测评排期延误")
    # DRC sees the explanation.
    drc = section(html_of(client_for("drc").get(f"/projects/{project.pk}/construction/")))
    assert 'data-testid="late-explanation">等保测评排期延误' in drc


def test_bad_input_is_400_on_the_fields_with_the_input_kept(client_for, building, monkeypatch):
    project = building.project
    url = f"/projects/{project.pk}/construction/"
    edu = client_for("edu")  # signing in is audited: before the count
    before = state(project)
    response = edu.post(f"{url}trial/", {"trial_started_on": "2027-13-01"})
    assert response.status_code == 400 and "日期格式" in field_errors(html_of(response), "trial_started_on")
    assert 'value="2027-13-01"' in section(html_of(response))
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = client_for("edu").post(f"{url}trial/", {"trial_started_on": tomorrow})
    assert response.status_code == 400 and "不得晚于今天" in field_errors(html_of(response), "trial_started_on")
    response = client_for("edu").post(f"{url}trial/", {"trial_started_on": "", "version": "abc"})
    assert response.status_code == 400 and "版本号无效" in section(html_of(response))
    assert state(project) == before

    in_trial(building)
    at(monkeypatch, dt.date(T.year, 5, 1))
    response = client_for("edu").post(f"{url}acceptance/", {"summary": "", "late_explanation": "无"})
    assert response.status_code == 400 and "必填" in field_errors(html_of(response), "summary")
    assert "无</textarea>" in section(html_of(response))
    assert not AcceptanceApplication.objects.exists()


def test_a_trial_before_the_start_of_construction_is_refused_with_article_22(client_for, building):
    project = building.project
    started = local_today() - dt.timedelta(days=20)
    started_long_ago(project, started)
    edu = client_for("edu")  # signing in is audited: before the count
    before = state(project)
    day = (started - dt.timedelta(days=1)).isoformat()
    response = edu.post(f"/projects/{project.pk}/construction/trial/",
                                      {"trial_started_on": day, "version": project.version})
    part = section(html_of(response))
    assert response.status_code == 422 and 'data-testid="error-article">第二十二条' in part
    assert "不得早于开工日期" in field_errors(part, "trial_started_on") and f'value="{day}"' in part
    assert state(project) == before
    refused = AuditEvent.objects.get(event_type="rule.refused", reason="acceptance.complete")
    assert [r["rule"] for r in refused.rule_results] == ["art22.trial_after_start"]


def test_an_open_change_refuses_the_application_with_article_20(client_for, building, monkeypatch):
    construction.change_submit(actor=building.owner, project=building.project, data={
        "kinds": ["content"], "description": "增加数据治理模块", "reason": "业务需求扩大"})
    project = in_trial(building)
    at(monkeypatch, dt.date(T.year, 5, 1))
    edu = client_for("edu")  # signing in is audited: before the count
    before = state(project)
    response = edu.post(f"/projects/{project.pk}/construction/acceptance/",
                                      {"summary": SUMMARY, "late_explanation": ""})
    part = section(html_of(response))
    assert response.status_code == 422 and 'data-testid="error-article">第二十条' in part
    assert "未经批准的变更" in part and f"{SUMMARY}</textarea>" in part
    assert state(project) == before
    refused = AuditEvent.objects.get(event_type="rule.refused", reason="acceptance.apply")
    assert [r["rule"] for r in refused.rule_results] == ["art20.no_unapproved_deviation"]


def test_a_stale_version_is_409_with_the_input_kept(client_for, building, monkeypatch):
    project = in_trial(building)
    at(monkeypatch, dt.date(T.year, 5, 1))
    edu = client_for("edu")  # signing in is audited: before the count
    before = state(project)
    response = edu.post(f"/projects/{project.pk}/construction/acceptance/", {
        "summary": SUMMARY, "late_explanation": "", "version": project.version - 1})
    part = section(html_of(response))
    assert response.status_code == 409 and 'data-status="409"' in part and f"{SUMMARY}</textarea>" in part
    assert state(project) == before


def test_completing_twice_is_a_conflict_shown_at_the_top(client_for, building):
    project = in_trial(building)
    response = client_for("edu").post(f"/projects/{project.pk}/construction/trial/",
                                      {"trial_started_on": local_today().isoformat()})
    html = html_of(response)
    assert response.status_code == 409
    assert re.search(r'data-testid="other-errors">.*?data-status="409".*?不能执行', html, re.S)
    assert Project.objects.get(pk=project.pk).trial_started_on == T


# --- queries ------------------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["edu", "drc"])
def test_the_section_queries_do_not_grow_with_the_applications(role, client_for, district, building, monkeypatch):
    project = in_trial(building)
    at(monkeypatch, dt.date(T.year, 5, 1))
    services.acceptance_apply(actor=building.owner, project=project, data={"summary": SUMMARY,
                                                                           "late_explanation": ""})
    client, url = client_for(role), f"/projects/{project.pk}/construction/"
    client.get(url)
    one = count_queries(client, url)
    AcceptanceApplication.objects.create(project=project, number=2, trial_started_on=T,
                                         applied_on=dt.date(T.year, 9, 1), late=True, late_explanation="整改后再次申请",
                                         summary="整改完成", applied_by=district.users["health"])
    two = count_queries(client, url)
    assert one == two
    part = section(html_of(client.get(url)))
    assert part.count("data-application=") == 2 and "整改后再次申请" in part


# === the page 竣工验收, the list 验收管理 and the calendar (art. 22, 23) ===========================================

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402

from itgov.acceptance.models import (  # noqa: E402
    Acceptance,
    AcceptanceDocument,
    AcceptanceExpert,
    AcceptanceFiling,
    Asset,
)
from itgov.approvals.models import UnitSuspension  # noqa: E402

PAGE_SEEN = ("drc", "finance", "audit", "cyber", "gov", "edu", "supervisor")  # a supervised edu project in acceptance


@pytest.fixture
def accept(district):
    return acceptance_maker(district)


def page_url(project, rest: str = "") -> str:
    return f"/projects/{project.pk}/acceptance/{rest}"


def acceptance_state(project) -> tuple:
    fresh = Project.objects.get(pk=project.pk)
    return (fresh.status, fresh.version, AcceptanceDocument.objects.count(), AcceptanceApplication.objects.count(),
            list(Acceptance.objects.values_list("scheduled_on", "result", "refused_at", "version")),
            AcceptanceExpert.objects.filter(opinion="").count(), AcceptanceExpert.objects.count(),
            AcceptanceFiling.objects.filter(received_at__isnull=False).count(), AcceptanceFiling.objects.count(),
            Asset.objects.count(), business_events())


def want(winner: str, *, seated: bool = False) -> dict[str, int]:
    """`winner` succeeds (302 back to the page); the others who see the project 403; the rest 404; anonymous 302
    to sign in. A seated expert sees the project."""
    seen = PAGE_SEEN + (("expert",) if seated else ())
    return {role: 302 if role in ("anon", winner) else 403 if role in seen else 404 for role in ROLES}


def post_roles(client_for, url, data, project, expected: dict[str, int], *, last: str) -> dict[str, int]:
    """POST as every role, `last` last; a role that does not succeed changes nothing (a denial is audited as
    access.denied, not as a business event)."""
    got = {}
    for role in [r for r in ROLES if r != last] + [last]:
        client = client_for(role)
        before = acceptance_state(project)
        response = client.post(url, data() if callable(data) else data)
        got[role] = response.status_code
        if role == "anon":
            assert response["Location"].startswith("/login/"), response["Location"]
        if role != last:
            assert acceptance_state(project) == before, role
    return got


def pdf(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 itgov page test", content_type="application/pdf")


def fresh_client(district, role: str) -> Client:
    client = Client()
    client.force_login(district.users[role])
    return client


def version_of(project) -> int:
    return Project.objects.get(pk=project.pk).version


# --- the page per role and state ----------------------------------------------------------------------------

PAGE_FORMS = {
    "trial_operation": {"edu": {"upload", "apply"}},
    "acceptance_applied": {"drc": {"schedule"}},
    "scheduled": {"drc": {"schedule", "decide", "opinion"}, "expert": {"opinion"}},
    "rectifying": {"edu": {"upload", "reapply", "refuse"}},
    "accepted": {"edu": {"filing", "asset"}},
}


@pytest.mark.parametrize("state", list(PAGE_FORMS))
def test_the_page_per_role_and_state(state, accept, district, client_for):
    world = accept(state, experts=[district.expert] if state == "scheduled" else ())
    url = page_url(world.project)
    seen = PAGE_SEEN + (("expert",) if state == "scheduled" else ())
    statuses = {role: client_for(role).get(url).status_code for role in ROLES}
    assert statuses == {role: 302 if role == "anon" else 200 if role in seen else 404 for role in ROLES}
    for role in seen:
        html = html_of(client_for(role).get(url))
        assert forms_on(html) == PAGE_FORMS[state].get(role, set()), role
        assert 'data-testid="trial-started-on">' + world.trial.isoformat() in html, role
        assert 'data-testid="checklist"' in html, role
        assert ('data-testid="document-link"' in html) is (state != "trial_operation"), role  # uploaded to apply


def test_a_project_not_in_trial_shows_the_intro(make, client_for):
    world = make("in_construction")
    html = html_of(client_for("drc").get(page_url(world.project)))
    assert 'data-testid="not-in-trial"' in html and 'data-testid="checklist"' not in html
    assert client_for("drc").get("/projects/999999/acceptance/").status_code == 404


def test_the_construction_section_links_the_page(accept, client_for):
    world = accept("trial_operation")
    html = html_of(client_for("finance").get(f"/projects/{world.project.pk}/construction/"))
    assert f'href="/projects/{world.project.pk}/acceptance/" class="me-2" data-testid="acceptance-page-link"' in html


def test_the_checklist_and_the_late_badge(accept, district, client_for, monkeypatch):
    world = accept("trial_operation")
    html = html_of(client_for("edu").get(page_url(world.project)))
    assert html.count('data-testid="document-missing"') == 6 and 'data-testid="document-link"' not in html
    upload_required(world)
    AcceptanceDocument.objects.filter(kind="settlement").delete()
    html = html_of(client_for("edu").get(page_url(world.project)))
    kinds = re.findall(r'<tr data-kind="([a-z_]+)"', html)
    assert kinds == ["completion_report", "trial_report", "supervision_report", "test_report", "settlement",
                     "security_assessment", "rectification_report"]  # supervised (art. 19), level 3 (art. 30)
    assert html.count('data-testid="kind-required"') == 6 and html.count('data-testid="document-missing"') == 1
    assert 'data-testid="missing-documents">尚缺材料:财务决算报告' in html
    at(monkeypatch, add_months_(world.trial, 6) + dt.timedelta(days=1))
    html = html_of(fresh_client(district, "edu").get(page_url(world.project)))
    assert 'data-timing="late">已逾期' in html
    assert re.search(r'for="accept_apply_late_explanation">逾期说明 <span class="text-danger"', html)


def add_months_(day, months):
    from itgov.core.dates import add_months

    return add_months(day, months)


# --- the POSTs × every role ---------------------------------------------------------------------------------


def test_upload_per_role_and_download_audited(accept, client_for):
    world = accept("trial_operation")
    project = world.project
    got = post_roles(client_for, page_url(project, "documents/"),
                     lambda: {"kind": "test_report", "file": pdf("性能测试报告.pdf")}, project, want("edu"), last="edu")
    assert got == want("edu")
    document = AcceptanceDocument.objects.get(name="性能测试报告.pdf")
    assert (document.kind, document.uploaded_by.username, document.application) == ("test_report", "edu", None)
    event = AuditEvent.objects.filter(event_type="acceptance.document.uploaded").latest("seq")
    assert event.after["name"] == "性能测试报告.pdf" and event.project_id == project.pk
    html = html_of(client_for("edu").get(page_url(project)))
    assert f'href="/projects/{project.pk}/acceptance/documents/{document.pk}/" data-testid="document-link"' in html
    response = client_for("drc").post(page_url(project, "documents/"), {"kind": "test_report", "file": pdf()})
    assert response.status_code == 403 and "第二十二条" in html_of(response)
    # The download, to whoever sees the project, audited.
    for role, status in (("drc", 200), ("audit", 200), ("health", 404), ("anon", 302)):
        before = AuditEvent.objects.filter(event_type="file.downloaded").count()
        response = client_for(role).get(page_url(project, f"documents/{document.pk}/"))
        assert response.status_code == status, role
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 itgov page test"
            assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
            event = AuditEvent.objects.filter(event_type="file.downloaded").latest("seq")
            assert (event.actor_name, event.project_id, event.after["sha256"]) == (
                district_name(role, client_for), project.pk, document.sha256)
        else:
            assert AuditEvent.objects.filter(event_type="file.downloaded").count() == before
    alien = upload(accept("trial_operation", owner="health"), "test_report")
    assert client_for("drc").get(page_url(project, f"documents/{alien.pk}/")).status_code == 404


def district_name(role, client_for):
    from itgov.accounts.models import User

    return User.objects.get(username=role).display_name


def test_upload_bad_input_is_400_on_the_field_and_after_acceptance_409(accept, client_for):
    world = accept("trial_operation")
    edu = client_for("edu")
    before = acceptance_state(world.project)
    response = edu.post(page_url(world.project, "documents/"), {"kind": "test_report"})
    assert response.status_code == 400 and "必填" in field_errors(html_of(response), "file")
    response = edu.post(page_url(world.project, "documents/"), {"kind": "nope", "file": pdf("x.exe")})
    html = html_of(response)
    assert response.status_code == 400 and "不是可选的材料类型" in field_errors(html, "kind")
    assert "只接受 PDF" in field_errors(html, "file")
    assert acceptance_state(world.project) == before
    done = accept("accepted")
    response = client_for("edu").post(page_url(done.project, "documents/"), {"kind": "test_report", "file": pdf()})
    assert response.status_code == 409 and "试运行或验收整改期间方可上传验收材料" in html_of(response)


def test_apply_per_role_on_the_page(accept, client_for):
    world = accept("trial_operation")
    upload_required(world)
    project = world.project
    expected = want("edu")
    got = post_roles(client_for, page_url(project, "apply/"),
                     lambda: {"summary": SUMMARY, "late_explanation": "", "version": version_of(project)},
                     project, expected, last="edu")
    assert got == expected
    assert Project.objects.get(pk=project.pk).status == "acceptance_applied"
    application = AcceptanceApplication.objects.get(project=project)
    assert set(application.documents.values_list("kind", flat=True)) == {
        "completion_report", "trial_report", "test_report", "settlement", "supervision_report", "security_assessment"}


def test_apply_without_the_documents_is_422_citing_article_22(accept, client_for):
    world = accept("trial_operation")
    upload_required(world)
    AcceptanceDocument.objects.filter(kind="trial_report").delete()
    edu = client_for("edu")
    before = acceptance_state(world.project)
    response = edu.post(page_url(world.project, "apply/"), {"summary": SUMMARY, "version": world.project.version})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十二条' in html
    assert "缺少:试运行报告" in html and f"{SUMMARY}</textarea>" in html
    assert acceptance_state(world.project) == before
    refused = AuditEvent.objects.get(event_type="rule.refused", reason="acceptance.apply")
    assert [r["rule"] for r in refused.rule_results] == ["art22.application_documents"]


def test_schedule_per_role_and_its_refusals(accept, client_for):
    world = accept("acceptance_applied")
    project = world.project
    day = (local_today() + dt.timedelta(days=7)).isoformat()
    got = post_roles(client_for, page_url(project, "schedule/"),
                     {"scheduled_on": day, "location": "区行政中心三楼会议室", "note": "请携带原件"}, project,
                     want("drc"), last="drc")
    assert got == want("drc")
    acceptance = Acceptance.objects.get(project=project)
    assert (acceptance.scheduled_on.isoformat(), acceptance.location, acceptance.organised_by.username) == (
        day, "区行政中心三楼会议室", "drc")
    assert AuditEvent.objects.filter(event_type="acceptance.scheduled", project_id=project.pk).count() == 1
    html = html_of(client_for("edu").get(page_url(project)))
    assert f'data-testid="scheduled-on">{day}' in html and "区行政中心三楼会议室" in html
    response = client_for("edu").post(page_url(project, "schedule/"), {"scheduled_on": day})
    assert response.status_code == 403 and "第二十二条" in html_of(response)
    drc = client_for("drc")
    before = acceptance_state(project)
    response = drc.post(page_url(project, "schedule/"), {"scheduled_on": "2026-02-30", "location": "会议室"})
    html = html_of(response)
    assert response.status_code == 400 and "日期格式" in field_errors(html, "scheduled_on") and 'value="会议室"' in html
    earlier = (local_today() - dt.timedelta(days=1)).isoformat()
    response = drc.post(page_url(project, "schedule/"), {"scheduled_on": earlier, "location": "会议室"})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十二条' in html
    assert "不得早于申请日期" in field_errors(html, "scheduled_on")
    assert acceptance_state(project) == before
    done = accept("accepted")
    response = client_for("drc").post(page_url(done.project, "schedule/"), {"scheduled_on": day})
    assert response.status_code == 409 and 'data-testid="other-errors"' in html_of(response)


def test_the_pool_marks_the_conflicted_expert_and_seating_them_is_422(accept, district, client_for):
    world = accept("scheduled")
    project = world.project
    html = html_of(client_for("drc").get(page_url(project)))
    pool = re.search(r'data-testid="pool-table">.*?</table>', html, re.S).group(0)
    assert re.search(rf'<tr data-expert="{district.conflicted_expert.pk}" class="table-warning" '
                     r'data-conflict="true">.*?第二十二条 应回避', pool, re.S)
    assert pool.count('data-conflict="true"') == 1
    drc = client_for("drc")
    before = acceptance_state(project)
    response = drc.post(page_url(project, "experts/"), {"expert_id": district.conflicted_expert.pk})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十二条' in html and "应当回避" in html
    assert acceptance_state(project) == before
    response = drc.post(page_url(project, "experts/"), {"expert_id": "abc"})
    assert response.status_code == 400 and "须为整数" in html_of(response)
    response = drc.post(page_url(project, "experts/"), {"expert_id": 999999})
    assert response.status_code == 400 and "须为本区专家库中在库的专家" in html_of(response)
    assert acceptance_state(project) == before


def test_expert_add_and_remove_per_role(accept, district, client_for):
    world = accept("scheduled")
    project = world.project
    got = post_roles(client_for, page_url(project, "experts/"), {"expert_id": district.expert2.pk}, project,
                     want("drc"), last="drc")
    assert got == want("drc")
    seat = AcceptanceExpert.objects.get(expert=district.expert2)
    assert AuditEvent.objects.filter(event_type="acceptance.expert.added").count() == 1
    response = client_for("drc").post(page_url(project, "experts/"), {"expert_id": district.expert2.pk})
    assert response.status_code == 409 and "该专家已在验收专家组中" in html_of(response)
    assert html_of(response).count('data-status="409"') == 1 and 'data-testid="other-errors"' not in html_of(response)
    got = post_roles(client_for, page_url(project, f"experts/{seat.pk}/remove/"), {}, project, want("drc"),
                     last="drc")
    assert got == want("drc")
    assert not AcceptanceExpert.objects.exists()
    assert AuditEvent.objects.filter(event_type="acceptance.expert.removed").count() == 1
    assert client_for("drc").post(page_url(project, f"experts/{seat.pk}/remove/")).status_code == 404


def test_opinion_by_the_seated_expert_and_by_drc_on_behalf(accept, district, client_for):
    world = accept("scheduled", experts=[district.expert, district.expert2])
    project = world.project
    mine = AcceptanceExpert.objects.get(expert=district.expert)
    other = AcceptanceExpert.objects.get(expert=district.expert2)
    # Every role but DRC on the expert's own seat: the expert 302, the others 403/404.
    roles = [r for r in ROLES if r != "drc"]
    expected = {r: s for r, s in want("expert", seated=True).items() if r != "drc"}
    got = {}
    for role in [r for r in roles if r != "expert"] + ["expert"]:
        client = client_for(role)  # signing in is audited: before the count
        before = acceptance_state(project)
        response = client.post(page_url(project, f"experts/{mine.pk}/opinion/"),
                                         {"opinion": "passed", "opinion_text": "功能齐全,同意通过"})
        got[role] = response.status_code
        if role != "expert":
            assert acceptance_state(project) == before, role
    assert got == expected
    mine.refresh_from_db()
    assert (mine.opinion, mine.recorded_by.username) == ("passed", "expert")
    response = client_for("expert").post(page_url(project, f"experts/{mine.pk}/opinion/"),
                                         {"opinion": "failed", "opinion_text": "改主意"})
    assert response.status_code == 409 and "该专家已提交意见" in html_of(response)
    # The expert may not speak for another seat; DRC records it from the meeting.
    response = client_for("expert").post(page_url(project, f"experts/{other.pk}/opinion/"),
                                         {"opinion": "passed", "opinion_text": "x"})
    assert response.status_code == 403 and "第二十二条" in html_of(response)
    drc = client_for("drc")
    response = drc.post(page_url(project, f"experts/{other.pk}/opinion/"), {"opinion": "", "opinion_text": ""})
    html = html_of(response)
    assert response.status_code == 400 and "必填" in field_errors(html, "opinion_text")
    assert f'id="opinion-{other.pk}-form"' in html
    response = drc.post(page_url(project, f"experts/{other.pk}/opinion/"),
                        {"opinion": "passed", "opinion_text": "会议意见:同意"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.opinion, other.recorded_by.username) == ("passed", "drc")
    events = AuditEvent.objects.filter(event_type="acceptance.expert.opinion").order_by("seq")
    assert [e.after["on_behalf"] for e in events] == [False, True]
    html = html_of(client_for("edu").get(page_url(project)))
    assert 'data-testid="opinion-count" title="已提交意见 / 专家人数">2 / 2' in html and "代为录入" in html
    # An opinion given, the expert stays on the group.
    assert client_for("drc").post(page_url(project, f"experts/{mine.pk}/remove/")).status_code == 409


def test_decide_per_role_passes_with_the_version(accept, client_for):
    world = accept("scheduled")
    project = world.project
    today = local_today().isoformat()
    got = post_roles(client_for, page_url(project, "decide/"),
                     lambda: {"result": "passed", "decided_on": today, "findings": "同意通过",
                              "version": version_of(project)}, project, want("drc"), last="drc")
    assert got == want("drc")
    acceptance = Acceptance.objects.get(project=project)
    assert (Project.objects.get(pk=project.pk).status, acceptance.result, acceptance.findings) == (
        "accepted", "passed", "同意通过")
    assert AuditEvent.objects.filter(event_type="acceptance.passed", project_id=project.pk).count() == 1
    html = html_of(client_for("audit").get(page_url(project)))
    assert 'data-result="passed">通过' in html and 'data-testid="findings">同意通过' in html


def test_decide_refusals(accept, district, client_for):
    world = accept("scheduled", experts=[district.expert])
    project = world.project
    today = local_today()
    drc = client_for("drc")
    before = acceptance_state(project)
    # An expert has not given an opinion: 422, art. 22.
    response = drc.post(page_url(project, "decide/"), {"result": "passed", "decided_on": today.isoformat(),
                                                       "findings": "同意", "version": project.version})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十二条' in html
    assert "尚有专家未提交意见" in html and "同意</textarea>" in html
    # No result chosen: 400 on the field.
    response = drc.post(page_url(project, "decide/"), {"result": "", "decided_on": today.isoformat()})
    assert response.status_code == 400 and "须选择" in field_errors(html_of(response), "result")
    # A failure needs a deadline (400) later than the decision (422, art. 23).
    response = drc.post(page_url(project, "decide/"), {"result": "failed", "decided_on": today.isoformat(),
                                                       "findings": "缺少性能测试"})
    assert response.status_code == 400 and "必填" in field_errors(html_of(response), "rectification_due_on")
    services.expert_opinion(actor=district.users["expert"], project=Project.objects.get(pk=project.pk),
                            seat=AcceptanceExpert.objects.get(), data={"opinion": "failed", "opinion_text": "不通过"})
    before = acceptance_state(project)
    response = drc.post(page_url(project, "decide/"), {
        "result": "failed", "decided_on": today.isoformat(), "findings": "缺少性能测试",
        "rectification_due_on": today.isoformat(), "version": version_of(project)})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十三条' in html
    assert "整改期限须晚于结论日期" in field_errors(html, "rectification_due_on")
    # A stale version: 409.
    response = drc.post(page_url(project, "decide/"), {
        "result": "passed", "decided_on": today.isoformat(), "findings": "", "version": version_of(project) - 1})
    assert response.status_code == 409 and 'data-status="409"' in html_of(response)
    assert acceptance_state(project) == before
    # A non-DRC role without a result is still 403 (the power first).
    response = client_for("finance").post(page_url(project, "decide/"), {"result": ""})
    assert response.status_code == 403 and "第二十二条" in html_of(response)


def test_fail_shows_the_deadline_and_the_overdue_badge_the_day_after(accept, district, client_for, monkeypatch):
    world = accept("rectifying")
    project, due = world.project, world.acceptance.rectification_due_on
    html = html_of(client_for("gov").get(page_url(project)))
    assert 'data-result="failed">不通过' in html and f'data-testid="rectification-due">{due.isoformat()}' in html
    assert 'data-testid="rectification-overdue"' not in html and "测试报告缺少性能测试" in html
    at(monkeypatch, due)
    assert 'data-testid="rectification-overdue"' not in html_of(fresh_client(district, "gov").get(page_url(project)))
    at(monkeypatch, due + dt.timedelta(days=1))
    html = html_of(fresh_client(district, "gov").get(page_url(project)))
    assert 'data-testid="rectification-overdue">已逾期' in html
    row = html_of(fresh_client(district, "gov").get("/acceptance/"))
    assert 'data-testid="row-overdue">已逾期' in row


def test_reapply_per_role_needs_the_rectification_report(accept, client_for):
    world = accept("rectifying")
    project = world.project
    edu = client_for("edu")
    before = acceptance_state(project)
    html = html_of(edu.get(page_url(project)))
    assert 'data-testid="report-needed"' in html
    assert re.search(r'<option value="rectification_report" selected>', html)
    response = edu.post(page_url(project, "reapply/"), {"summary": "已补充性能测试", "version": project.version})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十三条' in html
    assert "须上传验收整改报告" in html and "已补充性能测试</textarea>" in html
    assert acceptance_state(project) == before
    upload(world, "rectification_report", "整改报告.pdf")
    got = post_roles(client_for, page_url(project, "reapply/"),
                     lambda: {"summary": "已补充性能测试", "version": version_of(project)}, project, want("edu"),
                     last="edu")
    assert got == want("edu")
    assert Project.objects.get(pk=project.pk).status == "acceptance_applied"
    assert AcceptanceApplication.objects.filter(project=project).count() == 2
    assert AuditEvent.objects.filter(event_type="acceptance.reapplied", project_id=project.pk).count() == 1


def test_refuse_per_role_suspends_the_unit_and_links_the_suspension(accept, district, client_for):
    world = accept("rectifying")
    project = world.project
    edu = client_for("edu")
    response = edu.post(page_url(project, "refuse/"), {"reason": " "})
    assert response.status_code == 400 and "必填" in field_errors(html_of(response), "reason")
    got = post_roles(client_for, page_url(project, "refuse/"), {"reason": "经费不足,无法整改"}, project,
                     want("edu"), last="edu")
    assert got == want("edu")
    suspension = UnitSuspension.objects.get(unit=district.edu)
    assert Acceptance.objects.get(project=project).suspension == suspension
    assert AuditEvent.objects.filter(event_type="acceptance.rectification.refused").count() == 1
    html = html_of(client_for("drc").get(page_url(project)))
    assert 'data-testid="suspension-banner"' in html and 'href="/suspensions/" class="alert-link ms-2"' in html
    assert 'data-testid="refused"' in html and "经费不足,无法整改" in html
    assert "refuse" not in forms_on(html_of(client_for("edu").get(page_url(project))))
    response = client_for("edu").post(page_url(project, "refuse/"), {"reason": "再次"})
    assert response.status_code == 409 and "已声明拒不整改" in html_of(response)


def test_filing_receipt_and_assets_per_role(accept, district, client_for):
    world = accept("accepted")
    project = world.project
    today = local_today().isoformat()
    got = post_roles(client_for, page_url(project, "filing/"),
                     {"filed_on": today, "document_number": "鼓教〔2026〕8号", "note": ""}, project, want("edu"),
                     last="edu")
    assert got == want("edu")
    filing = AcceptanceFiling.objects.get()
    assert (filing.filed_on.isoformat(), filing.document_number, filing.filed_by.username) == (
        today, "鼓教〔2026〕8号", "edu")
    assert forms_on(html_of(client_for("finance").get(page_url(project)))) == {"receive"}
    response = client_for("edu").post(page_url(project, "filing/"), {"filed_on": today})
    assert response.status_code == 409 and "验收结果已报送备案" in html_of(response)
    got = post_roles(client_for, page_url(project, "filing/receive/"), {}, project, want("finance"),
                     last="finance")
    assert got == want("finance")
    filing.refresh_from_db()
    assert filing.received_by.username == "finance" and filing.received_at is not None
    assert AuditEvent.objects.filter(event_type="acceptance.filing.received").count() == 1
    response = client_for("finance").post(page_url(project, "filing/receive/"))
    assert response.status_code == 409 and "已确认备案" in html_of(response)
    assert html_of(response).count('data-status="409"') == 1  # in the filing section, not again at the top
    assert 'data-testid="received">已确认' in html_of(client_for("edu").get(page_url(project)))

    asset = {"name": "数据库服务器", "category": "hardware", "quantity": "2", "value": "356000.00",
             "custodian_unit_id": str(district.edu_school.pk), "location": "区数据中心机房A3"}
    got = post_roles(client_for, page_url(project, "assets/"), asset, project, want("edu"), last="edu")
    assert got == want("edu")
    registered = Asset.objects.get()
    assert (registered.name, registered.quantity, str(registered.value), registered.custodian_unit) == (
        "数据库服务器", 2, "356000.00", district.edu_school)
    event = AuditEvent.objects.get(event_type="acceptance.asset.registered")
    assert event.after["custodian_unit"] == "区第一中学"
    html = html_of(client_for("audit").get(page_url(project)))
    assert 'data-testid="asset-value">35.60' in html and 'data-testid="asset-custodian">区第一中学' in html


def test_filing_and_asset_bad_input_is_400(accept, district, client_for):
    world = accept("accepted")
    project = world.project
    edu, finance = client_for("edu"), client_for("finance")  # signing in is audited: before the count
    before = acceptance_state(project)
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = edu.post(page_url(project, "filing/"), {"filed_on": tomorrow, "document_number": "x"})
    assert response.status_code == 400 and "不得晚于今天" in field_errors(html_of(response), "filed_on")
    earlier = (local_today() - dt.timedelta(days=1)).isoformat()
    response = edu.post(page_url(project, "filing/"), {"filed_on": earlier})
    assert response.status_code == 400 and "不得早于验收结论日期" in field_errors(html_of(response), "filed_on")
    response = edu.post(page_url(project, "assets/"), {
        "name": "", "category": "car", "quantity": "0", "value": "-1", "custodian_unit_id": str(district.firm.pk),
        "location": "机房"})
    html = html_of(response)
    assert response.status_code == 400
    assert "必填" in field_errors(html, "name") and "不是可选的资产类别" in field_errors(html, "category")
    assert "须大于0" in field_errors(html, "quantity") and "不得为负数" in field_errors(html, "value")
    assert 'value="机房"' in html
    response = edu.post(page_url(project, "assets/"), {
        "name": "服务器", "category": "hardware", "quantity": "1", "value": "1", "custodian_unit_id": "999999",
        "location": "机房"})
    assert response.status_code == 400 and "须为本区的单位" in field_errors(html_of(response), "custodian_unit_id")
    response = finance.post(page_url(project, "filing/receive/"))
    assert response.status_code == 409 and "建设单位尚未报送备案" in html_of(response)
    assert acceptance_state(project) == before


@pytest.mark.parametrize("path", ["documents/", "apply/", "schedule/", "experts/", "decide/", "reapply/", "refuse/",
                                  "filing/", "filing/receive/", "assets/"])
def test_the_page_posts_take_no_get(path, accept, client_for):
    world = accept("trial_operation")
    assert client_for("edu").get(page_url(world.project, path)).status_code == 405


# --- the list, the calendar and the navigation ----------------------------------------------------------------

LIST_ROLES = {"admin": False, "drc": True, "finance": True, "audit": True, "cyber": True, "gov": True, "edu": True,
              "health": True, "supervisor": False, "expert": True}


@pytest.mark.parametrize("path", ["/acceptance/", "/acceptance/calendar/"])
def test_the_list_and_the_calendar_per_role(path, client_for):
    got = {role: client_for(role).get(path).status_code for role in ROLES}
    assert got == {role: 302 if role == "anon" else 200 if LIST_ROLES[role] else 403 for role in ROLES}


def test_the_navigation_entry_per_role(client_for):
    for role, shown in LIST_ROLES.items():
        html = html_of(client_for(role).get("/"))
        assert ('data-nav="acceptance"' in html) is shown, role
    html = html_of(client_for("drc").get("/acceptance/"))
    assert re.search(r'class="nav-link active" href="/acceptance/" data-nav="acceptance"', html)


def test_the_list_rows_tabs_and_expert_scope(accept, district, client_for):
    trial = accept("trial_operation")
    scheduled = accept("scheduled", experts=[district.expert], owner="health")
    failed = accept("rectifying")
    html = html_of(client_for("drc").get("/acceptance/"))
    assert set(map(int, re.findall(r'<tr data-project="(\d+)"', html))) == {
        trial.project.pk, scheduled.project.pk, failed.project.pk}
    assert re.search(r'data-status="trial_operation"[^>]*>试运行 <span[^>]*>1</span>', html)
    row = re.search(rf'<tr data-project="{scheduled.project.pk}">.*?</tr>', html, re.S).group(0)
    assert f'href="/projects/{scheduled.project.pk}/acceptance/"' in row
    assert f'data-testid="row-trial">{scheduled.trial.isoformat()}' in row
    assert f'data-testid="row-apply-by">{add_months_(scheduled.trial, 6).isoformat()}' in row
    assert f'data-testid="row-scheduled">{local_today().isoformat()}' in row
    row = re.search(rf'<tr data-project="{failed.project.pk}">.*?</tr>', html, re.S).group(0)
    assert ">不通过</span>" in row and failed.acceptance.rectification_due_on.isoformat() in row
    html = html_of(client_for("drc").get("/acceptance/?status=rectifying"))
    assert re.findall(r'<tr data-project="(\d+)"', html) == [str(failed.project.pk)]
    partial = client_for("drc").get("/acceptance/?status=rectifying", headers={"HX-Request": "true"})
    assert "<html" not in html_of(partial) and 'data-testid="acceptance-table"' in html_of(partial)
    # The owner sees its own; the expert only the projects of its groups.
    assert re.findall(r'<tr data-project="(\d+)"', html_of(client_for("health").get("/acceptance/"))) == [
        str(scheduled.project.pk)]
    assert re.findall(r'<tr data-project="(\d+)"', html_of(client_for("expert").get("/acceptance/"))) == [
        str(scheduled.project.pk)]


def test_the_calendar_shows_the_month(accept, district, client_for):
    world = accept("scheduled")
    trial = accept("trial_operation", owner="health")
    today = local_today()
    html = html_of(client_for("drc").get("/acceptance/calendar/"))
    assert f'data-testid="calendar-month">{today:%Y-%m}' in html
    cell = re.search(rf'data-date="{today.isoformat()}" data-today="true">.*?</td>', html, re.S).group(0)
    assert f'href="/projects/{world.project.pk}/acceptance/"' in cell and 'data-kind="acceptance"' in cell
    headers = re.findall(r'<th scope="col" class="text-center">(.*?)</th>', html)
    assert headers == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    first_cell = re.search(r'<td class="[^"]*" style="[^"]*" data-date="([0-9-]+)"', html).group(1)
    assert dt.date.fromisoformat(first_cell).weekday() == 0
    may = add_months_(trial.trial, 3)
    html = html_of(client_for("drc").get(f"/acceptance/calendar/?month={may:%Y-%m}"))
    cell = re.search(rf'data-date="{may.isoformat()}"[^>]*>.*?</td>', html, re.S).group(0)
    assert f'data-kind="may_apply" data-project="{trial.project.pk}"' in cell
    previous = (may.replace(day=1) - dt.timedelta(days=1))
    assert f'href="?month={previous:%Y-%m}" data-testid="previous-month"' in html
    # The other unit's owner does not see the edu project's acceptance.
    html = html_of(client_for("health").get("/acceptance/calendar/"))
    assert f'data-project="{world.project.pk}"' not in html


@pytest.mark.parametrize("month", ["2026-13", "abc", "1999-12", "2026-1", "2101-01"])
def test_a_bad_month_is_400(month, client_for):
    response = client_for("drc").get(f"/acceptance/calendar/?month={month}")
    assert response.status_code == 400 and "月份格式须为 YYYY-MM" in html_of(response)


# --- queries: constant in the records ---------------------------------------------------------------------------


def test_the_page_queries_do_not_grow(accept, district, client_for):
    world = accept("scheduled", experts=[district.expert])
    client = client_for("drc")
    url = page_url(world.project)
    client.get(url)
    one = count_queries(client, url)
    services.expert_add(actor=district.users["drc"], project=Project.objects.get(pk=world.project.pk),
                        data={"expert_id": district.expert2.pk})
    project = Project.objects.get(pk=world.project.pk)
    for name in ("补充1.pdf", "补充2.pdf"):
        AcceptanceDocument.objects.create(project=project, kind="test_report", name=name, size=1, sha256="0" * 64,
                                          file="acceptance/x.pdf")
    two = count_queries(client, url)
    assert one == two and one <= 40


def test_the_accepted_page_queries_do_not_grow_with_assets(accept, district, client_for):
    world = accept("accepted")
    project = world.project
    services.filing_record(actor=world.owner, project=project, data={"filed_on": local_today().isoformat()})
    client = client_for("edu")
    url = page_url(project)
    asset = {"name": "服务器", "category": "hardware", "quantity": 1, "value": "1000",
             "custodian_unit_id": district.edu.pk, "location": "机房"}
    services.asset_register(actor=world.owner, project=project, data=asset)
    client.get(url)
    one = count_queries(client, url)
    for _ in range(3):
        services.asset_register(actor=world.owner, project=project, data=asset)
    assert count_queries(client, url) == one


def test_the_list_and_calendar_queries_do_not_grow(accept, district, client_for, django_assert_max_num_queries):
    accept("scheduled")
    accept("trial_operation", owner="health")
    client = client_for("drc")
    client.get("/acceptance/")
    list_one, cal_one = count_queries(client, "/acceptance/"), count_queries(client, "/acceptance/calendar/")
    accept("rectifying")
    accept("trial_operation")
    accept("scheduled", owner="health")
    accept("accepted")
    assert count_queries(client, "/acceptance/") == list_one
    assert count_queries(client, "/acceptance/calendar/") == cal_one
    with django_assert_max_num_queries(15):
        client.get("/acceptance/")
    with django_assert_max_num_queries(15):
        client.get("/acceptance/calendar/")
