"""Exports of the register: only what the user may see, sensitive values masked, every cell that
a spreadsheet would run as a formula neutralised, and each export audited with its row count."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common.cells import cell_text, neutralise

from .models import Address, Entity, House, Person


def _people(user: Any) -> Iterator[list[Any]]:
    qs = (scoping.scoped(Person, user).select_related("house__address").prefetch_related("tags")
          .order_by("id"))
    for p in qs.iterator(chunk_size=2000):
        yield [p.name, p.id_number_masked, p.get_residency_display(), p.get_sex_display(), p.birth_date,
               p.passport_number_masked, p.nationality, p.ethnicity,
               p.house.address.full_text if p.house_id else "", p.get_relation_to_head_display(),
               p.get_status_display(), p.area_id, ";".join(t.name for t in p.tags.all())]


def _entities(user: Any) -> Iterator[list[Any]]:
    for e in scoping.scoped(Entity, user).select_related("address").order_by("id").iterator(chunk_size=2000):
        yield [e.get_kind_display(), e.name, e.uscc, e.address.full_text if e.address_id else "", e.business_scope,
               e.headcount, e.established_on, e.area_id]


def _houses(user: Any) -> Iterator[list[Any]]:
    for h in scoping.scoped(House, user).select_related("address").order_by("id").iterator(chunk_size=2000):
        yield [h.address.code, h.address.full_text, h.get_use_display(), h.floor_area, h.area_id]


def _addresses(user: Any) -> Iterator[list[Any]]:
    for a in scoping.scoped(Address, user).order_by("code").iterator(chunk_size=2000):
        yield [a.code, a.get_kind_display(), a.full_text, a.community_id, a.area_id, a.lon, a.lat]


EXPORTS = {
    "people": ([gettext_lazy("姓名"), gettext_lazy("身份证号"), gettext_lazy("人口类型"), gettext_lazy("性别"),
                gettext_lazy("出生日期"), gettext_lazy("证件号码"), gettext_lazy("国籍"), gettext_lazy("民族"),
                gettext_lazy("现住地址"), gettext_lazy("与户主关系"), gettext_lazy("状态"),
                gettext_lazy("所在网格/社区"), gettext_lazy("标签")], _people, "registry.view_person"),
    "entities": ([gettext_lazy("类型"), gettext_lazy("名称"), gettext_lazy("统一社会信用代码"), gettext_lazy("地址"),
                  gettext_lazy("经营范围"), gettext_lazy("从业人数"), gettext_lazy("成立日期"),
                  gettext_lazy("所在网格/社区")], _entities, "registry.view_entity"),
    "houses": ([gettext_lazy("地址编码"), gettext_lazy("地址"), gettext_lazy("用途"), gettext_lazy("面积(㎡)"),
                gettext_lazy("所在网格/社区")], _houses, "registry.view_house"),
    "addresses": ([gettext_lazy("地址编码"), gettext_lazy("类型"), gettext_lazy("标准地址"), gettext_lazy("社区"),
                   gettext_lazy("所在网格/社区"), gettext_lazy("经度"), gettext_lazy("纬度")], _addresses,
                  "registry.view_address"),
}


def export(user: Any, kind: str, fmt: str = "xlsx") -> tuple[bytes, int]:
    """(file bytes, row count). The caller checked `EXPORTS[kind][2]`; this writes the audit entry."""
    headers, rows, _perm = EXPORTS[kind]
    header = [str(h) for h in headers]
    stamp = _("%(user)s 于 %(at)s 导出") % {"user": user.get_username(),
                                          "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    count = 0
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows(user):
            writer.writerow([neutralise(cell_text(v)) for v in row])
            count += 1
        writer.writerow([])
        writer.writerow([stamp])
        data = ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(_("数据")))
        sheet.oddHeader.center.text = stamp  # printed on every page
        sheet.oddFooter.center.text = stamp
        sheet.append(header)
        for row in rows(user):
            sheet.append([neutralise(cell_text(v)) if isinstance(v, str) else v for v in row])
            count += 1
        sheet.append([])
        sheet.append([stamp])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    log.record(f"registry.{kind}.exported", actor=user, target_type=f"registry.{kind}",
               changes={"rows": count, "format": fmt})
    return data, count
