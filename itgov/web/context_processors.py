"""The navigation, built from the user's powers: every page is reachable from here."""

import rules as perms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Which navigation entry a page belongs to, by URL name.
SECTIONS = {
    "home": "home",
    "project_list": "projects", "project_create": "projects", "project_detail": "projects",
    "project_edit": "projects", "project_action": "projects",
    "declaration_list": "declarations", "declaration_round_open": "declarations",
    "declaration_detail": "declarations", "declaration_line_declare": "declarations",
    "declaration_exception_grant": "declarations", "declaration_line_withdraw": "declarations",
    "rules": "rules",
    "audit_events": "audit", "audit_export": "audit",
}


# The navigation in the order of a project's life: plan, propose, reserve, declare, fund, approve; then reference.
ORDER = ["home", "devplans", "projects", "reserve", "declarations", "plans", "approvals", "expert_reviews",
         "suspensions", "construction", "acceptance", "operation", "oversight", "catalogue", "sharing", "security", "rules", "audit", "sysadmin", "api"]


def _modules():
    from . import (
        views_acceptance,
        views_application,
        views_approvals,
        views_catalogue,
        views_construction,
        views_control,
        views_devplans,
        views_documents,
        views_operation,
        views_oversight,
        views_plans,
        views_security,
    )

    return (views_devplans, views_plans, views_documents, views_application, views_approvals, views_construction,
            views_control, views_acceptance, views_operation, views_oversight, views_catalogue,
            views_security)


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "web":
        return ""
    sections = dict(SECTIONS)
    for module in _modules():
        sections.update(module.SECTIONS)
    return sections.get(match.url_name, "")


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from itgov.accounts.choices import Role
    from itgov.audit.access import can_search_audit
    from itgov.projects.policies import can_list_projects

    items = [{"url": reverse("web:home"), "label": _("工作台"), "icon": "house", "key": "home"}]
    if can_list_projects(user):
        items.append({"url": reverse("web:project_list"), "label": _("项目"), "icon": "kanban", "key": "projects"})
    if perms.has_perm("planning.view_rounds", user):
        items.append({"url": reverse("web:declaration_list"), "label": _("年度申报"), "icon": "calendar-check",
                      "key": "declarations"})
    for module in _modules():  # the development plan, the annual plan, documents
        items += module.nav_items(user)
    items.append({"url": reverse("web:rules"), "label": _("规则与参数"), "icon": "journal-check", "key": "rules"})
    if can_search_audit(user):
        items.append({"url": reverse("web:audit_events"), "label": _("审计记录"), "icon": "shield-check",
                      "key": "audit"})
    if user.has_role(Role.SYSADMIN):
        items.append({"url": reverse("admin:index"), "label": _("系统管理"), "icon": "gear", "key": "sysadmin"})
    items.append({"url": reverse("api:openapi-view"), "label": _("接口文档"), "icon": "braces", "key": "api"})
    items.sort(key=lambda item: ORDER.index(item["key"]) if item["key"] in ORDER else len(ORDER))
    section = _section(request)
    for item in items:
        item["active"] = item["key"] == section
    return {"nav_items": items}
