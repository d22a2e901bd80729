from django.contrib import admin

from gongzhi.accounts.admin_base import ScopedAdmin
from gongzhi.orgs.models import DEFAULT_DUTIES, Department, Organization


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ("name", "kind", "area", "leader_name", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "area__name", "area__code")
    autocomplete_fields = ("area", "parent")
    fields = ("kind", "name", "area", "parent", "leader_name", "uscc", "established_on", "duties", "is_active")

    def save_model(self, request, obj, form, change):
        if not obj.duties:
            obj.duties = str(DEFAULT_DUTIES.get(obj.kind, ""))
        super().save_model(request, obj, form, change)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name", "kind", "area", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "area__name", "area__code")
    autocomplete_fields = ("area",)
