"""Council members are residents, not users: a meeting's invitation reaches them by SMS at the
mobiles the register holds for them, once per number, through the outbox."""

import datetime as dt

from django.utils import timezone

from gongzhi.conftest import RESIDENT
from gongzhi.deliberation import meetings, procedures, topics
from gongzhi.notifications.models import Notification

from .conftest import community


def test_invited_members_are_texted_at_their_registered_mobiles(cast, council, register, templates):
    worker = cast.community_worker
    topic = topics.propose(actor=RESIDENT, area=community(), title="院落停车管理", source="resident", proposer=register.zhang)
    topics.take_up(actor=worker, topic=topic, council=council)
    (step,) = procedures.choose(actor=worker, topic=topic, template=templates["council_deliberation"])
    when = timezone.make_aware(dt.datetime(2026, 12, 5, 19, 0))
    meetings.schedule(actor=worker, step=step, scheduled_at=when, place="党群服务中心")
    # 张三 and 李四 share one mobile; the other three members have none on the register
    (sms,) = Notification.objects.filter(channel="sms")
    assert sms.to_masked == "138****5678" and "院落停车管理" in sms.body and "2026-12-05 19:00" in sms.body
    assert "党群服务中心" in sms.body
