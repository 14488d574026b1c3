"""One mapping from errors to responses: {"error": {"code", "message", "fields", …}}. Never a 500 for input."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from itgov.core.errors import DomainError

PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_type": "须为文本",
    "string_too_long": "过长,最多{max_length}个字符",
    "string_too_short": "过短,至少{min_length}个字符",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "enum": "须为以下之一:{expected}",
    "literal_error": "须为以下之一:{expected}",
    "greater_than": "须大于{gt}",
    "greater_than_equal": "须大于或等于{ge}",
    "less_than_equal": "须小于或等于{le}",
    "date_parsing": "日期格式须为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式须为 YYYY-MM-DD",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "须为对象",
    "dict_type": "须为对象",
    "list_type": "须为列表",
    "extra_forbidden": "不允许的字段",
}


# Where pydantic's location names the view's own argument (the body or a query schema), not the client's field.
ARGUMENT_NAMES = {"body", "payload", "query", "path", "data", "filters", "page"}


def _field_name(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ARGUMENT_NAMES and not isinstance(p, int)]
    return ".".join(parts) or "body"


def _chinese_ctx(ctx: dict[str, Any]) -> dict[str, Any]:
    """pydantic says "'a', 'b' or 'c'"; the user reads 'a'、'b'、'c'."""
    out = dict(ctx)
    if isinstance(out.get("expected"), str):
        out["expected"] = out["expected"].replace(" or ", "、").replace(", ", "、")
    return out


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        template = PYDANTIC_MESSAGES.get(err.get("type", ""), "格式不正确")
        try:
            message = template.format(**_chinese_ctx(err.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            message = template
        fields.setdefault(_field_name(err.get("loc", ())), []).append(message)
    return fields


def error_body(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def install(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return api.create_response(
            request, error_body("invalid", _("输入有误,请检查标注的字段"), fields=validation_fields(exc.errors)),
            status=400)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body("unauthenticated", _("请先登录或提供有效的令牌")), status=401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("对象不存在或无权查看")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            kind = getattr(request, "itgov_body_error", "json_invalid")
            return api.create_response(request, error_body(
                "invalid", _("输入有误,请检查标注的字段"), fields={"body": [PYDANTIC_MESSAGES[kind]]}), status=400)
        if exc.status_code == 403 and "CSRF" in str(exc):
            return api.create_response(request, error_body("forbidden", _("安全校验失败,请刷新页面后重试")),
                                       status=403)
        code = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict"}.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)
