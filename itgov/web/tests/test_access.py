"""The authorization matrix of the pages: every page × every role × own / other unit → the expected status.
A denied POST changes nothing and writes no business audit event."""

from __future__ import annotations

import pytest

from itgov.audit.models import AuditEvent
from itgov.projects.models import Project

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert"]
BUREAUS = {"drc", "finance", "audit", "cyber", "gov"}
OWNERS = {"edu", "health"}
# Events a refused attempt may leave behind; nothing else may appear.
DENIAL_EVENTS = {"access.denied", "rule.refused"}


def expect(statuses: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(role, statuses.get(role, default)) for role in ROLES]


def pages(p) -> dict[str, str]:
    return {
        "home": "/",
        "list": "/projects/",
        "new": "/projects/new/",
        "rules": "/rules/",
        "audit": "/audit/",
        "export": "/audit/export.csv",
        "edu_draft": f"/projects/{p.edu_draft.pk}/",
        "edu_proposed": f"/projects/{p.edu_proposed.pk}/",
        "edu_reserve": f"/projects/{p.edu_reserve.pk}/",
        "edu_classified": f"/projects/{p.edu_classified.pk}/",
        "health_proposed": f"/projects/{p.health_proposed.pk}/",
        "edit_edu_draft": f"/projects/{p.edu_draft.pk}/edit/",
        "edit_edu_proposed": f"/projects/{p.edu_proposed.pk}/edit/",
        "submit_edu_draft": f"/projects/{p.edu_draft.pk}/actions/submit_proposal/",
        "submit_edu_proposed": f"/projects/{p.edu_proposed.pk}/actions/submit_proposal/",
        "admit_edu_proposed": f"/projects/{p.edu_proposed.pk}/actions/admit/",
        "return_edu_proposed": f"/projects/{p.edu_proposed.pk}/actions/return_for_revision/",
        "withdraw_edu_reserve": f"/projects/{p.edu_reserve.pk}/actions/withdraw/",
        "unknown_action": f"/projects/{p.edu_proposed.pk}/actions/approve_everything/",
        "missing": "/projects/987654321/",
        "overflow": "/projects/99999999999999999999999/",
    }


# page → expected GET status per role (default for the roles not named).
MATRIX: dict[str, list[tuple[str, int]]] = {
    "home": expect({}, 200),
    # The expert lists its panels' projects only (none here; see the panel test below); a supervision firm the
    # projects it supervises (art. 19; none here).
    "list": expect({"admin": 403}, 200),
    "new": expect({"edu": 200, "health": 200}, 403),
    "rules": expect({}, 200),
    "audit": expect({"audit": 200}, 403),
    "export": expect({"audit": 200}, 403),
    # A draft is seen by its own unit and the audit bureau (art. 4, 25); the others get 404
    # (missing and forbidden look the same).
    "edu_draft": expect({"edu": 200, "audit": 200}, 404),
    # Once submitted, the bureaus of art. 4 see it; other owner units, firms, experts not on its panel and the
    # sysadmin do not.
    "edu_proposed": expect({**dict.fromkeys(BUREAUS, 200), "edu": 200}, 404),
    "edu_reserve": expect({**dict.fromkeys(BUREAUS, 200), "edu": 200}, 404),
    # Art. 5: a classified project is seen by its owner unit and DRC only.
    "edu_classified": expect({"edu": 200, "drc": 200}, 404),
    "health_proposed": expect({**dict.fromkeys(BUREAUS, 200), "health": 200}, 404),
    "edit_edu_draft": expect({"edu": 200, "audit": 403}, 404),
    # Visible but not a draft: the owner gets a conflict, a bureau has no power to edit.
    "edit_edu_proposed": expect({"edu": 409, **dict.fromkeys(BUREAUS, 403)}, 404),
    "submit_edu_draft": expect({"edu": 200, "audit": 403}, 404),
    "submit_edu_proposed": expect({"edu": 409, **dict.fromkeys(BUREAUS, 403)}, 404),
    "admit_edu_proposed": expect({"drc": 200, "edu": 403, **dict.fromkeys(BUREAUS - {"drc"}, 403)}, 404),
    "return_edu_proposed": expect({"drc": 200, "edu": 403, **dict.fromkeys(BUREAUS - {"drc"}, 403)}, 404),
    "withdraw_edu_reserve": expect({"edu": 200, **dict.fromkeys(BUREAUS, 403)}, 404),
    "unknown_action": expect({"edu": 404, **dict.fromkeys(BUREAUS, 404)}, 404),
    "missing": expect({}, 404),
    "overflow": expect({}, 404),
}


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_for_every_role(page, client_for, projects):
    urls = pages(projects)
    got = {role: client_for(role).get(urls[page]).status_code for role, _ in MATRIX[page]}
    assert got == dict(MATRIX[page])


