from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.common.admin_readonly import ReadOnlyAdminMixin

from . import exports
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for the audit administrator (the only role holding audit.view_auditentry)."""

    list_display = ("seq", "at", "actor_name", "action", "target_repr", "ip", "source")
    list_filter = ("action", "source")
    search_fields = ("actor_name", "action", "target_repr", "target_id", "ip")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_repr",
              "changes", "ip", "user_agent", "source", "prev_hash", "hash")
    readonly_fields = fields
    actions = ["export_csv"]

    @admin.action(description=_("导出所选审计记录（CSV）"), permissions=["view"])
    def export_csv(self, request, queryset):
        data, _count = exports.export(request.user, queryset)
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localtime():%Y%m%d-%H%M}.csv"'
        return response
