"""Follow-through (决议落实): a resolution is carried out as tasks, each with who answers for it
(a staff user working in the community, and/or one of its organisations or a department) and a
deadline. A task closes once: done with its result, or cancelled with a reason. When the last
open task of a resolution closes, the community's keepers are told that the implementation
result is due to be disclosed (实施结果公开), and `implementation_due` says so to the pages.

The supervision council (监事会) watches this through `supervised`: its members are residents,
not users, so the staff who read it for them are the deliberation roles of the community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts import scoping
from gongzhi.accounts.models import RoleAssignment
from gongzhi.audit import log
from gongzhi.common import actors
from gongzhi.notifications import outbox

from .models import (
    DeliberationError,
    Disclosure,
    DisclosureKind,
    ResolutionTask,
    TaskState,
    Topic,
    TopicState,
)
from .scope import KEEPERS, locked, require_keeper

# Who may answer for a task in person: the staff who work in the community (leaders read;
# handlers answer through their department).
OWNER_ROLES = frozenset({"grid_worker", "community_worker", "dispatcher"})
LINK = "/w/deliberation/topics/{pk}/"
WITH_OWNERS = ("owner", "organization", "department")


def owner_choices(topic: Topic) -> QuerySet:
    """The active users who may answer for a task of the topic: holders of OWNER_ROLES whose
    scope covers the community (its community workers, the dispatchers above it) or lies in it
    (its grid workers)."""
    covering = scoping.holders(area_code=topic.area_id, roles=OWNER_ROLES).values("pk")
    within = scoping.under(RoleAssignment.objects.unscoped().filter(revoked_at__isnull=True, role__in=OWNER_ROLES),
                           topic.area).values("user_id")
    return get_user_model().objects.filter(Q(pk__in=covering) | Q(pk__in=within), is_active=True).order_by("username")


def organization_choices(topic: Topic) -> QuerySet:
    """The community's active organisations (居委会, 物业, 社会组织 …), a task's unit."""
    from gongzhi.orgs.models import Organization

    return scoping.under(Organization.objects.unscoped().filter(is_active=True), topic.area)


def department_choices() -> QuerySet:
    """Departments a task may be given to: any active one, as a case may be dispatched to."""
    from gongzhi.orgs.models import Department

    return Department.objects.unscoped().filter(is_active=True)


def _tell(users: Any, subject: Any, body: Any, topic: Topic, **values: Any) -> None:
    """Notices are stored in the site's language, whoever's request made them: `subject` and
    `body` are lazy and are translated and filled in here."""
    with translation.override(settings.LANGUAGE_CODE):
        outbox.notify(users=users, subject=str(subject) % {"t": topic.title, **values}, body=str(body) % values,
                      link=LINK.format(pk=topic.pk))


@transaction.atomic
def assign(*, actor: Any, topic: Topic, title: str, deadline: dt.date, owner: Any = None, organization: Any = None,
           department: Any = None) -> ResolutionTask:
    """A task carrying out the topic's resolution, due by `deadline` (today or later), answered
    for by `owner` (a user of owner_choices) and/or one unit (an organisation of the community
    or a department). The owner is told."""
    require_keeper(actor)
    topic = locked(Topic, actor, topic.pk)
    if topic.state != TopicState.RESOLVED:
        raise DeliberationError(_("议题形成决议后才能交办落实任务"))
    if Disclosure.objects.unscoped().filter(topic=topic, kind=DisclosureKind.IMPLEMENTATION).exists():
        raise DeliberationError(_("实施结果已经公开，不能再交办任务"))
    title = title.strip()
    if not title:
        raise DeliberationError(_("请填写任务内容"))
    if not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime):
        raise DeliberationError(_("请填写完成时限"))
    if deadline < timezone.localdate():
        raise DeliberationError(_("完成时限不能早于今天"))
    if owner is None and organization is None and department is None:
        raise DeliberationError(_("请指定责任人或责任单位"))
    if organization is not None and department is not None:
        raise DeliberationError(_("责任单位只能选一个：本社区的组织或职能部门"))
    if owner is not None and not owner_choices(topic).filter(pk=owner.pk).exists():
        raise DeliberationError(_("%(u)s 不在本社区工作，不能担任责任人") % {"u": owner})
    if organization is not None and not organization_choices(topic).filter(pk=organization.pk).exists():
        raise DeliberationError(_("请选择本社区在册的组织"))
    if department is not None and not department_choices().filter(pk=department.pk).exists():
        raise DeliberationError(_("请选择在用的职能部门"))
    task = ResolutionTask.objects.create(resolution=topic.resolution, title=title[:200], owner=owner,
                                         organization=organization, department=department, deadline=deadline,
                                         created_by=actors.user_or_none(actor))
    log.record("deliberation.task.assigned", actor=actor, target=topic,
               changes={"task": task.pk, "title": task.title, "deadline": deadline,
                        "owner": getattr(owner, "pk", None), "organization": getattr(organization, "pk", None),
                        "department": getattr(department, "pk", None)})
    if owner is not None:
        _tell([owner], gettext_lazy("新的决议落实任务：%(t)s"), gettext_lazy("%(task)s，完成时限 %(d)s"), topic,
              task=task.title, d=deadline.isoformat())
    return task


def _open_task(actor: Any, task: ResolutionTask) -> tuple[Topic, ResolutionTask]:
    """The task's topic (in the actor's scope, locked: closings of one resolution queue up, so
    exactly one of them sees the last task close) and the task, still open."""
    require_keeper(actor)
    topic = locked(Topic, actor, task.resolution.topic_id)
    task = ResolutionTask.objects.select_for_update().get(pk=task.pk)
    if task.state != TaskState.OPEN:
        raise DeliberationError(_("任务已“%(s)s”，不能再办结") % {"s": task.get_state_display()})
    return topic, task


def _closed(actor: Any, topic: Topic, task: ResolutionTask, action: str, changes: dict) -> ResolutionTask:
    task.save(update_fields=["state", "result", "cancel_reason", "closed_on", "updated_at"])
    log.record(f"deliberation.task.{action}", actor=actor, target=topic,
               changes={"task": task.pk, "state": task.state, **changes})
    remaining = ResolutionTask.objects.filter(resolution__topic=topic, state=TaskState.OPEN)
    implemented = Disclosure.objects.unscoped().filter(topic=topic, kind=DisclosureKind.IMPLEMENTATION)
    if not remaining.exists() and not implemented.exists():  # the last one: the result is due
        keepers = scoping.holders(area_code=topic.area_id, roles=KEEPERS)
        _tell(keepers, gettext_lazy("决议已落实，请公开实施结果：%(t)s"),
              gettext_lazy("决议的落实任务已全部办结，请发布实施结果公开。"), topic)
    return task


@transaction.atomic
def complete(*, actor: Any, task: ResolutionTask, result: str, closed_on: dt.date | None = None) -> ResolutionTask:
    """The task is done: its result, and the day (today unless given; never in the future)."""
    topic, task = _open_task(actor, task)
    result = result.strip()
    if not result:
        raise DeliberationError(_("请填写完成情况"))
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise DeliberationError(_("办结日期不能晚于今天"))
    if closed_on < timezone.localdate(topic.resolution.adopted_at):
        raise DeliberationError(_("办结日期不能早于决议通过"))
    task.state, task.result, task.closed_on = TaskState.DONE, result[:5000], closed_on
    return _closed(actor, topic, task, "completed", {"result": task.result, "closed_on": closed_on})


@transaction.atomic
def cancel(*, actor: Any, task: ResolutionTask, reason: str) -> ResolutionTask:
    """The task will not be carried out, and why (dated today)."""
    topic, task = _open_task(actor, task)
    reason = reason.strip()
    if not reason:
        raise DeliberationError(_("请填写取消原因"))
    task.state, task.cancel_reason, task.closed_on = TaskState.CANCELLED, reason[:200], timezone.localdate()
    return _closed(actor, topic, task, "cancelled", {"reason": task.cancel_reason})


# ---------------------------------------------------------------- reading it
@dataclass(frozen=True)
class TaskLine:
    task: ResolutionTask
    overdue: bool


@dataclass(frozen=True)
class Progress:
    """Where carrying out a topic's resolution stands on `today`."""

    topic: Topic
    tasks: tuple[TaskLine, ...]
    today: dt.date
    resolution_disclosed: bool
    implementation_disclosed: bool

    def _count(self, state: str) -> int:
        return sum(1 for line in self.tasks if line.task.state == state)

    @property
    def open(self) -> int:
        return self._count(TaskState.OPEN)

    @property
    def done(self) -> int:
        return self._count(TaskState.DONE)

    @property
    def cancelled(self) -> int:
        return self._count(TaskState.CANCELLED)

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.tasks if line.overdue)

    @property
    def implementation_due(self) -> bool:
        """Every task closed, the resolution public, its implementation result not yet."""
        return (bool(self.tasks) and not self.open and self.resolution_disclosed
                and not self.implementation_disclosed)


