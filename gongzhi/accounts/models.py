"""Staff accounts and their role assignments: who may see which area (or department)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.scoped import ScopedModel, ScopeRule

from .roles import DEPARTMENT_ROLES, ORGANIZATION_ROLES, Role


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their active role assignments."""

    scope_exempt = "accounts: kept by administrators; what a user sees is their grants"

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=True,
        help_text=_("新账号和被重置的密码在下次登录时必须先改为本人设定的密码"))
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    # Whoever created an account chose its first password: they never grant it a role
    # (accounts/services.py), or one administrator could make an account and use it.
    created_by = models.ForeignKey("self", verbose_name=_("创建人"), null=True, blank=True, editable=False,
                                   on_delete=models.PROTECT, related_name="+")

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
    """A role held on an area (prefix scope), for handlers on a department, or for an
    organisation's staff on that organisation: the grant's holder, exactly one of the three, by
    role. `categories` names the sensitive categories (a person's special-group tags) the
    grant also sees; rows in a sensitive category it does not name stay out of its scope.
    Revoking keeps the row (revoked_at) so the history of who could see what stays answerable."""

    scope_rule = ScopeRule(
        area_fields=("area__code", "department__area__code", "organization__area__code"),
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
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("组织"),
    )
    # Sorted category keys; read with the grant in the one query that builds a user's scope.
    categories = models.JSONField(_("敏感类别"), default=list, blank=True)
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
                    Q(role__in=sorted(DEPARTMENT_ROLES), department__isnull=False, area__isnull=True,
                      organization__isnull=True)
                    | Q(role__in=sorted(ORGANIZATION_ROLES), organization__isnull=False, area__isnull=True,
                        department__isnull=True)
                    | (~Q(role__in=sorted(DEPARTMENT_ROLES | ORGANIZATION_ROLES))
                       & Q(area__isnull=False, department__isnull=True, organization__isnull=True))
                ),
                violation_error_message=_("部门办理人员的授权范围须是一个部门，组织工作人员的授权范围须是一个组织，"
                                          "其他角色的授权范围须是一个区域"),
            ),
        ]

    def __str__(self) -> str:
        where = self.department if self.department_id else self.organization if self.organization_id else self.area
        kinds = f" [{'、'.join(self.categories)}]" if self.categories else ""
        return f"{self.get_role_display()} @ {where}{kinds}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class CredentialReset(models.Model):
    """A reset of another person's password or authenticator. One administrator asks, a second
    (neither the asker nor the account's owner) approves before it takes effect, within
    GONGZHI_CREDENTIAL_RESET_HOURS, so no single administrator can take over an account
    (accounts/resets.py). The new password is kept only as its hash."""

    scope_exempt = "administrators' two-person requests, over every account"

    class Kind(models.TextChoices):
        PASSWORD = "password", _("密码")  # nosec B105  # a choice's name, not a password
        SECOND_FACTOR = "second_factor", _("动态口令验证器")

    class State(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPLIED = "applied", _("已批准并生效")
        REFUSED = "refused", _("已拒绝")

    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("账号"))
    kind = models.CharField(_("重置内容"), max_length=20, choices=Kind.choices)
    password = models.CharField(_("新密码（散列）"), max_length=128, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("凭据重置申请")
        verbose_name_plural = pgettext_lazy("plural", "凭据重置申请")
        indexes = [models.Index(fields=["target", "state"], name="acc_reset_target_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target}"

    @property
    def expired(self) -> bool:
        return self.state == self.State.PENDING and timezone.now() >= self.expires_at


class PasswordHistory(models.Model):
    """The hashes of an account's last passwords (accounts/passwords.py keeps `HISTORY` of
    them), so a new password cannot be one of them."""

    scope_exempt = "an account's own past passwords, read only by the password policy"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-set_at"], name="acc_pwhistory_user")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.set_at:%Y-%m-%d %H:%M}"
