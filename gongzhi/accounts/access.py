"""Who may reach each URL: one table, keyed by URL name (by route where a pattern has no name).

Each view, API endpoint, export and admin page still checks for itself (a permission, a role,
the scoping module); this table is what those checks must add up to, written where it can be
read whole. The authorization matrix (accounts/tests/test_authorization_matrix.py) requests
every URL pattern as every role with an object inside and one outside the role's scope and
fails on any pattern missing here or answering otherwise than declared, so a new page cannot
ship without saying who may see it, and a check that drifts from its declaration is caught.

Kinds of rule:
  PUBLIC      anyone, signed in or not (with the reason);
  SIGNED_IN   any signed-in account, whatever its roles;
  PERMISSION  the roles whose ROLE_PERMISSIONS hold the permission (accounts/roles.py);
  ROLES       the roles named, where the code decides by role (cases/workflow.py TRANSITIONS);
  ADMIN       Django's admin: only ADMIN_SITE_ROLES enter; inside, a page's own permission
              (`permission`) or, for a model's pages, the model's view/add/change/delete ones;
  NO_PAGE     nothing there for anyone (404), kept for the framework's own use.
`scoped` says the request names an object (in its path, query or body) that must lie in the
user's scope: an object outside it answers 404, as if missing. Refused: 403; not signed in: the sign-in page (401 from the API).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .roles import Role

PUBLIC, SIGNED_IN, PERMISSION, ROLES, ADMIN, NO_PAGE = "public", "signed_in", "permission", "roles", "admin", "no_page"


@dataclass(frozen=True)
class Rule:
    kind: str
    permission: str = ""
    roles: frozenset[str] = frozenset()
    scoped: bool = False
    # A permission per value of one URL argument (`by`), where one pattern serves several kinds;
    # without `by`, any one of `permissions` admits (a page serving every kind).
    by: str = ""
    permissions: Mapping[str, str] = field(default_factory=dict)
    why: str = ""

    def admits(self, held: set[str], kwargs: Mapping[str, str]) -> bool:
        """Whether a PERMISSION rule admits someone holding `held`, for a request with `kwargs`."""
        if self.by:
            return self.permissions[kwargs[self.by]] in held
        if self.permissions:
            return bool(held & set(self.permissions.values()))
        return self.permission in held

    def __str__(self) -> str:
        what = {PERMISSION: self.permission or (f"{dict(self.permissions)} by {self.by}" if self.by else
                                                f"any of {sorted(set(self.permissions.values()))}"),
                ROLES: ", ".join(sorted(self.roles)), ADMIN: self.permission or "the model's permissions"}
        detail = what.get(self.kind, self.why)
        return f"{self.kind}({detail}{', scoped' if self.scoped else ''})"


def public(why: str) -> Rule:
    return Rule(PUBLIC, why=why)


def permission(perm: str, *, scoped: bool = False) -> Rule:
    return Rule(PERMISSION, permission=perm, scoped=scoped)


def per_kind(by: str, permissions: Mapping[str, str]) -> Rule:
    return Rule(PERMISSION, by=by, permissions=permissions)


def any_kind(permissions: Mapping[str, str], *, scoped: bool = False) -> Rule:
    """A page that serves every kind: whoever holds one kind's permission."""
    return Rule(PERMISSION, permissions=permissions, scoped=scoped)


def roles(*names: str, scoped: bool = False) -> Rule:
    return Rule(ROLES, roles=frozenset(names), scoped=scoped)


def admin(perm: str = "") -> Rule:
    return Rule(ADMIN, permission=perm)


