from django.urls import path

from . import (  # noqa: F401  (converters first)
    converters,
    views,
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

app_name = "web"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<id:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<id:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<id:project_id>/actions/<slug:name>/", views.project_action, name="project_action"),
    path("declarations/", views.declaration_list, name="declaration_list"),
    path("declarations/new/", views.declaration_round_open, name="declaration_round_open"),
    path("declarations/<id:round_id>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<id:round_id>/lines/new/", views.declaration_line_declare, name="declaration_line_declare"),
    path("declarations/<id:round_id>/exceptions/new/", views.declaration_exception_grant,
         name="declaration_exception_grant"),
    path("declaration-lines/<id:line_id>/withdraw/", views.declaration_line_withdraw,
         name="declaration_line_withdraw"),
    path("rules/", views.rules_page, name="rules"),
    path("audit/", views.audit_events, name="audit_events"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("healthz", views.healthz, name="healthz"),
]
urlpatterns += (views_devplans.urlpatterns + views_plans.urlpatterns + views_documents.urlpatterns
                + views_application.urlpatterns + views_approvals.urlpatterns + views_construction.urlpatterns
                + views_control.urlpatterns + views_acceptance.urlpatterns + views_operation.urlpatterns
                + views_oversight.urlpatterns + views_catalogue.urlpatterns
                + views_security.urlpatterns)
