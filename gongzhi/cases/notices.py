"""Who hears of what happens to a case, and what they are told (in the installation's language,
since a notice outlives the request that caused it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.notifications import outbox

from .models import Case, CaseState

LINK = "/w/cases/{number}/"


def _holders(case: Case) -> list[Any]:
    """Whoever holds the case now: the department's handlers once dispatched, else the dispatchers."""
    if case.state == CaseState.DISPATCHED and case.department_id:
        return list(scoping.holders(area_code=case.area_id, roles={"handler"}, department_id=case.department_id))
    return list(scoping.holders(area_code=case.area_id, roles={"dispatcher"}))


def after(case: Case, action: str) -> None:
    """Queues the notices an action calls for (inside the action's transaction)."""
    with translation.override(settings.LANGUAGE_CODE):
        link = LINK.format(number=case.number)
        title = f"{case.number} {case.category}"
        if action in {"dispatch", "supervise", "urge", "escalate", "return", "reopen", "approve_extension"}:
            words = {"dispatch": _("新派遣的事件"), "supervise": _("事件被督办"), "urge": _("事件被催办"),
                     "escalate": _("下级上报的事件"), "return": _("被退回的事件，请重新派遣"),
                     "reopen": _("居民不满意，事件重办"), "approve_extension": _("延期已批准")}[action]
            outbox.notify(users=_holders(case), subject=_("%(what)s：%(case)s") % {"what": words, "case": title},
                          body=case.description[:200], link=link)
        elif action == "handle":
            workers = scoping.holders(area_code=case.area_id, roles={"grid_worker", "community_worker"})
            outbox.notify(users=workers, subject=_("请核查处置结果：%(t)s") % {"t": title},
                          body=case.description[:200], link=link)
        elif action == "close" and case.reporter_phone_token:
            outbox.notify(phones=[case.reporter_phone.reveal()],
                          subject=_("您反映的事件已办结"),
                          body=_("您反映的事件%(n)s已办结，请凭编号和查询码评价。") % {"n": case.number})


@dataclass(frozen=True)
class Turned:
    """What a deadline notice needs of a case (the sweep reads just this, for thousands)."""

    number: str
    category: str
    description: str
    area_id: str
    state: str
    department_id: int | None


def deadlines(cases: list[Turned], light: str) -> None:
    """Cases turned yellow or red (the sweep): each one's holder and the leaders above are told.
    The holders of every place are read once and the notices written in one go, so that a
    minute in which thousands of deadlines pass costs a few statements, not thousands."""
    if not cases:
        return
    dispatchers, handlers = scoping.HolderIndex({"dispatcher"}), scoping.HolderIndex({"handler"})
    leaders = scoping.HolderIndex({"leader"})
    with translation.override(settings.LANGUAGE_CODE):
        words = _("即将超期") if light == "yellow" else _("已超期")
        template = _("%(what)s：%(case)s")
        messages = []
        for case in cases:
            if case.state == CaseState.DISPATCHED and case.department_id:
                holders = handlers(area_code=case.area_id, department_id=case.department_id)
            else:
                holders = dispatchers(area_code=case.area_id)
            subject = template % {"what": words, "case": f"{case.number} {case.category}"}
            messages.append(outbox.Message(subject, case.description[:200], LINK.format(number=case.number),
                                           (*holders, *leaders(area_code=case.area_id))))
        outbox.notify_all(messages)
