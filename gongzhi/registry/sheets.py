"""Spreadsheets in and out: the columns of the register's imports, blank templates with notes and
drop-down lists, reading CSV (UTF-8 or the GB18030 that Excel writes in China) and .xlsx
(python-calamine, fast), and the error workbook that marks each bad cell with its reason.

A file is bounded before it costs memory: an .xlsx by what it inflates to (a zip bomb is
refused before calamine opens it), any file by its rows (GONGZHI_IMPORT_MAX_ROWS), and the
error workbook by the refused rows it lists (GONGZHI_IMPORT_MAX_ERRORS, saying so)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.cells import cell_text, neutralise
from gongzhi.common.text import visible

from . import import_kinds
from .import_kinds import Column
from .models import EntityKind, HouseUse, PassportType, Relation, Residency, Tenure

ADDRESS_PARTS = [
    Column("road", _("道路"), _("如：天府大道北段")),
    Column("number", _("门牌号"), _("如：1700号")),
    Column("estate", _("小区/院落"), _("如：锦绣花园")),
    Column("building", _("楼栋"), _("如：E1栋、3号楼")),
    Column("unit", _("单元"), _("如：2单元")),
    Column("floor", _("楼层"), _("如：15层")),
    Column("room", _("房间"), _("如：1503")),
]

# The columns of the register's own kinds (REGISTER_KINDS, below); other apps' live with their importers.
COLUMNS: dict[str, list[Column]] = {
    "addresses": [
        Column("community_code", _("社区代码"), _("12位区划代码"), required=True, text=True, width=16),
        *ADDRESS_PARTS,
        Column("lon", _("经度"), _("WGS-84，可空")),
        Column("lat", _("纬度"), _("WGS-84，可空")),
    ],
    "houses": [
        Column("address", _("地址"), _("标准地址编码，或完整地址文字"), required=True, width=40),
        Column("use", _("用途"), _("自住/出租/空置/经营"), choices=HouseUse),
        Column("floor_area", _("面积(㎡)"), _("数字")),
        Column("owner_id_number", _("产权人身份证号"), _("已登记人员的身份证号，可空"), text=True, width=22),
        Column("note", _("备注"), ""),
    ],
    "people": [
        Column("name", _("姓名"), _("必填"), required=True),
        Column("id_number", _("身份证号"), _("18位，户籍和流动人口必填；请以文本格式填写"), text=True, width=22),
        Column("residency", _("人口类型"), _("户籍人口/流动人口/境外人员"), required=True, choices=Residency),
        Column("passport_type", _("证件类型"), _("境外人员填写"), choices=PassportType),
        Column("passport_number", _("证件号码"), _("境外人员填写"), text=True),
        Column("nationality", _("国籍"), _("ISO三位字母代码，如 GBR")),
        Column("ethnicity", _("民族"), ""),
        Column("address", _("现住地址"), _("标准地址编码，或完整地址文字"), required=True, width=40),
        Column("relation_to_head", _("与户主关系"), _("户主/配偶/子女/父母/…"), choices=Relation),
        Column("tenure", _("居住方式"), _("自有/租住/借住/其他"), choices=Tenure),
        Column("since", _("入住日期"), _("如 2023-05-01")),
        Column("phones", _("联系电话"), _("多个用分号隔开"), text=True, width=18),
        Column("tags", _("标签"), _("如 老年人;党员，多个用分号隔开")),
    ],
    "entities": [
        Column("kind", _("类型"), _("企业/个体工商户/社会组织/机关事业单位"), required=True, choices=EntityKind),
        Column("name", _("名称"), _("必填"), required=True, width=28),
        Column("uscc", _("统一社会信用代码"), _("18位"), required=True, text=True, width=22),
        Column("address", _("地址"), _("标准地址编码，或完整地址文字"), required=True, width=40),
        Column("legal_rep_id_number", _("法定代表人身份证号"), _("已登记人员的身份证号，可空"), text=True, width=22),
        Column("business_scope", _("经营范围"), "", width=30),
        Column("headcount", _("从业人数"), _("整数")),
        Column("established_on", _("成立日期"), _("如 2019-03-01")),
        Column("phones", _("联系电话"), _("多个用分号隔开"), text=True, width=18),
    ],
}
# The register's own kinds (registered by RegistryConfig.ready): its rows lie in any of the
# importer's grants, as the register's pages read them.
REGISTER_KINDS = tuple(
    import_kinds.ImportKind(key=key, label=label, columns=tuple(COLUMNS[key]), permission="registry.import",
                            importer=f"gongzhi.registry.importers.{importer}")
    for key, label, importer in (
        ("people", pgettext_lazy("plural", "人口"), "PeopleImporter"),
        ("houses", pgettext_lazy("plural", "房屋"), "HousesImporter"),
        ("entities", pgettext_lazy("plural", "法人"), "EntitiesImporter"),
        ("addresses", pgettext_lazy("plural", "标准地址"), "AddressesImporter"),
    )
)


class SheetError(ValueError):
    """The file as a whole cannot be read (format, encoding, header)."""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("无法识别文件编码，请另存为UTF-8的CSV或.xlsx"))


# A part of a real spreadsheet inflates to at most a few dozen times its compressed size; a
# part beyond this ratio (and beyond a megabyte) is a zip bomb, whatever its total.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024


def _refuse_bomb(data: bytes) -> None:
    """Refuses an .xlsx (a zip) that would inflate beyond GONGZHI_IMPORT_MAX_INFLATED_BYTES or
    beyond MAX_RATIO, judged by the sizes the archive declares and then proved by inflating each
    part once in bounded pieces (zipfile stops at the declared size, and a part holding more
    than it declares fails its checksum), all before calamine inflates it whole."""
    limit = settings.GONGZHI_IMPORT_MAX_INFLATED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            inflated = sum(part.file_size for part in parts)
            if inflated > limit:
                raise SheetError(_("Excel文件解压后达%(size)s MB，超过上限%(max)s MB，请拆分为多个文件分别导入")
                                 % {"size": inflated // 1048576, "max": limit // 1048576})
            for part in parts:
                if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    raise SheetError(_("Excel文件中的“%(part)s”压缩比超过%(ratio)s倍，不是正常的表格文件，已拒绝")
                                     % {"part": part.filename, "ratio": MAX_RATIO})
            for part in parts:
                with archive.open(part) as stream:
                    while stream.read(1048576):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise SheetError(_("无法读取Excel文件：%(e)s") % {"e": exc}) from exc


def _too_many_rows() -> SheetError:
    limit = settings.GONGZHI_IMPORT_MAX_ROWS
    return SheetError(_("文件超过%(max)s行数据，未导入任何行；请拆分为多个不超过%(max)s行的文件（每个保留表头）分别导入")
                      % {"max": limit})


def _bounded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The rows (header first), refusing the file once it holds more data rows than the limit."""
    limit = settings.GONGZHI_IMPORT_MAX_ROWS
    for count, row in enumerate(rows):
        if count > limit:
            raise _too_many_rows()
        yield row


