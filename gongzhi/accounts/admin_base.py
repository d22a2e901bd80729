"""Admin base classes: querysets through the scoping module, changes through the audit log."""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

from gongzhi.audit import log
from gongzhi.common.scoped import ScopedModel

from . import scoping

SECRET_FIELDS = frozenset({"password"})


def _snapshot(obj) -> dict:
    """Field values for the audit diff; password hashes never enter the log."""
    return {k: v for k, v in model_to_dict(obj).items()
            if k not in SECRET_FIELDS and not isinstance(v, (bytes, memoryview))}


class AuditedAdmin(admin.ModelAdmin):
    """Every create, change and delete made in the admin enters the audit log with its diff."""

    def save_model(self, request, obj, form, change):
        before = _snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        action = "changed" if change else "created"
        log.record(f"{obj._meta.label_lower}.{action}", actor=request.user, target=obj,
                   changes=log.diff(before, _snapshot(obj)))

    def delete_model(self, request, obj):
        snapshot = _snapshot(obj)
        super().delete_model(request, obj)
        log.record(f"{obj._meta.label_lower}.deleted", actor=request.user,
                   target_type=obj._meta.label_lower, target_id=str(snapshot.get("id", "")),
                   target_repr=str(obj), changes=snapshot)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """The id box of a scoped model (raw_id_fields): the name beside it is read through the
    user's scope, so a row outside it (a district's parent city) shows no name, as if missing."""

    def __init__(self, rel, admin_site, *, user, using=None):
        super().__init__(rel, admin_site, using=using)
        self.user = user

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            obj = scoping.scoped(self.rel.model, self.user).using(self.db).get(**{key: value})
        except (ValueError, self.rel.model.DoesNotExist, ValidationError):
            return "", ""
        try:
            url = reverse(f"{self.admin_site.name}:{obj._meta.app_label}_{obj._meta.model_name}_change",
                          args=(obj.pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class ScopedChoicesAdmin(AuditedAdmin):
    """Choices of a scoped model (an area, a department) offer only what the user may see."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if issubclass(related, ScopedModel) and "queryset" not in kwargs:
            kwargs["queryset"] = scoping.scoped(related, request.user)
        if issubclass(related, ScopedModel) and db_field.name in self.raw_id_fields and "widget" not in kwargs:
            kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site, user=request.user,
                                                 using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(ScopedChoicesAdmin):
    """Lists, pages and choices of scoped models come through the user's scope; an object out of
    scope is not found, as everywhere else."""

    def get_queryset(self, request):
        return scoping.restrict(super().get_queryset(request), request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The saved row must still be in the user's scope (no moving things out of one's area).
        scoping.ensure_in_scope(obj, request.user)
