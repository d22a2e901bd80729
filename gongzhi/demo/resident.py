"""A resident of the demo city to try the portal as (居民核验 at /me/): a name and the mobile
number the register holds for them. The demo's SMS go to the console backend, so the code they
are sent shows in var/worker.log."""

from __future__ import annotations

from gongzhi.registry.models import PersonStatus, PhoneLink


def demo_resident() -> tuple[str, str] | None:
    """(name, mobile) of the first living resident with a mobile number, or None."""
    links = (PhoneLink.objects.unscoped()  # the seeder's own data, printed for the demo's user
             .filter(person__status=PersonStatus.ACTIVE, phone__number_masked__startswith="1")
             .select_related("person", "phone").order_by("person_id"))
    link = links.first()
    if link is None:
        return None
    return link.person.name, link.phone.number.reveal()
