"""Roles, what each may hold its scope on, and what each may do. The one table of authority."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    DISPATCHER = "dispatcher", _("调度员")
    LEADER = "leader", _("领导")
    HANDLER = "handler", _("部门办理人员")
    ORG_STAFF = "org_staff", _("组织工作人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三权分立: no account holds two of these, and only a security administrator grants them.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The roles that work with places, cases and residents. An account holding an administrator role
# holds none of these (an administrator who could grant themselves one could read the register),
# and nobody grants, changes or revokes their own assignments (accounts/services.py).
WORKING_ROLES = frozenset(Role) - ADMIN_ROLES

# The levels an assignment of each role may sit on; the handler's scope is a department instead,
# and an organisation's staff's is their organisation (DEPARTMENT_ROLES, ORGANIZATION_ROLES).
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"grid"}),
    Role.COMMUNITY_WORKER: frozenset({"community"}),
    Role.DISPATCHER: frozenset({"city", "district", "subdistrict", "community"}),
    Role.LEADER: frozenset({"province", "city", "district", "subdistrict", "community"}),
    Role.SYSTEM_ADMIN: frozenset({"province", "city", "district"}),
    Role.SECURITY_ADMIN: frozenset({"province", "city", "district"}),
    Role.AUDIT_ADMIN: frozenset({"province", "city", "district"}),
}
DEPARTMENT_ROLES = frozenset({Role.HANDLER})
# An organisation's staff (a social organisation's social workers, a property manager's staff)
# hold their role on the organisation, never on a place: they see what names that organisation.
ORGANIZATION_ROLES = frozenset({Role.ORG_STAFF})

# Who may enter Django's admin (configuration); everyone else works in the workbench and API.
ADMIN_SITE_ROLES = ADMIN_ROLES | {Role.DISPATCHER}

_CONFIG = ("areas.view_area", "orgs.view_organization", "orgs.view_department")
# Residents' register: reading it, keeping it, and revealing a sealed value in full (audited).
_REGISTRY_READ = ("registry.view_person", "registry.view_house", "registry.view_entity", "registry.view_address")
_REGISTRY_KEEP = (
    *_REGISTRY_READ,
    "registry.add_person", "registry.change_person", "registry.add_house", "registry.change_house",
    "registry.add_entity", "registry.change_entity", "registry.add_address", "registry.import",
    "registry.reveal_sensitive",
)
# Deliberation in the admin: councils, topics and disclosures shown (their changes go through
# the services); procedure templates are configuration.
_DELIBERATION_READ = ("deliberation.view_council", "deliberation.view_topic", "deliberation.view_disclosure",
                      "deliberation.view_disclosureitem", "deliberation.view_resolutiontask",
                      "deliberation.view_proceduretemplate")
# Asking for, approving and refusing a reset of another account's password or authenticator
# (two different administrators: accounts/resets.py).
_CREDENTIAL_RESETS = ("accounts.view_credentialreset", "accounts.change_credentialreset")
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({*_CONFIG, *_REGISTRY_KEEP}),
    Role.COMMUNITY_WORKER: frozenset({*_CONFIG, *_REGISTRY_KEEP, "registry.review_address",
                                      "registry.review_identity"}),
    Role.DISPATCHER: frozenset({*_CONFIG, *_REGISTRY_READ, "registry.review_identity", "cases.view_category", "cases.change_category",
                                "cases.view_routingrule", "cases.add_routingrule", "cases.change_routingrule",
                                "cases.delete_routingrule", *_DELIBERATION_READ,
                                "deliberation.add_proceduretemplate", "deliberation.change_proceduretemplate"}),
    Role.LEADER: frozenset({*_CONFIG, *_REGISTRY_READ}),
    Role.HANDLER: frozenset(_CONFIG),
    # Their own organisation's record (orgs.Organization's scope rule); the coming issues add
    # what it holds (care projects, its compounds' matters).
    Role.ORG_STAFF: frozenset({"orgs.view_organization"}),
    Role.SYSTEM_ADMIN: frozenset({
        *_CONFIG,
        "areas.add_area", "areas.change_area", "areas.delete_area",
        "orgs.add_organization", "orgs.change_organization", "orgs.delete_organization",
        "orgs.add_department", "orgs.change_department", "orgs.delete_department",
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "accounts.view_roleassignment", "accounts.add_roleassignment", "accounts.change_roleassignment",
        *_CREDENTIAL_RESETS,
        "registry.view_tag", "registry.add_tag", "registry.change_tag",
        "cases.view_category", "cases.add_category", "cases.change_category",
        "workcalendar.view_calendarday", "workcalendar.add_calendarday", "workcalendar.change_calendarday",
        "workcalendar.delete_calendarday",
        "cases.view_open311key", "cases.add_open311key", "cases.change_open311key",
    }),
    Role.SECURITY_ADMIN: frozenset({
        "areas.view_area", "orgs.view_department",
        "accounts.view_user", "accounts.change_user",
        # Sign-in failures and lockouts (django-axes): reading them, and unlocking by deleting.
        "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog", "axes.view_accessfailurelog",
        "accounts.view_roleassignment", "accounts.add_roleassignment", "accounts.change_roleassignment",
        *_CREDENTIAL_RESETS,
    }),
    Role.AUDIT_ADMIN: frozenset({"audit.view_auditentry"}),
}


def may_grant(granter_roles: set[str], role: str) -> bool:
    """System administrators grant working roles; only security administrators grant admin roles."""
    if role in ADMIN_ROLES:
        return Role.SECURITY_ADMIN in granter_roles
    return bool(granter_roles & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
