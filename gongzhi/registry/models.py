"""五码关联: people, legal entities, houses and phones, all hung on one standard address (cases
join the same keys). Every row stores the smallest area it belongs to (a grid where known,
else the community), which is what the scoping module matches."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.scoped import ScopedModel, ScopeRule, SensitiveCategories
from gongzhi.common.sealed import Sealed

# Residents' data: the people who work with residents. System, security and audit
# administrators never see it (三权分立); handlers reach it through the cases they hold.
REGISTRY_ROLES = frozenset({"grid_worker", "community_worker", "dispatcher", "leader"})
IN_AREA = ScopeRule(area_fields=("area__code",), roles=REGISTRY_ROLES)


def area_field():
    """The smallest area the row belongs to: a grid where known, else the community. Indexed
    once, for prefix matching (see prefix_index), which serves equality as well."""
    return models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("所在网格/社区"), db_index=False)


def prefix_index(field: str, name: str) -> models.Index:
    """A B-tree that serves `LIKE 'prefix%'` on PostgreSQL (varchar_pattern_ops) and plain
    lookups everywhere: scoping by area code and search by name or pinyin are prefix matches.
    One such index instead of Django's two per indexed CharField keeps bulk inserts fast."""
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])


class AddressKind(models.TextChoices):
    ROAD = "road", _("道路")
    NUMBER = "number", _("门牌号")
    ESTATE = "estate", _("小区/院落")
    BUILDING = "building", _("楼栋")
    UNIT = "unit", _("单元")
    FLOOR = "floor", _("楼层")
    ROOM = "room", _("房间")


ADDRESS_ORDER = [k.value for k in AddressKind]


