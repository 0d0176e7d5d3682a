"""Policy documents: Markdown files with YAML front matter, validated whole, upserted by slug."""
from datetime import date

import pytest
from sqlalchemy import func, select

from core.db import db
from faq.index import index_counter
from policies.loader import PolicyLoadError, load_directory
from policies.models import PolicyDocument
from policies.service import PolicyNotFound, get_policy, list_policies

GOOD = """---
slug: heating-fee
title: 关于供热收费的通知
doc_number: 并发改价格发〔2024〕12号
issuer: 太原市发展和改革委员会
published: 2024-09-20
effective: 2024-10-01
expires:
source_url: https://example.org/heating
---
## 一、收费标准

居民供热按建筑面积收费。
"""

EXPIRED = """---
slug: epidemic-rule
title: 疫情期间临时规定
issuer: 太原市人民政府
published: 2022-04-01
effective: "2022-04-06"
expires: 2023-01-08
status: repealed
---
已废止。
"""


def _write(folder, **files):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


def test_loads_and_upserts_by_slug(session, tmp_path):
    folder = _write(tmp_path / "p", good=GOOD, expired=EXPIRED)
    (folder / "README.txt").write_text("not a policy")
    report = load_directory(session, folder)
    session.commit()
    assert sorted(report.created) == ["epidemic-rule", "heating-fee"]
    loaded = index_counter(session)
    assert loaded > 0  # policies decide which entries are served
    fee = get_policy(session, "heating-fee")
    assert (fee.doc_number, fee.issuer, fee.published_on, fee.expires_on) == (
        "并发改价格发〔2024〕12号", "太原市发展和改革委员会", date(2024, 9, 20), None)
    assert fee.body.startswith("## 一、收费标准") and fee.source_url == "https://example.org/heating"
    assert [policy.slug for policy in list_policies(session)] == ["heating-fee", "epidemic-rule"]

    again = load_directory(session, folder)
    session.commit()
    assert sorted(again.unchanged) == ["epidemic-rule", "heating-fee"] and index_counter(session) == loaded
    _write(folder, good=GOOD.replace("居民供热", "居民集中供热"))
    third = load_directory(session, folder)
    session.commit()
    assert third.updated == ["heating-fee"] and index_counter(session) == loaded + 1
    with pytest.raises(PolicyNotFound):
        get_policy(session, "nope")


def test_expiry_and_force():
    policy = PolicyDocument(slug="p", status="active", effective_on=date(2024, 1, 1), expires_on=date(2024, 12, 31))
    assert not policy.is_expired(date(2024, 12, 31)) and policy.is_expired(date(2025, 1, 1))
    assert not policy.is_in_force(date(2023, 12, 31)) and policy.is_in_force(date(2024, 6, 1))
    policy.expires_on = None
    assert not policy.is_expired(date(2099, 1, 1))
    policy.status = "repealed"
    assert policy.is_expired(date(2024, 6, 1))


BROKEN = {
    "no-fence": "slug: x\ntitle: 没有文件头\n",
    "bad-yaml": "---\nslug: bad-yaml\ntitle: [unclosed\n---\n正文\n",
    "fields": """---
slug: Fields!
title: 字段有误
published: 2024-13-01
effective: 2024-10-01
expires: 2024-01-01
source_url: javascript:alert(1)
status: maybe
colour: red
---
""",
    "dup-a": GOOD,
    "dup-b": GOOD,
}


def test_broken_files_load_nothing_and_name_file_line_and_field(session, tmp_path):
    folder = _write(tmp_path / "p", **BROKEN)
    (folder / "latin1.md").write_bytes("---\nslug: é\n---\n".encode("latin-1"))
    with pytest.raises(PolicyLoadError) as caught:
        load_directory(session, folder)
    session.rollback()
    found = {(problem.file, problem.line, problem.field) for problem in caught.value.problems}
    assert found == {
        ("no-fence.md", 1, "file"),
        ("bad-yaml.md", 3, "file"),
        ("fields.md", 2, "slug"), ("fields.md", 1, "issuer"), ("fields.md", 4, "published"),
        ("fields.md", 6, "expires"), ("fields.md", 7, "source_url"), ("fields.md", 8, "status"),
        ("fields.md", 9, "colour"), ("fields.md", 11, "body"),
        ("dup-b.md", 0, "slug"),
        ("latin1.md", 0, "file"),
    }, caught.value.problems
    messages = {(problem.file, problem.field): problem.message for problem in caught.value.problems}
    assert messages[("fields.md", "published")] == "发布日期「2024-13-01」不是有效日期，格式应为 YYYY-MM-DD"
    assert messages[("fields.md", "expires")] == "失效日期不能早于生效日期"
    assert "与 dup-a.md 重复" in messages[("dup-b.md", "slug")]
    assert "fields.md 第 4 行 [published]" in str(caught.value)
    assert session.scalar(select(func.count()).select_from(PolicyDocument)) == 0


def test_cli_load(kb_app, runner, tmp_path):
    good = _write(tmp_path / "good", good=GOOD, expired=EXPIRED)
    result = runner.invoke(args=["policies", "load", str(good)])
    assert result.exit_code == 0 and "created 2" in result.output, result.output
    bad = _write(tmp_path / "bad", **BROKEN)
    result = runner.invoke(args=["policies", "load", str(bad)])
    assert result.exit_code != 0 and "未载入任何文件" in result.output and "fields.md 第 4 行" in result.output
    result = runner.invoke(args=["policies", "load", str(tmp_path / "missing")])
    assert result.exit_code != 0 and "目录不存在" in result.output
    with kb_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PolicyDocument)) == 2
