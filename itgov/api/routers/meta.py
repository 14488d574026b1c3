"""Who am I, the rules of the measures in force, reference lists."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from itgov.core.dates import local_today
from itgov.organizations.models import Jurisdiction, Unit
from itgov.planning.devplan_selectors import offered_tasks
from itgov.rules.profiles import profile_in_force
from itgov.rules.registry import all_rules

from ..schemas import ERRORS, UnitRef

router = Router(tags=["reference"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    unit: UnitRef | None
    roles: list[str]


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户")
def me(request):
    user = request.auth
    return {"id": user.pk, "username": user.username, "name": user.display_name,
            "unit": user.unit, "roles": sorted(user.roles)}


class RuleOut(Schema):
    id: str
    article: str
    article_number: int
    title: str
    message: str
    scope: str
    actions: list[str]
    parameters: dict[str, Any]


class RulesOut(Schema):
    jurisdiction: str
    profile: str | None
    effective_from: str | None
    items: list[RuleOut]


@router.get("/rules", response={200: RulesOut, **ERRORS}, summary="规则清单(含现行参数)")
def rules_list(request):
    """Every rule of the measures the system enforces, its article, and its parameters in force today."""
    from django.conf import settings

    jurisdiction = Jurisdiction.objects.filter(code=settings.ITGOV_JURISDICTION_CODE).first()
    profile = profile_in_force(jurisdiction, local_today()) if jurisdiction else None
    params = profile.parameters if profile else {}
    return {
        "jurisdiction": jurisdiction.name if jurisdiction else "",
        "profile": profile.name if profile else None,
        "effective_from": profile.effective_from.isoformat() if profile else None,
        "items": [
            {"id": r.id, "article": r.citation, "article_number": r.article, "title": str(r.title),
             "message": str(r.message), "scope": r.scope, "actions": sorted(r.actions),
             "parameters": {name: params.get(name) for name in r.parameters}}
            for r in all_rules()
        ],
    }


class UnitOut(UnitRef):
    short_name: str
    kind: str
    bureau_role: str


@router.get("/units", response={200: list[UnitOut], **ERRORS}, summary="单位清单")
def units(request):
    return list(Unit.objects.filter(is_active=True).order_by("kind", "code"))


class PlanTaskOut(Schema):
    id: int
    number: str
    title: str
    plan: str


@router.get("/plan-tasks", response={200: list[PlanTaskOut], **ERRORS}, summary="现行发展规划的任务(项目可关联的任务)")
def plan_tasks(request):
    """The tasks a proposal may serve: those of the development plan in force (art. 6)."""
    return [{"id": t.pk, "number": t.number, "title": t.title, "plan": t.plan.name} for t in offered_tasks()]
