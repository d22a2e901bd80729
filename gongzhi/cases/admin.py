from django.contrib import admin

from gongzhi.accounts import scoping
from gongzhi.accounts.admin_base import AuditedAdmin, ScopedChoicesAdmin

from . import open311
from .models import Category, Open311Key, RoutingRule


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("code", "__str__", "default_level", "accept_within", "accept_unit", "dispatch_within",
                    "dispatch_unit", "handle_within", "handle_unit", "is_active")
    list_filter = ("parent", "default_level", "is_active")
    search_fields = ("code", "name")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    """Dispatchers keep the routing of their own area: rules on places in their scope, to
    departments in their scope."""

    list_display = ("category", "area", "department", "is_active")
    list_filter = ("is_active", "category__parent")
    autocomplete_fields = ("area", "department")
    raw_id_fields = ("category",)

    def get_queryset(self, request):
        return scoping.through(super().get_queryset(request), request.user)  # read through its area

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from gongzhi.areas.models import Area
        from gongzhi.orgs.models import Department

        if db_field.name == "area":
            kwargs["queryset"] = scoping.scoped(Area, request.user)
        if db_field.name == "department":
            kwargs["queryset"] = scoping.scoped(Department, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Open311Key)
class Open311KeyAdmin(ScopedChoicesAdmin):
    """A new key is shown once, in the message after saving; only its digest is stored."""

    list_display = ("name", "area", "is_active", "created_at")
    fields = ("name", "area", "is_active")
    autocomplete_fields = ("area",)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key = open311.new_key(name=obj.name, area=obj.area)
        obj.pk = Open311Key.objects.get(name=obj.name).pk
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.warning(request, _("新密钥（只显示这一次，请立即交给对方）：%(k)s") % {"k": key})
        from gongzhi.audit import log

        log.record("cases.open311key.created", actor=request.user, target=Open311Key.objects.get(pk=obj.pk),
                   changes={"name": obj.name, "area": obj.area_id})
        return None
