from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = _("账号与角色")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import sessions

        user_logged_in.connect(lambda sender, request, user, **kw: sessions.started(request) if request else None,
                               dispatch_uid="gongzhi-session-started", weak=False)
