"""The callback route table: every button fits Telegram's 64 bytes and forged data is refused."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.outbox.model import Action
from handlers.routes import MAX_BYTES, ROUTES, ROW, Id, Route, RouteTable, Text

ROOT = Path(__file__).resolve().parents[2]


def test_every_route_fits_64_bytes_at_its_longest() -> None:
    for route in ROUTES:
        assert len(route.longest().encode()) <= MAX_BYTES, route.action


@pytest.mark.parametrize("route", list(ROUTES), ids=lambda r: r.action)
def test_pack_and_parse_round_trip(route: Route) -> None:
    values = tuple(
        "k" * arg.max_length
        if isinstance(arg, Text)
        else (arg.maximum or int("9" * arg.digits))
        if isinstance(arg, Id)
        else -(2**63)
        for arg in route.args
    )
    data = route.pack(*values)
    assert route.parse(data) == values
    assert route.parse(data + ":1") is None


def test_forged_and_stale_data_is_refused() -> None:
    table = RouteTable()
    accept = table.add("meetings.request.accept", "mr", "a", int)
    slot = table.add("meetings.pick.slot", "mq", "t", Text(40))
    assert accept.parse("mr:a:42") == (42,)
    for forged in (
        "",
        "mr",
        "mr:a",
        "mr:a:",
        "mr:a:x",
        "mr:a:1:2",
        "mr:d:42",
        "mx:a:42",
        "mr:a:" + "9" * 30,
        "mr:a:4 2",
        "mr:a:١٢",
    ):
        assert accept.parse(forged) is None, forged
    assert slot.parse("mq:t:" + "k" * 41) is None
    assert slot.parse("mq:t:room@20260101T0900") == ("room@20260101T0900",)
    assert accept.parse(None) is None


def test_a_short_id_leaves_room_for_a_slot_key() -> None:
    table = RouteTable()
    accept = table.add("meetings.request.accept", "mr", "a", Id(12), Text(40))
    assert accept.parse("mr:a:42:room@20260101T0900") == (42, "room@20260101T0900")
    for forged in ("mr:a:-1:k", "mr:a:" + "9" * 13 + ":k", "mr:a:١٢:k", "mr:a:x:k", "mr:a:42"):
        assert accept.parse(forged) is None, forged
    for bad in (-1, 10**12, "42", True):
        with pytest.raises(ValueError):
            accept.pack(bad, "k")


def test_ids_must_fit_their_columns() -> None:
    """A forged id one past what the database column holds is refused like any forgery (it
    used to reach the query and fail it: 64 bits for Telegram ids, INTEGER for row ids)."""
    table = RouteTable()
    person = table.add("people.erase", "dm", "y", int)
    row = table.add("meetings.cancel", "mt", "c", ROW)
    assert person.parse(f"dm:y:{2**63 - 1}") == (2**63 - 1,)
    assert person.parse(f"dm:y:{-(2**63)}") == (-(2**63),)
    assert person.parse(f"dm:y:{2**63}") is None
    assert person.parse(f"dm:y:{-(2**63) - 1}") is None
    assert row.parse(f"mt:c:{2**31 - 1}") == (2**31 - 1,)
    assert row.parse(f"mt:c:{2**31}") is None
    for bad in (2**31, 2**63):
        with pytest.raises(ValueError):
            (row if bad == 2**31 else person).pack(bad)


def test_packing_refuses_what_could_not_come_back() -> None:
    table = RouteTable()
    accept = table.add("meetings.request.accept", "mr", "a", int)
    slot = table.add("meetings.pick.slot", "mq", "t", Text(40))
    with pytest.raises(ValueError):
        accept.pack("42")
    with pytest.raises(ValueError):
        accept.pack(True)
    with pytest.raises(ValueError):
        slot.pack("a:b")
    with pytest.raises(ValueError):
        slot.pack("")
    with pytest.raises(ValueError):
        accept.pack()


def test_clashing_or_oversized_routes_fail_at_declaration() -> None:
    table = RouteTable()
    table.add("a.one", "aa", "x", int)
    with pytest.raises(ValueError):
        table.add("a.one", "ab", "x")
    with pytest.raises(ValueError):
        table.add("a.two", "aa", "x")
    with pytest.raises(ValueError):
        table.add("a.three", "aa", None, Text(4))
    with pytest.raises(ValueError):
        table.add("b.long", "bb", "x", Text(60))


def test_patterns_pick_only_their_own_presses() -> None:
    import re

    table = RouteTable()
    accept = table.add("meetings.request.accept", "mr", "a", int)
    decline = table.add("meetings.request.decline", "mr", "d", int)
    assert re.match(accept.pattern, "mr:a:1")
    assert not re.match(accept.pattern, "mr:d:1")
    assert not re.match(decline.pattern, "mr:a:1")
    assert not re.match(accept.pattern, "mr:ab:1")


def _actions_in_core() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Action"
            ):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{path}:{node.lineno}: name not literal"
                names.add(str(first.value))
    return names


def test_every_action_core_queues_has_a_route() -> None:
    names = _actions_in_core()
    assert names, "core queues no button actions?"
    assert sorted(n for n in names if n not in ROUTES) == []


def test_core_writes_no_callback_data() -> None:
    """Buttons in queued messages carry actions; only the chat layer knows prefixes."""
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if "data" in keys and ("key" in keys or "text" in keys):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_stored_buttons_render_through_the_table() -> None:
    from core.outbox.model import OutgoingMessage
    from handlers.i18n import Translator
    from handlers.outbox.rendering import render

    message = OutgoingMessage(
        key="reminders.meeting",
        params={"name": "A", "when": "now", "table": 3, "location": "Hall"},
        buttons=[[Action("meetings.reminder.late", (7,)).button("reminders.button.late")]],
    )
    rendered = render(message, Translator("en"))
    assert rendered.markup is not None
    button = rendered.markup.inline_keyboard[0][0]
    assert button.callback_data == "rm:l:7"
    assert button.text == Translator("en")("reminders.button.late")


def test_every_button_handler_listens_on_a_route_of_the_table() -> None:
    """No feature matches callback data on its own; only the last catch-all has no pattern."""
    from telegram.ext import CallbackQueryHandler

    from bot.app import build_application
    from fake_bot_api import FakeBotApi
    from tests.support.harness import settings_for

    app = build_application(settings_for("sqlite+aiosqlite://"), request=FakeBotApi())
    patterns = {route.pattern for route in ROUTES}
    press_handlers = [
        (group, handler)
        for group, handlers in app.handlers.items()
        for handler in handlers
        if isinstance(handler, CallbackQueryHandler)
    ]
    assert {group for group, _ in press_handlers} == {0}
    *routed, last = [handler for _, handler in press_handlers]
    assert last.pattern is None
    assert app.handlers[0][-1] is last
    unrouted = [
        h.callback.__name__
        for h in routed
        if h.pattern is None or h.pattern.pattern not in patterns
    ]
    assert unrouted == []


def test_every_handler_goes_through_the_shared_opening() -> None:
    """Commands, presses and typed messages alike: the guard in handlers/turns.py runs first."""
    from bot.app import build_application
    from fake_bot_api import FakeBotApi
    from tests.support.harness import settings_for

    app = build_application(settings_for("sqlite+aiosqlite://"), request=FakeBotApi())
    unguarded = [
        f"group {group}: {getattr(handler.callback, '__name__', handler)}"
        for group, handlers in app.handlers.items()
        for handler in handlers
        if not hasattr(handler.callback, "__wrapped__")
    ]
    assert unguarded == []
