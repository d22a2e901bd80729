from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """名录: the admin pages and JSON API of places (areas) and organisations (orgs). They take
    their querysets from accounts' scoping module, which areas and orgs sit below (role
    assignments hang on places and departments), so they live here, above accounts."""

    name = "gongzhi.directory"
    label = "directory"
    verbose_name = _("名录")
