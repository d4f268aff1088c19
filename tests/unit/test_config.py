"""Settings loading: lookup order, documented keys and defaults, env overrides, one-line errors."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr

from bot.config import ConfigError, Settings, config_path, load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "config.example.toml"
README = REPO_ROOT / "README.md"

#: Keys whose values config.example.toml deliberately sets to something other than the default.
EXAMPLE_DIFFERS_FROM_DEFAULT = {"event.name": "Korea-EU Quantum Research Forum"}

SECRET_TOKEN = "7700:SECRET-token-Zq9"
SECRET_PASSWORD = "hunter2-Zq9"

_SECTION = re.compile(r"^\[(?P<section>[a-z0-9_]+)\]\s*$")
_KEY_LINE = re.compile(r"^#?\s*(?P<key>[a-z0-9_]+)\s*=")
_README_ROW = re.compile(r"^\|\s*`(?P<key>[a-z0-9_]+\.[a-z0-9_]+)`\s*\|(?P<default>[^|]*)\|")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No FORUMBOT_* variable from the caller, and an empty working directory."""
    for name in [n for n in os.environ if n.upper().startswith("FORUMBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    """Write a TOML file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def flat(settings: Settings) -> dict[str, Any]:
    """Settings as {"section.key": plain value}; secrets revealed, empty secrets become None."""
    out: dict[str, Any] = {}
    for section in Settings.model_fields:
        model = getattr(settings, section)
        assert isinstance(model, BaseModel)
        for key in type(model).model_fields:
            value = getattr(model, key)
            if isinstance(value, SecretStr):
                value = value.get_secret_value() or None
            out[f"{section}.{key}"] = value
    return out


def model_keys() -> set[str]:
    """Every "section.key" the Settings model accepts."""
    return set(flat(Settings()))


def documented_example_lines() -> list[tuple[str, str]]:
    """("section.key", "key = value") for each key line of config.example.toml, commented or not."""
    entries: list[tuple[str, str]] = []
    section = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := _SECTION.match(line):
            section = m["section"]
        elif section and (m := _KEY_LINE.match(line)):
            entries.append((f"{section}.{m['key']}", line.lstrip("#").strip()))
    return entries


def documented_example_keys() -> set[str]:
    """Keys in config.example.toml, including the commented-out ones shown as examples."""
    return {key for key, _ in documented_example_lines()}


def readme_defaults() -> dict[str, Any]:
    """The configuration table in README.md: key → default (TOML literal in backticks, or None)."""
    table: dict[str, Any] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if m := _README_ROW.match(line):
            cell = m["default"].strip()
            literal = re.fullmatch(r"`([^`]*)`", cell)
            table[m["key"]] = tomllib.loads(f"v = {literal[1]}")["v"] if literal else None
    return table


def error_for(path: Path | None) -> str:
    """Load settings expecting a ConfigError; return its single-line message."""
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.strip()
    assert "\n" not in message, f"error is not one line: {message!r}"
    return message


# ------------------------------------------------------------------------ lookup order


def test_config_flag_beats_env_beats_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--config PATH wins over $FORUMBOT_CONFIG, which wins over ./config.toml."""
    write(tmp_path / "config.toml", '[event]\nname = "from cwd"\n')
    from_env = write(tmp_path / "env.toml", '[event]\nname = "from env"\n')
    from_flag = write(tmp_path / "flag.toml", '[event]\nname = "from flag"\n')

    assert config_path(None) == Path("config.toml")
    assert load_settings(config_path(None)).event.name == "from cwd"

    monkeypatch.setenv("FORUMBOT_CONFIG", str(from_env))
    assert config_path(None) == from_env
    assert load_settings(config_path(None)).event.name == "from env"

    assert config_path(str(from_flag)) == from_flag
    assert load_settings(config_path(str(from_flag))).event.name == "from flag"


def test_empty_forumbot_config_falls_back_to_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty $FORUMBOT_CONFIG is ignored, not treated as a path."""
    write(tmp_path / "config.toml", '[event]\nname = "from cwd"\n')
    monkeypatch.setenv("FORUMBOT_CONFIG", "")
    assert load_settings(config_path(None)).event.name == "from cwd"


def test_no_config_file_means_defaults() -> None:
    """Without ./config.toml (and no flag or env) nothing is read and every default applies."""
    assert config_path(None) is None
    loaded = flat(load_settings(None))
    assert loaded == flat(Settings())
    assert loaded["telegram.token"] is None
    assert loaded["database.url"] == "sqlite+aiosqlite:///forumbot.db"
    assert loaded["event.timezone"] == "Europe/Brussels"
    assert loaded["access.mode"] == "open"
    assert loaded["outbox.max_per_second"] == 25.0


def test_forumbot_config_pointing_nowhere_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A $FORUMBOT_CONFIG that names a missing file is reported, not silently skipped."""
    monkeypatch.setenv("FORUMBOT_CONFIG", "elsewhere/forumbot.toml")
    message = error_for(config_path(None))
    assert "elsewhere/forumbot.toml" in message
    assert "not found" in message


# ------------------------------------------------------------------------ documented keys


def test_example_documents_exactly_the_model_keys() -> None:
    """config.example.toml mentions every key the model has, and no key it does not have."""
    assert documented_example_keys() == model_keys()


@pytest.mark.parametrize(
    ("key", "line"), documented_example_lines(), ids=[k for k, _ in documented_example_lines()]
)
def test_every_documented_key_parses(tmp_path: Path, key: str, line: str) -> None:
    """Each key line of config.example.toml (commented examples too) loads on its own as written."""
    section, name = key.split(".")
    written = tomllib.loads(line)[name]
    path = write(tmp_path / "config.toml", f"[{section}]\n{line}\n")
    loaded = flat(load_settings(path))[key]
    if written == "" and loaded is None:  # an empty secret counts as unset
        return
    assert loaded == written
    assert type(loaded) is type(written) or isinstance(written, int)  # 25 → 25.0 is fine


def test_non_default_values_round_trip(tmp_path: Path) -> None:
    """The core keys, all set to non-default values in one file, are read back as typed."""
    path = write(
        tmp_path / "all.toml",
        f"""
[telegram]
token = "{SECRET_TOKEN}"
api_base_url = "http://127.0.0.1:8081/bot"
api_file_url = "http://127.0.0.1:8081/file/bot"
username = "my_forum_bot"

[database]
url = "postgresql+asyncpg://forum:{SECRET_PASSWORD}@db.example:5432/forumbot"

[organisers]
telegram_ids = [111, 222333444555]

[event]
name = "Test Forum 2025"
timezone = "Asia/Seoul"

[i18n]
default_language = "ko"

[access]
mode = "invite"

[outbox]
max_per_second = 12.5
poll_interval_seconds = 0.25
max_attempts = 9
""",
    )
    expected = {
        "telegram.token": SECRET_TOKEN,
        "telegram.api_base_url": "http://127.0.0.1:8081/bot",
        "telegram.api_file_url": "http://127.0.0.1:8081/file/bot",
        "telegram.username": "my_forum_bot",
        "database.url": f"postgresql+asyncpg://forum:{SECRET_PASSWORD}@db.example:5432/forumbot",
        "organisers.telegram_ids": [111, 222333444555],
        "event.name": "Test Forum 2025",
        "event.timezone": "Asia/Seoul",
        "i18n.default_language": "ko",
        "access.mode": "invite",
        "outbox.max_per_second": 12.5,
        "outbox.poll_interval_seconds": 0.25,
        "outbox.max_attempts": 9,
    }
    loaded = flat(load_settings(path))
    assert {key: loaded[key] for key in expected} == expected


def test_readme_table_states_the_model_defaults() -> None:
    """README.md has one row per key, and its default column is what Settings() gives."""
    table = readme_defaults()
    assert set(table) == model_keys(), "README.md's configuration table is out of date"
    assert table == flat(Settings()), "README.md states a default the model does not have"


def test_example_file_loads_with_the_readme_defaults() -> None:
    """config.example.toml, loaded as is, gives the README defaults (event.name aside)."""
    table = readme_defaults()
    loaded = flat(load_settings(EXAMPLE))
    for key, default in table.items():
        expected = EXAMPLE_DIFFERS_FROM_DEFAULT.get(key, default)
        assert loaded[key] == expected, key
    assert loaded["telegram.token"] is None  # the example's token = "" counts as unset
    assert isinstance(loaded["outbox.max_per_second"], float)


# ------------------------------------------------------------------------ environment


def test_env_overrides_beat_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FORUMBOT_<SECTION>__<KEY> wins over the file; keys not in the env still come from it."""
    path = write(
        tmp_path / "config.toml",
        """
[telegram]
token = "file-token"
username = "file_bot"

[organisers]
telegram_ids = [9]

[outbox]
max_per_second = 3
max_attempts = 4
""",
    )
    monkeypatch.setenv("FORUMBOT_TELEGRAM__TOKEN", SECRET_TOKEN)
    monkeypatch.setenv("FORUMBOT_ORGANISERS__TELEGRAM_IDS", "[1,2]")
    monkeypatch.setenv("FORUMBOT_OUTBOX__MAX_PER_SECOND", "7.5")
    monkeypatch.setenv("forumbot_event__timezone", "Asia/Seoul")  # names are case-insensitive

    loaded = flat(load_settings(path))
    assert loaded["telegram.token"] == SECRET_TOKEN
    assert loaded["organisers.telegram_ids"] == [1, 2]
    assert loaded["outbox.max_per_second"] == 7.5
    assert loaded["event.timezone"] == "Asia/Seoul"
    # Same sections, keys the environment does not set: still from the file.
    assert loaded["telegram.username"] == "file_bot"
    assert loaded["outbox.max_attempts"] == 4


def test_env_overrides_apply_without_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment alone is enough (no config.toml at all)."""
    monkeypatch.setenv("FORUMBOT_TELEGRAM__TOKEN", SECRET_TOKEN)
    monkeypatch.setenv("FORUMBOT_ACCESS__MODE", "invite")
    settings = load_settings(config_path(None))
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == SECRET_TOKEN
    assert settings.access.mode == "invite"


def test_bad_env_value_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong-typed environment value is reported like a file value, naming the key."""
    monkeypatch.setenv("FORUMBOT_OUTBOX__MAX_PER_SECOND", "fast")
    message = error_for(None)
    assert "outbox.max_per_second" in message
    assert "'fast'" in message


def test_unparsable_env_list_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Invalid JSON in FORUMBOT_ORGANISERS__TELEGRAM_IDS names that variable."""
    monkeypatch.setenv("FORUMBOT_ORGANISERS__TELEGRAM_IDS", "[1,2")
    message = error_for(None)
    assert "FORUMBOT_ORGANISERS__TELEGRAM_IDS" in message.upper()
    assert "None" not in message


# ------------------------------------------------------------------------ bad configs


@pytest.mark.parametrize(
    ("toml", "key", "hint"),
    [
        pytest.param("[speakers]\nlist = []\n", "speakers", "unknown key", id="unknown-section"),
        pytest.param('[telegram]\ntokn = "x"\n', "telegram.tokn", "unknown key", id="unknown-key"),
        pytest.param("debug = true\n", "debug", "unknown key", id="unknown-top-level-key"),
        pytest.param(
            '[outbox]\nmax_per_second = "fast"\n', "outbox.max_per_second", "'fast'", id="number"
        ),
        pytest.param(
            '[organisers]\ntelegram_ids = "42"\n', "organisers.telegram_ids", "list", id="list"
        ),
        pytest.param(
            '[organisers]\ntelegram_ids = ["kim"]\n', "organisers.telegram_ids.0", "kim", id="item"
        ),
        pytest.param("[outbox]\nmax_attempts = 0\n", "outbox.max_attempts", "1", id="range"),
        pytest.param(
            '[event]\ntimezone = "Europe/Brusels"\n',
            "event.timezone",
            "time zone",
            id="bad-time-zone",
        ),
        pytest.param('[event]\ntimezone = "Europe"\n', "event.timezone", "time zone", id="tz-dir"),
        pytest.param('[access]\nmode = "closed"\n', "access.mode", "'invite'", id="access-mode"),
        pytest.param(
            '[i18n]\ndefault_language = "fr"\n', "i18n.default_language", "'ko'", id="language"
        ),
        pytest.param("telegram = 5\n", "telegram", "TelegramSettings", id="section-not-a-table"),
    ],
)
def test_bad_value_is_one_line_naming_the_key(
    tmp_path: Path, toml: str, key: str, hint: str
) -> None:
    """Unknown keys and invalid values raise ConfigError: one line, key, file, what is wrong."""
    path = write(tmp_path / "config.toml", toml)
    message = error_for(path)
    assert f"'{key}'" in message
    assert str(path) in message
    assert hint in message


def test_several_problems_are_counted(tmp_path: Path) -> None:
    """The first problem is explained; the others are counted on the same line."""
    path = write(tmp_path / "config.toml", "[outbox]\nmax_per_second = -1\nmax_attempts = 0\n")
    message = error_for(path)
    assert "'outbox.max_per_second'" in message
    assert "(and 1 more problem)" in message


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    """A TOML syntax error gives the file and the line, not a parser traceback."""
    path = write(tmp_path / "config.toml", '[event]\nname = "ok"\n[telegram\n')
    message = error_for(path)
    assert str(path) in message
    assert "line 3" in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    """An explicit path that does not exist is an error that names it."""
    missing = tmp_path / "nope.toml"
    message = error_for(missing)
    assert str(missing) in message
    assert "not found" in message
    assert "config.example.toml" in message


def test_directory_instead_of_file_is_an_error(tmp_path: Path) -> None:
    """--config pointing at a directory is refused the same way as a missing file."""
    message = error_for(tmp_path)
    assert str(tmp_path) in message


# ------------------------------------------------------------------------ secrets


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        pytest.param(f'[telegram]\ntoken = ["{SECRET_TOKEN}"]\n', "telegram.token", id="token"),
        pytest.param(
            f'[database]\nurl = ["postgresql+asyncpg://u:{SECRET_PASSWORD}@h/db"]\n',
            "database.url",
            id="database-url",
        ),
        pytest.param(
            f'[telegram]\ntoken = "{SECRET_TOKEN}"\napi_base_url = ["{SECRET_TOKEN}"]\n',
            "telegram.api_base_url",
            id="other-url-key",
        ),
        pytest.param(
            f'[telegram]\ntoken = "{SECRET_TOKEN}"\ntokn = 1\n', "telegram.tokn", id="sibling-key"
        ),
    ],
)
def test_secrets_are_never_echoed(tmp_path: Path, toml: str, key: str) -> None:
    """Errors about secret-bearing keys name the key but never show the value."""
    path = write(tmp_path / "config.toml", toml)
    message = error_for(path)
    assert f"'{key}'" in message
    assert SECRET_TOKEN not in message
    assert SECRET_PASSWORD not in message


def test_malformed_toml_does_not_echo_the_token(tmp_path: Path) -> None:
    """A syntax error on the token's own line does not quote the line."""
    path = write(tmp_path / "config.toml", f"[telegram]\ntoken = {SECRET_TOKEN}\n")
    message = error_for(path)
    assert "line 2" in message
    assert SECRET_TOKEN not in message


@pytest.mark.parametrize(
    "toml",
    [
        pytest.param(f'database = "postgresql+asyncpg://u:{SECRET_PASSWORD}@h/db"\n', id="db"),
        pytest.param(f'telegram = "{SECRET_TOKEN}"\n', id="telegram"),
    ],
)
def test_section_given_as_a_string_does_not_echo_the_secret(tmp_path: Path, toml: str) -> None:
    """A section written as a plain string (a common slip) must not print the secret in it."""
    path = write(tmp_path / "config.toml", toml)
    message = error_for(path)
    assert SECRET_TOKEN not in message
    assert SECRET_PASSWORD not in message
