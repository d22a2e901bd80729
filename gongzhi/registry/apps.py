from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "gongzhi.registry"
    label = "registry"
    verbose_name = _("基础信息（五码关联）")

    def ready(self) -> None:
        from gongzhi.common import periodic

        from . import import_kinds
        from .deidentify import deidentify_people
        from .importers import REGISTER_KINDS
        from .imports import recover_stalled, remove_expired_downloads

        for kind in REGISTER_KINDS:
            import_kinds.register(kind)

        periodic.every_minute(recover_stalled)  # in the scheduler: it queues the stalled jobs itself
        periodic.daily(deidentify_people)
        periodic.daily(remove_expired_downloads)
