"""The figures pages through the test client: who may open them, what a handler and an analyst see, the
CSV exports (phones masked) and bad filters answered beside the field."""
from __future__ import annotations

import csv
import io

import pytest

NOVEMBER = "kind=month&on=2026-11-10"


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("role,status", [("supervisor", 200), ("analyst", 200), ("admin", 200),
                                         ("agent", 403), ("editor", 403)])
def test_who_may_see_the_figures(staff_client, role, status):
    client = staff_client(role)
    assert client.get(f"/staff/stats/?{NOVEMBER}").status_code == status
    assert client.get(f"/staff/stats/export.csv?{NOVEMBER}").status_code == status
    assert client.get(f"/staff/stats/tickets.csv?{NOVEMBER}&fact=received").status_code == status


def test_the_supervisor_sees_every_department_with_definitions(staff_client):
    page = staff_client("supervisor").get(f"/staff/stats/?{NOVEMBER}").get_data(as_text=True)
    assert "太原市热力集团有限责任公司" in page and "太原市住房和城乡建设局" in page  # RLJT and SZJJ rows
    assert "71.4%" in page  # the total 响应率 of the hand-made month (5 / 7)
    assert "非常满意计为满意" in page and "第 1 个工作日结束前签收" in page  # definitions beside the figures
    assert 'id="trend-chart"' in page and "vendor/echarts/echarts.min.js" in page
    assert '统计</a>' in page  # the nav link


def test_a_handler_sees_only_its_department(staff_client):
    client = staff_client("handler", "SZJJ")
    page = client.get(f"/staff/stats/?{NOVEMBER}&department=").get_data(as_text=True)
    assert "只显示本单位" in page and "0.0%" in page  # SZJJ's one 派单 was returned: 0 / 1
    assert "太原市热力集团有限责任公司" not in page.split("stats-table")[1]  # no other department's row
    assert "71.4%" not in page and "83.3%" not in page  # neither the total nor RLJT's rate
    table = rows_of(client.get(f"/staff/stats/export.csv?{NOVEMBER}"))
    assert [row[0] for row in table[1:]] == [table[1][0], "合计"] and table[-1][2] == "1"  # one dispatch
    listed = rows_of(client.get(f"/staff/stats/tickets.csv?{NOVEMBER}&fact=received"))
    assert len(listed) == 1  # the header only: no ticket of the month ended with SZJJ
    returned = rows_of(client.get(f"/staff/stats/tickets.csv?{NOVEMBER}&fact=returned"))
    assert len(returned) == 2 and returned[1][0] == client.application.month["B"]


def test_ticket_lists_mask_phones_for_every_reader(staff_client):
    for role in ("analyst", "supervisor"):
        rows = rows_of(staff_client(role).get(f"/staff/stats/tickets.csv?{NOVEMBER}&fact=received"))
        phones = {row[7] for row in rows[1:]}
        assert len(rows) == 8 and "138****0001" in phones  # A … G, A's phone 13800000001 masked
        assert not any("13800000" in cell for row in rows for cell in row)


def test_ticket_list_of_a_figure_carries_its_flag(staff_client):
    rows = rows_of(staff_client("supervisor").get(f"/staff/stats/tickets.csv?{NOVEMBER}&fact=dispatched"))
    assert rows[0][-1] == "按时签收" and len(rows) == 8  # the 7 派单 of November
    assert sorted(row[-1] for row in rows[1:]) == ["否", "否", "是", "是", "是", "是", "是"]
    due = rows_of(staff_client("supervisor").get(f"/staff/stats/tickets.csv?{NOVEMBER}&fact=due"))
    assert sorted(row[-1] for row in due[1:]) == ["否", "否", "是", "是", "是"]  # B F late; A G H on time


@pytest.mark.parametrize("query,field,message", [
    ("kind=custom&start=2026-11-31&end=2026-12-01", "start", "日期格式应为 YYYY-MM-DD"),
    ("kind=custom&start=2026-11-20&end=2026-11-01", "end", "结束日期不能早于开始日期"),
    ("kind=month&department=99999", "department", "找不到所选的承办单位"),
    ("kind=month&category=%3Cscript%3E", "category", "找不到所选的分类"),
])
def test_bad_filters_are_answered_beside_the_field(staff_client, query, field, message):
    response = staff_client("supervisor").get(f"/staff/stats/?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert f'id="{field}"' in page and "<script>" not in page
    assert "stats-table" not in page  # no figures for a wrong filter
    if field == "start":
        assert 'value="2026-11-31"' in page  # what was typed is kept
