"""Source positions: the line of every table header, key and array element of an event file
(tomllib keeps none), so each problem can name the line to fix."""

from __future__ import annotations

import re
from bisect import bisect_left

#: A position inside the parsed document, as pydantic reports it: ("rounds", 1, "slot_minutes").
Loc = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\r\n#]*")


class Positions:
    """Finds the line of every table header, key and array element by scanning valid TOML."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.breaks = [i for i, char in enumerate(text) if char == "\n"]
        self.lines: dict[Loc, int] = {}
        #: How many [[array]] tables of each path were seen so far.
        self.arrays: dict[Loc, int] = {}

    def scan(self) -> dict[Loc, int]:
        """Line of each location; best effort (a surprise stops the scan, keeping what it has)."""
        table: Loc = ()
        try:
            while True:
                self._skip(newlines=True)
                if self.pos >= len(self.text):
                    break
                if self.text[self.pos] == "[":
                    double = self.text.startswith("[[", self.pos)
                    self.pos += 2 if double else 1
                    name = self._key()
                    self._skip()
                    self.pos += 2 if double else 1
                    table = self._resolve(name, double)
                    for depth in range(1, len(table) + 1):
                        self._mark(table[:depth])
                else:
                    self._pair(table)
        except (IndexError, ValueError):
            pass
        return self.lines

    def _line(self) -> int:
        """Line (from 1) of the current position."""
        return bisect_left(self.breaks, self.pos) + 1

    def _mark(self, loc: Loc) -> None:
        """Remember the first line a location appears on."""
        self.lines.setdefault(loc, self._line())

    def _skip(self, *, newlines: bool = False) -> None:
        """Skip blanks and comments (and line breaks, where TOML allows them)."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break

    def _resolve(self, name: tuple[str, ...], array: bool) -> Loc:
        """Header path with array indices: [[desks.windows]] -> ("desks", 2, "windows", 0)."""
        path: Loc = ()
        for i, part in enumerate(name):
            path = (*path, part)
            if array and i == len(name) - 1:
                index = self.arrays.get(path, 0)
                self.arrays[path] = index + 1
                path = (*path, index)
            elif path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def _key(self) -> tuple[str, ...]:
        """A dotted key, bare or quoted: a.b."c" -> ("a", "b", "c")."""
        parts: list[str] = []
        while True:
            self._skip()
            char = self.text[self.pos]
            if char in "\"'":
                parts.append(self._string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError("not a key")
                parts.append(match.group())
                self.pos = match.end()
            self._skip()
            if self.text[self.pos] != ".":
                return tuple(parts)
            self.pos += 1

    def _pair(self, table: Loc) -> None:
        """One `key = value` line inside table."""
        name = self._key()
        for depth in range(1, len(name) + 1):
            self._mark((*table, *name[:depth]))
        self._skip()
        if self.text[self.pos] != "=":
            raise ValueError("expected =")
        self.pos += 1
        self._skip()
        self._value((*table, *name))

    def _value(self, loc: Loc) -> None:
        """Skip one value, marking the elements of arrays and the keys of inline tables."""
        char = self.text[self.pos]
        if char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                start = self.pos
                self._mark((*loc, index))
                self._value((*loc, index))
                self._skip(newlines=True)
                if self.text[self.pos] == ",":
                    self.pos += 1
                elif self.pos == start:
                    raise ValueError("no progress")
                index += 1
        elif char == "{":
            self.pos += 1
            while True:
                self._skip(newlines=True)
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                self._pair(loc)
                self._skip(newlines=True)
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char in "\"'":
            self._string()
        else:
            match = _SCALAR.match(self.text, self.pos)
            assert match is not None  # the pattern also matches the empty string
            self.pos = match.end()

    def _string(self) -> str:
        """Skip a string of any of TOML's four kinds; return its raw content (for quoted keys)."""
        text, start = self.text, self.pos
        quote = text[start]
        if text.startswith(quote * 3, start):
            i = start + 3
            while not text.startswith(quote * 3, i):
                i += 2 if quote == '"' and text[i] == "\\" else 1
                if i >= len(text):
                    raise ValueError("unterminated string")
            end = i + 3
            while end < len(text) and text[end] == quote and end - i < 5:
                end += 1  # up to two quotes may end the content itself
            self.pos = end
            return text[start + 3 : end - 3]
        i = start + 1
        while text[i] != quote:
            i += 2 if quote == '"' and text[i] == "\\" else 1
        self.pos = i + 1
        return text[start + 1 : i]


def lines_of(text: str) -> dict[Loc, int]:
    """Line of each location of a valid TOML text (best effort: a surprise ends the scan)."""
    return Positions(text).scan()
