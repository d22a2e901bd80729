"""Sensitive values at rest: authenticated encryption with a key id beside each value, and a
keyed digest (blind index) so that exact search never needs the clear value.

A sealed token reads `kid$alg$base64(nonce | ciphertext | tag)`. `alg` is `aes` (AES-256-GCM) or
`sm4` (SM4-GCM, for deployments that 密评 holds to the national algorithms); the key id says
which key opens it, so keys rotate by adding a key in front and re-sealing in batches
(`gongzhi keys rotate`). The purpose ("person.id_number") is bound as associated data: a token
copied into another column does not open there.

Digests use one index key that does not rotate with the data keys (a new one means
recomputing every digest): keyed BLAKE2b-256 by default, HMAC-SM3 when chosen.

Keys come from the environment (GONGZHI_DATA_KEYS = "kid:alg:base64key,…", the first is
active; GONGZHI_INDEX_KEY = base64). The demo generates both into var/ on first use; a
deployment with GONGZHI_HTTPS=1 refuses to start without them (settings.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

KEY_SIZES = {"aes": 32, "sm4": 16}
NONCE = 12
TAG = 16


class SealError(ValueError):
    """A token that does not open: wrong key, wrong column, or tampered with."""


@dataclass(frozen=True)
class DataKey:
    kid: str
    alg: str
    key: bytes


@dataclass(frozen=True)
class Keyring:
    active: DataKey
    keys: dict[str, DataKey]
    index_key: bytes
    index_alg: str  # "blake2b" | "hmac-sm3"


def parse_data_keys(text: str) -> list[DataKey]:
    """`kid:alg:base64,…` → keys, first active. Raises ValueError naming the bad entry."""
    keys = []
    for entry in [e.strip() for e in text.split(",") if e.strip()]:
        parts = entry.split(":")
        if len(parts) != 3:
            raise ValueError(f"data key {entry[:12]}…: expected kid:alg:base64key")
        kid, alg, b64 = parts
        if alg not in KEY_SIZES:
            raise ValueError(f"data key {kid}: algorithm must be one of {sorted(KEY_SIZES)}")
        if not kid.isalnum():
            raise ValueError(f"data key {kid!r}: the id must be letters and digits")
        key = base64.b64decode(b64)
        if len(key) != KEY_SIZES[alg]:
            raise ValueError(f"data key {kid}: {alg} needs {KEY_SIZES[alg]} bytes, got {len(key)}")
        keys.append(DataKey(kid, alg, key))
    if not keys:
        raise ValueError("no data key given")
    if len({k.kid for k in keys}) != len(keys):
        raise ValueError("data key ids must be unique")
    return keys


def new_data_key(kid: str, alg: str = "aes") -> str:
    """A fresh key entry for GONGZHI_DATA_KEYS."""
    return f"{kid}:{alg}:{base64.b64encode(os.urandom(KEY_SIZES[alg])).decode()}"


_ring: Keyring | None = None
_ring_source: tuple | None = None
_lock = threading.Lock()


def keyring() -> Keyring:
    """The keys in force, re-read when the settings change (tests, rotation)."""
    global _ring, _ring_source
    source = (settings.GONGZHI_DATA_KEYS, settings.GONGZHI_INDEX_KEY, settings.GONGZHI_INDEX_ALGORITHM)
    if _ring is None or source != _ring_source:
        with _lock:
            keys = parse_data_keys(source[0])
            index_key = base64.b64decode(source[1])
            if len(index_key) < 32:
                raise ValueError("GONGZHI_INDEX_KEY must be at least 32 bytes")
            if source[2] not in {"blake2b", "hmac-sm3"}:
                raise ValueError("GONGZHI_INDEX_ALGORITHM must be blake2b or hmac-sm3")
            _ring = Keyring(keys[0], {k.kid: k for k in keys}, index_key, source[2])
            _ring_source = source
    return _ring


def _encrypt(key: DataKey, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if key.alg == "aes":
        return AESGCM(key.key).encrypt(nonce, data, aad)
    encryptor = Cipher(algorithms.SM4(key.key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _decrypt(key: DataKey, nonce: bytes, blob: bytes, aad: bytes) -> bytes:
    if key.alg == "aes":
        return AESGCM(key.key).decrypt(nonce, blob, aad)
    decryptor = Cipher(algorithms.SM4(key.key), modes.GCM(nonce, blob[-TAG:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(blob[:-TAG]) + decryptor.finalize()


def encrypt(value: str, *, purpose: str, key: DataKey | None = None) -> str:
    key = key or keyring().active
    nonce = os.urandom(NONCE)
    blob = _encrypt(key, nonce, value.encode(), purpose.encode())
    return f"{key.kid}${key.alg}${base64.b64encode(nonce + blob).decode()}"


def decrypt(token: str, *, purpose: str) -> str:
    try:
        kid, alg, b64 = token.split("$")
        key = keyring().keys[kid]
        raw = base64.b64decode(b64)
        if key.alg != alg:
            raise SealError(f"token says {alg}, key {kid} is {key.alg}")
        return _decrypt(key, raw[:NONCE], raw[NONCE:], purpose.encode()).decode()
    except KeyError as exc:
        raise SealError(f"no key {exc} in GONGZHI_DATA_KEYS: was it removed before re-sealing?") from exc
    except (ValueError, InvalidTag) as exc:
        raise SealError(f"a {purpose} value does not open (tampered, or sealed for another column)") from exc


def key_id(token: str) -> str:
    return token.split("$", 1)[0]


def reseal(token: str, *, purpose: str) -> str:
    """The same value under the active key (key rotation)."""
    return encrypt(decrypt(token, purpose=purpose), purpose=purpose)


def digest(value: str, *, kind: str) -> str:
    """Blind index of a normalised value. `kind` ("id_number", "phone") separates the index
    spaces, so equal strings of different kinds do not collide."""
    ring = keyring()
    data = f"{kind}\x00{value}".encode()
    if ring.index_alg == "blake2b":
        return hashlib.blake2b(data, key=ring.index_key[:64], digest_size=32).hexdigest()
    mac = crypto_hmac.HMAC(ring.index_key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """A whole file sealed like a value: `kid$alg$` then nonce, ciphertext and tag."""
    key = keyring().active
    nonce = os.urandom(NONCE)
    return f"{key.kid}${key.alg}$".encode() + nonce + _encrypt(key, nonce, data, purpose.encode())


def decrypt_bytes(blob: bytes, *, purpose: str) -> bytes:
    try:
        kid, alg, raw = blob.split(b"$", 2)
        key = keyring().keys[kid.decode()]
        if key.alg != alg.decode():
            raise SealError(f"file says {alg.decode()}, key {key.kid} is {key.alg}")
        return _decrypt(key, raw[:NONCE], raw[NONCE:], purpose.encode())
    except KeyError as exc:
        raise SealError(f"no key {exc} in GONGZHI_DATA_KEYS") from exc
    except (ValueError, InvalidTag) as exc:
        raise SealError("a sealed file does not open") from exc
