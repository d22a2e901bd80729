"""一核多元: the community's organisations around the party core, and the departments that
handle what communities cannot."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import PLACE_ROLES, Area
from gongzhi.common.scoped import ScopedModel, ScopeRule

# The role held on an organisation, by its stored value as areas' PLACE_ROLES are: orgs sit below
# accounts, whose role assignments name organisations (accounts.roles.ORGANIZATION_ROLES is the same).
ORGANIZATION_ROLES = frozenset({"org_staff"})


class OrgKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("社区综合党委")
    PARTY_BRANCH = "party_branch", _("党支部")
    PARTY_GROUP = "party_group", _("党小组")
    WORKSTATION = "workstation", _("社区工作站")
    RESIDENTS_COMMITTEE = "residents_committee", _("居民委员会")
    SHAREHOLDING_COOP = "shareholding_coop", _("股份合作公司")
    SOCIAL_ORG = "social_org", _("社会组织")
    PROPERTY_MANAGER = "property_manager", _("物业服务企业")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")


# What each actor is answerable for (seeds 001: Longgang "1+7"; 004: Pingshan). Shown on the
# organisation's page and copied into a new organisation, where the community may adapt it.
DEFAULT_DUTIES = {
    OrgKind.PARTY_COMMITTEE: _("社区领导核心：行使人事权、决策权和监督权；领导社区工作站、居委会、股份合作公司的工作；"
                               "领导和统筹社会力量参与社区治理。"),
    OrgKind.PARTY_BRANCH: _("建在网格、院落上的支部：联系服务本网格群众，带领党员参与议事和志愿服务。"),
    OrgKind.PARTY_GROUP: _("建在楼栋上的党小组：收集楼栋居民诉求，组织党员亮身份、作表率。"),
    OrgKind.WORKSTATION: _("政务管理服务平台：承接街道下沉的政务服务和社会管理事项，执行社区工作事项清单。"),
    OrgKind.RESIDENTS_COMMITTEE: _("居民自治的基础：组织居民议事协商，开展居务公开和民主监督，反映居民意见和要求，调解民间纠纷。"),
    OrgKind.SHAREHOLDING_COOP: _("集体经济组织：专注经营管理，财务规范、信息公开，不再承担社会管理服务职能。"),
    OrgKind.SOCIAL_ORG: _("社区社会组织：承接政府购买服务和公益项目，参与社区服务和治理。"),
    OrgKind.PROPERTY_MANAGER: _("物业服务：按合同管理小区公共部位和设施，配合社区做好安全、环境和矛盾调处。"),
    OrgKind.OWNERS_COMMITTEE: _("业主自治：召集业主大会，监督物业服务，维护业主共同利益。"),
}


class Organization(ScopedModel):
    """One actor of a community (or a compound/grid within it: party branches sit on yards and
    grids, party groups on buildings). `area` is the smallest place it serves. Its staff
    (`org_staff`, a role held on the organisation) see its own record, not its children's."""

    scope_rule = ScopeRule(area_fields=("area__code",), organization_fields=("pk",),
                           roles=PLACE_ROLES | ORGANIZATION_ROLES)

    kind = models.CharField(_("类型"), max_length=24, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    area = models.ForeignKey(
        "areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
        related_name="+", verbose_name=_("所在区域"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级组织")
    )
    duties = models.TextField(_("职责"), blank=True)
    leader_name = models.CharField(_("负责人"), max_length=60, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["area_id", "kind", "name"]
        verbose_name = _("社区组织")
        verbose_name_plural = pgettext_lazy("plural", "社区组织")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.area_id and Area.objects.unscoped().filter(
            code=self.area_id, level__in=["community", "grid"]
        ).count() == 0:
            raise ValidationError({"area": _("社区组织应在社区或网格上")})


class DepartmentKind(models.TextChoices):
    COMMAND_CENTER = "command_center", _("综治中心/指挥中心")
    CITY_MANAGEMENT = "city_management", _("城市管理")
    HOUSING = "housing", _("住房建设")
    ENVIRONMENT = "environment", _("生态环境")
    POLICE = "police", _("派出所")
    JUSTICE = "justice", _("司法所")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    MARKET_REGULATION = "market_regulation", _("市场监管")
    EMERGENCY = "emergency", _("应急管理")
    HEALTH = "health", _("卫生健康")
    HUMAN_RESOURCES = "human_resources", _("人力社保")
    TRANSPORT = "transport", _("交通运输")
    WATER = "water", _("水务")
    FIRE = "fire", _("消防救援")
    OTHER = "other", _("其他")


class Department(ScopedModel):
    """A functional unit at subdistrict, district or city level that handles dispatched cases;
    handlers hold their scope on it. A command centre is the dispatch desk of its level."""

    scope_rule = ScopeRule(area_fields=("area__code",), department_fields=("pk",), roles=PLACE_ROLES)

    kind = models.CharField(_("类型"), max_length=24, choices=DepartmentKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    area = models.ForeignKey(
        "areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
        related_name="+", verbose_name=_("所属区域"),
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["area_id", "kind", "name"]
        verbose_name = _("职能部门")
        verbose_name_plural = pgettext_lazy("plural", "职能部门")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="orgs_department_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.area_id and Area.objects.unscoped().filter(
            code=self.area_id, level__in=["city", "district", "subdistrict"]
        ).count() == 0:
            raise ValidationError({"area": _("职能部门应在市、区或街道一级")})
