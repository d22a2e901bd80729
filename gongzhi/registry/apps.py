from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "gongzhi.registry"
    label = "registry"
    verbose_name = _("基础信息（五码关联）")

    def ready(self) -> None:
        from gongzhi.common import periodic

        from . import import_kinds
        from .sheets import REGISTER_KINDS

        for kind in REGISTER_KINDS:
            import_kinds.register(kind)
        # A function, run in the scheduler's process: it queues the stalled imports itself.
        periodic.every_minute("gongzhi.registry.imports.recover_stalled")
        periodic.daily("gongzhi.registry.deidentify.deidentify_people")
        periodic.daily("gongzhi.registry.imports.remove_expired_downloads")
