from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "itgov.audit"
    label = "audit"
