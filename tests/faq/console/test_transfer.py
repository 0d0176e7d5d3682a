"""导入导出 in the editors' console: uploads in three formats, all or nothing with a line-numbered
report, size and type limits, downloads parsed back, and export → import changing nothing."""
from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.dates import china_today
from core.db import db
from faq.fields import LABELS
from faq.formats import COLUMNS
from faq.index import index_counter
from faq.models import FaqEntry, FaqVersion
from faq.service import create_entry
from tests.faq.conftest import HEATING, entry_fields, published_entry
from tests.faq.console.conftest import form_token
from tests.faq.console.test_vocabulary import assert_editors_only

PAGE = "/staff/faq/transfer"
IMPORT = f"{PAGE}/import"
HEADER = ["key", "question", "similar", "answer", "category"]
ROWS = [["heating-cold", "暖气不热怎么办", "暖气片不热咋整|家里暖气温度低找谁", "请拨打供热企业热线报修。", HEATING],
        ["heating-fee", "暖气费怎么交", "采暖费在哪交", "可在供热企业营业厅或线上缴纳。", HEATING]]


def as_csv(rows, header=HEADER) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows([header, *rows])
    return text.getvalue().encode("utf-8-sig")


def as_json(rows, header=HEADER) -> bytes:
    items = [dict(zip(header, row, strict=True)) for row in rows]
    for item in items:
        item["similar"] = item["similar"].split("|")
    return json.dumps(items, ensure_ascii=False, indent=2).encode()


def as_xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BUILDERS = {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}


def upload(client, raw: bytes, name: str, **fields):
    data = {"csrf_token": form_token(client, PAGE), "file": (io.BytesIO(raw), name), **fields}
    return client.post(IMPORT, data=data, content_type="multipart/form-data")


def file_field(page: str) -> str:
    match = re.search(r'<div class="field[^"]*">(?:(?!</div>).)*?name="file".*?</div>', page, re.S)
    assert match, "no file field on the page"
    shown = re.sub(r"<p [^>]*\bhidden>.*?</p>", "", match.group(0))  # the browser-side size note, hidden
    return html.unescape(shown)


def state(kb_app) -> tuple:
    """Everything an import may change: entries with their fields and status, versions, the KB counter."""
    with kb_app.app_context():
        entries = db.session.scalars(select(FaqEntry).order_by(FaqEntry.key)).all()
        return ([(e.key, e.question, e.answer, e.status, e.updated_at) for e in entries],
                db.session.scalar(select(func.count(FaqVersion.id))), index_counter(db.session))


