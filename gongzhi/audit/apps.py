from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "gongzhi.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from gongzhi.common import periodic

        from . import signals  # noqa: F401  (connects the login hooks)

        periodic.daily("gongzhi.audit.retention.prune_audit_log")
        periodic.daily("gongzhi.audit.integrity.verify_daily")
