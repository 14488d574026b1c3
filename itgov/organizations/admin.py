from django.contrib import admin

from itgov.core.admin import AuditedAdmin

from .models import Expert, Jurisdiction, Unit


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "bureau_role", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is part of every descendant's path: fixed once created.
        return ["path", "code"] if obj is not None else ["path"]

    def save_model(self, request, obj, form, change):
        obj.path = obj.compute_path()
        super().save_model(request, obj, form, change)


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ["name", "specialty", "employer", "title", "is_active"]
    search_fields = ["name", "specialty", "employer"]
