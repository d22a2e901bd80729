"""Deliberation in the admin: read-mostly. Councils, topics and disclosures are seen through the
user's scope; what the rules govern (membership, votes, publishing) is done through the
services, so the admin shows it and, for frozen meetings and published disclosures, edits
nothing. Procedure templates are configuration, edited here."""

from django.contrib import admin

from gongzhi.accounts import scoping
from gongzhi.accounts.admin_base import AuditedAdmin, ScopedAdmin, ScopedChoicesAdmin
from gongzhi.common.admin_readonly import ReadOnlyAdminMixin

from .models import (
    Council,
    CouncilMember,
    Disclosure,
    DisclosureItem,
    ProcedureStepTemplate,
    ProcedureTemplate,
    ResolutionTask,
    Topic,
    TopicStep,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class CouncilMemberInline(ReadOnlyInline):
    model = CouncilMember
    fields = ("person", "role", "term_start", "term_end", "end_reason")
    readonly_fields = fields


class TopicStepInline(ReadOnlyInline):
    model = TopicStep
    fields = ("order", "name", "kind", "quorum", "threshold", "ballot", "proxies_allowed", "state")
    readonly_fields = fields


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Rows whose changes go through the services: listed and shown, not added or edited here."""


@admin.register(Council)
class CouncilAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "kind", "area", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [CouncilMemberInline]


@admin.register(Topic)
class TopicAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "area", "source", "state", "council", "created_at")
    list_filter = ("state", "source")
    search_fields = ("title",)
    exclude = ("proposer",)  # a resident's name belongs to the register's pages
    inlines = [TopicStepInline]


class DisclosureItemInline(ReadOnlyInline):
    model = DisclosureItem
    fields = ("order", "name", "budgeted", "spent")
    readonly_fields = fields


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyScopedAdmin):
    """Published notices are never edited or deleted: a correction is a new one (services).
    A fund or project disclosure shows its account's lines."""

    list_display = ("title", "kind", "area", "published_at", "corrects")
    list_filter = ("kind",)
    search_fields = ("title",)
    inlines = [DisclosureItemInline]


@admin.register(ResolutionTask)
class ResolutionTaskAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    """Tasks carrying out resolutions, through their topics' scope; assigned and closed in the
    workbench (followthrough)."""

    list_display = ("title", "resolution", "owner", "organization", "department", "deadline", "state", "closed_on")
    list_filter = ("state",)
    list_select_related = ("resolution__topic", "owner", "organization", "department")
    search_fields = ("title",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(resolution__topic__in=scoping.scoped(Topic, request.user))


class ProcedureStepTemplateInline(admin.TabularInline):
    model = ProcedureStepTemplate
    extra = 0
    fields = ("order", "name", "kind", "quorum", "threshold", "ballot", "proxies_allowed")


@admin.register(ProcedureTemplate)
class ProcedureTemplateAdmin(ScopedChoicesAdmin):
    """A community may define its own sequence of steps; topics keep the copy they started with."""

    list_display = ("name", "code", "area", "is_active")
    list_filter = ("is_active",)
    inlines = [ProcedureStepTemplateInline]
    autocomplete_fields = ("area",)
