from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import passwords, scoping
from .roles import ADMIN_SITE_ROLES


def may_enter_admin(user) -> bool:
    return bool(user.is_active and user.is_authenticated and scoping.roles(user) & ADMIN_SITE_ROLES)


class RoleAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not user.is_active or not may_enter_admin(user):
            raise ValidationError(_("该账号没有管理后台的角色。"), code="invalid_login")


class OwnPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change my password": the same policy, history and audit as the sign-in's."""

    def save(self, commit=True):
        passwords.changed_by_owner(self.user, self.cleaned_data["new_password1"])
        return self.user


class GongzhiAdminSite(admin.AdminSite):
    """The configuration back office: entered by holding an administrative role, not is_staff."""

    site_header = _("共治 · 管理后台")
    site_title = _("共治")
    index_title = _("配置管理")
    login_form = RoleAdminAuthenticationForm

    def has_permission(self, request):
        # The second factor is checked here too, not only by the sign-in policy's middleware.
        return may_enter_admin(request.user) and getattr(request.user, "is_verified", lambda: False)()

    def password_change(self, request, extra_context=None):
        from django.contrib.auth.views import PasswordChangeView
        from django.urls import reverse

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=OwnPasswordChangeForm, success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})})(request)
