"""Entry files: CSV, JSON and Excel (.xlsx) rows in, rows out, with the line or row of each.

One row per entry. Columns (a header row in CSV/Excel, keys in JSON) are the field names of
faq.fields — or their Chinese labels (标准问, 相似问法, …). In CSV and Excel, similar questions,
keywords and policies are one cell separated by "|"; in JSON they are lists. CSV is read as UTF-8
(with or without BOM) or GB18030 (what Chinese Excel saves) and written as UTF-8 with BOM.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from typing import BinaryIO

from faq.errors import ImportFailed, LineError
from faq.fields import FIELDS, LABELS, LIST_SEPARATOR

FORMATS = ("csv", "json", "xlsx")
COLUMNS = (*FIELDS, "status")
LIST_COLUMNS = ("similar", "keywords", "policies")
HEADER_NAMES = {**{name: name for name in COLUMNS}, **{label: name for name, label in LABELS.items()},
                "相似问": "similar", "答复": "answer", "分类代码": "category", "单位代码": "department"}
REQUIRED = ("key", "question")
SHEET = "entries"

Row = tuple[int, dict]  # (line or row number, values by column name)


def format_for(filename: str) -> str:
    """The format named by a file's extension."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise ImportFailed([LineError(0, "file", f"不支持的文件类型「.{suffix}」，请用 .csv、.json 或 .xlsx")])
    return suffix


def _fail(line: int, message: str) -> ImportFailed:
    return ImportFailed([LineError(line, "file", message)])


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(0, "无法识别文件编码，请保存为 UTF-8")


def _header(names: list[object]) -> list[str | None]:
    columns, problems = [], []
    for name in names:
        text = str(name or "").strip()
        column = HEADER_NAMES.get(text) or HEADER_NAMES.get(text.lower())
        if text and column is None:
            problems.append(LineError(1, "file", f"未知的列「{text}」"))
        columns.append(column)
    problems += [LineError(1, "file", f"缺少必需的列「{name}（{LABELS[name]}）」") for name in REQUIRED
                 if name not in columns]
    if problems:
        raise ImportFailed(problems)
    return columns


def _record(columns: list[str | None], cells: list | tuple, line: int, problems: list[LineError]) -> dict:
    if len(cells) > len(columns) and any(cell not in (None, "") for cell in cells[len(columns):]):
        problems.append(LineError(line, "file", "这一行的列数多于表头"))
    return {column: cell for column, cell in zip(columns, cells, strict=False) if column}


def _checked(rows: list[Row], problems: list[LineError]) -> list[Row]:
    if problems:
        raise ImportFailed(problems)
    return rows


def read_csv(raw: bytes) -> list[Row]:
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise _fail(1, "文件是空的")
        columns, rows, problems, line = _header(header), [], [], reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, _record(columns, cells, line, problems)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _fail(reader.line_num, f"CSV 格式错误：{exc}") from exc
    return _checked(rows, problems)


def read_json(raw: bytes) -> list[Row]:
    text = _decode(raw)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(exc.lineno, f"JSON 格式错误：{exc.msg}（第 {exc.colno} 列）") from exc
    if not isinstance(items, list):
        raise _fail(1, "JSON 文件应为一个列表：[{…}, {…}]")
    rows, problems = [], []
    for line, item in zip(_item_lines(text), items, strict=True):
        if isinstance(item, dict):
            rows.append((line, {str(key): value for key, value in item.items()}))
        else:
            problems.append(LineError(line, "file", "列表的每一项应为一个对象 {…}"))
    return _checked(rows, problems)


def _item_lines(text: str) -> list[int]:
    """The line on which each element of a (valid) top-level JSON array starts."""
    decoder, lines = json.JSONDecoder(), []
    position = text.index("[") + 1
    while True:
        while text[position] in " \t\r\n,":
            position += 1
        if text[position] == "]":
            return lines
        lines.append(text.count("\n", 0, position) + 1)
        _value, position = decoder.raw_decode(text, position)


def _cell(column: str | None, value: object) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        # Excel turns the code "010101" into the number 10101; category codes have an even length.
        return "0" + text if column == "category" and len(text) % 2 else text
    return value


def read_xlsx(raw: bytes) -> list[Row]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _fail(0, "不是有效的 Excel (.xlsx) 文件") from exc
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if not header:
            raise _fail(1, "工作表是空的")
        columns, rows, problems = _header(list(header)), [], []
        for number, cells in enumerate(values, start=2):
            cells = [_cell(columns[i] if i < len(columns) else None, cell) for i, cell in enumerate(cells)]
            if any(cell not in (None, "") for cell in cells):
                rows.append((number, _record(columns, cells, number, problems)))
    finally:
        workbook.close()
    return _checked(rows, problems)


READERS = {"csv": read_csv, "json": read_json, "xlsx": read_xlsx}


def read_rows(stream: BinaryIO, fmt: str) -> list[Row]:
    """Every non-empty row of the file with its line (CSV, JSON) or row (Excel) number."""
    if fmt not in READERS:
        raise _fail(0, f"不支持的格式「{fmt}」")
    return READERS[fmt](stream.read())


def _flat(value: object) -> object:
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def write_csv(stream: BinaryIO, records: list[dict]) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_flat(record.get(column)) for column in COLUMNS])
    stream.write(text.getvalue().encode("utf-8-sig"))


def write_json(stream: BinaryIO, records: list[dict]) -> None:
    stream.write(json.dumps(records, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
    stream.write(b"\n")


def write_xlsx(stream: BinaryIO, records: list[dict]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for row, record in enumerate(records, start=2):
        for column, name in enumerate(COLUMNS, start=1):
            value = _flat(record.get(name))
            if value != "":
                cell = sheet.cell(row=row, column=column, value=value)
                cell.data_type = "s"  # text, always: "=…" is never a formula, "010101" never a number
    buffer = io.BytesIO()
    workbook.save(buffer)
    stream.write(buffer.getvalue())


WRITERS = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}