def read_rows(name: str, data: bytes) -> Iterator[list[Any]]:
    """Rows of the first sheet (header first) from .csv or .xlsx bytes, one at a time; a
    SheetError for a file that cannot be read or is beyond the limits (above)."""
    lower = name.lower()
    if lower.endswith(".csv"):
        yield from _bounded(csv.reader(io.StringIO(_decode(data))))
        return
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        from python_calamine import CalamineWorkbook

        if data[:4] == b"PK\x03\x04":  # a zip: .xlsx, .xlsm, .ods (an old .xls is not one)
            _refuse_bomb(data)
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0)
        except Exception as exc:  # calamine raises its own error types for broken files
            raise SheetError(_("无法读取Excel文件：%(e)s") % {"e": exc}) from exc
        if sheet.height > settings.GONGZHI_IMPORT_MAX_ROWS + 1:  # known before a row becomes Python
            raise _too_many_rows()
        yield from _bounded(sheet.iter_rows())
        return
    raise SheetError(_("只支持.xlsx或.csv文件"))


def columns(kind: str) -> tuple[Column, ...]:
    """The columns of a registered import kind (import_kinds.UnknownKind for another)."""
    return import_kinds.get(kind).columns


def header_map(kind: str, header: list[Any]) -> dict[str, int]:
    """Column key → position, from a header written with keys or with labels (any language)."""
    from django.utils import translation

    wanted = {}
    for column in columns(kind):
        names = {column.key.lower()}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(column.label).lower())
        wanted[column.key] = names
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        title = cell_text(title).lower().replace("*", "").strip()
        for key, names in wanted.items():
            if title in names and key not in positions:
                positions[key] = index
    missing = [str(c.label) for c in columns(kind) if c.required and c.key not in positions]
    if missing:
        raise SheetError(_("缺少必填列：%(cols)s") % {"cols": _("、").join(missing)})
    return positions


