"""Setting up a community's actors and the departments above it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.audit import log
from gongzhi.common import actors

from .models import DEFAULT_DUTIES, Department, Organization

ORG_LEVELS = frozenset({"community", "grid"})
DEPARTMENT_LEVELS = frozenset({"city", "district", "subdistrict"})


def _levels(codes: set[str]) -> dict[str, str]:
    return dict(Area.objects.unscoped().filter(code__in=codes).values_list("code", "level"))


def add_organizations(*, actor: Any, organizations: list[Organization]) -> list[Organization]:
    """Creates organisations (a blank `duties` takes the kind's default); refuses the whole
    batch if one sits on the wrong level of place. One audit entry for the batch."""
    levels = _levels({o.area_id for o in organizations})
    for o in organizations:
        if levels.get(o.area_id) not in ORG_LEVELS:
            raise ValidationError(_("“%(name)s”：社区组织应在社区或网格上") % {"name": o.name})
        if not o.duties:
            o.duties = str(DEFAULT_DUTIES.get(o.kind, ""))
    with transaction.atomic():
        created = Organization.objects.bulk_create(organizations, batch_size=2000)
        if created:
            log.record("orgs.organization.created_in_bulk", actor=actors.require(actor),
                       target_type="orgs.organization",
                       changes={"count": len(created), "areas": sorted({o.area_id for o in created})[:200]})
    return created


def add_departments(*, actor: Any, departments: list[Department]) -> list[Department]:
    """Creates departments that do not exist yet (same area and name); one audit entry."""
    levels = _levels({d.area_id for d in departments})
    for d in departments:
        if levels.get(d.area_id) not in DEPARTMENT_LEVELS:
            raise ValidationError(_("“%(name)s”：职能部门应在市、区或街道一级") % {"name": d.name})
    existing = set(
        Department.objects.unscoped()
        .filter(area_id__in={d.area_id for d in departments})
        .values_list("area_id", "name")
    )
    new = [d for d in departments if (d.area_id, d.name) not in existing]
    with transaction.atomic():
        created = Department.objects.bulk_create(new, batch_size=2000)
        if created:
            log.record("orgs.department.created_in_bulk", actor=actors.require(actor),
                       target_type="orgs.department", changes={"count": len(created)})
    return created
