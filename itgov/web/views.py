"""Pages (placeholder slice; the full pages come next)."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse


def login_view(request):
    return auth_views.LoginView.as_view(template_name="web/login.html")(request)


def logout_view(request):
    return auth_views.LogoutView.as_view()(request)


def home(request):
    return HttpResponse("itgov")


def project_list(request):
    return HttpResponse("projects")


def rules_page(request):
    return HttpResponse("rules")


def audit_events(request):
    return HttpResponse("audit")


def healthz(request):
    return JsonResponse({"status": "ok"})
