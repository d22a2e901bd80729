from django.contrib import admin

from gongzhi.accounts.admin_base import AuditedAdmin

from . import workdays
from .models import CalendarDay, Category


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("code", "__str__", "default_level", "accept_within", "accept_unit", "dispatch_within",
                    "dispatch_unit", "handle_within", "handle_unit", "is_active")
    list_filter = ("parent", "default_level", "is_active")
    search_fields = ("code", "name")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "is_workday", "note")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.overrides_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workdays.overrides_changed()
