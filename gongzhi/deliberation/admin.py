"""Deliberation in the admin: read-mostly. Councils, topics and disclosures are seen through the
user's scope; what the rules govern (membership, votes, publishing) is done through the
services, so the admin shows it and, for frozen meetings and published disclosures, edits
nothing. Procedure templates are configuration, edited here."""

from django.contrib import admin

from gongzhi.accounts.admin_base import ScopedAdmin, ScopedChoicesAdmin
from gongzhi.common.admin_readonly import ReadOnlyAdminMixin

from .models import (
    Council,
    CouncilMember,
    Disclosure,
    ProcedureStepTemplate,
    ProcedureTemplate,
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


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyScopedAdmin):
    """Published notices are never edited or deleted: a correction is a new one (services)."""

    list_display = ("title", "kind", "area", "published_at", "corrects")
    list_filter = ("kind",)
    search_fields = ("title",)


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
