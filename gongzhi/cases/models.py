"""Cases (事件与诉求). This first part holds what every case is measured against: the category
tree with each leaf's deadline policy and default level, and the working calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseLevel(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    SUBDISTRICT = "subdistrict", _("街道")
    DISTRICT = "district", _("区")


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("自然小时")
    WORK_HOURS = "work_hours", _("工作小时")
    WORK_DAYS = "work_days", _("工作日")


class Category(models.Model):
    """A two-level tree (大类 › 小类). Cases are filed under leaves; each leaf says how long each
    step may take (accept, dispatch, handle), in calendar hours, working hours or working days
    on the Chinese calendar, and at which level it is handled by default."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("大类"))
    default_level = models.CharField(_("默认处置层级"), max_length=12, choices=CaseLevel.choices,
                                     default=CaseLevel.COMMUNITY)
    accept_within = models.PositiveSmallIntegerField(_("受理时限"), default=2)
    accept_unit = models.CharField(_("受理时限单位"), max_length=10, choices=LimitUnit.choices,
                                   default=LimitUnit.WORK_HOURS)
    dispatch_within = models.PositiveSmallIntegerField(_("派遣时限"), default=4)
    dispatch_unit = models.CharField(_("派遣时限单位"), max_length=10, choices=LimitUnit.choices,
                                     default=LimitUnit.WORK_HOURS)
    handle_within = models.PositiveSmallIntegerField(_("处置时限"), default=3)
    handle_unit = models.CharField(_("处置时限单位"), max_length=10, choices=LimitUnit.choices,
                                   default=LimitUnit.WORK_DAYS)
    warn_at = models.PositiveSmallIntegerField(_("预警点(%)"), default=80,
                                               help_text=_("时限用去这一比例时亮黄灯"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("事件分类")
        verbose_name_plural = pgettext_lazy("plural", "事件分类")

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


class CalendarDay(models.Model):
    """A day whose status the State Council's holiday notice decides: a holiday on a weekday or
    a working day on a weekend (调休). Entered here for years the bundled calendar does not know
    yet; an entry here overrides the bundled calendar."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = pgettext_lazy("plural", "节假日调整")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"


class RoutingRule(models.Model):
    """Category + place → the unit that handles it. The most specific rule wins: a leaf over its
    top category, a longer area code (a subdistrict's) over a shorter one (the district's)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules",
                                 verbose_name=_("分类"))
    area = models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("区域"))
    department = models.ForeignKey("orgs.Department", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("承办部门"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派遣规则")
        verbose_name_plural = pgettext_lazy("plural", "派遣规则")
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="cases_rule_unique")]

    def __str__(self) -> str:
        return f"{self.category} @ {self.area_id} → {self.department}"
