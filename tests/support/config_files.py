"""Helpers for the settings tests: an isolated environment, TOML files, flattened settings."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr

from bot.config import ConfigError, Settings, load_settings

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
def isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
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
