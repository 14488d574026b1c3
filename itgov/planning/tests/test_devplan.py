"""Art. 6: DRC drafts the development plan with numbered key tasks and publishes it; a published edition is
read-only (a revision is a new edition that supersedes it when published); each task's coverage counts the
projects serving it or an earlier version of it; a proposal serves a task of the plan in force only."""

from decimal import Decimal

import pytest

from itgov.audit.models import AuditEvent
from itgov.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.planning import devplan_selectors as selectors
from itgov.planning import devplan_services as services
from itgov.planning.models import DevelopmentPlan, PlanTask
from itgov.projects import services as project_services
from itgov.projects.forms import ProjectForm
from itgov.projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PLAN = {"name": "鼓楼区“十五五”政务信息化发展规划", "start_year": 2026, "end_year": 2030}


def events(*types):
    qs = AuditEvent.objects.order_by("seq")
    if types:
        qs = qs.filter(event_type__in=types)
    return list(qs.values_list("event_type", flat=True))


@pytest.fixture
def drc(district):
    return district.users["drc"]


@pytest.fixture
def draft(drc):
    return services.devplan_create(actor=drc, data=PLAN)


def published_plan(drc, titles=("数字政府", "智慧教育")):
    plan = services.devplan_create(actor=drc, data=PLAN)
    for i, title in enumerate(titles, start=1):
        services.task_add(actor=drc, plan=plan, data={"number": str(i), "title": title})
    return services.devplan_publish(actor=drc, plan=plan)


def serving(district, task, state="in_reserve", unit=None, amount="1000000.00", **fields):
    """A project of `unit` (edu by default) serving `task`, brought to `state` through the services."""
    unit = unit or district.edu
    owner = district.users["edu"] if unit.path.startswith(district.edu.path) else district.users["health"]
    project = ProjectFactory(owner_unit=unit, plan_task=task, estimated_investment=Decimal(amount), **fields)
    if state == "draft":
        return project
    if state == "withdrawn":
        return project_services.project_transition(actor=owner, project=project, name="withdraw",
                                                    data={"reason": "不再建设"})
    project = project_services.project_submit_proposal(actor=owner, project=project)
    if state == "proposed":
        return project
    return project_services.project_admit(actor=district.users["drc"], project=project)


# --- drafting and publishing ------------------------------------------------------------------------------


def test_drc_drafts_a_plan_with_tasks_and_publishes_it(district, drc, draft):
    # given a draft with two numbered tasks, one led by edu
    services.task_add(actor=drc, plan=draft, data={"number": "1", "title": "数字政府", "lead_unit_id": district.edu.pk})
    services.task_add(actor=drc, plan=draft, data={"number": "2", "title": "智慧教育", "description": "教育数据中台"})

    # when DRC publishes it
    plan = services.devplan_publish(actor=drc, plan=draft, expected_version=draft.version)

    # then it is published, at version 2, with its tasks in number order, and every step is audited
    assert (plan.status, plan.edition, plan.version, plan.published_at is not None) == ("published", 1, 2, True)
    assert [(t.number, t.title, t.lead_unit_id) for t in selectors.tasks_of(plan)] == [
        ("1", "数字政府", district.edu.pk), ("2", "智慧教育", None)]
    assert events("planning.devplan.created", "planning.devplan.task_added", "planning.devplan.published") == [
        "planning.devplan.created", "planning.devplan.task_added", "planning.devplan.task_added",
        "planning.devplan.published"]


