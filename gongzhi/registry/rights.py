"""A person's rights over their own information (个人信息保护法 arts. 45-46): a copy of what
the register holds about them, given to them on request, and corrections, which are ordinary
edits (`history.edit`) and keep their history. The copy holds full values, so it takes the
right to reveal, a reason, and it is audited like a reveal."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common.cells import cell_text, neutralise

from . import copy_sections
from .copy_sections import Section
from .models import Person
from .people import RegistryError
from .sensitive import may_reveal


def _sheets(person: Person) -> list[Section]:
    house = person.house
    basics = [
        (_("姓名"), person.name), (_("身份证号"), person.id_number.reveal()),
        (_("证件类型"), person.get_passport_type_display()), (_("证件号码"), person.passport_number.reveal()),
        (_("国籍"), person.nationality), (_("出生日期"), person.birth_date), (_("性别"), person.get_sex_display()),
        (_("民族"), person.ethnicity), (_("人口类型"), person.get_residency_display()),
        (_("现住地址"), house.address.full_text if house else ""), (_("与户主关系"), person.get_relation_to_head_display()),
        (_("状态"), person.get_status_display()), (_("死亡日期"), person.died_on),
        (_("标签"), "、".join(t.name for t in person.tags.all())),
    ]
    residences = [[r.house.address.full_text, r.start, r.end, r.get_tenure_display()]
                  for r in person.residences.unscoped().select_related("house__address").order_by("start")]
    events = [[e.get_kind_display(), e.date, e.note] for e in person.events.unscoped().order_by("date", "id")]
    phones = [[link.phone.number.reveal()] for link in person.phone_links.unscoped().select_related("phone")]
    return [
        (_("基本信息"), [_("项目"), _("内容")], [list(pair) for pair in basics]),
        (_("居住记录"), [_("地址"), _("入住日期"), _("迁出日期"), _("居住方式")], residences),
        (_("人口变动"), [_("事项"), _("日期"), _("说明")], events),
        (_("联系电话"), [_("号码")], phones),
        *(section(person) for section in copy_sections.COPY_SECTIONS),  # the sheets of apps above
    ]


def subject_copy(*, user: Any, person: Person, reason: str) -> bytes:
    """An xlsx workbook of everything the register holds about `person`, for handing to them."""
    from openpyxl import Workbook

    if not may_reveal(user):
        raise PermissionDenied(_("您的角色不能导出个人信息副本"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RegistryError(_("请填写申请事由（如：本人书面申请及编号）"), "reason")
    person = scoping.get_in_scope_or_404(Person.objects.select_related("house__address"), user, pk=person.pk)
    workbook = Workbook()
    workbook.remove(workbook.active)
    stamp = _("应本人申请，由 %(user)s 于 %(at)s 导出；仅交本人，不得另作他用") % {
        "user": user.get_username(), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    for title, header, rows in _sheets(person):
        sheet = workbook.create_sheet(str(title))
        sheet.append([stamp])
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append([neutralise(cell_text(v)) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    log.record("registry.person.subject_copy", actor=user, target=person, changes={"reason": reason[:200]})
    return out.getvalue()
