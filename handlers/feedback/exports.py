"""/export for organisers: a CSV document per kind, chosen by argument or button."""

from __future__ import annotations

import html

from telegram import InputFile
from telegram.constants import ParseMode

from core.feedback.exports import KINDS
from core.reference.spreadsheet import to_csv
from handlers.i18n import Translator
from handlers.routes import EXPORT
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, button, command


def export_label(key: str) -> str:
    """Catalogue text for a cell (outcome names): English like the columns, plain not HTML."""
    return html.unescape(Translator("en")(key))


async def export_command(turn: Turn) -> None:
    """/export [KIND]: the CSV as a document; without a kind, buttons for each."""
    args = turn.ctx.args
    if args and args[0] in KINDS:
        await send_export(turn, args[0])
        return
    rows = [[(turn.t(f"export.kind.{k}"), EXPORT.pack(k))] for k in KINDS]
    await turn.reply(turn.t("export.choose"), rows)


async def export_button(turn: Turn) -> None:
    """ex:<kind> (organiser re-checked on every press)."""
    kind = turn.str_arg()
    if kind not in KINDS:
        await turn.reply(turn.t("buttons.expired"))
        return
    await send_export(turn, kind)


async def send_export(turn: Turn, kind: str) -> None:
    """One table as a CSV document, captioned with its row count."""
    header, rows = await turn.services.feedback.export(turn.user_id, kind)
    chat = turn.update.effective_chat
    if chat is None:
        return
    t = turn.t
    await chat.send_document(
        InputFile(to_csv(header, rows), filename=f"{kind}.csv"),
        caption=t.plural("export.caption", len(rows), kind=t(f"export.kind.{kind}")),
        parse_mode=ParseMode.HTML,
    )


def handlers() -> list[Handler]:
    """/export and its buttons."""
    return [
        command("export", export_command, organiser=True, errors=ORGANISER_ERRORS),
        button(EXPORT, export_button, organiser=True, errors=ORGANISER_ERRORS),
    ]
