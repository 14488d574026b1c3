"""The rule engine: every rule of the measures, once, with its article and the parameters it reads.

A rule is a function of a `Case` (the object, the actor, the action, the input and the date) and the
parameters of the policy profile in force at that date. It answers an `Outcome`: met, violated, pending
(not yet decidable) or not applicable. `enforce` runs the rules bound to an action and raises
RuleViolation with the first violation (all of them listed); `compliance` evaluates the rules that
describe a project's standing for the compliance panel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _

from itgov.core.errors import RuleViolation

from .articles import cite

Status = Literal["met", "violated", "pending", "not_applicable"]
STATUS_LABELS = {"met": _("符合"), "violated": _("不符合"), "pending": _("待定"), "not_applicable": _("不适用")}


@dataclass
class Outcome:
    status: Status
    reason: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def met(cls, why: Any = "", /) -> Outcome:
        return cls("met", str(why))

    @classmethod
    def violated(cls, why: Any = "", /, **fields: Any) -> Outcome:
        return cls("violated", str(why), {k: str(v) for k, v in fields.items()})

    @classmethod
    def pending(cls, reason: Any = "") -> Outcome:
        return cls("pending", str(reason))

    @classmethod
    def not_applicable(cls, reason: Any = "") -> Outcome:
        return cls("not_applicable", str(reason))


@dataclass
class Case:
    """What a rule looks at. `subject` is the object (a project); `data` is the action's input."""

    subject: Any
    actor: Any = None
    action: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    on: dt.date | None = None
    at: dt.datetime | None = None  # the moment, where a rule needs more than the day (a deadline)


@dataclass(frozen=True)
class Rule:
    id: str
    article: int
    title: Any
    message: Any
    check: Callable[[Case, dict[str, Any]], Outcome]
    parameters: tuple[str, ...] = ()
    actions: frozenset[str] = frozenset()
    # "project": describes a project's standing (enforced on its actions, shown on the compliance panel);
    # "action": a condition of one action's input (a reason given), enforced, not a standing;
    # "power": who may act (art. 4, 7), enforced by the permission layer (403), listed for transparency;
    # "plan": describes an annual investment plan's standing (enforced on its actions, shown in its workspace);
    # "approval": describes a project's initiation application (enforced on its actions, shown on its page).
    scope: Literal["project", "action", "power", "plan", "approval"] = "project"

    @property
    def citation(self) -> str:
        return cite(self.article)


_REGISTRY: dict[str, Rule] = {}


def register(rule_id: str, *, article: int, title: Any, message: Any, parameters: tuple[str, ...] = (),
             actions: tuple[str, ...] = (), scope: Literal["project", "action", "power", "plan", "approval"] = "project"):
    """Decorator: `@register("art13.no_procurement_before_approval", article=13, ...)`."""

    def decorate(fn: Callable[[Case, dict[str, Any]], Outcome]) -> Callable:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        _REGISTRY[rule_id] = Rule(rule_id, article, title, message, fn, tuple(parameters), frozenset(actions),
                                  scope)
        return fn

    return decorate


def all_rules() -> list[Rule]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda r: (r.article, r.id))


def get_rule(rule_id: str) -> Rule:
    _load()
    return _REGISTRY[rule_id]


def rules_for(action: str) -> list[Rule]:
    """The project rules bound to `action`. Power rules are enforced by the permission layer (403)."""
    return [r for r in all_rules() if action in r.actions and r.scope != "power"]


def _load() -> None:
    from . import measures  # noqa: F401  (registers the rules on first import)


def evaluate(rule: Rule, case: Case, params: dict[str, Any]) -> Outcome:
    return rule.check(case, {name: params.get(name) for name in rule.parameters})


def result_dict(rule: Rule, outcome: Outcome) -> dict[str, Any]:
    return {"rule": rule.id, "article": rule.citation, "status": outcome.status, "reason": outcome.reason}


def refusal_message(rule: Rule, outcome: Outcome) -> str:
    """'<message>(第N条):<reason>' — the article always named, in the active language's punctuation."""
    from django.utils.translation import gettext

    if outcome.reason:
        return gettext("%(message)s(%(article)s):%(reason)s") % {
            "message": rule.message, "article": rule.citation, "reason": outcome.reason}
    return gettext("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation}


def enforce(action: str, case: Case, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the rules bound to `action`. Raises RuleViolation on the first violation (listing all of them);
    returns the results otherwise, for the audit event."""
    results, violations = [], []
    for rule in rules_for(action):
        outcome = evaluate(rule, case, params)
        results.append(result_dict(rule, outcome))
        if outcome.status == "violated":
            violations.append((rule, outcome))
    if violations:
        rule, outcome = violations[0]
        fields: dict[str, str] = {}
        for _rule, other in violations:  # every refusing rule's fields, the first rule's words winning
            fields = {**other.fields, **fields}
        raise RuleViolation(
            rule=rule.id,
            article=rule.citation,
            message=refusal_message(rule, outcome),
            fields=fields,
            violations=[{**result_dict(r, o), "message": str(r.message), "fields": {k: [v] for k, v in o.fields.items()}}
                        for r, o in violations],
        )
    return results


def enforce_rule(rule_id: str, case: Case, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """One rule, enforced: for a page that must refuse before anything is attempted (an edit form of what
    may no longer be edited), with the same message and article as the action would give."""
    rule = get_rule(rule_id)
    outcome = evaluate(rule, case, params or {})
    if outcome.status == "violated":
        raise RuleViolation(rule=rule.id, article=rule.citation, message=refusal_message(rule, outcome),
                            fields=outcome.fields,
                            violations=[{**result_dict(rule, outcome), "message": str(rule.message),
                                         "fields": {k: [v] for k, v in outcome.fields.items()}}])
    return result_dict(rule, outcome)


def compliance(case: Case, params: dict[str, Any], scope: str = "project") -> list[dict[str, Any]]:
    """Every rule of `scope` (a project's, or a plan's) with its status now, for the compliance panel and
    endpoint, or the plan workspace's validation messages."""
    rows = []
    for rule in all_rules():
        if rule.scope != scope:
            continue
        outcome = evaluate(rule, case, params)
        rows.append({**result_dict(rule, outcome), "title": str(rule.title), "message": str(rule.message),
                     "status_label": str(STATUS_LABELS[outcome.status]), "fields": outcome.fields})
    return rows
