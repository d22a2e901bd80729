"""Settings come from the environment; bad values fail loudly; production is check --deploy clean."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongzhi.settings import env_bool, env_int


def test_booleans_refuse_typos(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)


def test_production_configuration_passes_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "GONGZHI_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 60 + "production-secret-not-for-real-use",
        "GONGZHI_HTTPS": "1",
        "ALLOWED_HOSTS": "gongzhi.example.cn",
        "DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