class Address(ScopedModel):
    """One node of a community's standard address tree (road › number › estate › building ›
    unit › floor › room). `code` is stable: the community code and a serial. `path_key` is the
    normalised chain of names from the root, unique in the community, so the same address is
    never entered twice."""

    scope_rule = IN_AREA

    code = models.CharField(_("地址编码"), max_length=19, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=AddressKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级地址"))
    community = models.ForeignKey("areas.Area", to_field="code", db_column="community_code",
                                  on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    area = area_field()
    full_text = models.CharField(_("标准地址"), max_length=300)
    path_key = models.CharField(max_length=300)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("标准地址")
        verbose_name_plural = pgettext_lazy("plural", "标准地址")
        constraints = [models.UniqueConstraint(fields=["community", "path_key"], name="reg_address_path_unique")]
        indexes = [
            prefix_index("area", "reg_address_area"),
            models.Index(fields=["community", "full_text"], name="reg_address_text")]

    def __str__(self) -> str:
        return self.full_text


class Building(ScopedModel):
    """What is known about a building beyond its address."""

    scope_rule = IN_AREA

    address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="building", verbose_name=_("地址"))
    area = area_field()
    floors_above = models.PositiveSmallIntegerField(_("地上层数"), null=True, blank=True)
    floors_below = models.PositiveSmallIntegerField(_("地下层数"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    structure = models.CharField(_("结构"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        indexes = [prefix_index("area", "reg_building_area")]

    def __str__(self) -> str:
        return str(self.address)


class HouseUse(models.TextChoices):
    SELF_OCCUPIED = "self_occupied", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    COMMERCIAL = "commercial", _("经营")


class House(ScopedModel):
    """A dwelling or premises at one address (usually a room). Occupants are the open
    residences; for a rented house they are its tenants with their periods."""

    scope_rule = IN_AREA

    address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="house", verbose_name=_("地址"))
    area = area_field()
    use = models.CharField(_("用途"), max_length=16, choices=HouseUse.choices, default=HouseUse.SELF_OCCUPIED)
    floor_area = models.DecimalField(_("面积(㎡)"), max_digits=8, decimal_places=2, null=True, blank=True)
    owner_person = models.ForeignKey("Person", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="houses_owned", verbose_name=_("产权人"))
    owner_entity = models.ForeignKey("Entity", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="houses_owned", verbose_name=_("产权单位"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = pgettext_lazy("plural", "房屋")
        indexes = [prefix_index("area", "reg_house_area")]

    def __str__(self) -> str:
        return str(self.address)


class Residency(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    OVERSEAS = "overseas", _("境外人员")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已死亡")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Tenure(models.TextChoices):
    OWN = "own", _("自有")
    RENT = "rent", _("租住")
    OTHER = "other", _("借住/其他")


class PassportType(models.TextChoices):
    ORDINARY = "P", _("普通护照")
    DIPLOMATIC = "D", _("外交护照")
    SERVICE = "S", _("公务护照")
    PERMIT = "R", _("居留许可")
    OTHER = "O", _("其他证件")


class Tag(models.Model):
    """A label on a person that services look for (老年人, 残疾人, 退役军人, 党员 …). A sensitive
    tag (a special group: 社区矫正, 吸毒人员 …) is a sensitive category: a person carrying it is
    seen only through a grant that names it (`SENSITIVE_TAGS`, accounts/scoping.py)."""

    scope_exempt = "configuration: the tags people may carry"

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    sensitive = models.BooleanField(
        _("敏感类别"), default=False,
        help_text=_("带此标签的人员只对授权中列明该类别的工作人员可见（特殊人群）"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("人员标签")
        verbose_name_plural = pgettext_lazy("plural", "人员标签")

    def __str__(self) -> str:
        return self.name


# The register's sensitive categories: the tags flagged sensitive, by code.
SENSITIVE_TAGS = SensitiveCategories(model="registry.Tag", key="code", flag="sensitive", label="name")


def about_person(path: str, roles: frozenset[str] = REGISTRY_ROLES) -> ScopeRule:
    """The scope rule of a row that is, or tells of, one person (`path` leads to the person's
    tags): in the area, and out of sight with the person when they are in a sensitive group."""
    return ScopeRule(area_fields=("area__code",), roles=roles, category_field=path,
                     sensitive_categories=SENSITIVE_TAGS)


class IdentityCheck(models.TextChoices):
    """A person registered with an ID or passport number that a record the registering user
    cannot see already holds: provisional until that record's keepers decide (an IdentityReview)."""

    NONE = "", _("无")
    PENDING = "pending", _("待核实")
    DECLINED = "declined", _("身份证号核实未通过")


class Person(ScopedModel):
    """A person in the register. The ID number (or an overseas person's passport number) is
    sealed (encrypted, with a digest for exact search and a masked form for screens); birth
    date and sex come from the ID number and must agree with it. `house` is where the person
    lives now; the dated history is in Residence and PersonEvent. A person carrying a
    sensitive tag is seen only through a grant naming it (with their residences, events and
    phone links)."""

    scope_rule = about_person("tags")

    name = models.CharField(_("姓名"), max_length=60)
    name_pinyin = models.CharField(max_length=200, blank=True)
    name_initials = models.CharField(max_length=30, blank=True)
    id_number = Sealed("id_number", purpose="registry.person.id_number")
    id_number_token = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    passport_type = models.CharField(_("证件类型"), max_length=1, choices=PassportType.choices, blank=True)
    passport_number = Sealed("document", purpose="registry.person.passport_number")
    passport_number_token = models.TextField(blank=True, editable=False)
    passport_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    passport_number_masked = models.CharField(_("证件号码"), max_length=40, blank=True, editable=False)
    nationality = models.CharField(_("国籍"), max_length=3, blank=True, help_text=_("ISO 3166 三位字母代码"))
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    residency = models.CharField(_("人口类型"), max_length=12, choices=Residency.choices)
    house = models.ForeignKey(House, null=True, blank=True, on_delete=models.SET_NULL, related_name="occupants",
                              verbose_name=_("现住房屋"))
    relation_to_head = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    died_on = models.DateField(_("死亡日期"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("标签"))
    identity_check = models.CharField(_("身份核实"), max_length=8, choices=IdentityCheck.choices, blank=True,
                                      default=IdentityCheck.NONE, editable=False)
    deidentified_at = models.DateTimeField(_("去标识化时间"), null=True, blank=True, editable=False,
                                           help_text=_("迁出或死亡满保存期限后，由定时任务去除可识别信息"))
    area = area_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("人口")
        verbose_name_plural = pgettext_lazy("plural", "人口")
        constraints = [
            # A provisional record (identity_check set) shares its number with the record under review.
            models.UniqueConstraint(fields=["id_number_digest"], condition=~Q(id_number_digest="") & Q(identity_check=""),
                                    name="reg_person_id_unique"),
            models.UniqueConstraint(fields=["passport_number_digest", "nationality"],
                                    condition=~Q(passport_number_digest="") & Q(identity_check=""),
                                    name="reg_person_passport_unique"),
        ]
        indexes = [
            prefix_index("area", "reg_person_area"),
            prefix_index("name", "reg_person_name"),
            prefix_index("name_pinyin", "reg_person_pinyin"),
            prefix_index("name_initials", "reg_person_initials"),
        ]

    def __str__(self) -> str:
        return self.name


class Residence(ScopedModel):
    """A person living at a house from `start` until `end` (open while they live there): the
    answer to "who lived here on date D". A rented house's tenants are its `rent` residences."""

    scope_rule = about_person("person__tags")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residences", verbose_name=_("人员"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="residences", verbose_name=_("房屋"),
                              db_index=False)  # (house, start, end) below serves it
    start = models.DateField(_("入住日期"))
    end = models.DateField(_("迁出日期"), null=True, blank=True)
    relation_to_head = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, blank=True)
    tenure = models.CharField(_("居住方式"), max_length=6, choices=Tenure.choices, default=Tenure.OWN)
    area = area_field()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("居住记录")
        verbose_name_plural = pgettext_lazy("plural", "居住记录")
        indexes = [
            prefix_index("area", "reg_residence_area"),
            models.Index(fields=["house", "start", "end"], name="reg_residence_house_dates")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="reg_residence_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.house} {self.start}–{self.end or ''}"


class PersonEventKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    MOVE_IN = "move_in", _("迁入")
    MOVE_OUT = "move_out", _("迁出")
    CHANGE_HOUSE = "change_house", _("变更住址")
    DEATH = "death", _("死亡")


class PersonEvent(ScopedModel):
    """A dated change in a person's life that the register follows."""

    scope_rule = about_person("person__tags")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events", verbose_name=_("人员"))
    kind = models.CharField(_("事项"), max_length=14, choices=PersonEventKind.choices)
    date = models.DateField(_("日期"))
    house = models.ForeignKey(House, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("房屋"), db_index=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    area = area_field()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("人口变动")
        verbose_name_plural = pgettext_lazy("plural", "人口变动")
        indexes = [prefix_index("area", "reg_event_area")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.date}"


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SHOP = "shop", _("个体工商户")
    SOCIAL_ORG = "social_org", _("社会组织")
    INSTITUTION = "institution", _("机关事业单位")


class Entity(ScopedModel):
    """A legal entity (法人) at an address, identified by its unified social credit code."""

    scope_rule = IN_AREA

    kind = models.CharField(_("类型"), max_length=12, choices=EntityKind.choices)
    name = models.CharField(_("名称"), max_length=150)
    name_pinyin = models.CharField(max_length=400, blank=True)
    name_initials = models.CharField(max_length=60, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.PROTECT, related_name="entities",
                                verbose_name=_("地址"))
    legal_rep = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="represents", verbose_name=_("法定代表人"))
    business_scope = models.TextField(_("经营范围"), blank=True)
    headcount = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("存续"), default=True)
    area = area_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("法人")
        verbose_name_plural = pgettext_lazy("plural", "法人")
        indexes = [
            prefix_index("area", "reg_entity_area"),
            prefix_index("name", "reg_entity_name"),
            prefix_index("name_pinyin", "reg_entity_pinyin"),
            prefix_index("name_initials", "reg_entity_initials"),
        ]

    def __str__(self) -> str:
        return self.name


class Phone(models.Model):
    """A phone number, sealed. Not scoped itself: it is only ever reached through the links
    that tie it to people and entities, which are."""

    scope_exempt = "a number alone, sealed; read through the scoped links to people and entities"

    number = Sealed("phone", purpose="registry.phone.number")
    number_token = models.TextField(editable=False)
    number_digest = models.CharField(max_length=64, editable=False)
    number_masked = models.CharField(_("号码"), max_length=20, editable=False)

    class Meta:
        verbose_name = _("通讯号码")
        verbose_name_plural = pgettext_lazy("plural", "通讯号码")
        # A constraint, not unique=True: that would add a second (pattern) index nobody uses.
        constraints = [models.UniqueConstraint(fields=["number_digest"], name="reg_phone_digest_unique")]

    def __str__(self) -> str:
        return self.number_masked


class PhoneLink(ScopedModel):
    """A phone used by a person or an entity; one number may have several owners."""

    scope_rule = about_person("person__tags")  # an entity's link has no person: the area alone

    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, related_name="links", verbose_name=_("号码"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="phone_links")
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="phone_links")
    area = area_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("号码关联")
        verbose_name_plural = pgettext_lazy("plural", "号码关联")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, entity__isnull=True)
                                   | Q(person__isnull=True, entity__isnull=False), name="reg_phonelink_one_owner"),
            models.UniqueConstraint(fields=["phone", "person"], condition=Q(person__isnull=False),
                                    name="reg_phonelink_person_unique"),
            models.UniqueConstraint(fields=["phone", "entity"], condition=Q(entity__isnull=False),
                                    name="reg_phonelink_entity_unique"),
        ]
        indexes = [prefix_index("area", "reg_phonelink_area")]

    def __str__(self) -> str:
        return f"{self.phone} → {self.person or self.entity}"


class RecordChange(ScopedModel):
    """The history of a person, house or entity: who changed what, when, old and new values
    (sensitive values appear only masked)."""

    scope_rule = IN_AREA

    target_type = models.CharField(max_length=30)
    target_id = models.BigIntegerField()
    action = models.CharField(_("动作"), max_length=30)
    changes = models.JSONField(_("变更"), default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    area = area_field()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("变更记录")
        verbose_name_plural = pgettext_lazy("plural", "变更记录")
        indexes = [
            prefix_index("area", "reg_change_area"),
            models.Index(fields=["target_type", "target_id", "at"], name="reg_change_target")]

    def __str__(self) -> str:
        return f"{self.target_type}#{self.target_id} {self.action}"


class AddressAlias(ScopedModel):
    """Another way people write an address or a part of it: an old or short name of a road or
    estate (`name` for one part), or a whole free-text address a reviewer already matched
    (`kind` "text"), so the same text matches by itself next time."""

    scope_rule = IN_AREA

    kind = models.CharField(_("类型"), max_length=10)  # an AddressKind value, or "text"
    name = models.CharField(_("别名"), max_length=300)
    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("标准地址"))
    area = area_field()

    class Meta:
        verbose_name = _("地址别名")
        verbose_name_plural = pgettext_lazy("plural", "地址别名")
        constraints = [models.UniqueConstraint(fields=["kind", "name", "address"], name="reg_alias_unique")]
        indexes = [
            prefix_index("area", "reg_alias_area"),
            models.Index(fields=["kind", "name"], name="reg_alias_lookup")]

    def __str__(self) -> str:
        return f"{self.name} → {self.address}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    RESOLVED = "resolved", _("已匹配")
    DISMISSED = "dismissed", _("已忽略")


class AddressReview(ScopedModel):
    """A free-text address the matcher was not sure of, waiting for a community worker to pick
    the standard address (or create it). `area` is the smallest area the text was read into."""

    scope_rule = IN_AREA

    raw_text = models.CharField(_("原始地址"), max_length=300)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    candidates = models.JSONField(_("候选地址"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("匹配结果"))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    area = area_field()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("待核地址")
        verbose_name_plural = pgettext_lazy("plural", "待核地址")
        indexes = [
            prefix_index("area", "reg_review_area"),
            models.Index(fields=["status", "area"], name="reg_review_queue")]

    def __str__(self) -> str:
        return self.raw_text


class IdentityReviewState(models.TextChoices):
    OPEN = "open", _("待核实")
    CONFIRMED = "confirmed", _("已确认为同一人")
    DECLINED = "declined", _("核实未通过")


class IdentityReview(ScopedModel):
    """A number registered by someone who cannot see the record already holding it: the
    provisional record waits while the keepers of the existing one (found through its `area`)
    confirm it is the same person moving, or decline. Where and by whom the provisional record
    was registered is kept here, since a confirmation removes it."""

    scope_rule = about_person("existing__tags", roles=frozenset({"community_worker", "dispatcher"}))

    provisional = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("新登记记录"))
    existing = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("已有记录"))
    house = models.ForeignKey(House, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("登记房屋"))
    registered_area = models.ForeignKey("areas.Area", to_field="code", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("登记网格/社区"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("登记人"))
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=10, choices=IdentityReviewState.choices,
                             default=IdentityReviewState.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("核实人"))
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    area = area_field()  # the existing record's place: its keepers decide

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("身份核实")
        verbose_name_plural = pgettext_lazy("plural", "身份核实")
        indexes = [
            prefix_index("area", "reg_idreview_area"),
            models.Index(fields=["state", "area"], name="reg_idreview_queue")]

    def __str__(self) -> str:
        return f"{self.existing_id} ← {self.provisional_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One uploaded spreadsheet and what became of it. The upload and the error workbook are
    stored sealed (they hold residents' data in clear); only the uploader sees the job."""

    scope_exempt = "an upload, read by the account that made it"

    kind = models.CharField(_("类型"), max_length=40)  # an import kind's key (import_kinds)
    file_name = models.CharField(_("文件名"), max_length=200)
    source = models.FileField(upload_to="imports/", max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    failed = models.PositiveIntegerField(_("出错"), default=0)
    message = models.TextField(_("说明"), blank=True)
    error_file = models.FileField(upload_to="imports/", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Which process runs the job (host:pid) and when it last committed: a job whose worker is
    # gone is resumed from its committed chunks (imports.recover_stalled).
    worker = models.CharField(max_length=80, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def percent(self) -> int:
        return 100 if self.status == ImportStatus.DONE else int(100 * self.processed / self.total) if self.total else 0


class ImportChunk(models.Model):
    """A chunk of a job's rows (by its place in the file) that is committed, recorded in the same
    transaction as its rows: a resumed job skips exactly these, and its counts are the register's.
    `refused` holds the chunk's refused rows (row number and why), sealed: the reasons quote cells."""

    scope_exempt = "an import job's ledger, read with its job"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="registry_importchunk_once")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.index}"
