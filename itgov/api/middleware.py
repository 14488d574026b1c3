"""A method a path does not serve is answered in the API's one error format, keeping the Allow header."""

import json

from django.utils.translation import gettext as _


class ApiMethodNotAllowedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            response.content = json.dumps({"error": {"code": "method_not_allowed", "message": _("不支持该请求方法")}},
                                          ensure_ascii=False).encode()
            response["Content-Type"] = "application/json; charset=utf-8"
        return response
