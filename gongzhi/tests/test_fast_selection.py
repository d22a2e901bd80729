"""`./dev test --fast` runs `pytest -m "not slow"`: what it leaves out is the browser, the fuzzing
and the tests that start servers or processes, and nothing it keeps is one of those. (This test
collects the suite in a process of its own, so it is slow itself: CI runs it.)"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Whole files that are slow: the browser (Playwright), the fuzzing (schemathesis), gunicorn,
# the private PostgreSQL cluster of the restart fault test.
SLOW_FILES = ("/test_browser_", "/test_api_schema.py", "/test_open311_schema.py", "/test_gunicorn_conf.py",
              "/test_fault_restart.py")
# Single tests that start the live server or the application in processes of their own.
SLOW_TESTS = ("test_an_existing_open311_client_library_works_unchanged",  # live_server
              "test_production_configuration_passes_the_deploy_check",  # gongzhi check --deploy
              "test_production_refuses_to_start_without_data_keys",
              "test_the_console_command_prints_role_username_password",  # migrate and seed-demo
              "test_fast_leaves_out_the_slow_tests")  # this one


@pytest.mark.slow
def test_fast_leaves_out_the_slow_tests():
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not slow",
                           "-p", "no:cacheprovider", "gongzhi"], cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    kept = [line for line in done.stdout.splitlines() if "::" in line]
    assert len(kept) > 500, done.stdout[-2000:]  # the fast run still holds the bulk of the suite
    wrong = [node for node in kept if any(f in node for f in SLOW_FILES) or any(t in node for t in SLOW_TESTS)]
    assert wrong == [], f"slow tests that `./dev test --fast` would run: {wrong}"
    assert any("test_query_counts_hold_to_their_baselines" in node for node in kept)