@pytest.mark.parametrize("role", ["finance", "gov", "audit", "edu", "admin", "supervisor", "expert"])
def test_only_drc_writes_the_plan_citing_article_6(district, drc, draft, role):
    user = district.users[role]
    task = services.task_add(actor=drc, plan=draft, data={"number": "1", "title": "数字政府"})
    before = events()
    attempts = [
        lambda: services.devplan_create(actor=user, data=PLAN),
        lambda: services.devplan_update(actor=user, plan=draft, data={"name": "改名的规划"}),
        lambda: services.task_add(actor=user, plan=draft, data={"number": "2", "title": "智慧教育"}),
        lambda: services.task_update(actor=user, task=task, data={"title": "改名"}),
        lambda: services.task_remove(actor=user, task=task),
        lambda: services.devplan_publish(actor=user, plan=draft),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as exc:
            attempt()
        assert exc.value.article == "第六条"
        assert "只有区发改委(大数据局)可以编制、发布或修订发展规划" in exc.value.message

    # nothing changed; each refusal is an access.denied event only
    assert DevelopmentPlan.objects.count() == 1
    assert DevelopmentPlan.objects.get().status == "draft"
    assert list(PlanTask.objects.values_list("number", "title")) == [("1", "数字政府")]
    assert events()[len(before):] == ["access.denied"] * len(attempts)


def test_a_plan_without_tasks_cannot_be_published(drc, draft):
    with pytest.raises(RuleViolation) as exc:
        services.devplan_publish(actor=drc, plan=draft)

    assert (exc.value.rule, exc.value.article) == ("art6.plan_has_tasks", "第六条")
    assert exc.value.fields == {"tasks": ["请至少添加一项重点任务"]}
    assert DevelopmentPlan.objects.get(pk=draft.pk).status == "draft"
    assert events("rule.refused") == ["rule.refused"]


def test_a_published_plan_is_read_only(district, drc):
    plan = published_plan(drc)
    task = plan.tasks.get(number="1")
    before = (DevelopmentPlan.objects.values("name", "version").get(pk=plan.pk),
              list(PlanTask.objects.values_list("number", "title")))

    attempts = [
        lambda: services.devplan_update(actor=drc, plan=plan, data={"name": "改名的规划"}),
        lambda: services.task_add(actor=drc, plan=plan, data={"number": "9", "title": "新增任务"}),
        lambda: services.task_update(actor=drc, task=task, data={"title": "改名"}),
        lambda: services.task_remove(actor=drc, task=task),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation) as exc:
            attempt()
        assert (exc.value.rule, exc.value.article) == ("art6.published_plan_read_only", "第六条")
        assert "请发起修订" in exc.value.message

    assert (DevelopmentPlan.objects.values("name", "version").get(pk=plan.pk),
            list(PlanTask.objects.values_list("number", "title"))) == before
    with pytest.raises(Conflict):  # publishing again: a wrong state
        services.devplan_publish(actor=drc, plan=plan)


def test_an_update_with_a_stale_version_is_409_and_changes_nothing(drc, draft):
    services.devplan_update(actor=drc, plan=draft, data={"name": "第一次改名的规划"}, expected_version=1)

    with pytest.raises(Conflict):
        services.devplan_update(actor=drc, plan=draft, data={"name": "第二次改名的规划"}, expected_version=1)
    with pytest.raises(Conflict):
        services.devplan_publish(actor=drc, plan=draft, expected_version=1)

    assert DevelopmentPlan.objects.values_list("name", "version", "status").get(pk=draft.pk) == (
        "第一次改名的规划", 2, "draft")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"start_year": 2031}, "end_year", "截止年度不得早于起始年度"),
    ({"end_year": 2040}, "end_year", "规划期不得超过10年"),
    ({"name": "   "}, "name", "必填"),
    ({"start_year": "二〇二六"}, "start_year", "须为整数"),
    ({"start_year": 1999}, "start_year", "年度不合理"),
])
def test_bad_plan_input_names_the_field(drc, draft, data, field, message):
    with pytest.raises(InvalidInput) as exc:
        services.devplan_update(actor=drc, plan=draft, data=data)
    assert exc.value.fields == {field: [message]}
    assert DevelopmentPlan.objects.values_list("name", "start_year", "end_year", "version").get(pk=draft.pk) == (
        PLAN["name"], 2026, 2030, 1)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"number": "1", "title": "重复编号"}, "number", "任务编号“1”已存在"),
    ({"number": "2", "title": ""}, "title", "必填"),
    ({"number": "", "title": "无编号"}, "number", "必填"),
    ({"number": "12345678901", "title": "编号过长"}, "number", "不得超过10个字符"),
    ({"number": "2", "title": "监理牵头", "lead_unit_id": "firm"}, "lead_unit_id", "单位不存在或不能牵头规划任务"),
])
def test_bad_task_input_names_the_field(district, drc, draft, data, field, message):
    services.task_add(actor=drc, plan=draft, data={"number": "1", "title": "数字政府"})
    if data.get("lead_unit_id") == "firm":
        data = {**data, "lead_unit_id": district.firm.pk}

    with pytest.raises(InvalidInput) as exc:
        services.task_add(actor=drc, plan=draft, data=data)

    assert exc.value.fields == {field: [message]}
    assert list(PlanTask.objects.values_list("number", flat=True)) == ["1"]


