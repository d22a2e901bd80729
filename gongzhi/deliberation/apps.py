from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "gongzhi.deliberation"
    label = "deliberation"
    verbose_name = _("协商议事")

    def ready(self):
        from gongzhi.cases import page_parts

        from . import case_page

        page_parts.add(case_page.part)  # a case's topic, or the form making one
