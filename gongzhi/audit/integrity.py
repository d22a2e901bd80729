"""可信验证 at the application's level: the files of the installed application (its code,
templates, translations, scripts and vendored front-end files) are measured once when a release
is installed (`gongzhi integrity seal`) and measured again daily and on demand (`gongzhi
integrity verify`). The manifest is signed with the installation's SECRET_KEY, which lives
outside the code and the database, so whoever changes a file cannot also bless the change.
Every verification is an entry of the audit chain (the record the security centre reads); a
failed one is also logged as critical. The boot chain and the interpreter are the host's to
measure (docs/security.md)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.utils import timezone

from gongzhi.common.tasks import task

from . import log

logger = logging.getLogger(__name__)

SALT = "gongzhi.integrity.manifest"
# Code and what the pages serve; not compiled caches, not the tests (they are not deployed
# behaviour, and a checkout without them is still the same application).
SKIPPED_PARTS = {"__pycache__", "tests"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


class ManifestError(ValueError):
    """The manifest is missing, unreadable, or its signature does not hold."""


def application_root() -> Path:
    return Path(__file__).resolve().parents[1]


def manifest_path() -> Path:
    return Path(settings.GONGZHI_INTEGRITY_MANIFEST)


def measure(root: Path | None = None) -> dict[str, str]:
    """Relative path → SHA-256 of every file the application runs or serves."""
    root = root or application_root()
    digests = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or SKIPPED_PARTS & set(relative.parts) or path.suffix in SKIPPED_SUFFIXES:
            continue
        digests[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def seal(*, root: Path | None = None, target: Path | None = None) -> int:
    """Writes the signed manifest of the files as they are now; returns how many it holds."""
    files = measure(root)
    body = {"sealed_at": timezone.now().isoformat(timespec="seconds"), "files": files}
    target = target or manifest_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(signing.dumps(body, salt=SALT, compress=True), encoding="ascii")
    log.record("integrity.sealed", actor_name="system", target_type="integrity", target_repr=str(target),
               changes={"files": len(files)})
    return len(files)


def read(target: Path | None = None) -> dict:
    target = target or manifest_path()
    try:
        token = target.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"no readable manifest at {target}: run `gongzhi integrity seal`") from exc
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise ManifestError(f"the manifest at {target} is not signed by this installation's key") from exc


@dataclass
class Report:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    sealed_at: str = ""

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)


def verify(*, root: Path | None = None, target: Path | None = None) -> Report:
    """Compares the files with the manifest and records the verdict in the audit chain. A
    manifest that is gone or forged is itself a failed verification (raised after recording)."""
    try:
        body = read(target)
    except ManifestError as exc:
        log.record("integrity.failed", actor_name="system", target_type="integrity",
                   changes={"manifest": str(exc)})
        logger.critical("integrity verification failed: %s", exc)
        raise
    expected: dict[str, str] = body["files"]
    found = measure(root)
    report = Report(
        checked=len(found),
        changed=sorted(p for p in expected.keys() & found.keys() if expected[p] != found[p]),
        missing=sorted(expected.keys() - found.keys()),
        added=sorted(found.keys() - expected.keys()),
        sealed_at=body.get("sealed_at", ""),
    )
    changes = {"checked": report.checked, "sealed_at": report.sealed_at}
    if report.ok:
        log.record("integrity.verified", actor_name="system", target_type="integrity", changes=changes)
    else:
        # At most 50 names each: the entry says what to look at, the command lists all.
        changes.update(changed=report.changed[:50], missing=report.missing[:50], added=report.added[:50])
        log.record("integrity.failed", actor_name="system", target_type="integrity", changes=changes)
        logger.critical("integrity verification failed: %d changed, %d missing, %d added files",
                        len(report.changed), len(report.missing), len(report.added))
    return report


@task()
def verify_daily() -> bool:
    """The scheduler's daily run; an installation that never sealed has nothing to hold to."""
    if not manifest_path().exists():
        logger.warning("integrity: no manifest at %s; run `gongzhi integrity seal` after installing",
                       manifest_path())
        return False
    try:
        return verify().ok
    except ManifestError:
        return False
