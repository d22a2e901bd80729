"""A resident follows their case with its number and the code they were given (or the phone
they left), and rates it when it is closed. Wrong number and wrong code answer the same."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.common import crypto

from . import rates
from .models import Case, CaseEvent, CaseState, Satisfaction


def find(number: str, code: str) -> Case | None:
    """The case with this number if the code (or the reporter's phone) matches, else None."""
    case = Case.objects.unscoped().filter(number=(number or "").strip().upper()).first()
    if case is None or not code:
        return None
    code = code.strip()
    if crypto.digests_equal(case.tracking_code_digest, crypto.digest(code, kind="tracking_code")):
        return case
    if case.reporter_phone_digest:
        from gongzhi.registry.identifiers import IdentifierError, parse_phone

        try:
            phone_digest = crypto.digest(parse_phone(code), kind="phone")
        except IdentifierError:
            return None
        if crypto.digests_equal(case.reporter_phone_digest, phone_digest):
            return case
    return None


def rate(*, number: str, code: str, satisfaction: str, comment: str = "") -> Case:
    """The reporter's rating of a closed case; only once."""
    with transaction.atomic():
        case = find(number, code)
        if case is None:
            raise LookupError(_("编号或查询码不正确"))
        case = Case.objects.unscoped().select_for_update().get(pk=case.pk)
        if case.state != CaseState.CLOSED:
            raise ValueError(_("事件办结后才能评价"))
        if satisfaction not in Satisfaction.values:
            raise ValueError(_("请选择评价：满意、基本满意或不满意"))
        now = timezone.now()
        case.state, case.satisfaction = CaseState.EVALUATED, satisfaction
        case.save(update_fields=["state", "satisfaction"])
        data = {"satisfaction": satisfaction, "by": "reporter"}
        if case.department_id is not None:
            data["department"] = case.department_id  # the unit it counts for (rollups.rebuild)
        CaseEvent.objects.create(case=case, at=now, actor_name=_("反映人"), action="evaluate",
                                 from_state=CaseState.CLOSED, to_state=CaseState.EVALUATED,
                                 note=(comment or "")[:2000], data=data)
        rates.count(case, now, rated=1, **{satisfaction: 1})
    return case