SIGNED_IN_RULE = Rule(SIGNED_IN)
# The roles that work cases (cases.models.CASE_ROLES, every role in workflow.TRANSITIONS).
CASE_WORK = (Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.DISPATCHER, Role.LEADER, Role.HANDLER)
# Who works with councils, topics and disclosures (deliberation.models.DELIBERATION_ROLES), and
# who of them keeps the records (deliberation.scope.KEEPERS); the others read.
DELIBERATION = (Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.DISPATCHER, Role.LEADER)
DELIBERATION_KEEP = (Role.COMMUNITY_WORKER, Role.DISPATCHER)
# Who may report a case over the API (cases/api.py).
CASE_REPORT = (Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.DISPATCHER)
# Who walks a patch and reports from it on the phone (workbench.mygrid.PATROL_ROLES).
PATROL = (Role.GRID_WORKER, Role.COMMUNITY_WORKER)
# Evidence from the ground or the desk: every case role but the leader, who reads overviews.
CASE_PHOTO = (Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.DISPATCHER, Role.HANDLER)
# Each kind of export needs the permission to read that kind (registry.exporters.EXPORTS).
EXPORT_PERMISSIONS = {"people": "registry.view_person", "houses": "registry.view_house",
                      "entities": "registry.view_entity", "addresses": "registry.view_address"}
# Each kind of import needs its own permission (registry.import_kinds: the register's and those
# other apps register); the import pages serve whoever may import one kind.
IMPORT_PERMISSIONS = {"people": "registry.import", "houses": "registry.import", "entities": "registry.import",
                      "addresses": "registry.import", "routing_rules": "cases.add_routingrule"}
OPEN311 = "Open311 GeoReport v2, public by design: posting needs an api_key; without one a request shows coarsely"

