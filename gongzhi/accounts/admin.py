from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import lockout, resets, scoping, services
from .admin_base import AuditedAdmin, ScopedAdmin
from .models import CredentialReset, RoleAssignment, User


class AssignmentInline(admin.TabularInline):
    """Read-only history of the user's roles; grant and revoke on the role assignment page."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("role", "area", "department", "organization", "categories", "granted_by", "granted_at", "revoked_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return scoping.restrict(super().get_queryset(request), request.user)

    def has_add_permission(self, request, obj=None):
        return False


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
    inlines = [AssignmentInline]
    actions = ["reset_authenticator", "unlock"]

    def save_model(self, request, obj, form, change):
        if not change:  # whoever creates it never grants it a role (services.check_assignment)
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        """No longer sets a password: for another person's account it files a reset request that
        a second administrator approves (accounts/resets.py); one's own goes to one's own page."""
        user = self.get_object(request, unquote(id))
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if user is None:
            raise Http404
        if user.pk == request.user.pk:
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:password_change"))
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                resets.request(actor=request.user, target=user, kind=CredentialReset.Kind.PASSWORD,
                               password=form.cleaned_data["new_password1"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("已提交密码重置申请：须另一位管理员在“凭据重置申请”中批准后生效"))
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:accounts_credentialreset_changelist"))
        return TemplateResponse(request, "admin/accounts/user/reset_request.html", {
            **self.admin_site.each_context(request), "title": _("申请重置密码"), "form": form, "original": user,
            "opts": self.opts})

    @admin.action(description=_("申请重置动态口令验证器（手机丢失或更换，须另一位管理员批准）"), permissions=["change"])
    def reset_authenticator(self, request, queryset):
        _each(self, request, queryset, lambda user: resets.request(
            actor=request.user, target=user, kind=CredentialReset.Kind.SECOND_FACTOR),
            _("已提交 %(n)d 项验证器重置申请，须另一位管理员批准后生效"))

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock(self, request, queryset):
        from gongzhi.audit import log

        for user in queryset:
            lockout.unlock(username=user.username)
            log.record("accounts.unlocked", actor=request.user, target=user)
        self.message_user(request, _("已解除 %(n)d 个账号的登录锁定") % {"n": queryset.count()})


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ("user", "role", "area", "department", "organization", "categories", "granted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "area__code", "area__name", "organization__name")
    raw_id_fields = ("user",)
    autocomplete_fields = ("area", "department", "organization")
    fields = ("user", "role", "area", "department", "organization", "categories")
    actions = ["revoke"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            # The sensitive categories (the register's special-group tags), read when the form is.
            return forms.MultipleChoiceField(
                label=db_field.verbose_name, required=False, widget=forms.CheckboxSelectMultiple,
                choices=lambda: scoping.sensitive_categories()[0],
                help_text=_("带这些标签的人员只对列明该类别的授权可见；仅查阅人口信息的角色可授予"))
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization":
            # The choices are the granter's scope (ScopedChoicesAdmin): any other is outside it.
            field.error_messages["invalid_choice"] = _("所选组织不存在或不在您的管辖范围内，不能在其上授权")
        return field

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
            actor=request.user, user=obj.user, role=obj.role, area=obj.area, department=obj.department,
            organization=obj.organization, categories=obj.categories,
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
                            organization=data.get("organization"), categories=data.get("categories") or (),
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


def _each(model_admin, request, queryset, act, done_message) -> None:
    """Runs `act` on each selected row; a refusal is shown with the row it concerns."""
    done = 0
    for obj in queryset:
        try:
            act(obj)
            done += 1
        except ValidationError as exc:
            model_admin.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
    if done:
        model_admin.message_user(request, done_message % {"n": done})


@admin.register(CredentialReset)
class CredentialResetAdmin(admin.ModelAdmin):
    """Requests to reset another person's password or authenticator: approved or refused here
    by a second administrator; nothing is added, edited or deleted by hand."""

    list_display = ("target", "kind", "status", "requested_by", "requested_at", "expires_at", "decided_by",
                    "decided_at")
    list_filter = ("state", "kind")
    search_fields = ("target__username", "target__full_name", "requested_by__username")
    fields = ("target", "kind", "status", "requested_by", "requested_at", "expires_at", "decided_by", "decided_at")
    readonly_fields = fields
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions decide; a request's own page only shows it.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("状态"))
    def status(self, obj):
        return _("已过期") if obj.expired else obj.get_state_display()

    @admin.action(description=_("批准所选申请（立即生效）"), permissions=["change"])
    def approve(self, request, queryset):
        _each(self, request, queryset, lambda reset: resets.approve(actor=request.user, reset=reset),
              _("已批准 %(n)d 项申请，已生效"))

    @admin.action(description=_("拒绝所选申请"), permissions=["change"])
    def refuse(self, request, queryset):
        _each(self, request, queryset, lambda reset: resets.refuse(actor=request.user, reset=reset),
              _("已拒绝 %(n)d 项申请"))
