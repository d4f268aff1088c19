"""A tiny PTB bot for the fake's self-tests: greets, echoes, exports, downloads, edits."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fake_bot_api import FakeBotApi

AnyApp = Application[Any, Any, Any, Any, Any, Any]
USER = 1001
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def keyboard() -> InlineKeyboardMarkup:
    """The keyboard the tiny test bot attaches, so press() has something to find."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("👍 Like", callback_data="like"),
                InlineKeyboardButton("Skip", callback_data="skip"),
            ],
            [InlineKeyboardButton("Docs", url="https://example.org/docs")],
        ]
    )


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with HTML and a keyboard, like the real bot's entry point."""
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_text(
        f"Hello, <b>{update.effective_user.first_name}</b>!",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(),
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes plain text so the round trip is observable."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a generated file, like an export command."""
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"name,score\nKim,3\n", filename="export.csv", caption="Your export"
    )


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads an uploaded document through getFile, like an import command."""
    message = update.effective_message
    assert message is not None and message.document is not None
    tg_file = await message.document.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    context.bot_data["uploaded"] = data
    await message.reply_text(f"got {len(data)} bytes")


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edits on known data and alerts on anything else (forged data must be survivable)."""
    query = update.callback_query
    assert query is not None
    if query.data == "like":
        await query.answer()
        await query.edit_message_text("Liked ✅", reply_markup=keyboard())
    elif query.data == "skip":
        await query.answer("Skipped")
        await query.edit_message_reply_markup(reply_markup=None)
    else:
        await query.answer("Unknown action", show_alert=True)


def build_app(fake: FakeBotApi) -> AnyApp:
    """An Application wired to the in-memory fake, with the tiny handlers above."""
    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("export", on_export))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_callback))
    return app
