"""Files of the import/export page: the columns explained for editors, the blank template, the
download name, and the import form."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, Form, SelectField
from wtforms.validators import AnyOf

from faq.fields import LABELS, MAX_ANSWER, MAX_ANSWER_LONG, MAX_QUESTION
from faq.formats import COLUMNS as FILE_COLUMNS
from faq.formats import FORMATS, SHEET

MAX_UPLOAD_MB = 10
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
TOO_LARGE = f"文件超过 {MAX_UPLOAD_MB} MB，请拆分成几个文件分批导入"
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "xlsx": "Excel (.xlsx)"}
MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
STATUS_NAMES = {"published": "已发布", "draft": "草稿", "archived": "已归档"}
TEMPLATE_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    name: str
    rule: str
    example: str

    @property
    def label(self) -> str:
        return LABELS[self.name]


COLUMNS = (
    Column("key", "必填。小写字母、数字、- 和 _，最长 80 位。导入按标识匹配：已有的条目更新，没有的新建为草稿",
           "heating-cold"),
    Column("question", f"必填，最多 {MAX_QUESTION} 字", "暖气不热怎么办"),
    Column("similar", f"市民的说法，多个用 | 分隔（JSON 里写成列表），每个最多 {MAX_QUESTION} 字",
           "暖气片不热咋整|家里暖气温度低找谁"),
    Column("keywords", "多个用 | 分隔，每个最多 30 字", "暖气|不热"),
    Column("answer", f"微信里回复的纯文字，最多 {MAX_ANSWER} 字；发布时必填",
           "室温低于 18℃ 可拨打供热企业热线报修。"),
    Column("answer_long", f"H5 页面上的完整答复，可用 Markdown，最多 {MAX_ANSWER_LONG} 字；不能含 HTML 标签",
           "## 报修\n1. 拨打供热企业热线"),
    Column("category", "末级分类代码（见「基础数据」页）；发布时必填", "010101"),
    Column("department", "承办单位代码；留空则用分类的默认承办单位", "RLJT"),
    Column("policies", "引用的政策文件标识，多个用 | 分隔", "heating-rules"),
    Column("valid_from", "YYYY-MM-DD，可留空", "2026-11-15"),
    Column("valid_until", "YYYY-MM-DD，可留空，不早于生效日期", "2027-03-15"),
    Column("status", "草稿 / 已发布 / 已归档（或 draft / published / archived）。导出时写出；导入只检查取值，"
                     "不改变条目状态，要发布请勾选「导入后发布」", "已发布"),
)


def export_filename(fmt: str, status: str | None, today: date) -> str:
    """An ASCII name with the date, e.g. faq-export-published-20261129.xlsx."""
    parts = ["faq-export", *([status] if status else []), today.strftime("%Y%m%d")]
    return f"{'-'.join(parts)}.{fmt}"


def write_template(stream: BinaryIO, fmt: str) -> None:
    """A blank file with the Chinese column headers (imports accept them as well as the field names)."""
    headers = [LABELS[name] for name in FILE_COLUMNS]
    if fmt == "csv":
        text = io.StringIO(newline="")
        csv.writer(text).writerow(headers)
        stream.write(text.getvalue().encode("utf-8-sig"))
        return
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(headers)
    for number, name in enumerate(FILE_COLUMNS, start=1):
        column = sheet.column_dimensions[get_column_letter(number)]
        column.width = 40 if name in ("similar", "answer", "answer_long") else 16
        column.number_format = "@"  # typed codes such as 010101 stay text
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "字段", "填写要求", "示例"])
    for column in COLUMNS:
        notes.append([column.label, column.name, column.rule, column.example])
    workbook.save(stream)


class ImportForm(FlaskForm):
    file = FileField("文件", validators=[FileRequired("请选择要导入的文件"),
                                        FileSize(MAX_UPLOAD_BYTES, message=TOO_LARGE)])
    format = SelectField("格式", choices=[("", "按扩展名识别"), *FORMAT_NAMES.items()], default="",
                         validate_choice=False,
                         validators=[AnyOf(["", *FORMATS], message="请选择 CSV、JSON 或 Excel")])
    publish = BooleanField("导入后发布")


class ExportForm(Form):
    """Read from the query string: an export changes nothing, so it is a GET without a token."""

    format = SelectField("格式", choices=list(FORMAT_NAMES.items()), default="xlsx", validate_choice=False,
                         validators=[AnyOf(FORMATS, message="请选择 CSV、JSON 或 Excel")])
    status = SelectField("范围", choices=[("", "全部条目"), *STATUS_NAMES.items()], default="",
                         validate_choice=False,
                         validators=[AnyOf(["", *STATUS_NAMES], message="请选择要导出的条目范围")])