@pytest.mark.parametrize("page", ["home", "list", "new", "rules", "audit", "export", "edu_proposed",
                                  "admit_edu_proposed", "edit_edu_draft"])
def test_anonymous_is_sent_to_login(page, client_for, projects):
    response = client_for("anon").get(pages(projects)[page])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_error_pages_use_the_layout_and_say_why(client_for, projects):
    forbidden = client_for("finance").get("/audit/")
    missing = client_for("health").get(f"/projects/{projects.edu_draft.pk}/")

    assert forbidden.status_code == 403
    assert "鼓楼区政务信息化项目管理平台" in forbidden.content.decode()
    assert "第四条" in forbidden.content.decode()  # the power rule that was missing
    assert missing.status_code == 404
    assert "对象不存在或无权查看" in missing.content.decode() or "您无权查看" in missing.content.decode()


def test_detail_shows_action_buttons_only_to_who_may_act(client_for, projects):
    url = f"/projects/{projects.edu_proposed.pk}/"
    drc = client_for("drc").get(url).content.decode()
    audit = client_for("audit").get(url).content.decode()
    edu_draft = client_for("edu").get(f"/projects/{projects.edu_draft.pk}/").content.decode()

    assert 'data-action="admit"' in drc and 'data-action="return_for_revision"' in drc
    assert "data-action=" not in audit
    assert 'data-action="edit"' in edu_draft and 'data-action="submit_proposal"' in edu_draft
    assert 'data-action="admit"' not in edu_draft


def test_classified_project_shows_minimal_metadata(client_for, projects):
    html = client_for("drc").get(f"/projects/{projects.edu_classified.pk}/").content.decode()
    assert 'data-testid="classified-badge"' in html
    assert 'data-testid="compliance"' not in html
    assert "项目责任人" not in html  # beyond the minimal metadata


def _business_events():
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def _state(project):
    fresh = Project.objects.get(pk=project.pk)
    return fresh.status, fresh.version, fresh.name


@pytest.mark.parametrize(("role", "action", "expected"), [
    ("edu", "admit", 403),                 # the owner cannot admit its own proposal (art. 4)
    ("audit", "admit", 403),               # the audit bureau reads, never acts
    ("finance", "return_for_revision", 403),
    ("finance", "withdraw", 403),
    ("health", "admit", 404),              # another unit does not even see it
    ("health", "withdraw", 404),
    ("supervisor", "admit", 404),
    ("expert", "admit", 404),              # not on its panel: not even seen
    ("admin", "admit", 404),
    ("anon", "admit", 302),
])
def test_denied_transition_post_changes_nothing(role, action, expected, client_for, projects):
    project, client = projects.edu_proposed, client_for(role)
    before, events_before = _state(project), _business_events()

    response = client.post(f"/projects/{project.pk}/actions/{action}/",
                                     {"reason": "试图越权", "no_task_reason": "x", "version": project.version})

    assert response.status_code == expected
    assert _state(project) == before
    assert _business_events() == events_before


@pytest.mark.parametrize(("role", "expected"), [("drc", 403), ("audit", 403), ("health", 404), ("edu", 409),
                                                ("expert", 404), ("anon", 302)])
def test_denied_edit_post_changes_nothing(role, expected, client_for, projects):
    project, client = projects.edu_proposed, client_for(role)
    before, events_before = _state(project), _business_events()

    response = client.post(f"/projects/{project.pk}/edit/", {
        "name": "被篡改的项目名称", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "100", "version": project.version})

    assert response.status_code == expected
    assert _state(project) == before
    assert _business_events() == events_before


@pytest.mark.parametrize(("role", "expected"), [("drc", 403), ("audit", 403), ("admin", 403),
                                                ("supervisor", 403), ("expert", 403), ("anon", 302)])
def test_denied_create_post_saves_nothing(role, expected, client_for, projects):
    client = client_for(role)
    count, events_before = Project.objects.count(), _business_events()

    response = client.post("/projects/new/", {
        "name": "越权新建的项目名称", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "100"})

    assert response.status_code == expected
    assert Project.objects.count() == count
    assert _business_events() == events_before


