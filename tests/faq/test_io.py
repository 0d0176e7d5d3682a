"""Import and export: all or nothing, line-numbered errors, round trips, the CLI."""
import csv
import io
import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from core.db import db
from faq.errors import ImportFailed
from faq.index import index_counter
from faq.io import export_entries, export_records, import_entries
from faq.models import FaqEntry, FaqVersion
from faq.service import archive, create_entry, get_entry, publish
from faq.versions import has_pending_changes, live_snapshot
from tests.faq.conftest import entry_fields, make_policy, published_entry
from tests.support import build_app, dispose

HEADER = ["key", "question", "similar", "keywords", "answer", "answer_long", "category", "department", "policies",
          "valid_from", "valid_until", "status"]
GOOD = [
    ["heat-cold", "暖气不热怎么办", "暖气片不热咋整|家里冷", "暖气|不热", "请拨打供热热线。", "## 详细\n多行",
     "010101", "", "", "", "", ""],
    ["heat-fee", "暖气费怎么交", "采暖费在哪交|供暖费咋交", "暖气费", "可在供热企业营业厅或线上缴纳。", "",
     "010102", "", "", "2024-11-01", "2025-03-31", "draft"],
]


def _csv(path, rows, header=HEADER, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _records_to_json(path, rows):
    items = [{name: value for name, value in zip(HEADER, row, strict=True)} for row in rows]
    for item in items:
        for name in ("similar", "keywords", "policies"):
            item[name] = [part for part in item[name].split("|") if part]
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _import(session, path, **options):
    with path.open("rb") as stream:
        return import_entries(session, stream, path.suffix[1:], **options)


def _state(session):
    return export_records(session), index_counter(session), session.scalar(select(func.count()).select_from(FaqVersion))


@pytest.mark.parametrize("write, ext", [(_csv, "csv"), (_xlsx, "xlsx"), (_records_to_json, "json")])
def test_a_good_file_imports_as_drafts(session, tmp_path, write, ext):
    path = write(tmp_path / f"good.{ext}", GOOD)
    report = _import(session, path)
    assert report.created == ["heat-cold", "heat-fee"] and report.published == []
    entry = get_entry(session, "heat-cold")
    assert entry.status == "draft" and entry.similar == ["暖气片不热咋整", "家里冷"]
    assert entry.keywords == ["暖气", "不热"]
    assert entry.answer_long == "## 详细\n多行" and entry.department == entry.category.department
    assert get_entry(session, "heat-fee").valid_until == date(2025, 3, 31)
    again = _import(session, path)
    assert again.unchanged == ["heat-cold", "heat-fee"] and not again.created and not again.updated


BROKEN = [
    GOOD[0],
    ["bad-one", "", "", "", "答" * 700, "", "01", "", "", "", "", ""],  # empty question, long answer, not a leaf
    ["heat-cold", "重复的标识", "", "", "答复", "", "010101", "NOPE", "no-policy", "2025-02-30", "", "maybe"],
]


def _expected_problems(lines):
    first, second = lines
    return {(first, "question"), (first, "answer"), (first, "category"), (second, "key"), (second, "department"),
            (second, "policies"), (second, "valid_from"), (second, "status")}


# CSV: the header is line 1 and the first row, with two cells over two lines each, takes lines 2–4.
@pytest.mark.parametrize("write, lines", [(_csv, (5, 6)), (_xlsx, (3, 4))], ids=["csv", "xlsx"])
def test_a_broken_file_changes_nothing_and_names_each_line(session, tmp_path, write, lines):
    published_entry(session, key="existing", question="已有的条目")
    session.commit()
    before = _state(session)
    rows = [list(row) for row in BROKEN]
    rows[0][4] = "第一行\n第二行"  # a cell over two lines: CSV line numbers count physical lines
    path = write(tmp_path / f"broken.{write.__name__[1:]}", rows)
    with pytest.raises(ImportFailed) as caught:
        _import(session, path, publish=True)
    session.rollback()
    found = {(problem.line, problem.field) for problem in caught.value.problems}
    assert found == _expected_problems(lines), caught.value.problems
    assert all(problem.message for problem in caught.value.problems)
    assert "第 " in str(caught.value) and "重复" in str(caught.value)
    assert _state(session) == before


def test_json_errors_name_the_line_of_each_object(session, tmp_path):
    path = _records_to_json(tmp_path / "broken.json", [list(row) for row in BROKEN])
    starts = [number for number, line in enumerate(path.read_text().splitlines(), 1) if line.strip() == "{"]
    with pytest.raises(ImportFailed) as caught:
        _import(session, path)
    assert {(problem.line, problem.field) for problem in caught.value.problems} == _expected_problems(starts[1:])
    path.write_text('[\n  {"key": "a", "question": "问"},\n  {"key": "b" "question": "问"}\n]\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        _import(session, path)
    assert caught.value.problems[0].line == 3 and "JSON 格式错误" in caught.value.problems[0].message
    assert session.scalar(select(func.count()).select_from(FaqEntry)) == 0


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "文件是空的"),
    ("header.csv", "key,标准问,colour\nx,问,red\n".encode(), "未知的列「colour」"),
    ("nokey.csv", b"question\nq\n", "缺少必需的列「key"),
    ("fake.xlsx", b"not a zip", "不是有效的 Excel"),
    ("list.json", b'{"key": "x"}', "应为一个列表"),
    ("scalar.json", b'[1, 2]', "应为一个对象"),
    ("binary.csv", bytes(range(256)) * 4, ""),
])
def test_unreadable_files_are_refused(session, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as caught:
        _import(session, path)
    assert message in str(caught.value)
    assert session.scalar(select(func.count()).select_from(FaqEntry)) == 0


def test_chinese_headers_and_gb18030_csv(session, tmp_path):
    header = ["标识", "标准问", "相似问法", "关键词", "简短答复", "分类"]
    row = ["gbk", "公积金怎么提取", "提取公积金要啥材料", "公积金", "带身份证办理。", "030101"]
    path = _csv(tmp_path / "gbk.csv", [row], header=header, encoding="gb18030")
    report = _import(session, path)
    assert report.created == ["gbk"] and get_entry(session, "gbk").similar == ["提取公积金要啥材料"]


def test_import_updates_by_key_and_publish_makes_new_versions(session, tmp_path):
    entry = published_entry(session, key="heat-cold")
    session.commit()
    path = _csv(tmp_path / "update.csv", GOOD)
    report = _import(session, path)
    assert report.updated == ["heat-cold"] and report.created == ["heat-fee"]
    assert entry.status == "published" and has_pending_changes(session, entry)
    assert live_snapshot(session, entry)["answer"].startswith("室温低于")  # still serving version 1
    report = _import(session, path, publish=True)
    assert sorted(report.published) == ["heat-cold", "heat-fee"] and entry.live_version == 2
    assert live_snapshot(session, entry)["answer"] == "请拨打供热热线。"
    assert _import(session, path, publish=True).published == []


def test_archived_entries_are_not_changed_by_import(session, tmp_path):
    entry = create_entry(session, entry_fields(key="heat-cold"))
    archive(session, entry.id)
    with pytest.raises(ImportFailed, match="已归档"):
        _import(session, _csv(tmp_path / "a.csv", GOOD))


def _fill(session):
    make_policy(session, "heating-rules")
    published_entry(session, policies=["heating-rules"], valid_from="2024-11-15", valid_until="2025-03-15",
                    answer="=HYPERLINK(\"http://x\") 以等号开头", answer_long="第一段\n\n- 列表\n- 多行, \"引号\"")
    create_entry(session, entry_fields(key="draft-one", question="草稿问题", similar=[], keywords=[], answer="",
                                       category=None))
    old = published_entry(session, key="archived-one", question="归档问题", department="SZJJ")
    archive(session, old.id)
    session.commit()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_then_import_round_trips(kb_app, tmp_path, fmt):
    with kb_app.app_context():
        _fill(db.session)
        path = tmp_path / f"all.{fmt}"
        with path.open("wb") as stream:
            assert export_entries(db.session, stream, fmt) == 3
        exported = export_records(db.session)
        report = _import(db.session, path)
        assert sorted(report.unchanged) == ["archived-one", "draft-one", "heating-cold"] and not report.updated
    other = build_app(tmp_path / "other")
    from tests.faq.conftest import _prepare

    _prepare(other)
    try:
        with other.app_context():
            make_policy(db.session, "heating-rules")
            _import(db.session, path)
            db.session.commit()
            again = export_records(db.session)
        strip = [{**record, "status": None} for record in exported]
        assert [{**record, "status": None} for record in again] == strip
        assert next(r for r in again if r["key"] == "heating-cold")["answer"].startswith("=HYPERLINK")
    finally:
        dispose(other)


def test_cli_import_and_export(kb_app, runner, tmp_path):
    path = _csv(tmp_path / "good.csv", GOOD)
    result = runner.invoke(args=["faq", "import", str(path), "--publish"])
    assert result.exit_code == 0 and "新建 2" in result.output and "发布 2" in result.output, result.output
    out = tmp_path / "out.xlsx"
    result = runner.invoke(args=["faq", "export", str(out)])
    assert result.exit_code == 0 and out.stat().st_size > 0, result.output
    broken = _csv(tmp_path / "broken.csv", BROKEN)
    result = runner.invoke(args=["faq", "import", str(broken)])
    assert result.exit_code != 0 and "未导入任何条目" in result.output and "第 4 行" in result.output
    result = runner.invoke(args=["faq", "import", str(tmp_path / "good.csv"), "--format", "json"])
    assert result.exit_code != 0 and "JSON 格式错误" in result.output
    result = runner.invoke(args=["faq", "history", "heat-cold"])
    assert result.exit_code == 0 and "第 1 版" in result.output and "【标准问】" in result.output, result.output
    with kb_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FaqEntry)) == 2
        publish(db.session, get_entry(db.session, "heat-fee").id)


def test_export_stream_is_plain_bytes(session):
    published_entry(session)
    buffer = io.BytesIO()
    export_entries(session, buffer, "csv")
    text = buffer.getvalue().decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER) and "暖气片不热咋整|家里暖气温度低找谁" in text