def template(kind: str) -> bytes:
    """A blank workbook for `kind`: headers (required ones starred), a note on each header,
    drop-down lists for enumerations, text format where Excel would mangle long numbers."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("数据"))
    lists = workbook.create_sheet(str(_("选项")))
    for index, column in enumerate(columns(kind), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=f"{column.label}{'*' if column.required else ''}")
        cell.font = Font(bold=True, color="B91C1C" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="FEF3C7")
        if str(column.note):
            cell.comment = Comment(str(column.note), "gongzhi")
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            for row in range(2, 5002):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.choices is not None:
            labels = [str(label) for label in column.choices.labels]
            for row, label in enumerate(labels, start=1):
                lists.cell(row=row, column=index, value=label)
            validation = DataValidation(type="list", formula1=f"='{lists.title}'!${letter}$1:${letter}${len(labels)}",
                                        allow_blank=not column.required, showErrorMessage=True,
                                        errorTitle=str(_("无效选项")), error=str(_("请从下拉列表中选择")))
            validation.add(f"{letter}2:{letter}5001")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_template(kind: str) -> bytes:
    """The same columns as a CSV: the header, then a second line of notes to delete (UTF-8 with
    a BOM, which Excel needs to read Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{c.label}{'*' if c.required else ''}" for c in columns(kind)])
    writer.writerow([f"# {c.note}" if str(c.note) else "#" for c in columns(kind)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def error_workbook(kind: str, header: list[Any], bad_rows: list[tuple[int, list[Any], dict[str, str]]],
                   positions: dict[str, int], refused: int | None = None) -> bytes:
    """The rows that were not imported, as uploaded, each bad cell red with its reason as a
    note, the reasons also spelled out in a last column; the first column is the row number in
    the uploaded file. Fix and upload this file again: the rows already imported stay.

    `bad_rows` may be the first of more (`refused` in all, importers.Outcome keeps at most
    GONGZHI_IMPORT_MAX_ERRORS): a line under the header then says how many are listed. Control
    characters a workbook cannot hold are shown as their pictures (common.text.visible)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    def cell(value: Any) -> Any:
        return visible(neutralise(cell_text(value)))

    red = PatternFill("solid", fgColor="FCA5A5")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("未导入的行"))
    sheet.append([str(_("原行号")), *[cell(h) for h in header], str(_("错误说明"))])
    for title in sheet[1]:
        title.font = Font(bold=True)
    refused = len(bad_rows) if refused is None else refused
    if refused > len(bad_rows):  # in the row-number column only: a re-upload skips this line
        sheet.append([str(_("共%(m)s行未导入，此处只列出行号最小的%(n)s行；请先改正这些行并重新导入，再处理其余的行")
                          % {"m": refused, "n": len(bad_rows)})])
        sheet["A2"].font = Font(bold=True, color="B91C1C")
    for row_number, values, errors in bad_rows:
        padded = list(values) + [None] * (len(header) - len(values))
        sheet.append([row_number, *[cell(v) for v in padded[: len(header)]],
                      visible("；".join(f"{_label(kind, k)}：{m}" for k, m in errors.items()))])
        current = sheet.max_row
        for key, message in errors.items():
            if key in positions:
                marked = sheet.cell(row=current, column=positions[key] + 2)
                marked.fill = red
                marked.comment = Comment(visible(message), "gongzhi")
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _label(kind: str, key: str) -> str:
    for column in columns(kind):
        if column.key == key:
            return str(column.label)
    return str(_("整行"))