# A project of edu under review with the expert on its panel (art. 28): the expert sees it like a bureau, and
# acts on it no more than one (its opinion is recorded on the approval's own pages).
PANEL_PAGES = {
    "detail": "/projects/{pk}/",
    "edit": "/projects/{pk}/edit/",
    "submit": "/projects/{pk}/actions/submit_proposal/",
    "admit": "/projects/{pk}/actions/admit/",
    "return": "/projects/{pk}/actions/return_for_revision/",
    "withdraw": "/projects/{pk}/actions/withdraw/",
}
SEE_IT = {*BUREAUS, "edu", "expert"}
PANEL_MATRIX: dict[str, list[tuple[str, int]]] = {
    "detail": expect(dict.fromkeys(SEE_IT, 200), 404),
    "edit": expect({**dict.fromkeys(SEE_IT, 403), "edu": 409}, 404),
    "submit": expect({**dict.fromkeys(SEE_IT, 403), "edu": 409}, 404),
    "admit": expect({**dict.fromkeys(SEE_IT, 403), "drc": 409}, 404),
    "return": expect({**dict.fromkeys(SEE_IT, 403), "drc": 409}, 404),
    "withdraw": expect({**dict.fromkeys(SEE_IT, 403), "edu": 200}, 404),
}


@pytest.fixture
def on_panel(district):
    from tests.approvals_world import approval_maker

    return approval_maker(district)("reviewed").project


@pytest.mark.parametrize("page", list(PANEL_MATRIX))
def test_a_project_on_the_experts_panel_page_status_for_every_role(page, client_for, on_panel):
    url = PANEL_PAGES[page].format(pk=on_panel.pk)
    got = {role: client_for(role).get(url).status_code for role, _ in PANEL_MATRIX[page]}
    assert got == dict(PANEL_MATRIX[page])


def test_the_expert_lists_the_projects_of_its_panel_only(client_for, projects, on_panel):
    html = client_for("expert").get("/projects/").content.decode()
    assert on_panel.name in html
    assert not [p.name for p in vars(projects).values() if p.name in html]


@pytest.mark.parametrize(("action", "article"), [("withdraw", "第七条"), ("submit_proposal", "第七条"),
                                               ("admit", "第四条"), ("return_for_revision", "第四条")])
def test_the_expert_acts_on_no_project_of_its_panel(action, article, client_for, on_panel):
    client = client_for("expert")
    before, events_before = _state(on_panel), _business_events()
    denied_before = AuditEvent.objects.filter(event_type="access.denied").count()

    response = client.post(f"/projects/{on_panel.pk}/actions/{action}/",
                           {"reason": "试图越权", "no_task_reason": "x", "version": on_panel.version})

    assert response.status_code == 403
    assert article in response.content.decode()  # the power rule's article
    assert _state(on_panel) == before
    assert _business_events() == events_before
    assert AuditEvent.objects.filter(event_type="access.denied").count() == denied_before + 1


# The navigation entries of this page's modules and the plan's, per role (the approval's entries are tested with
# the approval's pages). The expert gets the project list (its panels' projects) and the reference pages only; the
# supervision firm likewise (the projects it supervises).
NAV_KEYS = ("home", "devplans", "projects", "reserve", "declarations", "plans", "rules", "audit", "sysadmin", "api")
_FOLLOWS_PROJECTS = ("home", "devplans", "projects", "reserve", "declarations", "plans", "rules")
NAV = {
    "admin": ("home", "rules", "sysadmin", "api"),
    **dict.fromkeys(BUREAUS - {"audit"} | OWNERS, (*_FOLLOWS_PROJECTS, "api")),
    "audit": (*_FOLLOWS_PROJECTS, "audit", "api"),
    "supervisor": ("home", "projects", "rules", "api"),
    "expert": ("home", "projects", "rules", "api"),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_of_every_role(role, client_for, district):

    html = client_for(role).get("/").content.decode()
    shown = tuple(key for key in NAV_KEYS if f'data-nav="{key}"' in html)
    assert shown == NAV[role]


def test_denial_is_audited_as_access_denied(client_for, projects):
    client = client_for("audit")
    before = AuditEvent.objects.filter(event_type="access.denied").count()
    client.post(f"/projects/{projects.edu_proposed.pk}/actions/admit/", {"no_task_reason": "x"})
    assert AuditEvent.objects.filter(event_type="access.denied").count() == before + 1


def test_logout_is_post_only(client_for, district):
    client = client_for("edu")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out
