"""Deliberation in the demo: the first community's residents' council, one topic carried through
the council deliberation to a public resolution, two tasks carrying it out (one done), a fund
disclosure of the last quarter, and a case referred to the council as a new topic, all through
the services, as its community worker. A
community that already has a council is left as it is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts import scoping
from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.deliberation import (
    councils,
    disclosures,
    followthrough,
    funds,
    meetings,
    procedures,
    topics,
    votes,
)
from gongzhi.deliberation.models import Council, ProcedureTemplate
from gongzhi.orgs.models import OrgKind
from gongzhi.registry.models import Person

MEMBERS = 5


@transaction.atomic
def seed_deliberation(*, community: Area, now: dt.datetime | None = None) -> dict[str, int]:
    """The community's demo deliberation, unless it has a council already."""
    worker = User.objects.filter(username=f"c{community.code}").first()
    residents = list(scoping.under(Person.objects.unscoped(), community).order_by("pk")[:MEMBERS])
    if worker is None or len(residents) < MEMBERS or Council.objects.unscoped().filter(area=community).exists():
        return {}
    now = now or timezone.now()
    today = max(timezone.localdate(now), timezone.localdate())  # deadlines are never in the past
    council = councils.establish(actor=worker, area=community, kind="deliberation",
                                 name=f"{community.display_name}居民议事会")
    for n, person in enumerate(residents):
        councils.add_member(actor=worker, council=council, person=person, term_start=today - dt.timedelta(days=365),
                            role=("convener", "recorder")[n] if n < 2 else "member")
    councils.establish(actor=worker, area=community, kind="supervision", name=f"{community.display_name}居务监督委员会")

    topic = topics.propose(actor=worker, area=community, title="老旧院落楼道照明改造", source="worker",
                           description="院落楼道灯具老化，夜间照明不足，居民反映上下楼不便。")
    topics.take_up(actor=worker, topic=topic, council=council, note="涉及院落全体居民，纳入议事")
    template = ProcedureTemplate.objects.get(code=procedures.COUNCIL_DELIBERATION)
    (step,) = procedures.choose(actor=worker, topic=topic, template=template)
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=now - dt.timedelta(days=14), place="党群服务中心议事厅")
    for member, choice in zip(meeting.invited.order_by("pk"), ("for", "for", "for", "for", "abstain"), strict=True):
        meetings.attend(actor=worker, meeting=meeting, member=member)
        votes.vote(actor=worker, meeting=meeting, member=member, choice=choice)
    meetings.conclude(actor=worker, meeting=meeting, minutes="议事会讨论楼道照明改造方案，赞成4票，弃权1票。",
                      resolution="更换院落楼道灯具为LED声控灯，费用从社区基金列支，物业负责日常维护。")
    disclosures.disclose_resolution(actor=worker, topic=topic)
    committee = followthrough.organization_choices(topic).filter(kind=OrgKind.RESIDENTS_COMMITTEE).first()
    bought = followthrough.assign(actor=worker, topic=topic, title="采购LED声控灯具", deadline=today,
                                  owner=worker, organization=committee)
    followthrough.assign(actor=worker, topic=topic, title="完成全部楼栋安装并验收", deadline=today + dt.timedelta(days=30),
                         owner=worker)
    followthrough.complete(actor=worker, task=bought, result="已采购LED声控灯具60套，费用1.8万元。")

    end = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=1)  # the last quarter's
    start = dt.date(end.year, (end.month - 1) // 3 * 3 + 1, 1)
    funds.disclose_fund(actor=worker, area=community, title=f"{start.year}年第{(start.month + 2) // 3}季度社区基金收支",
                        period_start=start, period_end=end,
                        rows=[("高龄慰问", "30000", "28600"), ("楼道照明改造", "20000", "18000"),
                              ("邻里节活动", "8000", "7350.50")],
                        beneficiaries=156, beneficiaries_note="辖区八十岁以上长者及参加活动的居民家庭")
    referred = _refer_a_case(worker)
    return {"councils": 2, "topics": 1 + referred, "tasks": 2, "disclosures": 2}


def _refer_a_case(worker: User) -> int:
    """A case the loop cannot settle (a shared space residents must agree on) becomes a topic:
    the case is referred, waiting on the council, its clock stopped."""
    from gongzhi.cases.models import Case

    waiting = scoping.scoped(Case, worker).filter(state__in=["reported", "accepted", "dispatched"])
    case = (waiting.filter(category__code="illegal_parking").order_by("-reported_at").first()
            or waiting.order_by("-reported_at").first())
    if case is None:
        return 0
    topics.from_case(actor=worker, case=case, title="院内公共空间改作停车位的议事",
                     description="居民反映院内空地被占用停车，涉及全体住户的共同利益，需议事会协商决定使用方式。")
    return 1

