from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = _("事件与诉求")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from gongzhi.common import periodic
        from gongzhi.registry import copy_sections, import_kinds

        from . import categories, links, open311, photos, routing_import
        from .models import Category, Open311Key

        periodic.every_minute("gongzhi.cases.sweeps.sweep_deadlines")
        periodic.daily("gongzhi.cases.retention.clear_case_contacts")
        import_kinds.register(routing_import.KIND)

        photos.pillow_bound()
        copy_sections.add(links.copy_section)  # a person's copy lists their cases
        for signal in (post_save, post_delete):
            signal.connect(categories.forget, sender=Category, dispatch_uid=f"forget-categories-{signal}")
            signal.connect(open311.forget_keys, sender=Open311Key, dispatch_uid=f"forget-open311-keys-{signal}")
