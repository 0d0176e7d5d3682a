"""served_entries: what the engine indexes and what chat/H5 show — always the last published snapshot."""
from datetime import date

from faq.index import draft_index_entries, entries_withheld_for_expired_policies, served_entries
from faq.service import archive, create_entry, publish, unpublish, update_entry
from faq.synonyms import add_dictionary_word, create_synonym_group
from query.entry import Entry
from tests.faq.conftest import entry_fields, make_policy, published_entry

TODAY = date(2025, 1, 15)


def _served_keys(session, today=TODAY) -> set[str]:
    return {item.key for item in served_entries(session, today).display.values()}


def test_only_published_entries_are_served_as_last_published(any_session):
    session = any_session
    live = published_entry(session)
    create_entry(session, entry_fields(key="draft", question="草稿问题"))
    gone = published_entry(session, key="gone", question="撤回的问题")
    unpublish(session, gone.id)
    old = published_entry(session, key="old", question="归档的问题")
    archive(session, old.id)
    update_entry(session, live.id, {"question": "改过但没发布", "similar": [], "answer": "新答案"})
    session.commit()

    served = served_entries(session, TODAY)
    assert served.entries == [Entry(id=live.id, question="暖气不热怎么办",
                                    similar=("暖气片不热咋整", "家里暖气温度低找谁"),
                                    keywords=("暖气", "不热"), category="010101",
                                    answer=served.display[live.id].answer)]  # the published answer, not the edit
    shown = served.display[live.id]
    assert shown.answer.startswith("室温低于 18℃ 可拨打") and shown.version == 1
    assert shown.category_path == "城乡建设 → 供热 → 暖气不热"
    assert shown.department_name and shown.answer_long.startswith("## 报修")
    assert served.version.endswith("@2025-01-15")


def test_validity_dates_are_inclusive(session):
    published_entry(session, key="window", question="限时问题", valid_from="2025-01-10", valid_until="2025-01-20")
    published_entry(session, key="open", question="长期问题")
    assert _served_keys(session, date(2025, 1, 9)) == {"open"}
    assert _served_keys(session, date(2025, 1, 10)) == {"open", "window"}
    assert _served_keys(session, date(2025, 1, 20)) == {"open", "window"}
    assert _served_keys(session, date(2025, 1, 21)) == {"open"}


def test_entries_whose_policies_all_expired_are_withheld(any_session):
    session = any_session
    make_policy(session, "epidemic", effective=date(2020, 2, 1), expires=date(2022, 12, 31), title="疫情期间临时规定")
    make_policy(session, "heating", title="供热条例")
    make_policy(session, "repealed", status="repealed", title="已废止的办法")
    published_entry(session, key="none-cited", question="不引用政策")
    published_entry(session, key="all-expired", question="只引用过期政策", policies=["epidemic", "repealed"])
    published_entry(session, key="one-alive", question="还有有效政策", policies=["epidemic", "heating"])
    session.commit()

    served = served_entries(session, TODAY)
    assert {item.key for item in served.display.values()} == {"none-cited", "one-alive"}
    both = next(item for item in served.display.values() if item.key == "one-alive")
    assert {(ref.slug, ref.expired) for ref in both.policies} == {("epidemic", True), ("heating", False)}

    withheld = entries_withheld_for_expired_policies(session, TODAY)
    assert [(row.key, sorted(ref.slug for ref in row.policies)) for row in withheld] == [
        ("all-expired", ["epidemic", "repealed"])]
    # While the epidemic rule was in force, the entry citing it was served.
    assert _served_keys(session, date(2022, 6, 1)) == {"none-cited", "all-expired", "one-alive"}


def test_policy_expiry_counts_its_last_day(session):
    make_policy(session, "short", expires=date(2025, 1, 15))
    published_entry(session, policies=["short"])
    assert _served_keys(session, date(2025, 1, 15)) == {"heating-cold"}
    assert _served_keys(session, date(2025, 1, 16)) == set()


def test_vocabulary_and_the_draft_index_come_along(session):
    create_synonym_group(session, ["暖气", "供暖", "采暖"])
    add_dictionary_word(session, "暖气片", frequency=100, pos="n")
    entry = published_entry(session)
    update_entry(session, entry.id, {"question": "草稿里的新问法"})
    served = served_entries(session, TODAY)
    assert served.synonyms == [("暖气", "供暖", "采暖")]
    assert served.dictionary == [("暖气片", 100, "n")]
    assert [item.question for item in draft_index_entries(session)] == ["草稿里的新问法"]
    publish(session, entry.id)
    assert served_entries(session, TODAY).entries[0].question == "草稿里的新问法"
