"""Who may report a case, and how their report is read: one table, `REPORTERS`, for the three
kinds of reporter. Staff are a signed-in account (on the phone page or the JSON API), the portal
is a resident (`ResidentActor`), and an Open311 client is known by its key. For each kind the table
says:

- the channels it may use (staff: the one they chose, else their role's default);
- the roles it needs (staff only: the roles that file cases);
- the area its location must lie in (staff: an area they hold through one of those roles; the
  portal and a key: the area the source carries, the portal's or the key's);
- how typed address text becomes a standard address (staff: `matching.find_address` in their
  scope, a code or a certain match; the portal and a key: a certain match in their area);
- the namespace of its idempotency keys (a key is its sender's own: the same key from another
  sender, or from the same account on another surface, is another case; the strings are the ones
  keys were stored under before this table, so a retry across an upgrade finds its case);
- how many photos a report may carry.

A `Source` is admitted when it is made (`staff`, `portal`, `open311`): an account without a
reporting role is refused (PermissionDenied, the API's 403), as is a channel the kind may not
use. `intake.report` reads the rest; its callers only parse and render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.accounts.roles import Role
from gongzhi.areas import lookup
from gongzhi.areas.models import Area
from gongzhi.common import actors
from gongzhi.registry import matching

from .models import Channel
from .photos import MAX_PER_REPORT, MAX_PER_UPLOAD

STAFF, PORTAL, OPEN311 = "staff", "portal", "open311"
# Where a report's location must lie: in an area the account holds, or in the source's own area.
HELD, BOUND = "held", "bound"
# How address text is read: in the account's scope (a code or a certain match), or a certain match
# in the source's area.
IN_SCOPE, CERTAIN = "in_scope", "certain"

# The roles that file cases (a leader reads and presses, a handler handles: neither reports).
REPORTING_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.DISPATCHER})
# A staff report that names no channel takes the first of these the account holds: a grid
# worker's is a grid patrol's, a community worker's an inspection's, the desk's the hotline's.
DEFAULT_CHANNELS = ((Role.GRID_WORKER, Channel.GRID_PATROL), (Role.COMMUNITY_WORKER, Channel.INSPECTION),
                    (Role.DISPATCHER, Channel.HOTLINE))
# The surfaces staff report from; each names its keys.
STAFF_SURFACES = frozenset({"patrol", "api"})


@dataclass(frozen=True)
class Reporter:
    """One row of the table: what a kind of reporter may do and how its report is read."""

    channels: frozenset[str]
    roles: frozenset[str]  # empty: the kind is not an account
    location: str  # HELD or BOUND
    addresses: str  # IN_SCOPE or CERTAIN
    keys: str  # the idempotency key's prefix, from the source's `via` and `sender`
    photos: int  # at most this many with one report
    actor: Callable[[Any], bool]  # which actor the kind is (a predicate of common/actors.py)


REPORTERS: dict[str, Reporter] = {
    STAFF: Reporter(frozenset({Channel.GRID_PATROL, Channel.HOTLINE, Channel.WALK_IN, Channel.INSPECTION}),
                    REPORTING_ROLES, HELD, IN_SCOPE, "{via}:{sender}:", MAX_PER_UPLOAD, actors.is_staff),
    PORTAL: Reporter(frozenset({Channel.SELF_REPORT}), frozenset(), BOUND, CERTAIN, "portal:", MAX_PER_REPORT,
                     actors.is_resident),
    OPEN311: Reporter(frozenset({Channel.OPEN311}), frozenset(), BOUND, CERTAIN, "open311:{sender}:", 0,
                      actors.is_system),
}


@dataclass(frozen=True)
class Source:
    """Who reports, admitted when made (use `staff`, `portal` or `open311`)."""

    kind: str
    actor: Any
    channel: str
    area: Any = None  # BOUND kinds: the area the location must lie in
    via: str = ""  # staff: the surface reported from, which names its keys
    sender: Any = None  # whose keys: the account's or the Open311 key's id

    def __post_init__(self) -> None:
        rule = REPORTERS[self.kind]
        if not rule.actor(actors.require(self.actor)):
            raise actors.ActorMissing(f"a {self.kind} report is not made by {self.actor!r}")
        if rule.roles and not scoping.roles(self.actor) & rule.roles:
            raise PermissionDenied
        if self.channel not in rule.channels:
            raise _refused(_("渠道“%(c)s”无效") % {"c": self.channel}, "channel")

    @property
    def rule(self) -> Reporter:
        return REPORTERS[self.kind]

    def key(self, given: str | None) -> str | None:
        """The idempotency key as stored: the sender's namespace and the key they sent."""
        return f"{self.rule.keys.format(via=self.via, sender=self.sender)}{given}" if given else None


