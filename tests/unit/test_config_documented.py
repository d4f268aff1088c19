"""Every documented configuration key parses; README, example file and model agree on defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from tests.support.config_files import (  # noqa: F401  (isolated_config is an autouse fixture)
    EXAMPLE,
    EXAMPLE_DIFFERS_FROM_DEFAULT,
    SECRET_PASSWORD,
    SECRET_TOKEN,
    documented_example_keys,
    documented_example_lines,
    flat,
    isolated_config,
    model_keys,
    readme_defaults,
    write,
)

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
