"""Deliberation (协商议事): residents' and supervision councils, the topics they take up, the
procedure a topic follows (四议两公开 or a lighter council deliberation, as data), its meetings
and votes, the resolution, and the disclosures that publish it.

Councils, topics and disclosures belong to a community (`area`, the community's code) and are
scoped; the rows under them (members, steps, meetings, votes) are reached through them, like a
case's events through the case."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.codes import PREFIX_LENGTHS
from gongzhi.common.scoped import ScopedModel, ScopeRule

# Who works with councils and topics: those who work with residents (members are people in the
# register). Never the three administrators (三权分立); handlers are not part of it. A grid
# worker reads the councils, topics and disclosures of the community their grid lies in.
DELIBERATION_ROLES = frozenset({"grid_worker", "community_worker", "dispatcher", "leader"})
IN_COMMUNITY = ScopeRule(area_fields=("area__code",), roles=DELIBERATION_ROLES, reach=PREFIX_LENGTHS["community"])


class DeliberationError(ValueError):
    """What the rules of deliberation do not allow; says why, for the user."""


def community_field():
    return models.ForeignKey("areas.Area", to_field="code", db_column="area_code", on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("社区"))


class CouncilKind(models.TextChoices):
    DELIBERATION = "deliberation", _("居民议事会")
    SUPERVISION = "supervision", _("居务监督委员会")


class Council(ScopedModel):
    """A residents' council (居民议事会) or a supervision council (监事会) of one community, or
    of one compound in it (院落议事会)."""

    scope_rule = IN_COMMUNITY

    area = community_field()
    kind = models.CharField(_("类型"), max_length=12, choices=CouncilKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    # A compound's own council (院落议事会) sits on one estate of the standard address tree;
    # empty: the community's.
    compound = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", limit_choices_to={"kind": "estate"}, verbose_name=_("小区/院落"),
                                 help_text=_("院落议事会所在的小区；社区议事会留空"))
    created_at = models.DateTimeField(_("设立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = pgettext_lazy("plural", "议事会")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CONVENER = "convener", _("召集人")
    MEMBER = "member", _("成员")
    RECORDER = "recorder", _("记录员")


class CouncilMember(models.Model):
    """A person of the register on a council for a term. Membership is history: ending it sets
    `term_end`, nothing is deleted; a person may hold several terms one after another."""

    read_through = "council"

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="members", verbose_name=_("议事会"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    role = models.CharField(_("职务"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["council", "term_start", "id"]
        verbose_name = _("议事会成员")
        verbose_name_plural = pgettext_lazy("plural", "议事会成员")
        constraints = [models.UniqueConstraint(fields=["council", "person"], condition=models.Q(term_end__isnull=True),
                                               name="deliberation_one_current_membership")]

    def __str__(self) -> str:
        return f"{self.council_id} {self.person_id} {self.role}"

    def delete(self, *args, **kwargs):
        raise DeliberationError(_now("议事会成员记录不能删除，请结束其任期"))


class TopicSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    WORKER = "worker", _("社区工作者提出")
    PARTY = "party", _("党组织提议")
    CASE = "case", _("事件转入")


class TopicState(models.TextChoices):
    PROPOSED = "proposed", _("待议事会决定")
    TAKEN_UP = "taken_up", _("已受理")
    DECLINED = "declined", _("不予受理")
    DELIBERATING = "deliberating", _("协商中")
    RESOLVED = "resolved", _("已形成决议")
    REJECTED = "rejected", _("未通过")


class Topic(ScopedModel):
    """A matter residents decide together (议题). It comes from a resident, a community worker,
    the party organisation or a case that cannot be solved as a case (then `case` links them
    both ways: `case.topic`). The council decides whether to take it up; its procedure is a copy
    of a template's steps (TopicStep)."""

    scope_rule = IN_COMMUNITY

    area = community_field()
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=TopicSource.choices)
    state = models.CharField(_("状态"), max_length=14, choices=TopicState.choices, default=TopicState.PROPOSED)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="topic",
                                verbose_name=_("来源事件"))
    proposer = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("提出居民"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("登记人"))
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.PROTECT, related_name="topics",
                                verbose_name=_("议事会"))
    procedure_name = models.CharField(_("议事程序"), max_length=100, blank=True)
    decision_note = models.TextField(_("受理意见"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("议题")
        verbose_name_plural = pgettext_lazy("plural", "议题")

    def __str__(self) -> str:
        return self.title


class TopicSupport(models.Model):
    """A resident's support (附议) for a topic: one per person per topic."""

    read_through = "topic"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports", verbose_name=_("议题"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题附议")
        verbose_name_plural = pgettext_lazy("plural", "议题附议")
        constraints = [models.UniqueConstraint(fields=["topic", "person"], name="deliberation_one_support")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.person_id}"


class TopicComment(models.Model):
    read_through = "topic"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments", verbose_name=_("议题"))
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("居民"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("工作人员"))
    text = models.TextField(_("内容"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("议题评论")
        verbose_name_plural = pgettext_lazy("plural", "议题评论")

    def __str__(self) -> str:
        return self.text[:40]


class TopicPhoto(models.Model):
    """A photo a topic was proposed with. Public with the topic (the proposer is told so), so it
    is stored re-encoded without any metadata, where it was taken included (cases.photos.clean)."""

    read_through = "topic"

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="photos", verbose_name=_("议题"))
    image = models.FileField(_("照片"), upload_to="topics/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("议题照片")
        verbose_name_plural = pgettext_lazy("plural", "议题照片")

    def __str__(self) -> str:
        return f"{self.topic_id} {self.image.name}"


# ---------------------------------------------------------------- procedures
class StepKind(models.TextChoices):
    MEETING = "meeting", _("会议")  # a meeting whose outcome the recorder enters (agreed or not)
    VOTE = "vote", _("表决")  # a meeting whose outcome is the count of its votes


class Quorum(models.TextChoices):
    NONE = "none", _("不设法定人数")
    MORE_THAN_HALF = "more_than_half", _("过半数成员到会")
    TWO_THIRDS = "two_thirds", _("三分之二以上成员到会")


class Threshold(models.TextChoices):
    SIMPLE_MAJORITY = "simple_majority", _("过半数赞成")
    TWO_THIRDS = "two_thirds", _("三分之二以上赞成")


class BallotKind(models.TextChoices):
    OPEN = "open", _("公开表决")
    SECRET = "secret", _("无记名投票")


class StepRules(models.Model):
    """What a step is and how it decides: shared by a template's steps and a topic's copies."""

    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("方式"), max_length=8, choices=StepKind.choices, default=StepKind.MEETING)
    quorum = models.CharField(_("法定人数"), max_length=16, choices=Quorum.choices, default=Quorum.MORE_THAN_HALF)
    threshold = models.CharField(_("通过标准"), max_length=16, choices=Threshold.choices,
                                 default=Threshold.SIMPLE_MAJORITY)
    ballot = models.CharField(_("表决方式"), max_length=8, choices=BallotKind.choices, default=BallotKind.OPEN)
    proxies_allowed = models.BooleanField(_("允许委托表决"), default=False)

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ProcedureTemplate(models.Model):
    """A sequence of steps a topic may follow. The defaults (load_defaults) have no community
    and serve everyone; a community may define its own."""

    scope_exempt = "configuration: procedures as data, shared or a place's own"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey("areas.Area", to_field="code", db_column="area_code", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", verbose_name=_("适用社区"),
                             help_text=_("留空则所有社区可用"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("议事程序模板")
        verbose_name_plural = pgettext_lazy("plural", "议事程序模板")

    def __str__(self) -> str:
        return self.name


class ProcedureStepTemplate(StepRules):
    scope_exempt = "configuration: a step of a procedure template"

    template = models.ForeignKey(ProcedureTemplate, on_delete=models.CASCADE, related_name="steps",
                                 verbose_name=_("模板"))

    class Meta(StepRules.Meta):
        verbose_name = _("程序步骤")
        verbose_name_plural = pgettext_lazy("plural", "程序步骤")
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="deliberation_template_step")]


class StepState(models.TextChoices):
    PENDING = "pending", _("未开始")
    PASSED = "passed", _("已通过")
    REJECTED = "rejected", _("未通过")


class TopicStep(StepRules):
    """A topic's own copy of a template step, so a later change to the template leaves it be."""

    read_through = "topic"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="steps", verbose_name=_("议题"))
    state = models.CharField(_("状态"), max_length=10, choices=StepState.choices, default=StepState.PENDING)

    class Meta(StepRules.Meta):
        verbose_name = _("议题步骤")
        verbose_name_plural = pgettext_lazy("plural", "议题步骤")
        constraints = [models.UniqueConstraint(fields=["topic", "order"], name="deliberation_topic_step")]


# ---------------------------------------------------------------- meetings and votes
class Outcome(models.TextChoices):
    PASSED = "passed", _("通过")
    REJECTED = "rejected", _("未通过")
    NO_QUORUM = "no_quorum", _("未达法定人数，不通过")


class Meeting(models.Model):
    """One meeting of a step: invited members (the ones entitled to vote), attendance, minutes.
    Concluding it computes the result and freezes it with the minutes: a frozen meeting refuses
    any change."""

    read_through = "step__topic"

    step = models.ForeignKey(TopicStep, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("步骤"))
    scheduled_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("地点"), max_length=200)
    invited = models.ManyToManyField(CouncilMember, related_name="invitations", blank=True,
                                     verbose_name=_("参会成员"))
    minutes = models.TextField(_("纪要"), blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, blank=True)
    result = models.JSONField(_("计票结果"), default=dict, blank=True)
    frozen = models.BooleanField(_("已封存"), default=False)
    concluded_at = models.DateTimeField(_("封存时间"), null=True, blank=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = _("会议")
        verbose_name_plural = pgettext_lazy("plural", "会议")

    def __str__(self) -> str:
        return f"{self.step.name} {self.scheduled_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk and type(self)._base_manager.filter(pk=self.pk, frozen=True).exists():
            raise DeliberationError(frozen_message())
        super().save(*args, **kwargs)


def frozen_message() -> str:
    """What any change to a concluded meeting is told."""
    return _now("会议结果已随纪要封存，不能再修改")


class Attendance(models.Model):
    read_through = "meeting__step__topic"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("会议"))
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    at = models.DateTimeField(_("签到时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = pgettext_lazy("plural", "签到")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="deliberation_attend_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}"


class Proxy(models.Model):
    """An absent member's vote entrusted to a present one, where the step allows: each holder
    carries at most one, and a member who has voted gives none."""

    read_through = "meeting__step__topic"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="proxies", verbose_name=_("会议"))
    absent = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("委托人"))
    holder = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("受托人"))

    class Meta:
        verbose_name = _("委托表决")
        verbose_name_plural = pgettext_lazy("plural", "委托表决")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "absent"], name="deliberation_proxy_once"),
            models.UniqueConstraint(fields=["meeting", "holder"], name="deliberation_proxy_one_each"),
        ]

    def __str__(self) -> str:
        return f"{self.absent_id} → {self.holder_id}"


