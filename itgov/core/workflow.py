"""The one transition engine. Every status change of every workflow object goes through `transition()`.

In order, so no caller can skip a guard:
1. permission (the role's power over this object) — a denial is audited and answered 403;
2. inside one transaction: lock and re-read the row; the state must be one the transition starts from
   and the caller's version (if given) must be current — otherwise 409;
3. the rules of the measures bound to the action, with the policy profile in force today — a violation
   is answered 422 with rule and article, and the attempt is audited;
4. compare-and-swap on (pk, version, status): zero rows means another actor won — 409;
5. the audit event, in the same transaction.
A model using it has `status` and `version` fields and an `owner_unit` or a `jurisdiction` (whose policy
profile applies).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rules as perms
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, RuleViolation


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    permission: str
    event_type: str
    power_rule: str = ""  # the rule (article) that gives the power, cited in a 403
    # Extra fields to set with the status, computed from the locked object and the input.
    effects: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None
    button_class: str = "primary"
    needs_reason: bool = False
    extra_fields: tuple[str, ...] = field(default=())
    subject: str = "project"  # the kind of object, for the action name the rules are bound to
    # Further writes the transition entails, in its transaction, after the status change and its event:
    # follow_up(fresh_object, actor, data).
    follow_up: Callable[[Any, Any, dict[str, Any]], None] | None = None
    # What the rules need beside the object, read after the lock (so no edit slips in between):
    # case_data(locked_object) -> extra keys for the case's data.
    case_data: Callable[[Any], dict[str, Any]] | None = None

    @property
    def action(self) -> str:
        return f"{self.subject}.{self.name}"


def permission_denied(*, actor, obj, action: str, power_rule: str = "") -> Forbidden:
    """Audit the denial (in its own transaction) and return the error to raise."""
    from itgov.rules.registry import get_rule

    rule = get_rule(power_rule) if power_rule else None
    audit_record_now(event_type=events.ACCESS_DENIED, actor=actor, obj=obj, reason=action,
                     rule_results=[{"rule": rule.id, "article": rule.citation}] if rule else None)
    if rule is not None:
        return Forbidden(_("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation},
                         article=rule.citation)
    return Forbidden()


def jurisdiction_of(obj):
    """The jurisdiction whose policy profile judges `obj`: its owner unit's, or its own (a plan), or its plan's."""
    owner_unit = getattr(obj, "owner_unit", None)
    return owner_unit.jurisdiction if owner_unit is not None else obj.jurisdiction


def _related(model) -> tuple[str, ...]:
    names = {f.name for f in model._meta.get_fields()}
    for name, path in (("owner_unit", "owner_unit__jurisdiction"), ("jurisdiction", "jurisdiction"),
                       ("plan", "plan__jurisdiction")):
        if name in names:
            return (path,)
    return ()


def snapshot(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def transition(obj: models.Model, t: Transition, *, actor, data: dict[str, Any] | None = None,
               expected_version: int | None = None, params_for: Callable[[Any], dict] | None = None):
    """Run transition `t` on `obj` for `actor`. Returns the updated object (a fresh instance)."""
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, enforce

    data = data or {}
    model = type(obj)
    if not perms.has_perm(t.permission, actor, obj):
        raise permission_denied(actor=actor, obj=obj, action=t.action, power_rule=t.power_rule)
    try:
        with transaction.atomic():
            locked = model.objects.select_for_update(of=("self",)).select_related(*_related(model)).get(pk=obj.pk)
            if expected_version is not None and locked.version != expected_version:
                raise Conflict(_("对象已被他人修改(当前版本%(v)d),请刷新后重试") % {"v": locked.version})
            if locked.status not in t.sources:
                raise Conflict(_("当前状态“%(s)s”不能执行“%(t)s”") % {"s": locked.get_status_display(), "t": t.label})
            today = local_today()
            params = (params_for or (lambda o: parameters_in_force(jurisdiction_of(o), today)))(locked)
            if t.case_data is not None:
                data = {**data, **t.case_data(locked)}
            results = enforce(t.action, Case(subject=locked, actor=actor, action=t.action, data=data, on=today),
                              params)
            changes = t.effects(locked, data) if t.effects else {}
            before = snapshot(locked, ("status", "version", *changes.keys()))
            updated = model.objects.filter(pk=locked.pk, version=locked.version, status=locked.status).update(
                status=t.target, version=F("version") + 1, updated_at=timezone.now(), **changes)
            if updated != 1:
                raise Conflict()
            fresh = model.objects.get(pk=locked.pk)
            audit_record(event_type=t.event_type, actor=actor, obj=fresh, before=before,
                         after=snapshot(fresh, ("status", "version", *changes.keys())),
                         reason=str(data.get("reason") or ""), rule_results=results)
            if t.follow_up is not None:
                t.follow_up(fresh, actor, data)
                fresh.refresh_from_db()
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=obj, reason=t.action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise
    return fresh


def guarded_write(action: str, obj: models.Model, *, actor, write: Callable[[Any, list], Any],
                  data: dict[str, Any] | None = None, states: frozenset[str] | None = None,
                  state_message: Any = None, params_for: Callable[[Any], dict] | None = None):
    """A write that is not a status change, on an object with `status` (a project): lock its row, check it is in
    one of `states` (409), judge `action`'s rules with the profile in force (422, the refusal audited), then
    `write(locked, rule_results)` in the same transaction (the caller audits what it wrote). Two concurrent
    writes are judged one after the other: the second sees the first."""
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, enforce

    model = type(obj)
    try:
        with transaction.atomic():
            locked = model.objects.select_for_update(of=("self",)).select_related(*_related(model)).get(pk=obj.pk)
            model.objects.filter(pk=locked.pk).update(updated_at=timezone.now())  # SQLite: the write lock now
            if states is not None and locked.status not in states:
                raise Conflict(state_message or _("当前状态“%(s)s”不能执行此操作") % {"s": locked.get_status_display()})
            today = local_today()
            params = (params_for or (lambda o: parameters_in_force(jurisdiction_of(o), today)))(locked)
            results = enforce(action, Case(subject=locked, actor=actor, action=action, data=data or {}, on=today,
                                           at=timezone.now()), params)
            return write(locked, results)
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=obj, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise
