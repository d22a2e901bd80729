"""Who a write is done by, said plainly. A service never reads "no actor" as "skip the checks":
it is given a staff account (a signed-in `User`, checked by role and scope), the platform itself
(`SystemActor`, with the reason: a command, a sweep, an import from the shell, the demo seed),
or a resident (`ResidentActor`: the portal's verified resident, or the reporter of a case proven
by its tracking code). `None` and an anonymous user are refused with `ActorMissing`, a bug and
never a user's error.

The two non-staff actors look enough like a user for the code that names an actor
(`get_username`, `pk`, `is_authenticated`) and hold no grants: the scoping module gives them no
rows, so a service that forgot to ask which actor it has still sees nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ActorMissing(TypeError):
    """A write was asked for without saying who does it."""


class _NoAccount:
    """What code naming an actor reads of a user, for an actor that is no account: no id, not
    signed in (so it holds no grants and the scoping module gives it no rows)."""

    pk = None
    is_authenticated = False
    is_active = False
    is_system = False
    is_resident = False


@dataclass(frozen=True)
class SystemActor(_NoAccount):
    """The platform acting on its own; `reason` is what the audit log and histories show."""

    reason: str
    is_system = True

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ActorMissing("a system actor says why it acts")

    def get_username(self) -> str:
        return f"系统：{self.reason}"

    def __str__(self) -> str:
        return self.get_username()


@dataclass(frozen=True)
class ResidentActor(_NoAccount):
    """A resident on the public side, known by what they proved: their verified phone (its
    digest) on the portal, or a case's tracking code. `name` is what a history shows
    (the glossary's 反映人 or 居民), never their phone."""

    name: str
    phone_digest: str = ""
    case_number: str = ""
    person_id: int | None = None  # the register's record of a verified resident
    is_resident = True

    def get_username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


def require(actor: Any) -> Any:
    """The actor, if it says who acts: a signed-in account, the system or a resident."""
    if actor is None:
        raise ActorMissing("a write needs an actor: a user, SystemActor(reason) or ResidentActor")
    if is_system(actor) or is_resident(actor):
        return actor
    if not getattr(actor, "is_authenticated", False):
        raise ActorMissing("an anonymous user is not an actor: use ResidentActor for the public side")
    return actor


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def is_resident(actor: Any) -> bool:
    return isinstance(actor, ResidentActor)


def is_staff(actor: Any) -> bool:
    """A signed-in account (whose roles and scope then decide)."""
    return actor is not None and not is_system(actor) and not is_resident(actor) and bool(
        getattr(actor, "is_authenticated", False))


def user_or_none(actor: Any) -> Any:
    """The account to store in an `actor`/`created_by` foreign key: the user, or None for the
    system and residents (whose name the row keeps instead)."""
    return actor if is_staff(actor) else None


def name(actor: Any) -> str:
    """What a history or the audit log shows as who did it."""
    return require(actor).get_username()
