from django.contrib import admin

from gongzhi.accounts.admin_base import AuditedAdmin

from . import workdays
from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Every change tells all processes to re-read the entered days (bulk deletes go through
    delete_model one row at a time, see AuditedAdmin.delete_queryset)."""

    list_display = ("date", "is_workday", "note")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.overrides_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workdays.overrides_changed()
