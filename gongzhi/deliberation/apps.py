from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "gongzhi.deliberation"
    label = "deliberation"
    verbose_name = _("协商议事")

    def ready(self):
        from gongzhi.cases import views as case_views

        from . import views

        case_views.add_case_page_part(views.case_part)  # a case's topic, or the form making one
