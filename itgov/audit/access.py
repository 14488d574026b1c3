"""Only the audit bureau searches and exports the trail (art. 4, 25)."""

from itgov.core.workflow import permission_denied
from itgov.rules.registry import Case, evaluate, get_rule


def can_search_audit(user) -> bool:
    rule = get_rule("art4.audit_oversight")
    return evaluate(rule, Case(subject=None, actor=user), {}).status == "met"


def require_audit(user, action: str) -> None:
    if not can_search_audit(user):
        raise permission_denied(actor=user, obj=None, action=action, power_rule="art4.audit_oversight")