class Choice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Vote(models.Model):
    """That a member voted (in person, or through `proxy_holder`): one per member per meeting.
    In an open ballot it holds the choice; in a secret one `choice` stays empty and the choice
    is a SecretBallot row that names nobody."""

    read_through = "meeting__step__topic"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="votes", verbose_name=_("会议"))
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    proxy_holder = models.ForeignKey(CouncilMember, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("受托人"))
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices, blank=True)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = pgettext_lazy("plural", "表决")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="deliberation_one_vote")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}"


class SecretBallot(models.Model):
    """A choice in a secret ballot, apart from the voter: a random key and no time, so neither
    order nor clock ties it to a Vote row."""

    read_through = "meeting__step__topic"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="secret_ballots",
                                verbose_name=_("会议"))
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("无记名选票")
        verbose_name_plural = pgettext_lazy("plural", "无记名选票")

    def __str__(self) -> str:
        return str(self.get_choice_display())


class Resolution(models.Model):
    """What the topic's last step decided (决议)."""

    read_through = "topic"

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="resolution", verbose_name=_("议题"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+", verbose_name=_("决议会议"))
    text = models.TextField(_("决议内容"))
    adopted_at = models.DateTimeField(_("通过时间"))

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = pgettext_lazy("plural", "决议")

    def __str__(self) -> str:
        return f"{self.topic.title}"


# ---------------------------------------------------------------- disclosure
class DisclosureKind(models.TextChoices):
    RESOLUTION = "resolution", _("决议公开")
    IMPLEMENTATION = "implementation", _("实施结果公开")
    FUND = "fund", _("资金公开")
    PROJECT = "project", _("项目公开")


class ProjectProgress(models.TextChoices):
    PLANNED = "planned", _("未开工")
    UNDER_WAY = "under_way", _("实施中")
    COMPLETED = "completed", _("已完工")


class Disclosure(ScopedModel):
    """A notice published on the community's public page (居务公开), dated, kept for good. Once
    published it is never edited or deleted; a correction is a new disclosure that names the
    one it corrects (`corrects`). A fund or project disclosure also carries its account (the
    period or dates, beneficiaries as a number and a description, the contractor and progress)
    and its lines (DisclosureItem), so that the same rule keeps the figures as published."""

    scope_rule = IN_COMMUNITY

    area = community_field()
    kind = models.CharField(_("类型"), max_length=14, choices=DisclosureKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures",
                              verbose_name=_("议题"))
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="correction", verbose_name=_("更正的公开"))
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发布人"))
    # fund and project disclosures (funds.py): a fund's period, a project's start and end
    period_start = models.DateField(_("开始日期"), null=True, blank=True)
    period_end = models.DateField(_("结束日期"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("受益对象数量"), null=True, blank=True)
    beneficiaries_note = models.CharField(_("受益对象说明"), max_length=200, blank=True,
                                          help_text=_("总体说明，不写个人姓名"))
    contractor = models.CharField(_("实施单位"), max_length=200, blank=True)
    progress = models.CharField(_("项目进度"), max_length=10, choices=ProjectProgress.choices, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("公开")
        verbose_name_plural = pgettext_lazy("plural", "公开")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk and type(self)._base_manager.filter(pk=self.pk, published_at__isnull=False).exists():
            raise DeliberationError(published_message())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.published_at is not None:
            raise DeliberationError(_now("已公开的内容不能删除，请发布更正"))
        return super().delete(*args, **kwargs)


def published_message() -> str:
    return _now("已公开的内容不能修改，请发布更正")


class DisclosureItem(models.Model):
    """One line of a fund or project disclosure's account (元, two places): what it was for, how
    much was budgeted and how much spent. Totals are summed from the lines, never entered; once
    the disclosure is published its lines stay as they are."""

    read_through = "disclosure"

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="items",
                                   verbose_name=_("公开"))
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("科目"), max_length=100)
    budgeted = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(_("支出金额（元）"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["disclosure", "order"]
        verbose_name = _("公开明细")
        verbose_name_plural = pgettext_lazy("plural", "公开明细")
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "order"], name="deliberation_item_order"),
            models.CheckConstraint(condition=models.Q(budgeted__gte=0, spent__gte=0),
                                   name="deliberation_item_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self._published():
            raise DeliberationError(published_message())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._published():
            raise DeliberationError(published_message())
        return super().delete(*args, **kwargs)

    def _published(self) -> bool:
        return Disclosure.objects.unscoped().filter(pk=self.disclosure_id, published_at__isnull=False).exists()


# ---------------------------------------------------------------- follow-through
class TaskState(models.TextChoices):
    OPEN = "open", _("落实中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ResolutionTask(models.Model):
    """A piece of carrying a resolution out (决议落实任务): who answers for it (a staff user of
    the community and/or a unit: one of its organisations or a department above it) and by
    when. It closes once, done with its result or cancelled with a reason; when the last one
    closes, the implementation result is due to be disclosed. Read through its topic."""

    read_through = "resolution__topic"

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="tasks",
                                   verbose_name=_("决议"))
    title = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("责任人"))
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("责任组织"))
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("责任部门"))
    deadline = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    result = models.TextField(_("完成情况"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("交办人"))
    created_at = models.DateTimeField(_("交办时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["resolution", "deadline", "id"]
        verbose_name = _("决议落实任务")
        verbose_name_plural = pgettext_lazy("plural", "决议落实任务")
        constraints = [models.CheckConstraint(
            condition=models.Q(owner__isnull=False) | models.Q(organization__isnull=False)
            | models.Q(department__isnull=False), name="deliberation_task_has_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self):
        """The organisation or department that answers for the task, if any."""
        return self.organization or self.department

    @property
    def answerable(self) -> str:
        """Who answers for it, as shown: the person, and the unit in brackets."""
        person = (self.owner.full_name or self.owner.username) if self.owner_id else ""
        unit = str(self.unit) if self.unit else ""
        return f"{person}（{unit}）" if person and unit else person or unit

    def overdue_on(self, day) -> bool:
        """Still open after its deadline day."""
        return self.state == TaskState.OPEN and self.deadline < day
