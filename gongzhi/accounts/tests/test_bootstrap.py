import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.accounts import scoping
from gongzhi.accounts.models import User
from gongzhi.conftest import CITY


def create_admin(*args, password="Strong-pass-2026\n"):
    out = io.StringIO()
    call_command("accounts", "create-admin", *args, "--password-stdin", stdin=io.StringIO(password), stdout=out)
    return out.getvalue()


def test_an_installation_bootstraps_its_first_administrators(world):
    create_admin("root_sys", "--role", "system_admin", "--area", CITY)
    create_admin("root_sec", "--role", "security_admin", "--area", CITY)
    assert scoping.roles(User.objects.get(username="root_sys")) == {"system_admin"}


def test_bootstrap_keeps_separation_of_duties_and_password_rules(world):
    create_admin("root_sys", "--role", "system_admin", "--area", CITY)
    with pytest.raises(CommandError, match="三权分立"):
        create_admin("root_sys", "--role", "audit_admin", "--area", CITY)
    with pytest.raises(CommandError):
        create_admin("weak", "--role", "audit_admin", "--area", CITY, password="12345678\n")
    with pytest.raises(CommandError, match="no area"):
        create_admin("x", "--role", "audit_admin", "--area", "999999999999")
