import shutil

import pytest
import yaml
from sqlalchemy import func, select

from core.db import db
from reference.models import Category, Department, RequestType
from reference.seed import DATA_DIR, SeedError, load_seed, read_seed


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_shipped_seed_covers_a_real_hotline():
    seed = read_seed()
    top = [row for row in seed["category_rows"] if row["parent"] is None]
    leaves = [row for row in seed["category_rows"] if row["leaf"]]
    assert len(top) >= 15 and len(leaves) >= 60
    names = " ".join(row["name"] for row in seed["category_rows"])
    for topic in ["供热", "供水", "燃气", "供电", "物业", "施工噪声", "道路", "公交", "养老保险", "医保", "公积金",
                  "户", "入学", "拖欠工资", "消费", "污染", "养老服务", "疫情", "营业执照", "税"]:
        assert topic in names, topic
    kinds = {row["kind"] for row in seed["departments"]}
    assert kinds == {"bureau", "enterprise", "district", "street"}
    limits = {row["name"]: row["time_limit_days"] for row in seed["request_types"]}
    assert set(limits) == {"咨询", "求助", "投诉", "举报", "建议", "表扬"}


def test_loading_twice_changes_nothing(any_app):
    with any_app.app_context():
        first = load_seed(db.session).created
        db.session.commit()
        counts = (_count(Department), _count(RequestType), _count(Category))
        second = load_seed(db.session).created
        db.session.commit()
        assert first["category"] == counts[2] > 0
        assert set(second.values()) == {0}
        assert (_count(Department), _count(RequestType), _count(Category)) == counts


def test_loaded_tree_is_linked(app):
    with app.app_context():
        load_seed(db.session)
        leaf = db.session.scalar(select(Category).where(Category.code == "010101"))
        assert [node.code for node in leaf.path] == ["01", "0101", "010101"]
        assert " → " in leaf.path_name
        assert leaf.department is not None and leaf.keywords
        streets = db.session.scalars(select(Department).where(Department.kind == "street")).all()
        assert streets and all(street.parent.kind == "district" for street in streets)
        complaint = db.session.scalar(select(RequestType).where(RequestType.name == "投诉"))
        assert complaint.time_limit_days == 15 and complaint.needs_location


def test_staff_edits_survive_a_reload(app):
    with app.app_context():
        load_seed(db.session)
        complaint = db.session.scalar(select(RequestType).where(RequestType.code == "complaint"))
        complaint.time_limit_days = 7
        db.session.commit()
        load_seed(db.session)
        db.session.commit()
        assert db.session.scalar(select(RequestType.time_limit_days).where(RequestType.code == "complaint")) == 7


@pytest.fixture
def broken_seed(tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(DATA_DIR, folder)
    categories = yaml.safe_load((folder / "categories.yaml").read_text(encoding="utf-8"))
    leaf = categories[0]["children"][0]["children"][0]
    leaf["department"] = "NOPE"
    categories[1]["children"][0]["code"] = "9999"
    (folder / "categories.yaml").write_text(yaml.safe_dump(categories, allow_unicode=True), encoding="utf-8")
    return folder


def test_inconsistent_seed_is_refused_whole_with_every_problem(app, broken_seed):
    with app.app_context(), pytest.raises(SeedError) as failure:
        load_seed(db.session, broken_seed)
    problems = failure.value.problems
    assert any("NOPE" in p for p in problems)
    assert any("9999" in p for p in problems)
    with app.app_context():
        assert _count(Category) == 0


def test_cli_load_reports_what_it_created(app, runner, broken_seed):
    result = runner.invoke(args=["reference", "load"])
    assert result.exit_code == 0 and "category" in result.output
    again = runner.invoke(args=["reference", "load"])
    assert "category 0" in again.output
    broken = runner.invoke(args=["reference", "load", "--dir", str(broken_seed)])
    assert broken.exit_code != 0 and "NOPE" in broken.output
