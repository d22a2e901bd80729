"""Staff accounts and their role assignments: who may see which area (or department)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.scoped import ScopedModel, ScopeRule

from .roles import DEPARTMENT_ROLES, Role


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their active role assignments."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=True,
        help_text=_("新账号和被重置的密码在下次登录时必须先改为本人设定的密码"))
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = pgettext_lazy("plural", "账号")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def set_password(self, raw_password):
        # Dated for the expiry policy; who must change it next is the caller's decision
        # (passwords.changed_by_owner / passwords.reset).
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class RoleAssignment(ScopedModel):
    """A role held on an area (prefix scope) or, for handlers, on a department. Revoking keeps
    the row (revoked_at) so the history of who could see what stays answerable."""

    scope_rule = ScopeRule(
        area_fields=("area__code", "department__area__code"),
        roles=frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("账号")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "areas.Area", to_field="code", db_column="area_code", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"),
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("部门"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("授权人"),
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("撤销人"),
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = pgettext_lazy("plural", "角色授权")
        indexes = [models.Index(fields=["user", "revoked_at"], name="acc_assign_user_active")]
        constraints = [
            models.CheckConstraint(
                name="acc_assign_holder",
                condition=(
                    Q(role__in=list(DEPARTMENT_ROLES), department__isnull=False, area__isnull=True)
                    | (~Q(role__in=list(DEPARTMENT_ROLES)) & Q(area__isnull=False, department__isnull=True))
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.department if self.department_id else self.area
        return f"{self.get_role_display()} @ {where}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
