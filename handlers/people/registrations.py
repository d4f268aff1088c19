"""Registration import in the chat: an organiser sends the CSV, checks the report, imports it."""

from __future__ import annotations

import asyncio

from telegram.ext import filters

from core.people.registration_columns import ColumnOptions, options_from_text
from core.people.registrations import (
    MAX_ROWS,
    ImportReport,
    ParsedRegistrations,
    read_registrations,
)
from handlers.common import MAX_TEXT, clip
from handlers.i18n import Safe, Translator
from handlers.people.profile import other_message
from handlers.routes import IMPORT
from handlers.turns import ORGANISER_ERRORS, PRIVATE, Handler, Turn, button, message

IMPORTS_KEY = "pending_imports"
MAX_BYTES = 5_000_000


async def read_in_thread(data: bytes, options: ColumnOptions | None = None) -> ParsedRegistrations:
    """Decoding and checking 10,000 rows takes a while: never on the event loop."""
    return await asyncio.to_thread(read_registrations, data, options)


def file_format(t: Translator, report: ImportReport) -> Safe:
    """How the file was read, so a garbled name can be traced to the encoding or delimiter."""
    if report.encoding == "xlsx":
        return t("imports.format_xlsx")
    encodings = {
        "utf-8": t("import.encoding_utf8"),
        "utf-8-sig": t("import.encoding_utf8_bom"),
        "utf-16": t("import.encoding_utf16"),
        "cp949": t("import.encoding_cp949"),
    }
    delimiters = {
        ",": t("import.delimiter_comma"),
        ";": t("import.delimiter_semicolon"),
        "\t": t("import.delimiter_tab"),
    }
    return t(
        "import.format",
        encoding=encodings.get(report.encoding, report.encoding),
        delimiter=delimiters.get(report.delimiter, report.delimiter),
    )


def import_report(t: Translator, report: ImportReport, limit: int = 25) -> Safe:
    """Counts (and, before importing, how the file was read), then refused lines while they
    fit in one message."""
    if report.refusal == "encoding":
        return t("import.unknown_encoding")
    if report.refusal == "too_many_rows":
        return t("import.too_many", limit=MAX_ROWS)
    if report.refusal == "workbook":
        return t("imports.unreadable_workbook")
    key = "import.dry" if report.dry_run else "import.done"
    lines = [t(key, created=report.created, updated=report.updated, refused=len(report.errors))]
    if report.dry_run:
        lines += columns(t, report)
    size, shown = sum(len(line) + 1 for line in lines), 0
    for line, problem in report.errors[:limit]:
        entry = t("import.error", line=line, problem=clip(problem, 300))
        if size + len(entry) + 1 > MAX_TEXT - 100:  # room for "… and N more"
            break
        lines.append(entry)
        size, shown = size + len(entry) + 1, shown + 1
    if len(report.errors) > shown:
        lines.append(t("import.more", count=len(report.errors) - shown))
    return Safe("\n".join(lines))


def columns(t: Translator, report: ImportReport) -> list[Safe]:
    """How the file was read; then, unless it is a plain file in forumbot's own columns, the
    format recognised, the columns used and ignored, and the rows left out for their state."""
    recognised = (
        "imports.recognised_indico"
        if report.source_format == "indico"
        else ("imports.recognised_forumbot")
    )
    lines = [file_format(t, report)]
    if report.source_format != "indico" and not report.ignored and not report.skipped:
        return lines
    lines.append(t(recognised))
    lines.append(t("imports.columns_used", columns=clip(", ".join(report.used), 600)))
    if report.ignored:
        lines.append(t("imports.columns_ignored", columns=clip(", ".join(report.ignored), 600)))
    if report.skipped:
        states = ", ".join(f"{state} {n}" for state, n in sorted(report.skipped.items()))
        lines.append(t("imports.skipped", states=clip(states, 300)))
    return lines


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
    file = await document.get_file()
    if (file.file_size or 0) > MAX_BYTES:
        await turn.reply(t("import.too_big"))
        return
    data = bytes(await file.download_as_bytearray())
    if len(data) > MAX_BYTES:  # Telegram may leave the size out: what arrived decides
        await turn.reply(t("import.too_big"))
        return
    message_ = turn.update.effective_message
    options = options_from_text((message_.caption if message_ else None) or "")
    if isinstance(options, str):
        await turn.reply(t("imports.bad_caption", problem=clip(options, 300)))
        return
    report = await services.people.registrations.by_organiser(
        turn.user_id, await read_in_thread(data, options), dry_run=True, now=turn.now()
    )
    rows = []
    if report.created or report.updated:
        token = f"{message_.message_id}" if message_ is not None else "0"
        if turn.ctx.user_data is not None:
            turn.ctx.user_data.setdefault(IMPORTS_KEY, {})[token] = (data, options)
        rows = [[(t("import.button", count=report.created + report.updated), IMPORT.pack(token))]]
    await turn.reply(import_report(t, report), rows)


async def import_button(turn: Turn) -> None:
    """im:<token>: import the validated file (organiser re-checked in core)."""
    user_data = turn.ctx.user_data
    pending = user_data.get(IMPORTS_KEY, {}) if user_data is not None else {}
    checked = pending.get(turn.str_arg())
    if not isinstance(checked, tuple) or not isinstance(checked[0], bytes):
        await turn.reply(turn.t("buttons.expired"))
        return
    data, options = checked
    services = turn.services
    report = await services.people.registrations.by_organiser(
        turn.user_id, await read_in_thread(data, options), dry_run=False, now=turn.now()
    )
    pending.pop(turn.str_arg(), None)
    services.partners.invalidate()
    await turn.reply(import_report(turn.t, report), edit=True)


def handlers() -> list[Handler]:
    """The CSV or XLSX (anyone may send one; only organisers get it checked) and the Import
    button. Excel's "Unicode text" is saved as .txt, a tab-separated export often as .tsv."""
    spreadsheet = (
        filters.Document.FileExtension("csv")
        | filters.Document.FileExtension("tsv")
        | filters.Document.FileExtension("txt")
        | filters.Document.FileExtension("xlsx")
    )
    return [
        message(csv_document, PRIVATE & spreadsheet),
        button(IMPORT, import_button, organiser=True, errors=ORGANISER_ERRORS),
    ]
