"""One place that turns a DomainError into a page: the same status codes as the API (400/403/404/409/422).

Views stay thin: they call a service or selector and let its DomainError propagate; `domain_errors`
renders it. Form views catch the errors they can show next to the form themselves (invalid input, a rule
refusal, a conflict) and re-render the form with `exc.status`.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from itgov.core.errors import DomainError, Forbidden, NotFound

# Names a service may put in `fields` that are not fields of the form on the page.
OTHER_FIELD_LABELS = {"owner_unit": _("建设单位"), "action": _("操作"), "reason": _("理由"),
                      "no_task_reason": _("未关联规划任务的入库理由"), "version": _("版本")}


def error_response(request, exc: DomainError):
    """The page for `exc`, with its HTTP status. NotFound becomes Django's 404 (404.html)."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    template = "403.html" if isinstance(exc, Forbidden) else "web/error.html"
    context = {"error": exc, "status": exc.status, "article": getattr(exc, "article", "")}
    return render(request, template, context, status=exc.status)


def domain_errors(view):
    """Decorator for every page view: a DomainError that escapes the view is rendered with its status."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return error_response(request, exc)

    return wrapper


def merge_errors(form, exc: DomainError) -> None:
    """Show a service's field errors (`exc.fields`) on the form: on the field when the form has it, else at
    the top. Errors the form already found itself are not repeated."""
    errors = form.errors  # runs the form's own validation once
    for name, messages in exc.fields.items():
        for message in messages:
            if name in form.fields:
                if message not in errors.get(name, []):
                    form.add_error(name, message)
            else:
                label = OTHER_FIELD_LABELS.get(name)
                form.add_error(None, f"{label}:{message}" if label else message)
