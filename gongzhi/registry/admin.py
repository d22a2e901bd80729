"""Only the register's configuration is in the admin (the tags people can carry): residents'
records themselves are kept in the workbench, which administrators do not see (三权分立)."""

from django.contrib import admin

from gongzhi.accounts.admin_base import AuditedAdmin

from .models import Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
