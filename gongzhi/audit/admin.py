from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for the audit administrator (the only role holding audit.view_auditentry)."""

    list_display = ("seq", "at", "actor_name", "action", "target_repr", "ip", "source")
    list_filter = ("action", "source")
    search_fields = ("actor_name", "action", "target_repr", "target_id", "ip")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_repr",
              "changes", "ip", "user_agent", "source", "prev_hash", "hash")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