RULES: dict[str, Rule] = {
    # ------------------------------------------------------------ the site's frame and sign-in
    "healthz": public("load balancers; answers no data"),
    "livez": public("process supervisors; answers no data, reads no database"),
    "login": public("signing in"),
    "logout": public("signing out"),
    "set_language": public("choosing the language"),
    "otp_verify": SIGNED_IN_RULE,
    "otp_setup": SIGNED_IN_RULE,
    "password_change": SIGNED_IN_RULE,
    "sign_ins": SIGNED_IN_RULE,
    "workbench:home": SIGNED_IN_RULE,
    # The grid worker's phone pages (workbench.mygrid.PATROL_ROLES).
    "workbench:grid": roles(*PATROL),
    "workbench:grid-report": roles(*PATROL),
    # --------------------------------------------------- the register's staff pages (/w/registry/)
    "registry:search": permission("registry.view_person"),
    "registry:person-new": permission("registry.add_person", scoped=True),  # ?house=
    "registry:person": permission("registry.view_person", scoped=True),
    "registry:person-edit": permission("registry.change_person", scoped=True),
    "registry:person-event": permission("registry.change_person", scoped=True),
    "registry:person-copy": permission("registry.reveal_sensitive", scoped=True),
    "registry:house": permission("registry.view_house", scoped=True),
    "registry:address": permission("registry.view_address", scoped=True),
    "registry:entity": permission("registry.view_entity", scoped=True),
    "registry:phone": permission("registry.view_person", scoped=True),  # the number's holders
    "registry:imports": any_kind(IMPORT_PERMISSIONS),
    # An import job is the uploader's alone: anyone else's is "out of scope" (404).
    "registry:import": any_kind(IMPORT_PERMISSIONS, scoped=True),
    "registry:import-errors": any_kind(IMPORT_PERMISSIONS, scoped=True),
    "registry:template": per_kind("kind", IMPORT_PERMISSIONS),
    "registry:template-csv": per_kind("kind", IMPORT_PERMISSIONS),
    "registry:reviews": permission("registry.review_address"),
    "registry:review": permission("registry.review_address", scoped=True),
    # A number registered again out of its holder's sight: that record's keepers decide.
    "registry:identity-reviews": permission("registry.review_identity"),
    "registry:identity-review": permission("registry.review_identity", scoped=True),
    "registry:export": per_kind("kind", EXPORT_PERMISSIONS),
    # -------------------------------------------------------------- cases' staff pages (/w/cases/)
    "cases:inbox": roles(*CASE_WORK),
    "cases:case": roles(*CASE_WORK, scoped=True),
    "cases:act": roles(*CASE_WORK, scoped=True),  # each action's own roles: workflow.TRANSITIONS
    "cases:photos": roles(*CASE_PHOTO, scoped=True),  # upload (cases.photos.PHOTO_ROLES)
    "cases:photo": roles(*CASE_WORK, scoped=True),  # one photo's file, for whoever sees the case
    # ----------------------------------------------- deliberation's staff pages (/w/deliberation/)
    "deliberation:topics": roles(*DELIBERATION),
    "deliberation:topic-new": roles(*DELIBERATION_KEEP, scoped=True),  # the community posted
    "deliberation:topic": roles(*DELIBERATION, scoped=True),
    "deliberation:topic-comment": roles(*DELIBERATION, scoped=True),
    "deliberation:topic-act": roles(*DELIBERATION_KEEP, scoped=True),
    "deliberation:meeting-new": roles(*DELIBERATION_KEEP, scoped=True),  # the topic's
    "deliberation:meeting": roles(*DELIBERATION, scoped=True),  # a meeting of the topic's
    "deliberation:meeting-act": roles(*DELIBERATION_KEEP, scoped=True),
    "deliberation:from-case": roles(*DELIBERATION_KEEP, scoped=True),  # the case
    "deliberation:supervision": roles(*DELIBERATION),  # ?community= narrows within scope
    "deliberation:councils": roles(*DELIBERATION),
    "deliberation:council-new": roles(*DELIBERATION_KEEP, scoped=True),  # the community posted
    "deliberation:council": roles(*DELIBERATION, scoped=True),
    "deliberation:council-act": roles(*DELIBERATION_KEEP, scoped=True),
    "deliberation:disclosures": roles(*DELIBERATION),
    "deliberation:disclosure-new": roles(*DELIBERATION_KEEP, scoped=True),  # the community posted
    "deliberation:disclosure-account": roles(*DELIBERATION_KEEP, scoped=True),  # the community posted
    "deliberation:disclosure": roles(*DELIBERATION, scoped=True),
    "deliberation:disclosure-act": roles(*DELIBERATION_KEEP, scoped=True),
    # The command dashboard (cases.overview.COMMAND_ROLES); ?area= names a place in scope.
    "dashboard:board": roles(Role.DISPATCHER, Role.LEADER),
    # ------------------------------------------------------------ the JSON API (/api/v1/)
    "api:openapi-json": public("the API's description, no data"),
    "api:openapi-view": public("the API's description, no data"),
    "api:api-root": Rule(NO_PAGE, why="django-ninja's marker of where the API is mounted; always 404"),
    "api:sign_in": public("the phone client signs in here"),
    "api:change_password": SIGNED_IN_RULE,
    "api:sign_out": SIGNED_IN_RULE,
    "api:list_areas": permission("areas.view_area"),
    "api:locate": permission("areas.view_area"),
    "api:get_area": permission("areas.view_area", scoped=True),
    "api:area_geojson": permission("areas.view_area", scoped=True),
    "api:list_organizations": permission("orgs.view_organization"),
    "api:get_organization": permission("orgs.view_organization", scoped=True),
    "api:list_departments": permission("orgs.view_department"),
    "api:get_department": permission("orgs.view_department", scoped=True),
    "api:search_registry": permission("registry.view_person"),
    "api:person_view": permission("registry.view_person", scoped=True),
    "api:change_person": permission("registry.change_person", scoped=True),
    "api:house_view": permission("registry.view_house", scoped=True),
    "api:address_view": permission("registry.view_address", scoped=True),
    "api:entity_view": permission("registry.view_entity", scoped=True),
    "api:phone_view": permission("registry.view_person", scoped=True),
    "api:reveal_person": permission("registry.reveal_sensitive", scoped=True),
    "api:reveal_phone": permission("registry.reveal_sensitive", scoped=True),
    "api:subject_copy": permission("registry.reveal_sensitive", scoped=True),
    # Writes name a place to write in (a community, an address, a house): in scope, or 404.
    "api:create_address": permission("registry.add_address", scoped=True),
    "api:create_house": permission("registry.add_house", scoped=True),
    "api:create_person": permission("registry.add_person", scoped=True),
    "api:person_move_in": permission("registry.change_person", scoped=True),
    "api:person_move_out": permission("registry.change_person", scoped=True),
    "api:person_death": permission("registry.change_person", scoped=True),
    "api:create_entity": permission("registry.add_entity", scoped=True),
    "api:match_address": permission("registry.view_address"),
    "api:list_reviews": permission("registry.review_address"),
    "api:resolve_review": permission("registry.review_address", scoped=True),
    "api:dismiss_review": permission("registry.review_address", scoped=True),
    "api:export": per_kind("kind", EXPORT_PERMISSIONS),
    "api:list_categories": SIGNED_IN_RULE,  # configuration, public in Open311's services too
    "api:report": roles(*CASE_REPORT),
    "api:my_inbox": roles(*CASE_WORK),
    "api:case_rates": roles(*CASE_WORK),
    "api:case_detail": roles(*CASE_WORK, scoped=True),
    "api:take_action": roles(*CASE_WORK, scoped=True),  # each action's own roles: workflow.TRANSITIONS
    "api:add_photo": roles(*CASE_PHOTO, scoped=True),
    # ------------------------------------------------------------ Open311 (no names: by route)
    "open311-openapi": public("the Open311 endpoints' OpenAPI description, no data"),
    "open311/v2/services.<str:fmt>": public(OPEN311),
    "open311/v2/services/<str:code>.<str:fmt>": public(OPEN311),
    "open311/v2/requests.<str:fmt>": public(OPEN311),
    "open311/v2/requests/<str:number>.<str:fmt>": public(OPEN311),
    "open311/v2/tokens/<str:token>.<str:fmt>": public(OPEN311),
    # ------------------------------------------------------------ the residents' portal (no sign-in)
    "portal:home": public("the residents' front page"),
    "portal:report": public("residents report a problem (bounded per address)"),
    "portal:outlines": public("the outlines of the places the portal serves, for its map"),
    "portal:track": public("a case found by its number and the code shown once to whoever reported it"),
    "portal:rate": public("whoever reported a closed case rates it, with its number and code"),
    "portal:resident": public("a resident proves who they are: name, a registered phone, a code by SMS"),
    "portal:resident-leave": public("a resident ends their proof in this browser"),
    "portal:topics": public("topics and what became of them are public (居务公开); proposers show masked"),
    "portal:topic": public("one public topic: its procedure's progress, resolution, comments (names masked)"),
    "portal:topic-photo": public("a public topic's photos, stored without their metadata"),
    # Acting on topics needs the resident's proof in the session (portal.residents), not an account.
    "portal:topic-new": public("a proven resident proposes a topic for their community"),
    "portal:topic-support": public("a proven resident of the topic's community supports it, once"),
    "portal:topic-comment": public("a proven resident of the topic's community comments on it"),
    "portal:disclosures": public("published disclosures of the portal's communities"),
    "portal:disclosure": public("one published disclosure and its corrections"),
    # ------------------------------------------------------------ the admin (configuration)
    "admin:login": public("signing in to the admin (it admits only ADMIN_SITE_ROLES)"),
    "admin:logout": public("signing out of the admin"),
    "admin:index": admin(),
    "admin:password_change": admin(),
    "admin:password_change_done": admin(),
    "admin:autocomplete": admin(),  # the choices' model's view permission
    "admin:jsi18n": admin(),
    "admin:view_on_site": admin(),
    "admin:app_list": admin(),
    "admin/(?P<url>.*)$": admin(),  # the admin's catch-all: 404 inside
    "admin:areas_area_import": admin("areas.add_area"),
    "admin:areas_area_coverage": admin("areas.view_area"),
    "admin:auth_user_password_change": admin("accounts.change_user"),
    "admin:otp_totp_totpdevice_config": admin("otp_totp.view_totpdevice"),
    "admin:otp_totp_totpdevice_qrcode": admin("otp_totp.view_totpdevice"),
    "admin:audit_auditentry_checkpoint": admin("audit.view_auditentry"),
}

# A registered model's own admin pages: by the model's permissions (ModelAdmin.has_*_permission).
MODEL_ADMIN_PAGES = ("changelist", "add", "history", "delete", "change")
MODEL_ADMIN = admin()


def rule_for(key: str) -> Rule | None:
    """The declared rule of a URL pattern (its name with namespaces, or its route), or None."""
    if key in RULES:
        return RULES[key]
    from django.contrib import admin as django_admin

    for model in django_admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        if key in {f"admin:{app}_{name}_{page}" for page in MODEL_ADMIN_PAGES} \
                or key == f"admin/{app}/{name}/<path:object_id>/":
            return MODEL_ADMIN
    return None
