"""The place tree: city → district → subdistrict → community → grid, one table."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.scoped import ScopedModel, ScopeRule

from . import codes

# Everyone who works in places may see them; the audit administrator sees only the audit log.
PLACE_ROLES = frozenset(
    {"grid_worker", "community_worker", "dispatcher", "leader", "handler", "system_admin", "security_admin"}
)


class Level(models.TextChoices):
    PROVINCE = "province", codes.LEVEL_LABELS["province"]
    CITY = "city", codes.LEVEL_LABELS["city"]
    DISTRICT = "district", codes.LEVEL_LABELS["district"]
    SUBDISTRICT = "subdistrict", codes.LEVEL_LABELS["subdistrict"]
    COMMUNITY = "community", codes.LEVEL_LABELS["community"]
    GRID = "grid", codes.LEVEL_LABELS["grid"]


class GridKind(models.TextChoices):
    BASE = "base", _("基础网格")
    SPECIAL = "special", _("专属网格")


class Area(ScopedModel):
    """One place at any level. `code` is the statistical division code (grids add 3 digits); a
    descendant's code starts with this area's prefix, so a user's scope is a prefix match.

    Codes are stable keys that other tables reference (`area_code` columns): a renamed place
    keeps its code, a reorganised one becomes a new area. Geometry is GeoJSON in WGS-84.
    """

    scope_rule = ScopeRule(area_fields=("code",), roles=PLACE_ROLES)

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self",
        to_field="code",
        db_column="parent_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    grid_kind = models.CharField(_("网格类型"), max_length=10, choices=GridKind.choices, blank=True)
    geometry = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("区域")
        verbose_name_plural = pgettext_lazy("plural", "区域")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def prefix(self) -> str:
        return codes.prefix(self.code, self.level)


class GridSet(models.Model):
    """A counter bumped on every change to grid polygons, so each process knows when to rebuild
    its point → grid index without reading every polygon to find out."""

    scope_exempt = "the point-to-grid index over every grid, read by lookup"

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"grids v{self.version}"
