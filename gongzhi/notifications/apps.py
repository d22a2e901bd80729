from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gongzhi.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from gongzhi.common import periodic

        from .outbox import deliver

        periodic.every_minute(deliver)  # retries: what failed earlier is due again
