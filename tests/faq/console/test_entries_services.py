"""The entries pages' own services on SQLite and on PostgreSQL: listing filters and the stale-save guard."""
from __future__ import annotations

from datetime import date

import pytest

from faq.console.choices import category_tree, department_tree
from faq.console.editing import EditConflict, edit_stamp, save_edit
from faq.console.listing import EntryFilters, list_entries
from faq.service import create_entry, get_entry, update_entry
from tests.faq.conftest import entry_fields, make_policy, published_entry

TODAY = date(2026, 1, 10)


def listed(session, **filters) -> list[str]:
    page = list_entries(session, EntryFilters(**filters), categories=category_tree(session),
                        departments=department_tree(session), today=TODAY)
    return sorted(row.entry.key for row in page.rows)


def test_listing_filters_on_both_databases(any_session):
    session = any_session
    make_policy(session, "epidemic", effective=date(2020, 2, 1), expires=date(2022, 12, 31))
    create_entry(session, entry_fields(key="cold", keywords=["集中供热", "50%"]))
    changed = published_entry(session, key="changed", question="暖气费怎么交", similar=["供暖费在哪交"], keywords=[])
    published_entry(session, key="withheld", question="疫情期间怎么办", similar=[], keywords=[], policies=["epidemic"])
    update_entry(session, changed.id, {"similar": ["供暖费去哪儿交"]})
    session.commit()
    assert listed(session, q="集中供热") == ["cold"]  # a keyword, stored in a JSON list
    assert listed(session, q="50%") == ["cold"]
    assert listed(session, q="5%") == []
    assert listed(session, q="去哪儿交") == ["changed"]  # a similar question
    assert listed(session, q="CHANGED") == ["changed"]
    assert listed(session, category="01") == ["changed", "cold", "withheld"]
    assert listed(session, department="RLJT", status="published") == ["changed", "withheld"]
    assert listed(session, pending=True) == ["changed"]
    assert listed(session, withheld=True) == ["withheld"]
    page = list_entries(session, EntryFilters(), categories=category_tree(session),
                        departments=department_tree(session), today=TODAY)
    assert page.counts == {"draft": 1, "published": 2, "archived": 0}
    assert {row.entry.key: [ref.slug for ref in row.withheld or ()] for row in page.rows}["withheld"] == ["epidemic"]


def test_a_stale_save_is_refused_on_both_databases(any_session):
    session = any_session
    entry = create_entry(session, entry_fields())
    session.commit()
    seen = edit_stamp(entry)
    save_edit(session, entry.id, {"similar": ["只改了相似问法"]}, seen=seen, by=None)  # no column of the row changes
    session.commit()
    session.expire_all()
    assert edit_stamp(get_entry(session, entry.id)) != seen
    with pytest.raises(EditConflict, match="已被其他人修改"):
        save_edit(session, entry.id, {"answer": "旧副本上的修改"}, seen=seen, by=None)
    session.rollback()
    assert get_entry(session, entry.id).similar == ["只改了相似问法"]
