from django.contrib import admin

from itgov.core.admin import AuditedAdmin
from itgov.core.dates import local_today

from .models import PolicyProfile


@admin.register(PolicyProfile)
class PolicyProfileAdmin(AuditedAdmin):
    """A new version is added; a version already in force is read-only (art. 31)."""

    list_display = ["name", "jurisdiction", "effective_from"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_force_on(local_today()):
            return ["jurisdiction", "name", "source", "effective_from", "parameters"]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.in_force_on(local_today())
