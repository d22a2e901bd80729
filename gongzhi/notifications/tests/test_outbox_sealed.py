"""An SMS that carries a credential (a verification code) is sealed at rest: the outbox's table
never holds it readable, and it is opened only to be sent."""

import logging

import pytest

from gongzhi.notifications import outbox
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_sealed_sms_is_unreadable_at_rest_and_sent_in_clear(caplog, settings):
    settings.GONGZHI_NOTIFY_BACKEND = "console"
    outbox.notify(phones=["13800001111"], subject="验证码", body="您的验证码是123456", sealed=True)
    outbox.notify(phones=["13800002222"], subject="通知", body="议事会议通知")
    sealed, plain = Notification.objects.order_by("id")
    assert "123456" not in sealed.body and sealed.body.startswith(outbox.SEALED)
    assert plain.body == "议事会议通知" and outbox.text(sealed) == "您的验证码是123456"
    with caplog.at_level(logging.WARNING, logger="gongzhi.notifications"):
        assert outbox.deliver_pending()["sent"] == 2
    assert "to 138****1111: 验证码 — 您的验证码是123456" in caplog.text
    assert "to 138****2222: 通知 — 议事会议通知" in caplog.text
