"""Issue 7's walk in a real browser: a resident proves who they are on the portal (a code by
SMS) and proposes a topic with a photo from their phone; the community worker has the council
take it up under the community's own two-step procedure, holds both meetings (the second one
votes) and publishes the resolution; the resident finds it on the public disclosure page."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from gongzhi.conftest import C1, page_weight, screenshot, sign_in_page
from gongzhi.deliberation.models import (
    Disclosure,
    ProcedureStepTemplate,
    ProcedureTemplate,
    Topic,
    TopicPhoto,
)
from gongzhi.portal.tests.conftest import last_code
from gongzhi.registry.tests.conftest import SHARED_PHONE
from gongzhi.workbench.tests.test_browser_pages import _violations

from .conftest import council, register  # noqa: F401  (the council of 洗面桥社区 and its register)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 360, "height": 740, "is_mobile": True, "has_touch": True}


def two_steps() -> ProcedureTemplate:
    """洗面桥社区's own procedure: the two committees agree, then the residents' council votes."""
    template = ProcedureTemplate.objects.create(code="xmq_two_steps", name="洗面桥两步议事", area_id=C1)
    ProcedureStepTemplate.objects.create(template=template, order=1, name="两委会议商议", kind="meeting")
    ProcedureStepTemplate.objects.create(template=template, order=2, name="居民议事会表决", kind="vote",
                                         quorum="more_than_half", threshold="simple_majority")
    return template


def act(page, select: str, value: str, button: str) -> None:
    page.select_option(select, label=value)
    page.get_by_role("button", name=button, exact=True).click()
    page.locator(".messages").wait_for()


def hold_meeting(page, *, attend: list[str], votes: dict[str, str] | None = None, minutes: str,
                 resolution: str = "") -> None:
    page.get_by_label("会议时间 *").fill("2026-12-05T19:00")
    page.get_by_label("会议地点 *").fill("洗面桥社区议事厅")
    page.get_by_role("button", name="安排会议").click()
    page.wait_for_url("**/meetings/*/")
    for name in attend:
        act(page, "#attend-member", name, "签到")
    for name, choice in (votes or {}).items():
        page.select_option("#vote-member", label=name)
        page.get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="记录表决").click()
        page.locator(".messages").wait_for()
    if votes is None:
        page.get_by_label("同意", exact=True).check()
    page.get_by_label("会议纪要 *").fill(minutes)
    if resolution:
        page.get_by_label(re.compile("决议内容")).fill(resolution)
    page.get_by_role("button", name="结束会议并封存结果").click()
    page.locator("#result").wait_for()
    page.get_by_role("link", name=re.compile("← ")).click()


def test_a_portal_topic_goes_through_a_two_step_procedure_to_a_public_disclosure(
        browse, cast, council, register, settings, tmp_path):  # noqa: F811
    settings.GONGZHI_PORTAL_AREA = "510100000000"
    two_steps()

    resident = browse(**PHONE)
    resident.goto("/me/")
    resident.get_by_label("姓名").fill("张三")
    resident.get_by_label("在社区登记的手机号").fill(SHARED_PHONE)
    resident.get_by_role("button", name="获取验证码").click()
    code = last_code()
    resident.get_by_label("短信验证码").fill(code)
    resident.get_by_role("button", name="核验").click()
    resident.get_by_role("link", name="提出议题", exact=True).click()
    photo = tmp_path / "stairs.jpg"
    Image.new("RGB", (1200, 900), "#a97").save(photo, format="JPEG")
    resident.get_by_label("议题").fill("1栋加装电梯")
    resident.get_by_label("说明").fill("1栋住着十几位老人，上下楼困难，建议申请加装电梯。")
    resident.get_by_label("照片（可不填）").set_input_files(str(photo))
    assert resident.evaluate("document.documentElement.scrollWidth") <= 360
    resident.get_by_role("button", name="提交议题").click()
    resident.locator("#topic-state", has_text="待议事会决定").wait_for()
    topic = Topic.objects.unscoped().get(title="1栋加装电梯")
    assert topic.proposer == register.zhang and TopicPhoto.objects.filter(topic=topic).count() == 1
    assert page_weight(resident) < 300 * 1024
    screenshot(resident, "portal-topic-360")

    worker = browse()
    sign_in_page(worker, "community_worker", TOTPDevice.objects.create(user=cast.community_worker, name="phone",
                                                                       confirmed=True))
    worker.goto(f"/w/deliberation/topics/{topic.pk}/")
    worker.get_by_role("button", name="受理议题").click()
    worker.get_by_label("洗面桥两步议事").check()
    worker.get_by_role("button", name="确定程序").click()
    hold_meeting(worker, attend=["张三", "李四", "居民0"], minutes="两委一致同意提交居民议事会表决")
    hold_meeting(worker, attend=["张三", "李四", "居民0"], votes={"张三": "赞成", "李四": "赞成", "居民0": "反对"},
                 minutes="应到5人，实到3人；赞成2票，反对1票", resolution="同意1栋申请加装电梯，费用按楼层分摊。")
    worker.get_by_role("button", name="公开决议").click()
    worker.locator(".messages").wait_for()
    disclosure = Disclosure.objects.unscoped().get(topic=topic, kind="resolution")
    assert disclosure.published_at is not None
    assert worker.console_errors == []

    resident.goto("/disclosures/")
    resident.get_by_role("link", name="1栋加装电梯").click()
    assert "同意1栋申请加装电梯，费用按楼层分摊。" in resident.locator("#disclosure-body").inner_text()
    resident.get_by_role("link", name="查看议题和议事进程").click()
    assert resident.locator("#topic-state").inner_text() == "已形成决议"
    assert "赞成 2，反对 1" in resident.locator("ol.timeline").inner_text()
    screenshot(resident, "portal-topic-resolved-360")
    # the residents' deliberation pages at 360 px: no sideways scroll, in budget, no axe violation
    for path in ("/me/", "/topics/", f"/topics/{topic.pk}/", "/topics/new/", "/disclosures/",
                 f"/disclosures/{disclosure.pk}/"):
        resident.goto(path)
        assert resident.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert page_weight(resident) < 300 * 1024, path
        assert _violations(resident) == [], path
    assert resident.console_errors == []
