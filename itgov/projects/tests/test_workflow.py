"""The proposal flow through the services: guards, rules with articles, audit events."""

from decimal import Decimal

import pytest

from itgov.audit.models import AuditEvent
from itgov.core.errors import Conflict, Forbidden, RuleViolation
from itgov.projects import services
from itgov.projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_owner_submits_and_drc_admits_with_audit(district):
    project = ProjectFactory(owner_unit=district.edu)
    before = AuditEvent.objects.count()

    project = services.project_submit_proposal(actor=district.users["edu"], project=project)
    project = services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑")

    assert project.status == "in_reserve"
    assert project.version == 3
    assert project.reserve_no_task_reason == "基础支撑"
    events = list(AuditEvent.objects.filter(project_id=project.pk).order_by("seq")
                  .values_list("event_type", "actor_name"))
    assert events == [("project.proposal.submitted", "用户" + district.users["edu"].full_name[2:]),
                      ("project.proposal.admitted", district.users["drc"].full_name)]
    assert AuditEvent.objects.count() == before + 2


def test_submit_without_data_sharing_is_refused_citing_article_28(district):
    project = ProjectFactory(owner_unit=district.edu, data_sharing_intent="")

    with pytest.raises(RuleViolation) as exc:
        services.project_submit_proposal(actor=district.users["edu"], project=project)

    assert exc.value.rule == "art28.proposal_data_sharing"
    assert exc.value.article == "第二十八条"
    assert "data_sharing_intent" in exc.value.fields
    assert Project.objects.get(pk=project.pk).status == "draft"
    assert AuditEvent.objects.filter(event_type="rule.refused", object_id=str(project.pk)).count() == 1


def test_admit_without_plan_task_needs_a_reason_article_6(district):
    project = ProjectFactory(owner_unit=district.edu)
    project = services.project_submit_proposal(actor=district.users["edu"], project=project)

    with pytest.raises(RuleViolation) as exc:
        services.project_admit(actor=district.users["drc"], project=project)

    assert (exc.value.rule, exc.value.article) == ("art6.serves_plan_task", "第六条")
    assert Project.objects.get(pk=project.pk).status == "proposed"


def test_owner_cannot_admit_and_the_denial_is_audited_not_applied(district):
    project = services.project_submit_proposal(actor=district.users["edu"],
                                               project=ProjectFactory(owner_unit=district.edu))
    business_before = AuditEvent.objects.exclude(event_type="access.denied").count()

    with pytest.raises(Forbidden) as exc:
        services.project_admit(actor=district.users["edu"], project=project, no_task_reason="x")

    assert exc.value.article == "第四条"
    assert Project.objects.get(pk=project.pk).status == "proposed"
    assert AuditEvent.objects.exclude(event_type="access.denied").count() == business_before
    assert AuditEvent.objects.filter(event_type="access.denied").count() == 1


def test_wrong_state_is_a_conflict(district):
    project = ProjectFactory(owner_unit=district.edu)
    with pytest.raises(Conflict):
        services.project_admit(actor=district.users["drc"], project=project, no_task_reason="x")


def test_stale_version_is_a_conflict(district):
    project = ProjectFactory(owner_unit=district.edu)
    services.project_update(actor=district.users["edu"], project=project, data={"name": "改过名字的测试项目"})
    with pytest.raises(Conflict):
        services.project_submit_proposal(actor=district.users["edu"], project=project, expected_version=1)


def test_return_requires_a_reason_article_7(district):
    project = services.project_submit_proposal(actor=district.users["edu"],
                                               project=ProjectFactory(owner_unit=district.edu))
    with pytest.raises(RuleViolation) as exc:
        services.project_return_for_revision(actor=district.users["drc"], project=project, reason="  ")
    assert (exc.value.rule, exc.value.article) == ("art7.return_with_reasons", "第七条")

    project = services.project_return_for_revision(actor=district.users["drc"], project=project, reason="请补充")
    assert project.status == "draft"
    assert project.last_return_reason == "请补充"


