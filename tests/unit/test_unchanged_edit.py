"""A press that would re-render the same view sends no edit (Telegram answers such an edit with
400 "message is not modified"), and any real change, formatting included, is still sent."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity

from handlers.common import keyboard, unchanged


def shown(text: str, entities: list[MessageEntity], rows=()) -> Message:
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
    return Message(
        1,
        datetime(2026, 1, 1, tzinfo=UTC),
        Chat(5, "private"),
        text=text,
        entities=entities,
        reply_markup=markup if rows else None,
    )


def bold(offset: int, length: int) -> MessageEntity:
    return MessageEntity(MessageEntity.BOLD, offset, length)


def test_the_same_text_formatting_and_keyboard_is_unchanged():
    message = shown("Ana & Bo 🇰🇷 Lab", [bold(0, 8)], [[("Save", "s:1")]])
    assert unchanged(message, "<b>Ana &amp; Bo</b> 🇰🇷 Lab", keyboard([[("Save", "s:1")]]))


def test_offsets_count_utf16_units_as_telegram_does():
    message = shown("🇰🇷 Kim", [bold(5, 3)])  # the flag is four UTF-16 units, then a space
    assert unchanged(message, "🇰🇷 <b>Kim</b>", None)
    assert not unchanged(message, "<b>🇰🇷</b> Kim", None)


def test_moved_formatting_a_new_word_or_another_keyboard_is_a_change():
    message = shown("A B", [bold(0, 1)], [[("Save", "s:1")]])
    same_rows = keyboard([[("Save", "s:1")]])
    assert not unchanged(message, "A <b>B</b>", same_rows)
    assert not unchanged(message, "<b>A</b> C", same_rows)
    assert not unchanged(message, "<b>A</b> B", keyboard([[("Saved", "s:1")]]))
    assert not unchanged(message, "<b>A</b> B", None)
    assert unchanged(message, "<b>A</b> B", same_rows)


def test_text_telegram_would_trim_is_always_sent():
    assert not unchanged(shown("A", []), "A\n", None)
