"""A resolution is carried out as tasks with owners and deadlines: only on a resolved topic, by
keepers in scope, never due in the past, closed once; overdue counts from the day after the
deadline; when the last task closes the keepers are told, once, that the implementation result
is due; the supervision view reads it all."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C2, SYSTEM
from gongzhi.deliberation import disclosures, followthrough, meetings, procedures, topics, votes
from gongzhi.deliberation.models import DeliberationError, ResolutionTask, Topic
from gongzhi.notifications.models import Notification
from gongzhi.orgs.models import Organization, OrgKind

from .conftest import community

DUE = "请公开实施结果"


def resolved(cast, council, templates, title="楼道照明改造") -> Topic:
    """A topic through the council deliberation: all five attend and vote for."""
    worker = cast.community_worker
    topic = topics.propose(actor=worker, area=community(), title=title, source="worker")
    topics.take_up(actor=worker, topic=topic, council=council)
    (step,) = procedures.choose(actor=worker, topic=topic, template=templates["council_deliberation"])
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=timezone.now(), place="议事厅")
    for member in meeting.invited.all():
        meetings.attend(actor=worker, meeting=meeting, member=member)
        votes.vote(actor=worker, meeting=meeting, member=member, choice="for")
    meetings.conclude(actor=worker, meeting=meeting, minutes="一致同意", resolution="更换楼道灯具，加装声控开关")
    return Topic.objects.unscoped().get(pk=topic.pk)


def outsider():
    user = accounts.create_staff(actor=SYSTEM, username="c2_worker", password="Test-pass-2026", full_name="锦里社工",
                                 must_change=False)
    accounts.assign_role(actor=SYSTEM, user=user, role=Role.COMMUNITY_WORKER, area=community(C2))
    return user


def test_tasks_only_on_a_resolved_topic_by_keepers_in_scope(cast, council, templates):
    worker, today = cast.community_worker, timezone.localdate()
    pending = topics.propose(actor=worker, area=community(), title="未决议题", source="worker")
    with pytest.raises(DeliberationError, match="形成决议"):
        followthrough.assign(actor=worker, topic=pending, title="x", deadline=today, owner=worker)
    topic = resolved(cast, council, templates)
    with pytest.raises(Http404):
        followthrough.assign(actor=outsider(), topic=topic, title="越界", deadline=today, owner=worker)
    with pytest.raises(PermissionDenied):
        followthrough.assign(actor=cast.leader, topic=topic, title="只读", deadline=today, owner=worker)
    with pytest.raises(DeliberationError, match="不能早于今天"):
        followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today - dt.timedelta(days=1),
                             owner=worker)
    with pytest.raises(DeliberationError, match="责任人或责任单位"):
        followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today)
    with pytest.raises(DeliberationError, match="不在本社区工作"):
        followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today, owner=cast.other_grid_worker)
    with pytest.raises(DeliberationError, match="不在本社区工作"):  # a leader reads; a handler answers by department
        followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today, owner=cast.handler)
    elsewhere = Organization.objects.create(kind=OrgKind.PROPERTY_MANAGER, name="锦里物业", area_id=C2)
    with pytest.raises(DeliberationError, match="本社区在册的组织"):
        followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today, organization=elsewhere)
    assert not ResolutionTask.objects.exists()

    committee = Organization.objects.create(kind=OrgKind.RESIDENTS_COMMITTEE, name="洗面桥居委会",
                                            area_id=community().code)
    task = followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today, owner=cast.grid_worker,
                                organization=committee)
    assert (task.resolution, task.deadline, task.state, task.created_by) == (topic.resolution, today, "open", worker)
    assert task.answerable == "grid_worker（洗面桥居委会）"
    assert followthrough.owner_choices(topic).filter(pk=cast.dispatcher.pk).exists()  # the subdistrict's
    told = Notification.objects.get(recipient=cast.grid_worker)
    assert "新的决议落实任务" in told.subject and told.link == f"/w/deliberation/topics/{topic.pk}/"
    assert AuditEntry.objects.filter(action="deliberation.task.assigned", target_id=str(topic.pk)).exists()


def test_closing_once_and_the_prompt_fires_exactly_once(cast, council, templates):
    worker, today = cast.community_worker, timezone.localdate()
    topic = resolved(cast, council, templates)
    first = followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today, owner=worker)
    second = followthrough.assign(actor=worker, topic=topic, title="安装声控开关", deadline=today,
                                  department=cast.handler.assignments.unscoped().get().department)
    with pytest.raises(DeliberationError, match="完成情况"):
        followthrough.complete(actor=worker, task=first, result=" ")
    with pytest.raises(DeliberationError, match="晚于今天"):
        followthrough.complete(actor=worker, task=first, result="已采购", closed_on=today + dt.timedelta(days=1))
    followthrough.complete(actor=worker, task=first, result="已采购LED灯具40套")
    with pytest.raises(DeliberationError, match="不能再办结"):
        followthrough.complete(actor=worker, task=first, result="又一次")
    with pytest.raises(DeliberationError, match="不能再办结"):
        followthrough.cancel(actor=worker, task=first, reason="取消")
    assert not Notification.objects.filter(subject__contains=DUE).exists()
    assert not followthrough.implementation_due(topic)
    with pytest.raises(DeliberationError, match="取消原因"):
        followthrough.cancel(actor=worker, task=second, reason="")
    with pytest.raises(PermissionDenied):
        followthrough.cancel(actor=cast.leader, task=second, reason="只读")

    followthrough.cancel(actor=worker, task=second, reason="灯具自带感应，无需另装")
    told = set(Notification.objects.filter(subject__contains=DUE).values_list("recipient__username", flat=True))
    assert told == {"community_worker", "dispatcher", "city_dispatcher"}  # the keepers whose scope covers C1
    assert Notification.objects.filter(subject__contains=DUE).count() == 3
    with pytest.raises(DeliberationError, match="不能再办结"):
        followthrough.cancel(actor=worker, task=second, reason="再取消一次")
    assert Notification.objects.filter(subject__contains=DUE).count() == 3

    assert not followthrough.implementation_due(topic)  # the resolution is not public yet
    disclosures.disclose_resolution(actor=worker, topic=topic)
    assert followthrough.implementation_due(topic)
    summary = followthrough.implementation_summary(topic)
    assert "1. 采购灯具（community_worker）" in summary and "已采购LED灯具40套" in summary
    assert "已取消：灯具自带感应，无需另装" in summary and "浆洗街城管执法中队" in summary
    disclosures.disclose_implementation(actor=worker, topic=topic, body=summary)
    assert not followthrough.implementation_due(topic)
    with pytest.raises(DeliberationError, match="实施结果已经公开"):
        followthrough.assign(actor=worker, topic=topic, title="追加", deadline=today, owner=worker)
    actions = set(AuditEntry.objects.filter(target_id=str(topic.pk)).values_list("action", flat=True))
    assert {"deliberation.task.completed", "deliberation.task.cancelled"} <= actions


def test_overdue_counts_from_the_day_after_the_deadline(cast, council, templates):
    worker, today = cast.community_worker, timezone.localdate()
    topic = resolved(cast, council, templates)
    on_today = followthrough.assign(actor=worker, topic=topic, title="今日到期", deadline=today, owner=worker)
    followthrough.assign(actor=worker, topic=topic, title="明日到期", deadline=today + dt.timedelta(days=1),
                         owner=worker)
    done = followthrough.assign(actor=worker, topic=topic, title="已办结", deadline=today, owner=worker)
    followthrough.complete(actor=worker, task=done, result="完成")

    def overdue(day):
        return [line.task.title for line in followthrough.progress(topic, today=day).tasks if line.overdue]

    assert overdue(today) == []
    assert overdue(today + dt.timedelta(days=1)) == ["今日到期"]
    assert overdue(today + dt.timedelta(days=2)) == ["今日到期", "明日到期"]
    later = followthrough.progress(topic, today=today + dt.timedelta(days=2))
    assert (later.open, later.done, later.cancelled, later.overdue) == (2, 1, 0, 2)
    assert not later.implementation_due
    followthrough.complete(actor=worker, task=on_today, result="完成")
    assert followthrough.progress(topic, today=today + dt.timedelta(days=2)).overdue == 1


def test_the_supervision_view_reads_resolutions_in_scope(cast, council, templates, django_assert_max_num_queries):
    worker, today = cast.community_worker, timezone.localdate()
    topic = resolved(cast, council, templates)
    other = resolved(cast, council, templates, title="增设休闲座椅")
    followthrough.assign(actor=worker, topic=topic, title="采购灯具", deadline=today, owner=worker)
    followthrough.assign(actor=worker, topic=topic, title="安装", deadline=today, owner=cast.grid_worker)
    with django_assert_max_num_queries(8):
        rows = followthrough.supervised(cast.leader, today=today + dt.timedelta(days=1))
        assert [(r.topic.title, len(r.tasks), r.overdue) for r in rows] == [("增设休闲座椅", 0, 0), ("楼道照明改造", 2, 2)]
        assert [line.task.answerable for line in rows[1].tasks] == ["community_worker", "grid_worker"]
    assert [r.topic for r in followthrough.supervised(worker, area=community())] == [other, topic]
    assert followthrough.supervised(outsider()) == []
    assert followthrough.supervised(cast.handler) == [] and followthrough.supervised(cast.system_admin) == []


def test_the_admin_shows_tasks_and_account_lines_read_only(cast, council, templates, client):
    from gongzhi.conftest import sign_in
    from gongzhi.deliberation import funds

    worker, today = cast.community_worker, timezone.localdate()
    task = followthrough.assign(actor=worker, topic=resolved(cast, council, templates), title="采购灯具",
                                deadline=today, owner=worker)
    account = funds.disclose_fund(actor=worker, area=community(), title="基金收支", period_start=today,
                                  period_end=today, rows=[("绿化", "100", "80")])
    sign_in(client, cast.dispatcher)
    listed = client.get("/admin/deliberation/resolutiontask/")
    assert listed.status_code == 200 and "采购灯具" in listed.content.decode()
    assert client.get(f"/admin/deliberation/resolutiontask/{task.pk}/change/").status_code == 200
    page = client.get(f"/admin/deliberation/disclosure/{account.pk}/change/")
    assert page.status_code == 200 and "绿化" in page.content.decode()
