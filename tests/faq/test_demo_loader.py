"""The demo knowledge base loader: policies first, then entries; idempotent; never overwrites edits."""
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faq.demo_loader import FAQ_DEMO, POLICY_DEMO, load_demo_kb
from faq.errors import ImportFailed
from faq.index import entries_withheld_for_expired_policies, index_counter, served_entries
from faq.io import export_records
from faq.models import FaqEntry, FaqVersion
from faq.service import get_entry, update_entry
from policies.loader import PolicyLoadError
from policies.models import PolicyDocument

FIXTURE = Path(__file__).resolve().parent / "demo_fixture"


def _load(session, root=FIXTURE):
    report = load_demo_kb(session, faq_dir=root / "faq", policy_dir=root / "policies")
    session.commit()
    return report


def test_loads_policies_entries_and_vocabulary(any_session):
    session = any_session
    report = _load(session)
    assert sorted(report.policies_created) == ["epidemic-supplies", "heating-service"]
    assert sorted(report.entries.published) == ["heating-cold", "lockdown-supplies"]
    assert (report.synonym_groups, report.dictionary_words) == (2, 2)
    statuses = {entry.key: entry.status for entry in session.scalars(select(FaqEntry))}
    assert statuses == {"heating-cold": "published", "lockdown-supplies": "published",
                        "heating-fee-draft": "draft", "old-rule": "archived"}
    served = served_entries(session, date(2025, 12, 1))
    assert [item.key for item in served.display.values()] == ["heating-cold"]
    assert served.synonyms == [("暖气", "供暖", "采暖"), ("社保", "社会保险")]
    assert [row.key for row in entries_withheld_for_expired_policies(session, date(2025, 12, 1))] == [
        "lockdown-supplies"]
    heating = get_entry(session, "heating-cold")
    assert heating.answer_long.startswith("## 怎么报修\n1.") and heating.department.code == "RLJT"


def test_running_twice_changes_nothing_and_keeps_editors_changes(any_session):
    session = any_session
    _load(session)
    update_entry(session, get_entry(session, "heating-cold").id, {"answer": "编辑改过的答复"})
    session.commit()
    before = (export_records(session), index_counter(session),
              session.scalar(select(func.count()).select_from(FaqVersion)))
    report = _load(session)
    assert report.policies_created == [] and report.entries.created == [] and report.entries.published == []
    assert (report.synonym_groups, report.dictionary_words) == (0, 0)
    after = (export_records(session), index_counter(session),
             session.scalar(select(func.count()).select_from(FaqVersion)))
    assert after == before


def test_a_broken_entries_file_loads_nothing(session, tmp_path):
    root = tmp_path / "demo"
    shutil.copytree(FIXTURE, root)
    entries = root / "faq" / "entries.yaml"
    entries.write_text(entries.read_text(encoding="utf-8").replace('category: "010102"', 'category: "0101"')
                       .replace("policies: [heating-service]", "policies: [nowhere]")
                       .replace("valid_until: 2023-01-08", "valid_until: 2023-02-30"), encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        _load(session, root)
    session.rollback()
    found = {(problem.line, problem.field) for problem in caught.value.problems}
    assert found == {(2, "policies"), (15, "valid_until"), (24, "category")}  # each entry's first line
    assert session.scalar(select(func.count()).select_from(FaqEntry)) == 0
    assert session.scalar(select(func.count()).select_from(PolicyDocument)) == 0


def test_a_broken_policy_file_loads_nothing(session, tmp_path):
    root = tmp_path / "demo"
    shutil.copytree(FIXTURE, root)
    (root / "policies" / "broken.md").write_text("---\nslug: broken\ntitle: 坏文件\n---\n正文\n", encoding="utf-8")
    with pytest.raises(PolicyLoadError, match="broken.md"):
        _load(session, root)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PolicyDocument)) == 0


def test_missing_demo_files_are_reported_not_fatal(session, tmp_path):
    report = _load(session, tmp_path)
    assert len(report.missing) == 2 and report.entries.created == []


def test_the_shipped_demo_knowledge_base_loads(session):
    """The demo content (written separately) loads whole, and twice without change."""
    if not (FAQ_DEMO / "entries.yaml").is_file() and not any(POLICY_DEMO.glob("*.md")):
        pytest.skip("no demo content yet")
    first = load_demo_kb(session)
    session.commit()
    second = load_demo_kb(session)
    assert second.policies_created == [] and second.entries.created == []
    assert len(first.policies_created) == len(list(POLICY_DEMO.glob("*.md")))
