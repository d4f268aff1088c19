"""What the fake keeps: sent files, calls, rejections, messages and pending injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field

from fake_bot_api.limits import JSONDict, Rows


@dataclass
class SentFile:
    """A file as the fake stores it, so tests can read back exactly what the bot uploaded."""

    name: str
    data: bytes
    mime: str
    file_id: str = ""
    file_unique_id: str = ""
    file_path: str = ""


@dataclass
class ApiCall:
    """One request as the server decoded it, kept so tests can assert on the exact traffic."""

    method: str
    params: JSONDict
    files: dict[str, SentFile]
    at: float


@dataclass
class Rejection:
    """An error answer the fake gave, kept so tests can assert nothing invalid was sent."""

    method: str
    params: JSONDict
    status: int
    description: str
    at: float


@dataclass
class SentMessage:
    """A bot message in a chat; edits mutate it in place so tests see the chat as a user would."""

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: Rows
    document: SentFile | None = None
    photo: SentFile | None = None
    edited: bool = False
    deleted: bool = False
    plain: str = ""
    entities: list[JSONDict] = field(default_factory=list)
    markup_kind: str | None = None
    date: int = 0
    edit_count: int = 0
    history: list[str] = field(default_factory=list)
    raw: JSONDict = field(default_factory=dict)

    @property
    def buttons(self) -> list[str]:
        """Flat button labels, because most assertions only care what the user can tap."""
        return [str(button.get("text", "")) for row in self.reply_markup for button in row]

    @property
    def inline_buttons(self) -> list[JSONDict]:
        """Inline buttons only, since only those can produce callback queries."""
        if self.markup_kind != "inline":
            return []
        return [button for row in self.reply_markup for button in row]


@dataclass
class Fault:
    """A pending injected failure."""

    method: str | None
    chat_id: int | None
    status: int
    description: str
    retry_after: int | None
    times: int
