"""/api/v1: one NinjaAPI, session or bearer auth on every operation, one error format."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from . import errors
from .auth import AUTH, docs_login_required
from .routers import audit, meta, projects

api = NinjaAPI(
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
