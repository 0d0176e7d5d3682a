import re
from pathlib import Path

import pytest

from app import create_app
from config import DEMO_SECRETS, PREFIX, ROOT, SETTINGS, ConfigError, load_settings

SECRETS = [s.name for s in SETTINGS if s.secret]


def test_production_start_names_every_missing_secret(tmp_path):
    with pytest.raises(ConfigError) as failure:
        load_settings(environ={}, dotenv=tmp_path / "none")
    message = str(failure.value)
    for name in SECRETS:
        assert PREFIX + name in message
    assert "HOTLINE_DEMO=1" in message


def test_production_start_names_only_what_is_missing(tmp_path):
    environ = {PREFIX + name: "x" * 43 for name in SECRETS if name != "WECHAT_APP_SECRET"}
    with pytest.raises(ConfigError, match="HOTLINE_WECHAT_APP_SECRET") as failure:
        load_settings(environ=environ, dotenv=tmp_path / "none")
    assert "HOTLINE_SECRET_KEY" not in str(failure.value)


def test_create_app_refuses_to_start_without_secrets(monkeypatch, tmp_path):
    monkeypatch.setattr("config.ROOT", tmp_path)  # no .env there
    with pytest.raises(ConfigError):
        create_app({"DATA_DIR": str(tmp_path)})


def test_demo_mode_fills_documented_secrets(tmp_path):
    settings = load_settings(environ={"HOTLINE_DEMO": "1"}, dotenv=tmp_path / "none")
    assert settings["DEMO"] is True
    for name in SECRETS:
        assert settings[name] == DEMO_SECRETS[name]


def test_environment_wins_over_dotenv_and_values_are_typed(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("HOTLINE_DEMO=1\nHOTLINE_CITY_CODE=BJ\nHOTLINE_JOBS_WORKERS=3\n", encoding="utf-8")
    settings = load_settings(environ={"HOTLINE_CITY_CODE": "TY", "HOTLINE_WECHAT_TOKEN": "12345"}, dotenv=dotenv)
    assert settings["CITY_CODE"] == "TY"
    assert settings["JOBS_WORKERS"] == 3
    assert settings["WECHAT_TOKEN"] == "12345"  # a numeric token stays a string


def test_bad_values_are_reported_by_name(tmp_path):
    with pytest.raises(ConfigError, match="HOTLINE_LOG_JSON"):
        load_settings(environ={"HOTLINE_DEMO": "1", "HOTLINE_LOG_JSON": "maybe"}, dotenv=tmp_path / "none")
    with pytest.raises(ConfigError, match="43-character"):
        load_settings(environ={"HOTLINE_DEMO": "1", "HOTLINE_WECHAT_AES_KEY": "short"}, dotenv=tmp_path / "none")


def test_detection_thresholds_come_from_the_environment_and_are_checked(tmp_path):
    from stats.insight.params import Params

    settings = load_settings(environ={"HOTLINE_DEMO": "1", "HOTLINE_INSIGHT_CLUSTER_MIN_CITIZENS": "4",
                                      "HOTLINE_INSIGHT_CLUSTER_DAYS": "2.5"}, dotenv=tmp_path / "none")
    params = Params.from_config(settings)
    assert (params.cluster_min_citizens, params.cluster_days) == (4, 2.5)
    assert params.cluster_alpha == Params().cluster_alpha  # unset: the measured default
    for name, value in (("INSIGHT_CLUSTER_MIN_CITIZENS", "0"), ("INSIGHT_ALPHA", "2"), ("INSIGHT_CLUSTER_DAYS", "x")):
        with pytest.raises(ConfigError, match="HOTLINE_" + name):
            load_settings(environ={"HOTLINE_DEMO": "1", "HOTLINE_" + name: value}, dotenv=tmp_path / "none")


def test_env_example_documents_every_setting():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^(HOTLINE_[A-Z_]+)=", text, flags=re.M))
    assert documented == {PREFIX + s.name for s in SETTINGS}


def test_default_database_is_a_sqlite_file_under_the_data_dir(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///")
    assert Path(uri.removeprefix("sqlite:///")).parent == Path(app.instance_path)
