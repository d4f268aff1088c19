"""Export for the proposal team: a Markdown summary (idea, topic, members with entities,
countries, roles, the verdict and its reasons) and a CSV through the safe CSV writer."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from telegram import InputFile

from core.consortia.cards import Card, entity_names
from core.consortia.model import Entity
from core.consortia.reports import ENTITY_COLUMNS, entity_cells
from core.reference.spreadsheet import to_csv
from handlers.consortia.chat import ERRORS
from handlers.consortia.render import condition, countries, topic_lines
from handlers.i18n import Translator
from handlers.people.card import country_name
from handlers.routes import CONSORTIUM_EXPORT
from handlers.turns import Handler, Turn, button

_TAG = re.compile(r"<[^>]+>")
CSV_HEADER = ["role", "name", *ENTITY_COLUMNS]


def plain(text: str) -> str:
    """Catalogue HTML as plain text (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", text))


def markdown(t: Translator, card: Card) -> str:
    """The summary as Markdown, in the reader's language."""
    c = card.consortium
    lines = [f"# {c.title}", ""]
    lines += [f"- {plain(line)}" for line in topic_lines(t, card.topic, c.action.value)]
    lines += ["", f"## {plain(t('consortium.md.idea'))}", "", c.description, ""]
    lines += [f"## {plain(t('consortium.md.members'))}", ""]
    lines.append(plain(t("consortium.md.table_head")))
    lines.append("|---|---|---|---|---|---|---|")
    parents = entity_names(c)
    for m in c.active():
        role = plain(
            t(
                "consortium.role.coordinator"
                if m.telegram_id == c.coordinator_id
                else "consortium.role.member"
            )
        )
        e = m.entity
        cells = [
            m.name,
            role,
            e.name if e else "—",
            country_name(t, e.country) if e else "—",
            plain(t(f"consortium.kind.{e.kind.value}")) if e else "—",
            (e.pic or "—") if e else "—",
            affiliation(t, e, parents),
        ]
        lines.append("| " + " | ".join(x.replace("|", "/") for x in cells) + " |")
    lines += ["", f"## {plain(t('consortium.md.verdict'))}", ""]
    verdict = card.verdict
    lines.append(
        plain(
            t("consortium.verdict.eligible" if verdict.eligible else "consortium.verdict.missing")
        )
    )
    lines += [f"- {plain(condition(t, x))}" for x in verdict.unmet]
    if verdict.counted:
        lines.append(plain(t("consortium.card.countries", countries=countries(t, verdict.counted))))
    if verdict.notes:
        lines += ["", plain(t("consortium.verdict.notes"))]
        parents = entity_names(c)
        lines += [f"- {plain(condition(t, x, parents))}" for x in verdict.notes]
    lines += ["", f"_{plain(t('consortium.card.guidance'))}_", ""]
    return "\n".join(lines)


def affiliation(t: Translator, entity: Entity | None, parents: Mapping[int, str]) -> str:
    """The entity an affiliated entity belongs with ("yes" when not named), else "—"."""
    if entity is None or not entity.affiliated:
        return "—"
    return parents.get(entity.affiliated_with or 0) or plain(t("consortium.md.affiliated"))


def csv_rows(card: Card) -> list[list[str]]:
    """One row per member: role, name and the legal entity (with what it is affiliated with)."""
    c = card.consortium
    return [
        [
            "coordinator" if m.telegram_id == c.coordinator_id else "member",
            m.name,
            *entity_cells(c, m.entity),
        ]
        for m in c.active()
    ]


async def export(turn: Turn) -> None:
    """co:x:<id>: the summary and the member table as two files (members only)."""
    card = await turn.services.consortia.card(turn.user_id, turn.int_arg(), now=turn.now())
    mine = card.mine
    chat = turn.update.effective_chat
    if chat is None or mine is None or mine.status.value != "member":
        await turn.reply(turn.t("buttons.not_yours"))
        return
    name = f"consortium-{card.id}"
    await chat.send_document(
        InputFile(markdown(turn.t, card).encode("utf-8"), filename=f"{name}.md"),
        caption=turn.t("consortium.export.summary"),
    )
    await chat.send_document(
        InputFile(to_csv(CSV_HEADER, csv_rows(card)), filename=f"{name}.csv"),
        caption=turn.t("consortium.export.members"),
    )


def handlers() -> list[Handler]:
    """The Export button."""
    return [button(CONSORTIUM_EXPORT, export, errors=ERRORS)]
