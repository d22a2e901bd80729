from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.common.admin_readonly import ReadOnlyAdminMixin

from . import checkpoints, exports
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

    def get_urls(self):
        checkpoint = path("checkpoint/", self.admin_site.admin_view(self.checkpoint_view),
                          name="audit_auditentry_checkpoint")
        return [checkpoint, *super().get_urls()]

    def checkpoint_view(self, request):
        """GET: what a checkpoint is; POST: a new signed checkpoint to download (audited)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            checkpoint = checkpoints.export(actor=request.user)
            response = HttpResponse(checkpoints.dumps(checkpoint), content_type="application/json")
            response["Content-Disposition"] = (
                f'attachment; filename="audit-checkpoint-{checkpoint["count"]}-{timezone.localtime():%Y%m%d-%H%M}.json"')
            response["Cache-Control"] = "no-store"
            return response
        context = {**self.admin_site.each_context(request), "title": _("导出审计检查点"), "opts": self.model._meta}
        return TemplateResponse(request, "admin/audit/auditentry/checkpoint.html", context)
