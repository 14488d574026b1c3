"""The system administrator's console (Django admin at /sysadmin/): users, grants, units and settings,
never business data. Every change it makes is written to the audit trail in the admin's transaction."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict

from itgov.audit import events
from itgov.audit.services import audit_record


def is_sysadmin(user) -> bool:
    from itgov.accounts.choices import Role

    return bool(user.is_active and user.is_authenticated and user.has_role(Role.SYSADMIN))


def _site_has_permission(request) -> bool:
    return is_sysadmin(request.user)


admin.site.has_permission = _site_has_permission
def _login(request, extra_context=None):
    """One sign-in page for everyone; a signed-in user without the role is refused, not asked again."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or "/sysadmin/")


admin.site.login = _login
admin.site.site_url = "/"


def snapshot(obj) -> dict:
    data = model_to_dict(obj)
    for secret in ("password", "key_hash"):
        if secret in data:
            data[secret] = "***"
    return data


class AuditedAdmin(admin.ModelAdmin):
    """Sysadmin-only, and every add, change and delete is audited with the object's fields."""

    def has_module_permission(self, request):
        return is_sysadmin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def has_add_permission(self, request):
        return is_sysadmin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def log_addition(self, request, obj, message):
        audit_record(event_type=events.ADMIN_OBJECT_CREATED, actor=request.user, obj=obj, after=snapshot(obj))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(event_type=events.ADMIN_OBJECT_CHANGED, actor=request.user, obj=obj, after=snapshot(obj),
                     reason=str(message)[:500])
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(event_type=events.ADMIN_OBJECT_DELETED, actor=request.user, obj=obj, before=snapshot(obj))
        return super().log_deletions(request, queryset)
