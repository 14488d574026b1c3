"""/api/v1: one NinjaAPI, session or bearer auth on every operation, one error format."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.parser import Parser

from . import errors
from .auth import AUTH, docs_login_required
from .routers import (
    acceptance,
    annual_plans,
    approvals,
    audit,
    catalogue,
    construction,
    construction_control,
    devplans,
    documents,
    meta,
    operation,
    oversight,
    planning,
    projects,
    security,
)


class ObjectParser(Parser):
    """A JSON body must be an object: an array, a string or a number is refused (400), never read as {}."""

    def parse_body(self, request):
        try:
            data = super().parse_body(request)
        except ValueError:
            request.itgov_body_error = "json_invalid"
            raise
        if not isinstance(data, dict):
            request.itgov_body_error = "dict_type"
            raise ValueError("the body must be a JSON object")
        return data


api = NinjaAPI(
    parser=ObjectParser(),
    title="itgov API",
    version="1",
    description=str(_("政务信息化项目全生命周期管理接口。认证:浏览器会话(含CSRF)或 Bearer 令牌(manage.py issue_token)。")),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_login_required,
)
errors.install(api)
api.add_router("", meta.router)
api.add_router("", projects.router)
api.add_router("", audit.router)
api.add_router("", planning.router)
api.add_router("", devplans.router)
api.add_router("", annual_plans.router)
api.add_router("", documents.router)
api.add_router("", approvals.router)
api.add_router("", construction.router)
api.add_router("", construction_control.router)
api.add_router("", acceptance.router)
api.add_router("", operation.router)
api.add_router("", oversight.router)
api.add_router("", catalogue.router)
api.add_router("", security.router)
