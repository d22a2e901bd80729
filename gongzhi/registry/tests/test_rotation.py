"""`gongzhi keys rotate`: every sealed value moves to the new key, the register still reads."""

import io

from django.core.management import call_command

from gongzhi.common import crypto, rotation
from gongzhi.registry.models import Person, Phone

from .conftest import SHARED_PHONE, ZHANG_ID


def test_rotation_reseals_everything_and_resumes(register, settings):
    old = settings.GONGZHI_DATA_KEYS
    settings.GONGZHI_DATA_KEYS = f"{crypto.new_data_key('k2', 'sm4')},{old}"
    assert sum(rotation.remaining().values()) >= 6  # 4 people's documents and 2 phones
    out = io.StringIO()
    call_command("keys", "rotate", "--batch", "2", stdout=out)
    assert sum(rotation.remaining().values()) == 0
    assert all(t.startswith("k2$sm4$") for t in Person.objects.unscoped().exclude(id_number_token="")
               .values_list("id_number_token", flat=True))
    zhang = Person.objects.unscoped().get(pk=register.zhang.pk)
    assert zhang.id_number.reveal() == ZHANG_ID
    assert any(p.number.reveal() == SHARED_PHONE for p in Phone.objects.all())
    # The old key can go now: everything opens with the new one alone.
    settings.GONGZHI_DATA_KEYS = settings.GONGZHI_DATA_KEYS.split(",")[0]
    assert Person.objects.unscoped().get(pk=register.zhang.pk).id_number.reveal() == ZHANG_ID
    call_command("keys", "rotate", stdout=out)  # nothing left: a second run changes nothing
    assert "0 re-sealed" in out.getvalue().splitlines()[-1]
