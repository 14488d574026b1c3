"""Pages of documents: Excel template and import of declarations (art. 8), plan Excel/PDF (art. 8–9).

The views only read the request and call `planning.excel` / `planning.documents`, which check the power, the
rules and audit the download or the import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from itgov.core.errors import Conflict, InvalidInput, RuleViolation
from itgov.core.money import format_wan
from itgov.planning import documents, excel, plan_selectors
from itgov.planning import selectors as planning_selectors

from .converters import route
from .errors import domain_errors

# A database id, as web.urls.IdConverter (registered after this module is imported, so a regex here).
IMPORT_ERRORS = (InvalidInput, RuleViolation, Conflict)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@domain_errors
def plan_export_xlsx(request, plan_id):
    plan = plan_selectors.access_plan_by_id(request.user, plan_id)
    content, filename = documents.plan_xlsx(user=request.user, plan=plan)
    return _download(content, filename, documents.XLSX_CONTENT_TYPE)


@require_safe
@domain_errors
def plan_export_pdf(request, plan_id):
    plan = plan_selectors.access_plan_by_id(request.user, plan_id)
    content, filename = documents.plan_pdf(user=request.user, plan=plan)
    return _download(content, filename, documents.PDF_CONTENT_TYPE)


@require_safe
@domain_errors
def declaration_template(request, round_id):
    rnd = planning_selectors.access_round_by_id(request.user, round_id)
    content, filename = excel.declaration_template_download(actor=request.user, rnd=rnd)
    return _download(content, filename, excel.XLSX_CONTENT_TYPE)


def _import_page(request, rnd, *, error=None, status=200):
    return render(request, "web/documents/import.html", {
        "round": rnd, "window": planning_selectors.round_status(rnd), "error": error,
        "row_errors": (error.fields.get("file", []) if error is not None else []),
        "max_rows": excel.MAX_ROWS, "columns": excel.COLUMNS,
    }, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def declaration_import(request, round_id):
    user = request.user
    rnd = planning_selectors.access_round_by_id(user, round_id)
    if request.method == "GET":
        excel.require_declarer(user)
        return _import_page(request, rnd)
    try:
        lines = excel.declaration_import(actor=user, rnd=rnd, file=request.FILES.get("file"))
    except IMPORT_ERRORS as exc:
        return _import_page(request, rnd, error=exc, status=exc.status)
    total = sum((line.requested_amount for line in lines), 0)
    messages.success(request, _("已导入%(n)d项申报,合计%(wan)s万元") % {"n": len(lines), "wan": format_wan(total)})
    return redirect(reverse("web:declaration_detail", args=[rnd.pk]) + "#lines")


# URL patterns of these pages (in the `web` namespace), the navigation section each belongs to, and the
# navigation entries they add (see context_processors.navigation).
urlpatterns: list = [
    route(r"plans/<plan>/export\.xlsx", plan_export_xlsx, "plan_export_xlsx"),
    route(r"plans/<plan>/export\.pdf", plan_export_pdf, "plan_export_pdf"),
    route(r"declarations/<round>/template\.xlsx", declaration_template, "declaration_template"),
    route(r"declarations/<round>/import/", declaration_import, "declaration_import"),
]
SECTIONS: dict[str, str] = {"plan_export_xlsx": "plans", "plan_export_pdf": "plans",
                            "declaration_template": "declarations", "declaration_import": "declarations"}


def nav_items(user) -> list[dict]:
    return []  # the documents are reached from the plan and declaration pages
