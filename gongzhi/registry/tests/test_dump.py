"""A database dump — the SQLite database or pg_dump — contains no ID, passport or phone number
in clear text: they are sealed at rest, and history and the audit log hold only masked forms."""

import shutil
import subprocess

import pytest
from django.db import connection

from gongzhi.conftest import sign_in

from .conftest import LI_ID, SHARED_PHONE, SHOP_PHONE, WANG_ID, ZHANG_ID


def dump() -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    conf = connection.settings_dict
    env = {"PGPASSWORD": conf.get("PASSWORD") or ""}
    command = ["pg_dump", "--data-only", "-h", conf.get("HOST") or "localhost", "-p", str(conf.get("PORT") or 5432),
               "-U", conf.get("USER") or "postgres", conf["NAME"]]
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_holds_no_clear_identifier(register, client, cast):
    # Reveal once, so that the audit trail of a reveal is in the dump too.
    sign_in(client, cast.grid_worker)
    client.post(f"/api/v1/registry/people/{register.zhang.pk}/reveal",
                {"field": "id_number", "reason": "核实"}, content_type="application/json")
    text = dump()
    assert "138****5678" in text and "张三" in text  # the dump has the register in it
    for clear in (ZHANG_ID, LI_ID, WANG_ID, "E12345678", SHARED_PHONE, SHOP_PHONE, SHOP_PHONE.replace("-", "")):
        assert clear not in text, f"{clear} found in clear text"
