"""Settings loading: lookup order, env overrides, one-line errors that never echo a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, config_path, load_settings
from tests.support.config_files import (  # noqa: F401  (isolated_config is an autouse fixture)
    SECRET_PASSWORD,
    SECRET_TOKEN,
    error_for,
    flat,
    isolated_config,
    write,
)

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
