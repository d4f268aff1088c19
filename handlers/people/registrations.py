"""Registration import in the chat: an organiser sends the CSV, checks the report, imports it."""

from __future__ import annotations

from telegram.ext import filters

from core.people.registrations import ImportReport
from handlers.i18n import Safe, Translator
from handlers.people.profile import other_message
from handlers.routes import IMPORT
from handlers.turns import ORGANISER_ERRORS, PRIVATE, Handler, Turn, button, message

IMPORTS_KEY = "pending_imports"
MAX_BYTES = 5_000_000


def import_report(t: Translator, report: ImportReport, limit: int = 25) -> Safe:
    """Counts, then each refused line with its reason."""
    key = "import.dry" if report.dry_run else "import.done"
    lines = [t(key, created=report.created, updated=report.updated, refused=len(report.errors))]
    lines += [
        t("import.error", line=line, problem=problem) for line, problem in report.errors[:limit]
    ]
    if len(report.errors) > limit:
        lines.append(t("import.more", count=len(report.errors) - limit))
    return Safe("\n".join(lines))


async def csv_document(turn: Turn) -> None:
    """An organiser sends a registration CSV: validate it (nothing written), offer the import."""
    t, services = turn.t, turn.services
    document = turn.update.effective_message.document if turn.update.effective_message else None
    if document is None:
        return
    if not services.people.is_organiser(turn.user_id):
        await other_message(turn)
        return
    if (document.file_size or 0) > MAX_BYTES:
        await turn.reply(t("import.too_big"))
        return
    data = await (await document.get_file()).download_as_bytearray()
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        await turn.reply(t("import.not_utf8"))
        return
    report = await services.people.registrations.by_organiser(
        turn.user_id, text, dry_run=True, now=turn.now()
    )
    message_ = turn.update.effective_message
    token = f"{message_.message_id}" if message_ is not None else "0"
    if turn.ctx.user_data is not None:
        turn.ctx.user_data.setdefault(IMPORTS_KEY, {})[token] = text
    rows = []
    if report.created or report.updated:
        rows = [[(t("import.button", count=report.created + report.updated), IMPORT.pack(token))]]
    await turn.reply(import_report(t, report), rows)


async def import_button(turn: Turn) -> None:
    """im:<token>: import the validated file (organiser re-checked in core)."""
    user_data = turn.ctx.user_data
    pending = user_data.get(IMPORTS_KEY, {}) if user_data is not None else {}
    text = pending.get(turn.str_arg())
    if text is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    services = turn.services
    report = await services.people.registrations.by_organiser(
        turn.user_id, text, dry_run=False, now=turn.now()
    )
    pending.pop(turn.str_arg(), None)
    services.partners.invalidate()
    await turn.reply(import_report(turn.t, report), edit=True)


def handlers() -> list[Handler]:
    """The CSV (anyone may send one; only organisers get it checked) and the Import button."""
    return [
        message(csv_document, PRIVATE & filters.Document.FileExtension("csv")),
        button(IMPORT, import_button, organiser=True, errors=ORGANISER_ERRORS),
    ]
