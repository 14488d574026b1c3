"""The DomainError family: what a service can refuse, and how the API and pages show it.

Each error knows its HTTP status and its JSON body, so the API layer maps them in one place:
400 invalid input, 403 a role without the power, 404 missing or not visible, 409 a state conflict or a
lost race, 422 a rule of the measures refused the action (with rule id and article).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "error"
    default_message = _("操作失败")

    def __init__(self, message: str | None = None, *, fields: dict[str, Any] | None = None):
        self.message = str(message if message is not None else self.default_message)
        self.fields = {k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in (fields or {}).items()}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class InvalidInput(DomainError):
    status = 400
    code = "invalid"
    default_message = _("输入有误,请检查标注的字段")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("对象不存在或无权查看")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("当前角色无权执行此操作")

    def __init__(self, message: str | None = None, *, article: str = "", fields: dict | None = None):
        super().__init__(message, fields=fields)
        self.article = article

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        if self.article:
            body["error"]["article"] = self.article
        return body


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("对象已被他人修改或当前状态不允许此操作,请刷新后重试")


class RuleViolation(DomainError):
    """A rule of the measures refused the action. Carries the rule id, the article and the message."""

    status = 422
    code = "rule_violation"

    def __init__(self, *, rule: str, article: str, message: str, fields: dict | None = None,
                 violations: list[dict] | None = None):
        super().__init__(message, fields=fields)
        self.rule = rule
        self.article = article
        self.violations = violations or []

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "article": self.article,
            "message": self.message,
            "fields": self.fields,
        }
        if len(self.violations) > 1:
            body["violations"] = self.violations
        return {"error": body}
