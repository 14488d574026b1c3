from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("rules/", views.rules_page, name="rules"),
    path("audit/", views.audit_events, name="audit_events"),
    path("healthz", views.healthz, name="healthz"),
]
