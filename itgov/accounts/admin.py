from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.core.admin import AuditedAdmin

from .models import ApiToken, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["unit"]

    def has_view_permission(self, request, obj=None):
        return True

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: True)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "unit", "is_active", "last_login"]
    list_filter = ["is_active", "unit__kind", "role_grants__role"]
    search_fields = ["username", "full_name", "unit__name"]
    list_select_related = ["unit"]
    inlines = [RoleGrantInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "unit", "phone", "email"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "full_name", "unit", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["unlock"]

    @admin.action(description=_("解除登录锁定"))
    def unlock(self, request, queryset):
        """Clear django-axes' failed attempts for the selected accounts (after five failures they are locked)."""
        from axes.utils import reset

        for user in queryset:
            cleared = reset(username=user.username)
            audit_record(event_type=events.ADMIN_OBJECT_CHANGED, actor=request.user, obj=user,
                         after={"unlocked": True, "attempts_cleared": cleared}, reason="unlock")
        self.message_user(request, _("已解除所选账号的登录锁定"))


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "user", "name", "created_at", "last_used_at"]
    fields = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued with `manage.py issue_token`, shown once
