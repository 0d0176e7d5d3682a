"""The custom menu: WeChat's limits, and `menu push` against the fake WeChat API."""
import copy
import json

import pytest

from wechat.menu import MENU, MenuError, MenuKey, build_menu, menu, validate_menu

MENU_CREATE = "/cgi-bin/menu/create"


def keys_of(menu_dict) -> list[str]:
    return [sub["key"] for top in menu_dict["button"] for sub in top["sub_button"] if sub["type"] == "click"]


def test_the_shipped_menu(app):
    with app.app_context():
        built = build_menu()
    assert [top["name"] for top in built["button"]] == ["微查询", "微受理", "我的"]
    keys = keys_of(built)
    assert sorted(keys) == sorted(value for name, value in vars(MenuKey).items() if name.isupper())
    views = [sub["url"] for top in built["button"] for sub in top["sub_button"] if sub["type"] == "view"]
    assert views == [app.config["PUBLIC_URL"] + path for path in ("/h5/policies", "/h5/submit", "/h5/")]
    assert MENU["button"][1]["sub_button"][3]["url"] == "/h5/submit"  # the data itself is left untouched


def _with(change):
    menu_dict = copy.deepcopy(MENU)
    for top in menu_dict["button"]:
        for sub in top["sub_button"]:
            if sub["type"] == "view":
                sub["url"] = "https://example.test" + sub["url"]
    change(menu_dict)
    return menu_dict


def _sub(menu_dict, **fields):
    menu_dict["button"][0]["sub_button"][0].update(fields)


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m["button"].append({"type": "click", "name": "更多", "key": "MORE"}), "4 top-level buttons, at most 3"),
    (lambda m: m["button"][1]["sub_button"].extend([{"type": "click", "name": f"项{i}", "key": f"K{i}"}
                                                    for i in range(2)]), "6 sub-buttons, between 1 and 5"),
    (lambda m: m["button"][0].update(name="市民服务热线查询"), "name is 24 bytes, at most 16"),
    (lambda m: _sub(m, name="问" * 21), "name is 63 bytes, at most 60"),
    (lambda m: _sub(m, key="K" * 129), "key is 129 bytes, at most 128"),
    (lambda m: _sub(m, key=""), "a click button needs a key"),
    (lambda m: _sub(m, type="view", url="/h5/"), r"needs an http\(s\) url, got '/h5/'"),
    (lambda m: _sub(m, type="miniprogram"), "unknown type 'miniprogram'"),
    (lambda m: m["button"][2].update(sub_button=[]), "0 sub-buttons"),
    (lambda m: m.update(button=[]), "at least one button"),
])
def test_limits_are_checked_with_a_clear_message(change, message):
    validate_menu(_with(lambda m: None))
    with pytest.raises(MenuError, match=message):
        validate_menu(_with(change))


def test_a_top_button_without_sub_buttons_is_a_button_itself():
    validate_menu({"button": [{"type": "click", "name": "帮助", "key": MenuKey.HELP}]})
    with pytest.raises(MenuError, match="top button 1 '帮助': a click button needs a key"):
        validate_menu({"button": [{"type": "click", "name": "帮助"}]})


def test_push_sends_the_menu(wechat_app, fake_wechat):
    result = wechat_app.test_cli_runner().invoke(menu, ["push"])
    assert result.exit_code == 0, result.output
    assert "menu pushed" in result.output and "我的工单" in result.output and MenuKey.MY_TICKETS in result.output
    (call,) = fake_wechat.calls_to(MENU_CREATE)
    with wechat_app.app_context():
        assert call.body == build_menu()
    assert call.query["access_token"] == "tok-1"
    assert "微受理".encode() in call.raw


def test_push_reports_wechat_errors(wechat_app, fake_wechat):
    fake_wechat.fail_next(MENU_CREATE, 40018, errmsg="invalid button name size")
    result = wechat_app.test_cli_runner().invoke(menu, ["push"])
    assert result.exit_code == 1
    assert "errcode 40018, errmsg invalid button name size" in result.output


def test_menu_from_a_yaml_file(wechat_app, fake_wechat, tmp_path):
    menu_file = tmp_path / "menu.yaml"
    menu_file.write_text("button:\n  - {type: view, name: 首页, url: /h5/}\n  - {type: click, name: 帮助, key: HELP}\n",
                         encoding="utf-8")
    wechat_app.config["WECHAT_MENU_FILE"] = str(menu_file)
    runner = wechat_app.test_cli_runner()
    shown = runner.invoke(menu, ["show"])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["button"][0]["url"] == wechat_app.config["PUBLIC_URL"] + "/h5/"
    assert runner.invoke(menu, ["push"]).exit_code == 0
    assert fake_wechat.calls_to(MENU_CREATE)[0].body["button"][1] == {"type": "click", "name": "帮助", "key": "HELP"}


def test_an_invalid_menu_is_not_pushed(wechat_app, fake_wechat, tmp_path):
    menu_file = tmp_path / "menu.yaml"
    menu_file.write_text("button:\n  - {type: click, name: 帮助}\n", encoding="utf-8")
    wechat_app.config["WECHAT_MENU_FILE"] = str(menu_file)
    result = wechat_app.test_cli_runner().invoke(menu, ["push"])
    assert result.exit_code == 1
    assert "invalid menu, nothing pushed" in result.output and "needs a key" in result.output
    assert fake_wechat.calls == []
