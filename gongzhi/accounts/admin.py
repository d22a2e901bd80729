from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import lockout, passwords, services, two_factor
from .admin_base import AuditedAdmin, ScopedAdmin
from .models import RoleAssignment, User


class AssignmentInline(admin.TabularInline):
    """Read-only history of the user's roles; grant and revoke on the role assignment page."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("role", "area", "department", "granted_by", "granted_at", "revoked_at")
    readonly_fields = fields

    def get_queryset(self, request):
        from . import scoping

        return scoping.restrict(super().get_queryset(request), request.user)

    def has_add_permission(self, request, obj=None):
        return False


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is a reset: its owner must change it at next sign-in."""

    def save(self, commit=True):
        passwords.reset(self.user, self.cleaned_data["password1"])
        return self.user


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "is_active", "must_change_password", "last_login")
    search_fields = ("username", "full_name")
    list_filter = ("is_active", "must_change_password")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "password_changed_at", "last_login",
                              "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)
    readonly_fields = ("password_changed_at", "last_login", "date_joined")
    change_password_form = ResetPasswordForm
    inlines = [AssignmentInline]
    actions = ["reset_authenticator", "unlock"]

    @admin.action(description=_("重置动态口令验证器（手机丢失或更换）"), permissions=["change"])
    def reset_authenticator(self, request, queryset):
        for user in queryset:
            two_factor.reset(actor=request.user, user=user)
        self.message_user(request, _("已重置 %(n)d 个账号的验证器，其下次登录时重新绑定") % {"n": queryset.count()})

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock(self, request, queryset):
        from gongzhi.audit import log

        for user in queryset:
            lockout.unlock(username=user.username)
            log.record("accounts.unlocked", actor=request.user, target=user)
        self.message_user(request, _("已解除 %(n)d 个账号的登录锁定") % {"n": queryset.count()})


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ("user", "role", "area", "department", "granted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "area__code", "area__name")
    raw_id_fields = ("user",)
    autocomplete_fields = ("area", "department")
    fields = ("user", "role", "area", "department")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # An assignment is never edited: revoke it and grant a new one, so history stays true.
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        # The form's clean already ran the same checks and showed their messages on the form.
        assignment = services.assign_role(
            actor=request.user, user=obj.user, role=obj.role, area=obj.area, department=obj.department
        )
        obj.pk = assignment.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class AssignmentForm(form):
            def clean(self):
                data = super().clean()
                if obj is None and data.get("user") and data.get("role"):
                    try:
                        services.check_assignment(
                            actor=request.user, user=data["user"], role=data["role"],
                            area=data.get("area"), department=data.get("department"),
                        )
                    except services.RoleError as exc:
                        self.add_error(exc.field, exc.messages)  # on the field it concerns
                return data

        return AssignmentForm

    @admin.action(description=_("撤销所选授权"))
    def revoke(self, request, queryset):
        done = 0
        for assignment in queryset.filter(revoked_at__isnull=True):
            try:
                services.revoke_role(actor=request.user, assignment=assignment)
                done += 1
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        self.message_user(request, _("已撤销%(n)s项授权") % {"n": done})
