"""Settings come from the environment; bad values fail loudly; production is check --deploy clean."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongzhi.settings import env_bool, env_int, tile_sources


def test_booleans_refuse_typos(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)


def test_a_tile_server_is_allowed_as_an_image_source():
    assert tile_sources("") == [] and tile_sources("/tiles/{z}/{x}/{y}.png") == []
    assert tile_sources("https://tiles.example.cn/{z}/{x}/{y}.png") == ["https://tiles.example.cn"]
    assert tile_sources("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ["https://*.tile.example.org"]
    for bad in ("javascript:alert(1)", "tiles.example.cn/{z}/{x}/{y}.png", "https://{z}.example/x.png"):
        with pytest.raises(ImproperlyConfigured):
            tile_sources(bad)


def production_env(tmp_path, **extra):
    import base64

    from gongzhi.common.crypto import new_data_key

    # A production process starts from its own environment, not the test run's (the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE would be a deploy-check error there).
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "GONGZHI_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 60 + "production-secret-not-for-real-use",
        "GONGZHI_HTTPS": "1",
        "ALLOWED_HOSTS": "gongzhi.example.cn",
        "DEBUG": "0",
        "GONGZHI_DATA_KEYS": new_data_key("prod1", "sm4"),
        "GONGZHI_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "GONGZHI_AUDIT_KEYS": f"prod1:{base64.b64encode(os.urandom(32)).decode()}",
        **extra,
    }


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )


@pytest.mark.slow  # starts `gongzhi check --deploy` in a process
def test_production_configuration_passes_the_deploy_check(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # starts `gongzhi check --deploy` in a process
@pytest.mark.parametrize(("variable", "demo_file"), [("GONGZHI_DATA_KEYS", "data_keys.json"),
                                                      ("GONGZHI_AUDIT_KEYS", "audit_keys")])
def test_production_refuses_to_start_without_data_keys(tmp_path, variable, demo_file):
    env = production_env(tmp_path)
    del env[variable]
    result = check_deploy(env)
    assert result.returncode != 0 and variable in result.stderr
    assert not (tmp_path / demo_file).exists()
