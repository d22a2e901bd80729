"""Only the register's configuration is in the admin (the tags people can carry): residents'
records themselves are kept in the workbench, which administrators do not see (三权分立)."""

from django.contrib import admin

from gongzhi.accounts.admin_base import AuditedAdmin

from .models import Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    # A tag flagged sensitive (a special group) hides the people carrying it from every grant
    # that does not name it: the flag's changes are audited like any other.
    list_display = ("code", "name", "sensitive")
    list_filter = ("sensitive",)
    search_fields = ("code", "name")
