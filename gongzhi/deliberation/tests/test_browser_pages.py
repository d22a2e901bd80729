"""The deliberation pages of the workbench on a 360-px phone: no sideways scrolling, no
accessibility violation (axe-core), under the page budget, no console error under the CSP; a
secret ballot's meeting among them."""

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.conftest import screenshot, sign_in_page
from gongzhi.deliberation import disclosures, followthrough, funds, meetings, procedures, topics, votes
from gongzhi.deliberation.models import Topic
from gongzhi.workbench.tests.test_browser_pages import _check

from .conftest import community, council, register, templates  # noqa: F401  (fixtures)
from .test_pages import resolved

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_deliberation_pages_on_a_phone(browse, cast, council, templates):  # noqa: F811
    worker = cast.community_worker
    topic = topics.propose(actor=worker, area=community(), title="小区东门增设非机动车停放区", source="party",
                           description="东门人行道被电动车占满，老人推车通行困难。")
    topics.comment(topic=topic, actor=worker, text="已征求物业意见")
    topics.take_up(actor=worker, topic=topic, council=council)
    procedures.choose(actor=worker, topic=topic, template=templates["council_deliberation"])
    topic.steps.update(ballot="secret")
    step = procedures.current_step(Topic.objects.unscoped().get(pk=topic.pk))
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=timezone.now(), place="社区党群服务中心二楼议事厅")
    first = meeting.invited.order_by("pk").first()
    meetings.attend(actor=worker, meeting=meeting, member=first)
    votes.vote(actor=worker, meeting=meeting, member=first, choice="for")
    proposed = topics.propose(actor=worker, area=community(), title="楼道照明改造", source="worker")
    notice = disclosures.publish(actor=worker, disclosure=disclosures.draft(
        actor=worker, area=community(), kind="fund", title="社区基金管理办法", body="经居民代表会议通过"))
    fund = funds.disclose_fund(actor=worker, area=community(), title="2025年社区基金收支", rows=[
        ("绿化养护", "5000", "4800"), ("邻里节活动", "20000", "18000.50")], period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), beneficiaries=1200, beneficiaries_note="全体居民")

    done = resolved(worker, council, templates)
    followthrough.assign(actor=worker, topic=done, title="采购并安装路灯", owner=worker,
                         deadline=timezone.localdate() + dt.timedelta(days=7))
    page = browse(width=360, height=740)
    sign_in_page(page, "community_worker", TOTPDevice.objects.create(user=worker, name="phone", confirmed=True))
    paths = ["/w/deliberation/", f"/w/deliberation/topics/{topic.pk}/", f"/w/deliberation/topics/{proposed.pk}/",
             f"/w/deliberation/topics/{topic.pk}/meetings/{meeting.pk}/", "/w/deliberation/councils/",
             f"/w/deliberation/councils/{council.pk}/?q=张", "/w/deliberation/disclosures/",
             f"/w/deliberation/disclosures/{fund.pk}/", f"/w/deliberation/disclosures/{notice.pk}/",
             f"/w/deliberation/topics/{done.pk}/",
             "/w/deliberation/supervision/"]
    _check(page, paths)
    wide = []
    for path in paths:
        page.goto(path)
        if page.evaluate("document.documentElement.scrollWidth") > 360:
            wide.append(path)
        if path.endswith(f"/topics/{topic.pk}/"):
            screenshot(page, "workbench-topic-360")
    assert wide == []
    page.goto(f"/w/deliberation/topics/{topic.pk}/meetings/{meeting.pk}/")
    screenshot(page, "workbench-meeting-secret-360")
    assert "已投票" in page.locator("table").inner_text() and "赞成" not in page.locator("table").inner_text()
    assert page.console_errors == []
