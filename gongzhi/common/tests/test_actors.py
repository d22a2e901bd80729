"""A write names who does it: the system with a reason, a resident, or a signed-in account."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.audit import log
from gongzhi.audit.models import AuditEntry
from gongzhi.common import actors


def test_none_and_anonymous_are_refused():
    with pytest.raises(actors.ActorMissing):
        actors.require(None)
    with pytest.raises(actors.ActorMissing):
        actors.require(AnonymousUser())
    with pytest.raises(actors.ActorMissing):
        actors.SystemActor("  ")


@pytest.mark.django_db
def test_system_and_resident_are_named_in_the_audit_log_and_linked_to_no_account():
    log.record("test.system", actor=actors.SystemActor("期限巡检"))
    log.record("test.resident", actor=actors.ResidentActor("反映人", case_number="E1"))
    system, resident = list(AuditEntry.objects.order_by("-id")[:2])[::-1]
    assert (system.actor_id, system.actor_name) == (None, "系统：期限巡检")
    assert (resident.actor_id, resident.actor_name) == (None, "反映人")
    assert actors.user_or_none(actors.SystemActor("x")) is None
    assert not actors.is_staff(actors.ResidentActor("居民"))
