"""The demo district where part of it cannot be loaded: each test loads the demo into its own database (the
full demo is tested, loaded once, in test_demo.py and test_demo_approvals.py)."""

import copy

import pytest

from itgov.approvals.models import InitiationApplication, UnitSuspension
from itgov.construction.models import SupervisionPoolEntry
from itgov.core.dates import local_today
from itgov.demo import data, history
from itgov.demo.history import STORIES
from itgov.planning.models import AnnualPlan, PlanAdjustment
from itgov.projects.models import Project


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_data_check_refuses_a_b_line_without_its_reason(monkeypatch):
    data.validate()
    broken = copy.deepcopy(data.ANNUAL_PLAN)
    next(line for line in broken["lines"] if line["plan_class"] == "B")["skip_reason"] = ""
    monkeypatch.setattr(data, "ANNUAL_PLAN", broken)
    with pytest.raises(AssertionError):
        data.validate()


@pytest.mark.django_db
def test_the_current_plan_is_left_out_when_its_projects_left_the_reserve(fast_hasher, monkeypatch):
    # given a demo database where one of the plan's projects is no longer in the reserve
    from itgov.demo import services

    names = services._plan_project_names()
    monkeypatch.setattr(services, "_plan_project_names", lambda: names | {"已撤回的演示项目"})
    monkeypatch.setattr(history, "STORIES", [])  # the recent years' stories have their own test
    # when the demo loads
    counts = services.load_demo()
    # then this year's plan is left out, saying why, and nothing of it is half made; without it, no project
    # waits for its initiation approval, so the approval stories are left out too
    year = local_today().year
    assert counts["annual_plans_created"] == 1 and counts["approvals_created"] == counts["construction_created"] == 0
    stories = "、".join(sorted(spec["project"] for spec in data.APPROVALS))
    building = "、".join(sorted(story["project"] for story in data.CONSTRUCTION))
    assert counts["notes"] == [f"{year}年度投资计划未载入:项目已不在储备库中:已撤回的演示项目",
                               f"立项审批演示未载入:项目尚未列入已下达的年度投资计划:{stories}",
                               f"建设管理演示未载入:项目尚未批复并编列预算:{building}"]
    assert not AnnualPlan.objects.filter(year=year).exists() and not PlanAdjustment.objects.exists()
    # (the recent years' stories have their own years' plans: itgov/demo/history.py)
    this_year = Project.objects.exclude(name__in=[story["name"] for story in STORIES])
    assert not this_year.filter(status="planned").exists()
    assert not InitiationApplication.objects.filter(project__in=this_year).exists()
    assert AnnualPlan.objects.get(year=year + 1).status == "draft"
    assert UnitSuspension.objects.filter(unit__code="hrss").count() == 1  # its history does not need the plan
    assert SupervisionPoolEntry.objects.count() == len(data.SUPERVISION_POOL)  # nor does the pool


@pytest.mark.django_db
def test_a_story_the_services_refuse_leaves_nothing_half_made(fast_hasher, monkeypatch):
    # given a budget above the approved estimate (art. 15)
    from itgov.demo import services

    stories = copy.deepcopy(data.APPROVALS)
    budgeted = next(s for s in stories if s["state"] == "budgeted")
    budgeted["budget"]["lines"] = [(0, "general", "1420000.01")]
    monkeypatch.setattr(data, "APPROVALS", stories)
    monkeypatch.setattr(data, "validate", lambda: None)
    monkeypatch.setattr(history, "STORIES", [])
    # when the demo loads
    counts = services.load_demo()
    # then that story is left out, saying why, and the others are told
    assert counts["approvals_created"] == len(data.APPROVALS) - 1 == 9 and counts["construction_created"] == 3
    assert len(counts["notes"]) == 1 and counts["notes"][0].startswith(f"立项审批演示未载入:{budgeted['project']}(")
    assert "预算" in counts["notes"][0]
    sites = Project.objects.get(name=budgeted["project"])
    assert sites.status == "planned" and not sites.project_code and not InitiationApplication.objects.filter(
        project=sites).exists()
    assert Project.objects.filter(status="approved").count() == 1


@pytest.mark.django_db
def test_a_construction_story_the_services_refuse_leaves_nothing_half_made(fast_hasher, monkeypatch):
    # given a supervision fee one fen above the estimate's supervision fee (art. 19)
    from itgov.construction.models import ChangeRequest, SupervisionAppointment
    from itgov.demo import services

    stories = copy.deepcopy(data.CONSTRUCTION)
    story = next(s for s in stories if s["project"] == data.DATA_PLATFORM)
    story["supervisor"]["fee"] = "90000.01"
    monkeypatch.setattr(data, "CONSTRUCTION", stories)
    monkeypatch.setattr(data, "validate", lambda: None)
    monkeypatch.setattr(history, "STORIES", [])
    # when the demo loads
    counts = services.load_demo()
    # then that story is left out, saying why, the project still budgeted and without a supervisor; the others
    # are told
    assert counts["construction_created"] == 2
    assert len(counts["notes"]) == 1 and counts["notes"][0].startswith(f"建设管理演示未载入:{data.DATA_PLATFORM}(")
    assert "监理费" in counts["notes"][0]
    platform = Project.objects.get(name=data.DATA_PLATFORM)
    assert (platform.status, platform.construction_started_at) == ("budgeted", None)
    assert not SupervisionAppointment.objects.filter(project=platform).exists()
    assert not ChangeRequest.objects.filter(project=platform).exists()
    assert Project.objects.get(name=data.VIDEO_PLATFORM).status == "suspended"