def test_classified_project_carries_no_content_article_5(district):
    with pytest.raises(RuleViolation) as exc:
        services.project_create(actor=district.users["edu"], data={
            "name": "某涉密业务系统", "kind": "business_system", "construction_type": "new", "classified": True,
            "estimated_investment": Decimal("500000"), "necessity": "涉密内容"})
    assert (exc.value.rule, exc.value.article) == ("art5.classified_minimal_metadata", "第五条")
    assert not Project.objects.filter(name="某涉密业务系统").exists()


@pytest.mark.parametrize("role,draft,proposed,classified_draft,classified_proposed", [
    ("edu", True, True, True, True),
    ("health", False, False, False, False),
    ("drc", False, True, False, True),
    ("finance", False, True, False, False),
    ("audit", True, True, False, False),
    ("cyber", False, True, False, False),
    ("gov", False, True, False, False),
    ("admin", False, False, False, False),
    ("supervisor", False, False, False, False),
    ("expert", False, False, False, False),  # none of these is on its panel
])
def test_visibility_predicate_and_queryset_agree(district, role, draft, proposed, classified_draft,
                                                 classified_proposed):
    import rules as perms

    from itgov.projects.selectors import projects_visible_to

    edu = district.users["edu"]
    projects = {
        "draft": ProjectFactory(owner_unit=district.edu),
        "proposed": services.project_submit_proposal(actor=edu, project=ProjectFactory(owner_unit=district.edu)),
        "classified_draft": ProjectFactory(owner_unit=district.edu, classified=True, necessity="",
                                           construction_content="", data_sharing_intent=""),
    }
    projects["classified_proposed"] = services.project_submit_proposal(
        actor=edu, project=ProjectFactory(owner_unit=district.edu, classified=True, necessity="",
                                          construction_content="", data_sharing_intent=""))
    expected = {"draft": draft, "proposed": proposed, "classified_draft": classified_draft,
                "classified_proposed": classified_proposed}
    user = district.users[role]
    visible = set(projects_visible_to(user).values_list("pk", flat=True))
    for key, project in projects.items():
        assert perms.has_perm("projects.view_project", user, project) is expected[key], key
        assert (project.pk in visible) is expected[key], key


def test_owner_actions_denied_to_others_cite_article_7(district):
    project = ProjectFactory(owner_unit=district.edu)
    with pytest.raises(Forbidden) as exc:
        services.project_submit_proposal(actor=district.users["health"], project=project)
    assert exc.value.article == "第七条"


def test_an_edit_that_changes_nothing_makes_no_version_and_no_event(district):
    project = ProjectFactory(owner_unit=district.edu)
    events_before = AuditEvent.objects.count()
    same = services.project_update(actor=district.users["edu"], project=project, data={"name": project.name})
    assert same.version == 1
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("role", ["expert", "edu", "health", "drc", "supervisor"])
def test_the_expert_sees_the_project_on_its_panel_in_the_predicate_and_the_queryset(district, role):
    import rules as perms

    from itgov.approvals import services as approvals
    from itgov.projects.selectors import projects_visible_to
    from tests.approvals_world import approval_maker

    make = approval_maker(district)
    seated, other = make("under_review"), make("under_review")
    approvals.panel_add(actor=district.users["drc"], project=seated.project, data={"expert_id": district.expert.pk})
    approvals.panel_add(actor=district.users["drc"], project=other.project, data={"expert_id": district.expert2.pk})
    expected = {"expert": {seated.project.pk}, "edu": {seated.project.pk, other.project.pk},
                "health": set(), "drc": {seated.project.pk, other.project.pk}, "supervisor": set()}[role]

    user = district.users[role]
    visible = set(projects_visible_to(user).filter(pk__in=[seated.project.pk, other.project.pk])
                  .values_list("pk", flat=True))
    by_predicate = {p.pk for p in (seated.project, other.project) if perms.has_perm("projects.view_project", user, p)}
    assert visible == by_predicate == expected
