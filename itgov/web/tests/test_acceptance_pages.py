"""The section 试运行与验收申请 of a project's construction page (art. 22, 20): who sees it and which form; both POSTs
× every role → the exact status (a refused POST changes nothing and writes no business audit event; a success
writes its events and redirects to #acceptance); the exact boundaries T + 3 months − 1 day (refused, article
shown, input kept) / T + 3 months, and T + 6 months (on time) / + 1 day (late: the explanation required, then
taken and shown); 400 on the fields, 409 on a stale version, 422 naming 第二十二条 or 第二十条; the section's queries
do not grow with the applications."""

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
from tests.acceptance_world import acceptance_maker, upload, upload_required
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