def test_a_task_is_renumbered_and_its_lead_unit_cleared(district, drc, draft):
    task = services.task_add(actor=drc, plan=draft, data={"number": "1", "title": "数字政府",
                                                          "lead_unit_id": district.edu.pk})
    services.task_add(actor=drc, plan=draft, data={"number": "2", "title": "智慧教育"})

    with pytest.raises(InvalidInput) as exc:
        services.task_update(actor=drc, task=task, data={"number": "2"})
    assert exc.value.fields == {"number": ["任务编号“2”已存在"]}
    fresh = services.task_update(actor=drc, task=task, data={"number": "3", "lead_unit_id": None})

    assert (fresh.number, fresh.title, fresh.lead_unit_id) == ("3", "数字政府", None)
    event = AuditEvent.objects.filter(event_type="planning.devplan.task_changed").get()
    assert (event.before["number"], event.after["number"], event.after["lead_unit_id"]) == ("1", "3", None)


# --- revisions --------------------------------------------------------------------------------------------


def test_a_revision_copies_the_tasks_and_supersedes_the_edition_when_published(district, drc):
    plan = published_plan(drc)
    old_tasks = {t.number: t.pk for t in plan.tasks.all()}

    # when DRC revises the published plan
    revision = services.devplan_revise(actor=drc, plan=plan, expected_version=plan.version)

    # then a draft edition 2 with copies of the tasks, each linked to the task it copies
    assert (revision.status, revision.edition, revision.supersedes_id) == ("draft", 2, plan.pk)
    assert {t.number: t.previous_id for t in revision.tasks.all()} == old_tasks
    assert DevelopmentPlan.objects.get(pk=plan.pk).status == "published"  # still in force meanwhile

    # and DRC edits the revision, then publishes it: the old edition is superseded
    services.task_add(actor=drc, plan=revision, data={"number": "3", "title": "城市大脑"})
    published = services.devplan_publish(actor=drc, plan=revision)
    assert (published.status, DevelopmentPlan.objects.get(pk=plan.pk).status) == ("published", "superseded")
    assert [p.pk for p in selectors.editions(plan)] == [plan.pk, revision.pk]
    assert selectors.current_plan().pk == revision.pk
    superseded = AuditEvent.objects.filter(event_type="planning.devplan.changed", object_id=str(plan.pk)).get()
    assert (superseded.before["status"], superseded.after["status"]) == ("published", "superseded")


def test_only_one_open_revision_and_only_of_the_edition_in_force(drc, draft):
    plan = published_plan(drc)
    revision = services.devplan_revise(actor=drc, plan=plan)

    with pytest.raises(Conflict, match="已有一个修订稿"):
        services.devplan_revise(actor=drc, plan=plan)
    with pytest.raises(Conflict, match="只能修订现行的已发布版本"):
        services.devplan_revise(actor=drc, plan=revision)  # a draft
    with pytest.raises(Conflict, match="只能修订现行的已发布版本"):
        services.devplan_revise(actor=drc, plan=draft)
    services.devplan_publish(actor=drc, plan=revision)
    with pytest.raises(Conflict, match="只能修订现行的已发布版本"):
        services.devplan_revise(actor=drc, plan=DevelopmentPlan.objects.get(pk=plan.pk))  # superseded
    assert DevelopmentPlan.objects.count() == 3


def test_a_task_projects_serve_cannot_be_removed(district, drc):
    # given a published plan whose task 1 a reserve project serves, and a revision of it
    plan = published_plan(drc)
    serving(district, plan.tasks.get(number="1"))
    revision = services.devplan_revise(actor=drc, plan=plan)

    # when DRC removes the copy of task 1 from the revision: refused, the project serves its earlier version
    with pytest.raises(Conflict, match="有1个项目关联该任务"):
        services.task_remove(actor=drc, task=revision.tasks.get(number="1"))

    # and task 2, which nobody serves, is removed
    services.task_remove(actor=drc, task=revision.tasks.get(number="2"))
    assert list(revision.tasks.values_list("number", flat=True)) == ["1"]
    assert events("planning.devplan.task_removed") == ["planning.devplan.task_removed"]


# --- coverage ---------------------------------------------------------------------------------------------


