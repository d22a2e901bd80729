"""Cases (事件与诉求). This first part holds what every case is measured against: the category
tree with each leaf's deadline policy and default level (the working calendar and the units of
a limit are `gongzhi.workcalendar`'s)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.scoped import ScopedModel, ScopeRule
from gongzhi.common.sealed import Sealed
from gongzhi.workcalendar.units import LimitUnit


class CaseLevel(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    SUBDISTRICT = "subdistrict", _("街道")
    DISTRICT = "district", _("区")


class Category(models.Model):
    """A two-level tree (大类 › 小类). Cases are filed under leaves; each leaf says how long each
    step may take (accept, dispatch, handle), in a unit of `workcalendar.units.LimitUnit` (calendar
    hours, days or months, working hours or days on the Chinese calendar), and at which level it
    is handled by default."""

    scope_exempt = "configuration: one category tree for the installation"

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


class RoutingRule(models.Model):
    """Category + place → the department that handles it. The most specific rule wins: a leaf over its
    top category, a longer area code (a subdistrict's) over a shorter one (the district's)."""

    read_through = "area"

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


# Who works with cases: everyone but the three administrators (三权分立).
CASE_ROLES = frozenset({"grid_worker", "community_worker", "dispatcher", "leader", "handler"})


class CaseState(models.TextChoices):
    REPORTED = "reported", _("已上报")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    DISPATCHED = "dispatched", _("已派遣")
    HANDLED = "handled", _("已处置")
    VERIFIED = "verified", _("已核查")
    CLOSED = "closed", _("已结案")
    EVALUATED = "evaluated", _("已评价")
    SELF_RESOLVED = "self_resolved", _("自办结")
    MERGED = "merged", _("已合并")
    # Waiting on another process (a deliberation topic; later a dispute or a care visit): no
    # clock runs until that process ends and the case resumes or closes.
    REFERRED = "referred", _("已转办")


# The states a case is still being worked on in (workflow.OPEN; the sweep's indexes need them here),
# and those in which it waits in someone's inbox (a closed case waits for its evaluation).
OPEN_STATES = ("accepted", "dispatched", "handled", "reported", "verified")
WAITING_STATES = (*OPEN_STATES, "closed")


class Channel(models.TextChoices):
    GRID_PATROL = "grid_patrol", _("网格员上报")
    HOTLINE = "hotline", _("12345热线")
    SELF_REPORT = "self_report", _("居民自主上报")
    WALK_IN = "walk_in", _("来访")
    INSPECTION = "inspection", _("巡查")
    OPEN311 = "open311", _("Open311")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Case(ScopedModel):
    """One matter to be handled, whatever its channel. `area` is where it is (a grid where the
    point or address says so); `department` is the department holding it after dispatch, which is
    what a handler's scope matches. `due_at`/`warn_at` belong to the step in progress."""

    scope_rule = ScopeRule(area_fields=("area__code",), department_fields=("department",), roles=CASE_ROLES)

    number = models.CharField(_("编号"), max_length=20)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("分类"))
    description = models.TextField(_("描述"))
    area = models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("所在网格/社区"), db_index=False)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("标准地址"), db_index=False)
    address_text = models.CharField(_("地址描述"), max_length=300, blank=True)
    reporter_name = models.CharField(_("反映人"), max_length=60, blank=True)
    reporter_phone = Sealed("phone", purpose="cases.case.reporter_phone")
    reporter_phone_token = models.TextField(blank=True, editable=False)
    reporter_phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    reporter_phone_masked = models.CharField(_("反映人电话"), max_length=20, blank=True, editable=False)
    tracking_code_digest = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField(_("状态"), max_length=14, choices=CaseState.choices, default=CaseState.REPORTED)
    level = models.CharField(_("处置层级"), max_length=12, choices=CaseLevel.choices)
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("承办部门"))
    step_started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    light = models.CharField(_("时限状态"), max_length=6, default="green",
                             help_text=_("green 正常，yellow 预警，red 超期；由定时任务更新"))
    extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    reported_at = models.DateTimeField(_("上报时间"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    satisfaction = models.CharField(_("评价"), max_length=20, choices=Satisfaction.choices, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("上报人"), db_index=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("合并到"), db_index=False)
    people = models.ManyToManyField("registry.Person", blank=True, related_name="cases", verbose_name=_("关联人员"))
    houses = models.ManyToManyField("registry.House", blank=True, related_name="cases", verbose_name=_("关联房屋"))
    entities = models.ManyToManyField("registry.Entity", blank=True, related_name="cases",
                                      verbose_name=_("关联法人"))

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("事件")
        verbose_name_plural = pgettext_lazy("plural", "事件")
        indexes = [
            models.Index(fields=["area"], name="cases_case_area", opclasses=["varchar_pattern_ops"]),
            # The sweep's candidates (sweeps.candidates): open cases by deadline and by warning
            # point, read a minute at a time (and any other question about open cases' deadlines).
            # The light is in no index, so that turning it can be a HOT update (no index touched;
            # on PostgreSQL the table keeps room on its pages for that, migration 0016).
            models.Index(fields=["due_at"], name="cases_case_open_due", condition=Q(state__in=OPEN_STATES)),
            models.Index(fields=["warn_at"], name="cases_case_open_warn", condition=Q(state__in=OPEN_STATES)),
            # Inboxes: the cases of a place that still wait for someone, out of all it ever had.
            models.Index(fields=["area"], name="cases_case_waiting", opclasses=["varchar_pattern_ops"],
                         condition=Q(state__in=WAITING_STATES)),
            # Every index a case is in is written again whenever the row moves to another page
            # (a transition, or a light turning on a full page): the optional links are indexed
            # only where they are set (what deleting the user, address or case they point to
            # looks up).
            models.Index(fields=["address"], name="cases_case_address", condition=Q(address__isnull=False)),
            models.Index(fields=["reported_by"], name="cases_case_reported_by", condition=Q(reported_by__isnull=False)),
            models.Index(fields=["duplicate_of"], name="cases_case_duplicate_of",
                         condition=Q(duplicate_of__isnull=False)),
        ]
        # Constraints rather than unique=True, which on PostgreSQL adds a second (LIKE) index to
        # each; the retry key is mostly absent and indexed only where present.
        constraints = [
            models.UniqueConstraint(fields=["number"], name="cases_case_number_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="cases_case_idempotency_key_unique",
                                    condition=Q(idempotency_key__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One step in a case's history, written in the same transaction as the change it records.
    Never edited, never deleted."""

    read_through = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("事件"),
                             db_index=False)  # cases_event_case_at starts with it
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"), db_index=False)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=20)
    from_state = models.CharField(max_length=14, blank=True)
    to_state = models.CharField(max_length=14, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("事件流转记录")
        verbose_name_plural = pgettext_lazy("plural", "事件流转记录")
        # The sweep writes thousands of events in a busy minute: no index twice, and the system's
        # own events (no actor) in none but these.
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at"),
                   models.Index(fields=["actor"], name="cases_event_actor", condition=Q(actor__isnull=False))]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("case events are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("case events are never deleted")


class Counts(models.Model):
    """The counters a rollup row keeps (`rates.COUNTERS`; what each counts: rollups.py)."""

    reported = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    responded_on_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    handled_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class CaseStat(ScopedModel, Counts):
    """Rollup of case events per day, grid, category and channel (and department where one holds
    it), kept up to date by each transition in its own transaction, so that rates over a city
    and a month read thousands of rows, not millions of cases."""

    scope_rule = ScopeRule(area_fields=("area__code",), department_fields=("department",), roles=CASE_ROLES)

    day = models.DateField(_("日期"))
    area = models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("事件统计")
        verbose_name_plural = pgettext_lazy("plural", "事件统计")
        # One row per key, a missing department included (a plain unique key lets NULLs repeat).
        constraints = [models.UniqueConstraint("day", "area", "category", "channel", Coalesce("department", 0),
                                               name="cases_stat_key")]
        # On PostgreSQL also a block-range index on day (migration 0013): a period over many
        # places (a city's month) finds its pages through it, since rows are written day by day.
        indexes = [models.Index(fields=["area", "day"], name="cases_stat_area_day",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.category_id}"


class CommunityStat(ScopedModel, Counts):
    """The same counts summed per day and community (no grid, category, channel or department), added
    to by each transition next to its fine row, in the same transaction: the rates of a city, a
    district or a subdistrict read one row per community and day, about 1,400 a day in the demo
    city instead of some 30,000 fine rows (rates.py picks the grain)."""

    scope_rule = ScopeRule(area_fields=("area__code",), roles=CASE_ROLES)

    day = models.DateField(_("日期"))
    area = models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
                             related_name="+", db_index=False)  # the community: the case's code to 12 digits

    class Meta:
        verbose_name = _("社区事件统计")
        verbose_name_plural = pgettext_lazy("plural", "社区事件统计")
        constraints = [models.UniqueConstraint("day", "area", name="cases_community_stat_key")]
        indexes = [models.Index(fields=["area", "day"], name="cases_community_stat_area_day",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id}"


class Open311Key(models.Model):
    """An Open311 client's api_key (only its digest is kept; the key is shown once). Reports
    through a key are read within its area (the city it serves)."""

    read_through = "area"

    name = models.CharField(_("名称"), max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    area = models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("服务区域"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311接口密钥")
        verbose_name_plural = pgettext_lazy("plural", "Open311接口密钥")

    def __str__(self) -> str:
        return self.name


class CasePhoto(models.Model):
    """A photo of a case (reported, handled, verified). Stored re-encoded without any metadata;
    where the phone recorded where it was taken, that point is kept here and nowhere else."""

    read_through = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos", verbose_name=_("事件"))
    image = models.FileField(_("照片"), upload_to="cases/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_lon = models.FloatField(_("拍摄经度"), null=True, blank=True)
    taken_lat = models.FloatField(_("拍摄纬度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("事件照片")
        verbose_name_plural = pgettext_lazy("plural", "事件照片")

    def __str__(self) -> str:
        return f"{self.case_id} {self.image.name}"


class DailyCounter(models.Model):
    """The last case number handed out each day (numbers are GZ + date + this counter)."""

    scope_exempt = "the day's case-number counter, system state"

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.last}"
