"""Art. 30 with art. 22: a level-3 system passes acceptance only with a passed graded protection assessment. DRC's
pass is refused citing 第三十条 and nothing is written; a failed assessment does not count; a passed one lets the
pass through."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.acceptance import services as acceptance
from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.core.errors import RuleViolation
from itgov.security import services
from tests.acceptance_world import acceptance_maker, catalogue_and_security, fresh, upload_required

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _ready(district):
    """A project whose acceptance meeting was held today, every expert's opinion in (art. 22), its system and
    declared resources in the catalogue (art. 27) — but no assessment yet (tests/acceptance_world.py's steps)."""
    from itgov.acceptance.selectors import current_acceptance

    world = acceptance_maker(district)("trial_operation", catalogued=False)
    catalogue_and_security(world, assessed=False)
    upload_required(world)
    acceptance.acceptance_apply(actor=world.owner, project=fresh(world.project),
                                data={"summary": "建设内容全部完成,试运行正常。", "late_explanation": "已说明"})
    acceptance.acceptance_schedule(actor=world.drc, project=fresh(world.project),
                                   data={"scheduled_on": local_today().isoformat(), "location": "区政务服务中心"})
    acceptance.expert_add(actor=world.drc, project=fresh(world.project), data={"expert_id": district.expert.pk})
    world.acceptance = current_acceptance(fresh(world.project))
    for seat in world.acceptance.experts.all():
        acceptance.expert_opinion(actor=world.drc, project=fresh(world.project), seat=seat,
                                  data={"opinion": "passed", "opinion_text": "同意通过"})
    return world


def _pass(world):
    return acceptance.acceptance_pass(actor=world.drc, project=fresh(world.project),
                                      data={"decided_on": local_today().isoformat(), "findings": "同意通过竣工验收"})


def _assess(world, result: str):
    return services.assessment_record(actor=world.owner, system=world.system, data={
        "kind": "graded", "assessed_on": (local_today() - DAY).isoformat(), "assessor": "江苏省某测评中心",
        "result": result, "report_number": f"CP-{result}", "summary": ""})


def test_a_level_3_system_without_a_passed_graded_assessment_cannot_pass_acceptance(district):
    world = _ready(district)
    assert (world.baseline.protection_level, world.system.protection_level, world.system.project) == (
        3, 3, world.project)

    with pytest.raises(RuleViolation) as exc:
        _pass(world)
    assert (exc.value.rule, exc.value.article) == ("art30.assessment_before_acceptance", "第三十条")
    assert world.system.name in exc.value.message
    assert fresh(world.project).status == "acceptance_applied"
    refused = AuditEvent.objects.filter(event_type="rule.refused").order_by("-seq").first()
    assert refused.rule_results[0]["rule"] == "art30.assessment_before_acceptance"

    _assess(world, "fails")  # a failed assessment does not count
    with pytest.raises(RuleViolation) as exc:
        _pass(world)
    assert exc.value.rule == "art30.assessment_before_acceptance"

    _assess(world, "mostly")  # 基本符合 passes
    assert _pass(world).status == "accepted"


def test_a_project_of_level_3_with_no_system_registered_cannot_pass_either(district):
    from itgov.rules.registry import Case, evaluate, get_rule

    world = acceptance_maker(district)("trial_operation", catalogued=False)
    rule = get_rule("art30.assessment_before_acceptance")
    outcome = evaluate(rule, Case(subject=fresh(world.project), action="acceptance.pass", on=local_today()), {})
    assert (outcome.status, outcome.reason) == ("violated", "未通过等级保护测评:(尚未登记信息系统)")
    assert rule.citation == "第三十条"
