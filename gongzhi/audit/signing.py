"""The audit chain's keys: each entry's hash is an HMAC under a key kept outside the database
(GONGZHI_AUDIT_KEYS = "kid:base64key,…", or "kid:sm3:base64key" for HMAC-SM3 where 密评 asks for
the national algorithms; HMAC-SHA256 otherwise). The first key signs new entries and checkpoints;
the others stay to verify what they signed, so a key rotates by putting a new one in front.

Someone who can write the database but not read this setting can no longer re-chain the log
after deleting or editing entries. The demo generates a key into var/; a deployment with
GONGZHI_HTTPS=1 refuses to start without one (settings.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings

ALGORITHMS = ("sha256", "sm3")
MIN_BYTES = 32


@dataclass(frozen=True)
class AuditKey:
    kid: str
    alg: str
    key: bytes

    def mac(self, data: bytes) -> str:
        if self.alg == "sha256":
            return hmac.new(self.key, data, hashlib.sha256).hexdigest()
        mac = crypto_hmac.HMAC(self.key, hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()


def parse(text: str) -> list[AuditKey]:
    """`kid:base64,…` or `kid:sm3:base64,…` → keys, first signing. ValueError names the bad entry."""
    keys = []
    for entry in [e.strip() for e in text.split(",") if e.strip()]:
        parts = entry.split(":")
        if len(parts) == 2:
            parts.insert(1, "sha256")
        if len(parts) != 3 or parts[1] not in ALGORITHMS:
            raise ValueError(f"audit key {entry[:12]}…: expected kid:base64key or kid:sm3:base64key")
        kid, alg, b64 = parts
        if not kid.isalnum() or len(kid) > 20:
            raise ValueError(f"audit key {kid!r}: the id must be at most 20 letters and digits")
        key = base64.b64decode(b64)
        if len(key) < MIN_BYTES:
            raise ValueError(f"audit key {kid}: needs at least {MIN_BYTES} bytes, got {len(key)}")
        keys.append(AuditKey(kid, alg, key))
    if not keys:
        raise ValueError("no audit key given (GONGZHI_AUDIT_KEYS)")
    if len({k.kid for k in keys}) != len(keys):
        raise ValueError("audit key ids must be unique")
    return keys


def new_key(kid: str, alg: str = "sha256") -> str:
    """A fresh entry for GONGZHI_AUDIT_KEYS."""
    secret = base64.b64encode(os.urandom(MIN_BYTES)).decode()
    return f"{kid}:{secret}" if alg == "sha256" else f"{kid}:{alg}:{secret}"


_keys: tuple[str, list[AuditKey]] | None = None
_lock = threading.Lock()


def keys() -> list[AuditKey]:
    """The keys in force, first signing; re-read when the setting changes (tests, rotation)."""
    global _keys
    source = settings.GONGZHI_AUDIT_KEYS
    if _keys is None or _keys[0] != source:
        with _lock:
            _keys = (source, parse(source))
    return _keys[1]


def active() -> AuditKey:
    return keys()[0]


def by_id() -> dict[str, AuditKey]:
    return {k.kid: k for k in keys()}