def _progress(topic: Topic, tasks: list[ResolutionTask], disclosures: list[Disclosure], today: dt.date) -> Progress:
    published = {d.kind for d in disclosures if d.published_at is not None}
    return Progress(topic=topic, tasks=tuple(TaskLine(t, t.overdue_on(today)) for t in tasks), today=today,
                    resolution_disclosed=DisclosureKind.RESOLUTION in published,
                    implementation_disclosed=any(d.kind == DisclosureKind.IMPLEMENTATION for d in disclosures))


def progress(topic: Topic, *, today: dt.date | None = None) -> Progress:
    """The topic's tasks, each with whether it is overdue (open after its deadline day), and the
    counts (the caller has read the topic through its scope)."""
    tasks = list(ResolutionTask.objects.filter(resolution__topic=topic).select_related(*WITH_OWNERS))
    disclosures = list(Disclosure.objects.unscoped().filter(topic=topic))  # the topic was read in scope
    return _progress(topic, tasks, disclosures, today or timezone.localdate())


def implementation_due(topic: Topic) -> bool:
    """Whether the page should prompt for the implementation disclosure now."""
    return topic.state == TopicState.RESOLVED and progress(topic).implementation_due


def supervised(actor: Any, *, area: Any = None, today: dt.date | None = None) -> list[Progress]:
    """What the supervision council's page shows: every resolution of the communities in the
    actor's scope (narrowed to `area` if given), newest first, with its tasks' progress. A read:
    each deliberation role sees it for its own places."""
    topics = scoping.scoped(Topic, actor).filter(state=TopicState.RESOLVED)
    if area is not None:
        topics = scoping.under(topics, area)
    topics = (topics.select_related("area", "resolution").order_by("-resolution__adopted_at", "-id")
              .prefetch_related(Prefetch("resolution__tasks",
                                         queryset=ResolutionTask.objects.select_related(*WITH_OWNERS)),
                                Prefetch("disclosures", queryset=Disclosure.objects.unscoped())))
    today = today or timezone.localdate()
    return [_progress(t, list(t.resolution.tasks.all()), list(t.disclosures.all()), today) for t in topics]


def implementation_summary(topic: Topic) -> str:
    """A default body for the implementation disclosure: each task, who answered for it, and
    how it ended (the keeper edits it before publishing)."""
    lines = []
    for n, line in enumerate(progress(topic).tasks, start=1):
        task = line.task
        head = _("%(n)d. %(t)s（%(who)s）") % {"n": n, "t": task.title, "who": task.answerable}
        if task.state == TaskState.DONE:
            tail = _("%(d)s 完成：%(r)s") % {"d": task.closed_on.isoformat(), "r": task.result}
        elif task.state == TaskState.CANCELLED:
            tail = _("已取消：%(r)s") % {"r": task.cancel_reason}
        else:
            tail = _("落实中，时限 %(d)s") % {"d": task.deadline.isoformat()}
        lines.append(_("%(head)s：%(tail)s") % {"head": head, "tail": tail})
    return "\n".join(lines)
