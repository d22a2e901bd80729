"""A model attribute for a sensitive value kept as three columns: the sealed token, the blind
index digest and the masked form. Reading it gives a SealedValue that prints masked; the clear
value needs `.reveal()`, which callers reach only through a service that checks the role and
writes the audit entry (registry.sensitive.reveal)."""

from __future__ import annotations

from dataclasses import dataclass

from . import crypto
from .masking import mask


@dataclass(frozen=True)
class SealedValue:
    masked: str
    token: str
    purpose: str

    def __str__(self) -> str:
        return self.masked

    def __bool__(self) -> bool:
        return bool(self.token)

    def reveal(self) -> str:
        return crypto.decrypt(self.token, purpose=self.purpose) if self.token else ""


class Sealed:
    """`id_number = Sealed("id_number", purpose="registry.person.id_number")` on a model with the
    columns id_number_token, id_number_digest, id_number_masked. Assigning a clear string fills all
    three. The purpose is bound into the ciphertext and must never change; the digest kind is
    shared across models (a phone is a phone wherever it is stored)."""

    def __init__(self, kind: str, *, purpose: str, mask_kind: str | None = None) -> None:
        self.kind = kind
        self.purpose = purpose
        self.mask_kind = mask_kind or kind

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return SealedValue(
            masked=getattr(obj, f"{self.name}_masked"),
            token=getattr(obj, f"{self.name}_token"),
            purpose=self.purpose,
        )

    def columns(self, value: str | None) -> tuple[str, str, str]:
        """(token, digest, masked) of a clear value: what assignment stores, for bulk rows that
        are written without model instances."""
        value = (value or "").strip()
        if not value:
            return "", "", ""
        return (crypto.encrypt(value, purpose=self.purpose), crypto.digest(value, kind=self.kind),
                mask(value, self.mask_kind))

    def digest(self, value: str) -> str:
        """The blind index of a clear value (already normalised): for exact search and for
        matching bulk rows against stored ones."""
        return crypto.digest(value, kind=self.kind)

    def __set__(self, obj, value: str | None) -> None:
        token, digest, masked = self.columns(value)
        setattr(obj, f"{self.name}_token", token)
        setattr(obj, f"{self.name}_digest", digest)
        setattr(obj, f"{self.name}_masked", masked)