def staff(user: Any, channel: str = "", *, via: str = "api") -> Source:
    """A signed-in account reporting from `via` (the phone page's "patrol", the JSON API's
    "api") through `channel`, or their role's default channel."""
    if via not in STAFF_SURFACES:
        raise ValueError(f"staff report from {via!r}: not one of {sorted(STAFF_SURFACES)}")
    if not channel:
        held = scoping.roles(user)
        channel = next((c for role, c in DEFAULT_CHANNELS if role in held), "")
    return Source(STAFF, user, channel, via=via, sender=getattr(user, "pk", None))


def portal(resident: actors.ResidentActor, area: Any) -> Source:
    """A resident on the portal, reporting in the portal's `area` (the portal sits above cases,
    so it says which area it serves)."""
    return Source(PORTAL, resident, Channel.SELF_REPORT, area=area)


def open311(key: Any) -> Source:
    """An Open311 client, named by its key and bound to the key's area."""
    client = actors.SystemActor(_("Open311接口“%(name)s”") % {"name": key.name})
    return Source(OPEN311, client, Channel.OPEN311, area=key.area, sender=key.pk)


def named(actor: Any) -> str:
    """Who reported, as the case's history shows it: the account, or the Open311 client by its
    key. A resident is not named there (the case keeps what they gave as its contact)."""
    return "" if actors.is_resident(actor) else actors.name(actor)


def place(source: Source, lon: float | None, lat: float | None, address_text: str) -> tuple[str, Any]:
    """(area code, standard address or None) of a report: its point's grid, or the address its
    text reads as, refused (IntakeError naming the field) unless it lies where the source may
    report."""
    address = None
    if lon is not None and lat is not None:
        area_code = lookup.locate(lon, lat)
        if area_code is None:
            raise _refused(_("该位置不在任何网格内"), "location")
    elif (address_text or "").strip():
        address = _address(source, address_text)
        area_code = address.area_id
    else:
        raise _refused(_("请给出位置或地址"), "location")
    if source.rule.location == HELD:
        if not _holds(source.actor, area_code):
            # Staff file cases where they work: no case created in a grid they do not hold.
            raise _refused(_("该位置不在您负责的区域内"), "location")
    elif source.area is None:  # a portal that serves no area files nothing
        raise _refused(_("该位置不在任何网格内"), "location")
    elif not scoping.lies_in(area_code, source.area):
        raise _refused(_("该位置不在“%(area)s”的范围内") % {"area": source.area.name}, "location")
    return area_code, address


def _address(source: Source, text: str) -> Any:
    if source.rule.addresses == IN_SCOPE:
        address, why = matching.find_address(source.actor, text)
        if address is None:
            raise _refused(why, "address_text")
        return address
    match = matching.Matcher(source.area).match(text) if source.area is not None else None
    if match is None or not match.certain:
        raise _refused(_("未能识别该地址，请在地图上点选位置，或写明路名、门牌号"), "address_text")
    return match.address


def _holds(user: Any, area_code: str) -> bool:
    """Whether the account holds the place through a reporting role (a leader's wider grant
    beside a grid worker's does not widen where they file)."""
    return scoping.restrict(Area.objects.all(), user, REPORTING_ROLES).filter(code=area_code).exists()


def _refused(message: str, field: str) -> Exception:
    from .intake import IntakeError  # intake reads this table

    return IntakeError(message, field)