def keys_and_statuses(kb_app) -> dict[str, str]:
    with kb_app.app_context():
        return dict(db.session.execute(select(FaqEntry.key, FaqEntry.status)).tuples().all())


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_import_each_format(kb_app, editor, fmt):
    page = upload(editor, BUILDERS[fmt](ROWS), f"知识库.{fmt}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text
    assert f"「知识库.{fmt}」已导入：新建 2，更新 0，未变 0，发布 0" in text
    assert keys_and_statuses(kb_app) == {"heating-cold": "draft", "heating-fee": "draft"}

    changed = [[*ROWS[0][:3], "室温低于 18℃ 请拨打供热企业热线。", HEATING], ROWS[1]]
    text = upload(editor, BUILDERS[fmt](changed), f"x.{fmt}", publish="y").get_data(as_text=True)
    assert "新建 0，更新 1，未变 1，发布 2" in text and "几秒钟内对市民生效" in text
    assert keys_and_statuses(kb_app) == {"heating-cold": "published", "heating-fee": "published"}
    with kb_app.app_context():
        entry = db.session.scalar(select(FaqEntry).where(FaqEntry.key == "heating-cold"))
        assert entry.answer == "室温低于 18℃ 请拨打供热企业热线。" and entry.updated_by.display_name == "editor 测试"


def test_chinese_headers_and_a_chosen_format(kb_app, editor):
    raw = as_csv(ROWS, header=[LABELS[name] for name in HEADER])
    text = upload(editor, raw, "entries.txt", format="csv").get_data(as_text=True)
    assert "新建 2" in text and len(keys_and_statuses(kb_app)) == 2


@pytest.mark.parametrize("fmt, bad_line", [("csv", "第 3 行"), ("xlsx", "第 3 行"), ("json", "第 12 行")])
def test_a_broken_file_changes_nothing_and_names_the_line(kb_app, editor, fmt, bad_line):
    with kb_app.app_context():
        published_entry(db.session, key="heating-cold")
        db.session.commit()
    before = state(kb_app)
    rows = [[*ROWS[0][:3], "改过的答复", HEATING],  # a good update of the published entry
            [*ROWS[1][:4], "999999"],  # an unknown category
            ["heating-new", "新问题", "", "新答复", HEATING]]  # a good new entry
    page = upload(editor, BUILDERS[fmt](rows), f"broken.{fmt}", publish="y")
    text = html.unescape(page.get_data(as_text=True))
    assert "导入未执行：「broken." in text and "发现 1 处问题，知识库没有任何改动" in text
    row = re.search(r"<tr><td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td></tr>", text)
    assert row.groups() == (bad_line, "分类", "找不到分类代码「999999」")
    assert state(kb_app) == before
    assert "请重新选择文件（上次：broken." in file_field(text)


def test_unknown_type_missing_file_and_unreadable_file(kb_app, editor):
    before = state(kb_app)
    for raw, name, fields, message in [
        (as_csv(ROWS), "entries.txt", {}, "不支持的文件类型「.txt」，请用 .csv、.json 或 .xlsx"),
        (b"", "", {}, "请选择要导入的文件"),
        (b"not a workbook", "entries.xlsx", {}, "不是有效的 Excel (.xlsx) 文件"),
        (as_csv(ROWS), "entries.csv", {"format": "yaml"}, None),
        (as_csv([]), "empty.csv", {}, "文件里没有任何条目"),
    ]:
        page = upload(editor, raw, name, **fields)
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        if message is None:
            assert "请选择 CSV、JSON 或 Excel" in text
        else:
            assert message in file_field(text), (name, file_field(text))
    assert state(kb_app) == before


def test_an_oversize_upload_gets_a_message(kb_app, editor):
    before = state(kb_app)
    raw = as_csv(ROWS) + b"#" * (10 * 1024 * 1024)
    page = upload(editor, raw, "big.csv")
    assert page.status_code == 200
    assert "文件超过 10 MB，请拆分成几个文件分批导入" in file_field(page.get_data(as_text=True))
    assert state(kb_app) == before


def test_a_body_over_the_app_limit_gets_the_same_message(kb_app, editor):
    kb_app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    page = upload(editor, as_csv(ROWS) + b"#" * (2 * 1024 * 1024), "huge.csv")
    text = page.get_data(as_text=True)
    assert page.status_code == 413
    assert "文件超过 10 MB" in file_field(text) and "导入后发布" in text
    assert state(kb_app)[0] == []
    other = editor.post("/staff/faq/vocabulary/groups", data={"group-words": "x" * (2 * 1024 * 1024)})
    assert other.status_code == 413 and "提交的内容过大" in other.get_data(as_text=True)


def _two_entries(kb_app):
    with kb_app.app_context():
        published_entry(db.session, key="heating-cold")
        create_entry(db.session, entry_fields(key="heating-fee", question="暖气费怎么交", similar=["采暖费在哪交"],
                                              valid_from="2026-11-01"))
        db.session.commit()


def parse(fmt: str, raw: bytes) -> list[dict]:
    if fmt == "json":
        return json.loads(raw)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(raw)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_each_format(kb_app, editor, fmt):
    _two_entries(kb_app)
    response = editor.get(f"{PAGE}/export", query_string={"format": fmt})
    assert response.status_code == 200
    day = china_today().strftime("%Y%m%d")
    assert response.headers["Content-Disposition"] == f"attachment; filename=faq-export-{day}.{fmt}"
    records = parse(fmt, response.data)
    assert [(r["key"], r["status"]) for r in records] == [("heating-cold", "published"), ("heating-fee", "draft")]
    fee = records[1]
    assert fee["question"] == "暖气费怎么交" and fee["category"] == HEATING and "2026-11-01" in str(fee["valid_from"])
    assert fee["similar"] == (["采暖费在哪交"] if fmt == "json" else "采暖费在哪交")

    only = editor.get(f"{PAGE}/export", query_string={"format": fmt, "status": "published"})
    assert only.headers["Content-Disposition"].endswith(f"faq-export-published-{day}.{fmt}")
    assert [r["key"] for r in parse(fmt, only.data)] == ["heating-cold"]


def test_export_refuses_unknown_choices(kb_app, editor):
    response = editor.get(f"{PAGE}/export", query_string={"format": "pdf"})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert "请选择 CSV、JSON 或 Excel" in editor.get(PAGE).get_data(as_text=True)
    response = editor.get(f"{PAGE}/export", query_string={"format": "csv", "status": "deleted"})
    assert response.status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_then_import_changes_nothing(kb_app, editor, fmt):
    _two_entries(kb_app)
    raw = editor.get(f"{PAGE}/export", query_string={"format": fmt}).data
    before = state(kb_app)
    text = upload(editor, raw, f"faq-export.{fmt}").get_data(as_text=True)
    assert "新建 0，更新 0，未变 2，发布 0" in text
    assert state(kb_app) == before


def test_template_and_columns(kb_app, editor):
    page = editor.get(PAGE).get_data(as_text=True)
    for name in COLUMNS:
        assert f"<td>{LABELS[name]}</td><td><code>{name}</code></td>" in page
    template_csv = editor.get(f"{PAGE}/template.csv")
    assert template_csv.headers["Content-Disposition"] == "attachment; filename=faq-template.csv"
    assert next(csv.reader(io.StringIO(template_csv.data.decode("utf-8-sig")))) == [LABELS[n] for n in COLUMNS]
    workbook = load_workbook(io.BytesIO(editor.get(f"{PAGE}/template.xlsx").data))
    assert [cell.value for cell in workbook["entries"][1]] == [LABELS[n] for n in COLUMNS]
    assert workbook["填写说明"].max_row == len(COLUMNS) + 1
    assert editor.get(f"{PAGE}/template.pdf").status_code == 404
    # a filled-in template imports
    sheet = workbook["entries"]
    values = {"key": "heating-cold", "question": "暖气不热怎么办", "answer": "请报修。", "category": HEATING}
    sheet.append([values.get(name) for name in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "新建 1" in upload(editor, buffer.getvalue(), "faq-template.xlsx").get_data(as_text=True)


def test_missing_csrf_is_refused(kb_app, editor):
    data = {"file": (io.BytesIO(as_csv(ROWS)), "x.csv")}
    response = editor.post(IMPORT, data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert state(kb_app)[0] == []


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}/export?format=csv", f"{PAGE}/template.csv"])
def test_only_editors(kb_app, staff_client, url):
    assert_editors_only(kb_app, staff_client, url)


def test_agent_cannot_import(kb_app, staff_client):
    agent = staff_client("agent")
    data = {"csrf_token": form_token(agent, "/staff/"), "file": (io.BytesIO(as_csv(ROWS)), "x.csv")}
    assert agent.post(IMPORT, data=data, content_type="multipart/form-data").status_code == 403
    assert state(kb_app)[0] == []
