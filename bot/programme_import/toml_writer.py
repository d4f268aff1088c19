"""TOML out: the subset event files use (strings, numbers, booleans, local dates and times,
arrays, tables and arrays of tables), written the way a person would write it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any


def _string(value: str) -> str:
    """A basic string; text with line breaks as a multi-line string that reads as typed."""
    if "\n" not in value:
        return json.dumps(value, ensure_ascii=False)
    body = "".join(
        "\\\\"
        if c == "\\"
        else '\\"'
        if c == '"'
        else c
        if c in "\n\t" or ord(c) >= 0x20
        else f"\\u{ord(c):04x}"
        for c in value
    )
    return f'"""\n{body}"""'


def _key(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() else json.dumps(name)


def value(item: Any) -> str:
    """One value in TOML syntax (tables inside arrays written inline)."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, str):
        return _string(item)
    if isinstance(item, datetime):
        return item.isoformat(timespec="seconds")
    if isinstance(item, date | time):
        return item.isoformat()
    if isinstance(item, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {value(v)}" for k, v in item.items()) + " }"
    if isinstance(item, list | tuple):
        inner = [value(v) for v in item]
        one_line = "[" + ", ".join(inner) + "]"
        if len(one_line) <= 90:
            return one_line
        return "[\n" + "".join(f"    {v},\n" for v in inner) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def _is_tables(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, Mapping) for v in item)


def _nested(item: Mapping[str, Any]) -> bool:
    """A table that needs its own header (it holds tables or arrays of tables)."""
    return any(isinstance(v, Mapping) or _is_tables(v) for v in item.values())


def dumps(doc: Mapping[str, Any], prefix: str = "") -> str:
    """The document; plain values first, then tables, then arrays of tables."""
    lines = [
        f"{_key(k)} = {value(v)}"
        for k, v in doc.items()
        if not isinstance(v, Mapping) and not _is_tables(v)
    ]
    blocks = ["\n".join(lines)] if lines else []
    for k, v in doc.items():
        path = f"{prefix}{_key(k)}"
        if isinstance(v, Mapping):
            blocks.append(f"[{path}]\n" + dumps(v, f"{path}."))
        elif _is_tables(v):
            for table in v:
                if _nested(table):
                    blocks.append(f"[[{path}]]\n" + dumps(table, f"{path}."))
                else:
                    blocks.append(f"[[{path}]]\n" + dumps(table))
    return "\n\n".join(b.rstrip("\n") for b in blocks) + "\n"
