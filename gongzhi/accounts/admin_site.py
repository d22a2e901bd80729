from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import scoping
from .roles import ADMIN_SITE_ROLES


def may_enter_admin(user) -> bool:
    return bool(user.is_active and user.is_authenticated and scoping.roles(user) & ADMIN_SITE_ROLES)


class RoleAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not user.is_active or not may_enter_admin(user):
            raise ValidationError(_("该账号没有管理后台的角色。"), code="invalid_login")


class GongzhiAdminSite(admin.AdminSite):
    """The configuration back office: entered by holding an administrative role, not is_staff."""

    site_header = _("共治 · 管理后台")
    site_title = _("共治")
    index_title = _("配置管理")
    login_form = RoleAdminAuthenticationForm

    def has_permission(self, request):
        return may_enter_admin(request.user)
