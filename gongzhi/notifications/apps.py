from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gongzhi.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from gongzhi.common import periodic

        periodic.every_minute("gongzhi.notifications.outbox.deliver")  # retries: what failed is due again
