"""The rules of the measures through the API: GET /rules reports every rule with its article and the
parameters in force (read from the jurisdiction's policy profile — data, not code), and
GET /projects/{id}/compliance gives each project rule's standing."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

import itgov.rules
from itgov.core.dates import local_today
from itgov.projects.models import Project
from itgov.rules.registry import all_rules
from itgov.rules.services import policy_profile_load

from .conftest import business_events, project_row, refusal_events

pytestmark = pytest.mark.django_db

GULOU = json.loads((Path(itgov.rules.__file__).parent / "profiles_data" / "gulou-2021.json")
                   .read_text(encoding="utf-8"))
ARTICLE = re.compile(r"^第[一二三四五六七八九十]+条$")
# Every rule that describes a project's standing (scope "project"), in the order the panel lists them.
PROJECT_RULES = ["art2.kind_and_construction_type", "art3.intensive_construction", "art5.classified_minimal_metadata", "art6.serves_plan_task",
                 "art7.proposal_complete", "art8.in_annual_plan", "art20.no_unapproved_deviation",
                 "art27.produced_resources_catalogued", "art28.proposal_data_sharing",
                 "art30.assessment_before_acceptance", "art30.crypto_before_acceptance",
                 "art30.findings_remediated", "art30.periodic_assessment"]


def _later_profile(effective_from: dt.date, **parameters) -> dict:
    spec = copy.deepcopy(GULOU)
    spec["name"] = f"鼓楼区办法修订({effective_from:%Y-%m-%d})"
    spec["effective_from"] = effective_from.isoformat()
    spec["parameters"].update(parameters)
    return spec


def _rules_by_id(client) -> dict[str, dict]:
    response = client.get("rules")
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["items"]}


def test_rules_lists_every_rule_with_article_title_and_parameters(api, district):
    # when
    body = api("finance").get("rules").json()

    # then the profile in force is Gulou 2021
    assert (body["jurisdiction"], body["profile"], body["effective_from"]) == (
        "鼓楼区", GULOU["name"], GULOU["effective_from"])
    # every registered rule is listed once, in article order
    ids = [item["id"] for item in body["items"]]
    assert ids == [r.id for r in all_rules()]
    assert len(ids) == len(set(ids)) >= 10
    assert [item["article_number"] for item in body["items"]] == sorted(item["article_number"]
                                                                      for item in body["items"])
    for item in body["items"]:
        assert {"id", "article", "article_number", "title", "message", "scope", "actions", "parameters"} <= set(item)
        assert ARTICLE.match(item["article"]), item["article"]
        assert item["id"].startswith(f"art{item['article_number']}.")
        assert re.search(r"[\u4e00-\u9fff]", item["title"]) and re.search(r"[\u4e00-\u9fff]", item["message"])
        assert item["scope"] in ("project", "action", "power", "plan", "approval")
        # each parameter a rule reads is reported with the Gulou value
        assert item["parameters"] == {name: GULOU["parameters"][name] for name in item["parameters"]}


def test_rules_report_the_gulou_values_and_citations(api, district):
    rules = _rules_by_id(api("edu"))

    assert rules["art7.proposal_complete"]["parameters"] == {
        "proposal_required_fields": ["name", "owner_unit", "kind", "construction_type", "estimated_investment",
                                     "responsible_person", "necessity", "construction_content"]}
    assert rules["art28.proposal_data_sharing"]["parameters"] == {"data_sharing_required_at_proposal": True}
    assert {rid: rules[rid]["article"] for rid in ("art2.kind_and_construction_type", "art4.drc_reviews_reserve",
                                                   "art5.classified_visibility", "art6.serves_plan_task",
                                                   "art7.proposal_complete", "art28.proposal_data_sharing")} == {
        "art2.kind_and_construction_type": "第二条", "art4.drc_reviews_reserve": "第四条",
        "art5.classified_visibility": "第五条", "art6.serves_plan_task": "第六条",
        "art7.proposal_complete": "第七条", "art28.proposal_data_sharing": "第二十八条"}
    assert rules["art4.drc_reviews_reserve"]["scope"] == "power"
    assert rules["art4.drc_reviews_reserve"]["actions"] == ["project.admit", "project.return_for_revision"]


def test_a_newer_profile_in_force_changes_the_reported_values(api, district):
    # given a revision of the measures, loaded as data, in force since yesterday
    since = local_today() - dt.timedelta(days=1)
    policy_profile_load(actor=None, spec=_later_profile(
        since, proposal_required_fields=["name", "owner_unit", "kind"], data_sharing_required_at_proposal=False))

    # when
    response = api("drc").get("rules")

    # then the API reports the revision and its values
    body = response.json()
    assert (body["profile"], body["effective_from"]) == (f"鼓楼区办法修订({since:%Y-%m-%d})", since.isoformat())
    rules = {item["id"]: item for item in body["items"]}
    assert rules["art7.proposal_complete"]["parameters"] == {"proposal_required_fields": ["name", "owner_unit", "kind"]}
    assert rules["art28.proposal_data_sharing"]["parameters"] == {"data_sharing_required_at_proposal": False}


def test_a_profile_not_yet_in_force_changes_nothing(api, district):
    # given a revision that takes effect in a month
    policy_profile_load(actor=None, spec=_later_profile(
        local_today() + dt.timedelta(days=30), proposal_required_fields=["name"],
        data_sharing_required_at_proposal=False))

    # when
    body = api("drc").get("rules").json()

    # then Gulou 2021 is still the one reported
    assert (body["profile"], body["effective_from"]) == (GULOU["name"], GULOU["effective_from"])
    rules = {item["id"]: item for item in body["items"]}
    assert rules["art7.proposal_complete"]["parameters"] == {
        "proposal_required_fields": GULOU["parameters"]["proposal_required_fields"]}
    assert rules["art28.proposal_data_sharing"]["parameters"] == {"data_sharing_required_at_proposal": True}


def _compliance(client, project_id: int) -> dict[str, dict]:
    response = client.get(f"projects/{project_id}/compliance")
    assert response.status_code == 200
    body = response.json()
    assert body["project_id"] == project_id
    return {item["rule"]: item for item in body["items"]}


def test_compliance_lists_every_project_rule_with_its_status(api, make_project):
    project = make_project("draft")

    items = _compliance(api("edu"), project.pk)

    assert list(items) == PROJECT_RULES
    for item in items.values():
        assert ARTICLE.match(item["article"])
        assert item["status"] in ("met", "violated", "pending", "not_applicable")
        assert item["status_label"] == {"met": "符合", "violated": "不符合", "pending": "待定",
                                        "not_applicable": "不适用"}[item["status"]]
        assert isinstance(item["fields"], dict)


def test_draft_without_data_sharing_is_pending_and_a_refused_submit_leaves_it_pending(api, make_project):
    # given a draft of edu with no data-sharing content (art. 28)
    project = make_project("draft", data_sharing_intent="")
    client = api("edu")
    assert _compliance(client, project.pk)["art28.proposal_data_sharing"]["status"] == "pending"
    assert _compliance(client, project.pk)["art28.proposal_data_sharing"]["article"] == "第二十八条"
    row_before, events_before = project_row(project.pk), business_events()

    # when edu submits it
    response = client.post(f"projects/{project.pk}/submit-proposal", {"version": project.version})

    # then art. 28 refuses it: 422 with rule, article and the field to fill
    assert response.status_code == 422
    assert response.json() == {"error": {
        "code": "rule_violation", "rule": "art28.proposal_data_sharing", "article": "第二十八条",
        "message": "项目建议须包含数据资源共享内容(第二十八条):数据共享内容为空",
        "fields": {"data_sharing_intent": ["须说明产生和使用的数据资源及共享方式"]}}}
    # nothing changed, the refusal is audited, and the rule is still pending
    assert project_row(project.pk) == row_before
    assert business_events() == events_before
    assert refusal_events(project.pk) == [("rule.refused", "project.submit_proposal")]
    item = _compliance(client, project.pk)["art28.proposal_data_sharing"]
    assert (item["status"], item["status_label"]) == ("pending", "待定")


def test_a_full_admitted_project_meets_the_rules(api, make_project):
    project = make_project("in_reserve")

    items = _compliance(api("drc"), project.pk)

    assert {rule: item["status"] for rule, item in items.items()} == {
        "art2.kind_and_construction_type": "met",
        "art3.intensive_construction": "not_applicable",  # the 2021 profile sets no score to flag
        "art5.classified_minimal_metadata": "not_applicable",
        "art6.serves_plan_task": "met",
        "art7.proposal_complete": "met",
        "art8.in_annual_plan": "pending",  # admitted, not yet in an issued annual plan (art. 8)
        "art20.no_unapproved_deviation": "not_applicable",  # nothing approved yet to deviate from
        "art27.produced_resources_catalogued": "not_applicable",  # nothing declared yet (art. 27, 28)
        "art28.proposal_data_sharing": "met",
        "art30.assessment_before_acceptance": "not_applicable",
        "art30.crypto_before_acceptance": "not_applicable",  # the 2021 profile sets no level for it
        "art30.findings_remediated": "not_applicable",
        "art30.periodic_assessment": "not_applicable",  # not in operation
    }
    assert items["art6.serves_plan_task"]["reason"] == "未关联规划任务,入库理由:基础支撑"


def test_a_profile_without_the_data_sharing_requirement_lets_the_submit_through(api, make_project):
    # given a revision in force since yesterday that drops art. 28's requirement at proposal
    policy_profile_load(actor=None, spec=_later_profile(local_today() - dt.timedelta(days=1),
                                                        data_sharing_required_at_proposal=False))
    project = make_project("draft", data_sharing_intent="")
    client = api("edu")
    assert _compliance(client, project.pk)["art28.proposal_data_sharing"]["status"] == "not_applicable"

    # when
    response = client.post(f"projects/{project.pk}/submit-proposal", {"version": project.version})

    # then
    assert response.status_code == 200, response.content.decode()
    assert Project.objects.get(pk=project.pk).status == "proposed"


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI components are keyed by class name: two schemas of one name would document one of them
    wrongly (django-ninja keeps the last)."""
    import inspect

    from ninja import Schema

    from itgov.api import schemas
    from itgov.api.routers import (
        annual_plans,
        approvals,
        audit,
        devplans,
        documents,
        meta,
        planning,
        projects,
    )

    seen: dict[str, str] = {}
    for module in (schemas, annual_plans, approvals, audit, devplans, documents, meta, planning, projects):
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert name not in seen, f"{name} in {module.__name__} and {seen[name]}"
                seen[name] = module.__name__
