"""Every message id exists in English and Korean with the same placeholders, and renders."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from core.meetings.outcomes import Outcome as MeetingOutcome
from handlers.i18n import LANGUAGES, Safe, Translator, catalogue, placeholders

ROOT = Path(__file__).resolve().parents[2]


def _texts(entry):
    return entry.values() if isinstance(entry, dict) else [entry]


def test_both_catalogues_have_the_same_ids_and_placeholders():
    en, ko = catalogue("en"), catalogue("ko")
    assert set(en) == set(ko), f"only in en: {set(en) - set(ko)}; only in ko: {set(ko) - set(en)}"
    for key in en:
        en_names = set().union(*(placeholders(t) for t in _texts(en[key])))
        ko_names = set().union(*(placeholders(t) for t in _texts(ko[key])))
        assert en_names == ko_names, key


def test_korean_is_really_korean():
    """Any Korean entry with words in it (beyond placeholders, tags and names) has Hangul."""
    ko = catalogue("ko")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    strip = re.compile(r"\{[a-z_]+\}|<[^>]+>|/[a-z_]+|EU|English|Language|ID")
    untranslated = [
        k
        for k, v in ko.items()
        if any(
            re.search(r"[A-Za-z]{2,}", strip.sub("", t)) and not hangul.search(t) for t in _texts(v)
        )
    ]
    assert untranslated == []


def test_every_id_used_in_code_exists():
    """Literal ids in t("…") calls across handlers/ and bot/ are all in the catalogue."""
    en = catalogue("en")
    used: set[str] = set()
    for folder in ("handlers", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    missing = sorted(k for k in used if k not in en)
    assert missing == []
    assert len(used) > 20


def test_params_are_escaped_and_safe_html_is_kept():
    t = Translator("en")
    text = t("help.unknown_command", command="<b>&")
    assert text.startswith("I don't know the command &lt;b&gt;&amp;")
    assert t("answer.saved", field=Safe("<i>x</i>")).startswith("✓ <i>x</i>")


def test_numbers_and_dates_follow_the_locale():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2025, 4, 10, 12, 30, tzinfo=UTC)
    brussels = ZoneInfo("Europe/Brussels")
    assert Translator("en").when(moment, brussels) == "Thu 10 Apr 14:30"
    assert Translator("ko").when(moment, brussels) == "4월 10일 (목) 14:30"
    assert Translator("en")("invalid.too_long", length=5000, limit=500).startswith(
        "That is 5,000 characters"
    )


def test_all_languages_load():
    for lang in LANGUAGES:
        assert len(catalogue(lang)) > 50


def test_korean_particles_follow_the_word():
    t = Translator("ko")
    assert "<b>개회식</b>이 " in t("agenda.moved", title="개회식", when="x", room="본회의장")
    moved = t("agenda.moved", title="개회식", when="x", room="본회의장")
    assert "본회의장으로 바뀌었습니다" in moved
    assert "<b>세미나</b>가 취소" in t("agenda.cancelled", title="세미나")
    assert "2층 홀로 바뀌었습니다" in t("agenda.moved", title="x", when="x", room="2층 홀")
    assert "<i>협력 가능성 있음</i>으로" in t("outcomes.thanks", answer="협력 가능성 있음")
    assert "&lt;b&gt;" in t("agenda.cancelled", title="<b>")  # still escaped


# ---- catalogue keys that core puts into queued messages -------------------------------------

KEY_SHAPE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")

#: Keys core builds with an f-string, by shape ("{}" per placeholder): every key each can make.
EXPANSIONS: dict[str, list[str]] = {
    "outcomes.option.{}": [f"outcomes.option.{o.value}" for o in MeetingOutcome],
}

#: Functions that only relay a key made elsewhere (reading a stored message back).
RELAYS = {("core/outbox/model.py", "from_json")}


class _Site(NamedTuple):
    """One place in core where a catalogue key is given."""

    path: str
    function: ast.FunctionDef | ast.AsyncFunctionDef | None
    node: ast.expr


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function and method in a module, nested ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _called_name(call: ast.Call) -> str | None:
    """`f` for f(...), `button` for x.button(...)."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _key_positions(node: ast.AST) -> Iterator[ast.expr]:
    """Expressions in key position: OutgoingMessage(key=…), {"key": …} in buttons,
    Action(…).button(key)."""
    if isinstance(node, ast.Call):
        name = _called_name(node)
        if name == "OutgoingMessage":
            yield from (kw.value for kw in node.keywords if kw.arg == "key")
        if name == "button" and isinstance(node.func, ast.Attribute):
            yield from node.args[:1]
            yield from (kw.value for kw in node.keywords if kw.arg == "key")
    if isinstance(node, ast.Dict):
        for name, value in zip(node.keys, node.values, strict=True):
            if isinstance(name, ast.Constant) and name.value == "key":
                yield value


