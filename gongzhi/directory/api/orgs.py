"""Organisations and departments over the JSON API, within the caller's scope.

Moved from `orgs/api.py` (orgs sits below accounts); each operation keeps its OpenAPI
operation id from there."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema

from gongzhi.accounts import scoping
from gongzhi.common.api_errors import errors
from gongzhi.common.api_types import text
from gongzhi.common.pagination import PageOut, keyset_page
from gongzhi.orgs.models import Department, DepartmentKind, Organization, OrgKind

router = Router(tags=["orgs"])


def _require(request, permission: str) -> None:
    """403 for a role without the permission, though scoping might show it rows (PLACE_ROLES)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied


class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    area_code: str
    parent_id: int | None
    duties: str
    leader_name: str
    is_active: bool

    @staticmethod
    def resolve_area_code(obj: Organization) -> str:
        return obj.area_id


class DepartmentOut(Schema):
    id: int
    kind: str
    name: str
    area_code: str
    is_active: bool

    @staticmethod
    def resolve_area_code(obj: Department) -> str:
        return obj.area_id


class OrgFilters(Schema):
    kind: OrgKind | None = None
    area: text(15) | None = None
    after: int | None = None
    size: int = 100


class DepartmentFilters(Schema):
    kind: DepartmentKind | None = None
    after: int | None = None
    size: int = 100


@router.get("/organizations", response={200: PageOut[OrganizationOut], **errors(401, 403, 422)},
            summary="Community organisations in my scope",
            operation_id="gongzhi_orgs_api_list_organizations")
def list_organizations(request, filters: Query[OrgFilters]):
    _require(request, "orgs.view_organization")
    qs = scoping.scoped(Organization, request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.area:
        qs = scoping.under(qs, filters.area)
    page = keyset_page(qs, key="id", after=filters.after, size=filters.size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/organizations/{org_id}", response={200: OrganizationOut, **errors(401, 403, 404, 422)},
            operation_id="gongzhi_orgs_api_get_organization")
def get_organization(request, org_id: int):
    _require(request, "orgs.view_organization")
    return scoping.get_in_scope_or_404(Organization, request.user, pk=org_id)


@router.get("/departments", response={200: PageOut[DepartmentOut], **errors(401, 403, 422)},
            summary="Departments in my scope",
            operation_id="gongzhi_orgs_api_list_departments")
def list_departments(request, filters: Query[DepartmentFilters]):
    _require(request, "orgs.view_department")
    qs = scoping.scoped(Department, request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    page = keyset_page(qs, key="id", after=filters.after, size=filters.size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/departments/{department_id}", response={200: DepartmentOut, **errors(401, 403, 404, 422)},
            operation_id="gongzhi_orgs_api_get_department")
def get_department(request, department_id: int):
    _require(request, "orgs.view_department")
    return scoping.get_in_scope_or_404(Department, request.user, pk=department_id)
