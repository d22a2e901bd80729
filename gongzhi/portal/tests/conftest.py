import pytest

from gongzhi.portal import places


@pytest.fixture(autouse=True)
def _fresh_outlines():
    # The map's outlines are remembered per process; each test draws its own world.
    places.forget()
    yield
    places.forget()


def last_code() -> str:
    """The verification code in the last SMS, as the resident's phone shows it (the outbox keeps
    it sealed: it is not in the stored body)."""
    import re

    from gongzhi.notifications import outbox
    from gongzhi.notifications.models import Notification

    note = Notification.objects.filter(channel="sms").latest("id")
    code = re.search(r"\d{6}", outbox.text(note)).group()
    assert code not in note.body
    return code
