"""API-wide request hygiene, answered in the API's one error format:

- a method a path does not serve is 405 JSON, keeping the Allow header;
- a NUL character (\\u0000) in any query parameter or JSON string is 400 naming the field: PostgreSQL cannot
  store it in text, and no field of the measures needs it (Django's forms refuse it on the pages too)."""

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _


def _nul_path(value, path: str = "") -> str | None:
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return path or "body"
        found = _nul_path(item, f"{path}.{key}" if path and isinstance(key, str) else (key if isinstance(key, str)
                                                                                          else path))
        if found:
            return found
    return None


def _invalid(field: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "invalid", "message": _("输入有误,请检查标注的字段"),
                                   "fields": {field: [_("不能包含空字符")]}}}, status=400,
                        json_dumps_params={"ensure_ascii": False})


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return _invalid(key.replace("\x00", ""))
        if request.body and (b"\\u0000" in request.body.lower() or b"\x00" in request.body):
            try:
                field = _nul_path(json.loads(request.body))
            except ValueError:
                field = None
            if field:
                return _invalid(field)
        response = self.get_response(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            response.content = json.dumps({"error": {"code": "method_not_allowed", "message": _("不支持该请求方法")}},
                                          ensure_ascii=False).encode()
            response["Content-Type"] = "application/json; charset=utf-8"
        return response