class _CoreKeys:
    """Every catalogue key core can produce, found by reading its source (no import needed)."""

    def __init__(self) -> None:
        self.trees = {
            path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "core").rglob("*.py"))
        }
        self.keys: dict[str, set[str]] = {}  # key -> where
        self.unresolved: list[str] = []
        self.shapes: set[str] = set()

    def scan(self) -> _CoreKeys:
        """Resolve every key position in core to literal keys."""
        for path, tree in self.trees.items():
            outer = {id(n) for f in _functions(tree) for n in ast.walk(f)}
            for function in _functions(tree):
                if (path, function.name) in RELAYS:
                    continue
                for node in ast.walk(function):
                    for expr in _key_positions(node):
                        self._resolve(_Site(path, function, expr), depth=0)
            for node in ast.walk(tree):
                if id(node) not in outer:
                    for expr in _key_positions(node):
                        self._resolve(_Site(path, None, expr), depth=0)
        return self

    def _found(self, site: _Site, key: str) -> None:
        self.keys.setdefault(key, set()).add(f"{site.path}:{site.node.lineno}")

    def _resolve(self, site: _Site, depth: int) -> None:
        node, where = site.node, f"{site.path}:{site.node.lineno}"
        if depth > 5:
            self.unresolved.append(f"{where}: too many hops")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            self._found(site, node.value)
        elif isinstance(node, ast.JoinedStr):
            shape = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            self.shapes.add(shape)
            if shape not in EXPANSIONS:
                self.unresolved.append(f"{where}: f-string key {shape!r} (add it to EXPANSIONS)")
            for key in EXPANSIONS.get(shape, []):
                self._found(site, key)
        elif isinstance(node, ast.IfExp):
            self._resolve(site._replace(node=node.body), depth + 1)
            self._resolve(site._replace(node=node.orelse), depth + 1)
        elif isinstance(node, ast.Name) and site.function is not None:
            self._resolve_name(site, node.id, depth)
        else:
            self.unresolved.append(f"{where}: {ast.unparse(node)!r}")

    def _resolve_name(self, site: _Site, name: str, depth: int) -> None:
        """A local variable (its assignments) or a parameter (the arguments callers pass)."""
        assert site.function is not None
        values = [
            node.value
            for node in ast.walk(site.function)
            if isinstance(node, ast.Assign | ast.AnnAssign)
            and node.value is not None
            and any(
                isinstance(t, ast.Name) and t.id == name
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
        ]
        params = [*site.function.args.posonlyargs, *site.function.args.args]
        names = [a.arg for a in params]
        keyword_only = [a.arg for a in site.function.args.kwonlyargs]
        if not values and name not in names + keyword_only:
            self.unresolved.append(f"{site.path}:{site.node.lineno}: {name!r}")
            return
        for value in values:
            self._resolve(site._replace(node=value), depth + 1)
        if values:
            return
        callers = 0
        for path, tree in self.trees.items():
            for function in _functions(tree):
                for call in ast.walk(function):
                    if not isinstance(call, ast.Call) or _called_name(call) != site.function.name:
                        continue
                    args = call.args
                    shift = 1 if names[:1] in (["self"], ["cls"]) else 0
                    index = names.index(name) - shift if name in names else -1
                    given = [kw.value for kw in call.keywords if kw.arg == name]
                    if 0 <= index < len(args):
                        given.append(args[index])
                    for value in given:
                        callers += 1
                        self._resolve(_Site(path, function, value), depth + 1)
        if (
            not callers and site.function.name != "button"
        ):  # Action.button's callers may be outside core
            self.unresolved.append(
                f"{site.path}:{site.node.lineno}: parameter {name!r} of {site.function.name}() "
                "is never given a key in core"
            )


def test_every_key_core_can_produce_exists_in_both_languages():
    """Queued messages carry catalogue keys chosen in core (texts, button labels, keys built
    from enums): each one must render in English and in Korean."""
    found = _CoreKeys().scan()
    assert found.unresolved == [], "key expressions the scan cannot follow: " + "; ".join(
        found.unresolved
    )
    assert len(found.keys) > 20 and "outcomes.ask" in found.keys
    assert set(EXPANSIONS) <= found.shapes, f"unused EXPANSIONS: {set(EXPANSIONS) - found.shapes}"
    for lang in ("en", "ko"):
        texts = catalogue(lang)
        missing = {k: sorted(w) for k, w in found.keys.items() if k not in texts}
        assert missing == {}, f"keys core produces that {lang}.toml lacks: {missing}"
    assert all(KEY_SHAPE.match(k) for k in found.keys), sorted(found.keys)


def test_a_feature_may_keep_its_texts_in_its_own_file_but_never_redefine_an_id(
    tmp_path, monkeypatch
):
    from handlers import i18n

    (tmp_path / "xx.toml").write_text('[start]\nhello = "Hi"\n', encoding="utf-8")
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "team.toml").write_text('[team]\nnew = "New team"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "files", lambda package: tmp_path)
    i18n.catalogue.cache_clear()
    try:
        assert i18n.catalogue("xx") == {"start.hello": "Hi", "team.new": "New team"}
        (tmp_path / "xx" / "again.toml").write_text('[start]\nhello = "Yo"\n', encoding="utf-8")
        i18n.catalogue.cache_clear()
        with pytest.raises(ValueError, match=r"again\.toml defines start\.hello again"):
            i18n.catalogue("xx")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()