def test_coverage_counts_projects_of_the_task_and_its_earlier_versions(district, drc):
    plan = published_plan(drc, titles=("数字政府", "智慧教育", "城市大脑"))
    t1, t2 = plan.tasks.get(number="1"), plan.tasks.get(number="2")
    serving(district, t1, "in_reserve", amount="1000000.00")
    serving(district, t1, "proposed", unit=district.health, amount="500000.00")
    serving(district, t1, "draft", amount="9000000.00")  # not proposed yet: not counted
    serving(district, t1, "withdrawn", amount="8000000.00")  # withdrawn: not counted
    serving(district, t2, "in_reserve", unit=district.edu_school, amount="300000.00")
    revision = services.devplan_publish(actor=drc, plan=services.devplan_revise(actor=drc, plan=plan))
    serving(district, revision.tasks.get(number="2"), "in_reserve", amount="200000.00")

    cov = selectors.coverage(drc, revision)

    rows = {i["task"].number: (i["count"], i["total"], i["uncovered"],
                               {k: (v["count"], v["total"]) for k, v in i["by_status"].items()}) for i in cov["items"]}
    assert rows == {
        "1": (2, Decimal("1500000.00"), False, {"in_reserve": (1, Decimal("1000000.00")),
                                                "proposed": (1, Decimal("500000.00"))}),
        "2": (2, Decimal("500000.00"), False, {"in_reserve": (2, Decimal("500000.00"))}),
        "3": (0, Decimal("0"), True, {}),
    }
    assert (cov["tasks"], cov["covered"], cov["projects"], cov["total"]) == (3, 2, 4, Decimal("2000000.00"))
    # a unit counts the projects it sees: edu its own and its school's
    edu_rows = {i["task"].number: i["count"] for i in selectors.coverage(district.users["edu"], revision)["items"]}
    assert edu_rows == {"1": 1, "2": 2, "3": 0}


# --- visibility and the tasks a proposal may serve -------------------------------------------------------


@pytest.mark.parametrize(("role", "sees_draft"), [("drc", True), ("finance", True), ("audit", True),
                                                  ("gov", True), ("edu", False), ("health", False)])
def test_drafts_are_for_the_bureaus_published_editions_for_everyone(district, drc, draft, role, sees_draft):
    plan = published_plan(drc)
    user = district.users[role]

    visible = set(selectors.plans_visible_to(user).values_list("pk", flat=True))

    assert visible == ({plan.pk, draft.pk} if sees_draft else {plan.pk})
    if not sees_draft:
        with pytest.raises(NotFound):
            selectors.access_plan_by_id(user, draft.pk)


@pytest.mark.parametrize("role", ["admin", "supervisor", "expert"])
def test_sysadmin_supervisor_and_expert_see_no_plan(district, drc, role):
    published_plan(drc)
    assert list(selectors.plans_visible_to(district.users[role])) == []


def test_a_proposal_serves_a_task_of_the_plan_in_force_only(district, drc, draft):
    # given a published plan, a draft plan, and a revision published later
    old = published_plan(drc)
    draft_task = services.task_add(actor=drc, plan=draft, data={"number": "1", "title": "草稿任务"})
    old_task = old.tasks.get(number="1")
    kept = ProjectFactory(owner_unit=district.edu, plan_task=old_task)
    new = services.devplan_publish(actor=drc, plan=services.devplan_revise(actor=drc, plan=old))
    new_task = new.tasks.get(number="1")
    data = {"name": "区教育局智慧校园建设项目", "kind": "business_system", "construction_type": "new",
            "estimated_investment": "100000.00", "classified": False}

    # then only the tasks of the plan in force are offered
    assert [t.pk for t in selectors.offered_tasks()] == list(new.tasks.order_by("number").values_list("pk", flat=True))
    assert ProjectForm(data={**data, "plan_task": new_task.pk}).is_valid()
    for task in (draft_task, old_task):
        form = ProjectForm(data={**data, "plan_task": task.pk})
        assert not form.is_valid()
        assert form.errors["plan_task"] == ["请选择现行发展规划中的任务"]
    # and a draft already serving a task of the superseded edition keeps it when edited
    form = ProjectForm(data={**data, "plan_task": old_task.pk}, instance=Project.objects.get(pk=kept.pk))
    assert form.is_valid(), form.errors
