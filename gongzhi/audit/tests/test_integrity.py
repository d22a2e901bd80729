"""可信验证: the application's files are held to a manifest signed with the installation's key;
a changed, removed or added file, or a forged manifest, fails the check, and every check is in
the audit chain."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongzhi.audit import integrity
from gongzhi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def installed(tmp_path, settings):
    """A copy of a few application files standing in for the installed tree."""
    root = tmp_path / "gongzhi"
    source = integrity.application_root()
    for relative in ("audit/integrity.py", "templates/base.html", "static/gongzhi/app.js"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / relative, root / relative)
    (root / "audit/__pycache__").mkdir()
    (root / "audit/__pycache__/integrity.cpython-311.pyc").write_bytes(b"compiled")
    settings.GONGZHI_INTEGRITY_MANIFEST = str(tmp_path / "var" / "integrity.manifest")
    return root


def test_an_untouched_installation_verifies_and_the_check_is_audited(installed):
    assert integrity.seal(root=installed) == 3  # compiled caches are not measured
    report = integrity.verify(root=installed)
    assert report.ok and report.checked == 3
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["integrity.sealed", "integrity.verified"]


def test_a_changed_removed_or_added_file_fails_and_is_recorded(installed):
    integrity.seal(root=installed)
    (installed / "static/gongzhi/app.js").write_text("document.location='https://evil.example'")
    (installed / "templates/base.html").unlink()
    (installed / "audit/backdoor.py").write_text("import os")
    report = integrity.verify(root=installed)
    assert not report.ok
    assert report.changed == ["static/gongzhi/app.js"]
    assert report.missing == ["templates/base.html"]
    assert report.added == ["audit/backdoor.py"]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "integrity.failed"
    assert entry.changes["changed"] == ["static/gongzhi/app.js"]


def test_a_manifest_rewritten_without_the_key_is_refused(installed, settings):
    integrity.seal(root=installed)
    (installed / "audit/backdoor.py").write_text("import os")
    # Someone who changed a file re-seals with another key: this installation does not accept it.
    settings.SECRET_KEY = "someone-elses-key-" + "x" * 40
    integrity.seal(root=installed)
    settings.SECRET_KEY = "the-installation-key-" + "y" * 40
    with pytest.raises(integrity.ManifestError, match="not signed"):
        integrity.verify(root=installed)
    assert AuditEntry.objects.order_by("-seq").first().action == "integrity.failed"


def test_the_command_exits_non_zero_on_a_broken_installation(settings, tmp_path, capsys):
    settings.GONGZHI_INTEGRITY_MANIFEST = str(tmp_path / "integrity.manifest")
    with pytest.raises(CommandError, match="no readable manifest"):
        call_command("integrity", "verify")
    call_command("integrity", "seal")
    call_command("integrity", "verify")
    assert "integrity intact" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="integrity.verified", source="cli:integrity verify").exists()


def test_the_daily_check_runs_without_a_manifest_and_catches_a_forged_one(settings, tmp_path):
    settings.GONGZHI_INTEGRITY_MANIFEST = str(tmp_path / "integrity.manifest")
    assert integrity.verify_daily.call() is False  # never sealed: nothing to hold to, nothing recorded
    assert not AuditEntry.objects.filter(action__startswith="integrity.").exists()
    Path(settings.GONGZHI_INTEGRITY_MANIFEST).write_text("forged")
    assert integrity.verify_daily.call() is False
    assert AuditEntry.objects.filter(action="integrity.failed").exists()
