from django.contrib.admin.apps import AdminConfig


class GongzhiAdminConfig(AdminConfig):
    """Django's admin, with a site that admits people by their role assignments, not is_staff."""

    default_site = "gongzhi.accounts.admin_site.GongzhiAdminSite"
