"""Settings: pydantic-settings over a TOML file, every key overridable by FORUMBOT_* variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TelegramSettings(_Section):
    """How to reach the Bot API."""

    token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    #: The bot's @username, for invite links; asked from getMe when empty.
    username: str | None = None


class DatabaseSettings(_Section):
    """Where data lives."""

    url: str = "sqlite+aiosqlite:///forumbot.db"

    @field_validator("url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. sqlite+aiosqlite:///forumbot.db)") from None
        if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
            raise ValueError(
                f"driver {url.drivername!r} is not supported: use sqlite+aiosqlite:///FILE "
                "or postgresql+asyncpg://USER:PASSWORD@HOST/DB"
            )
        return value

    def safe_url(self) -> str:
        """The URL with any password masked, for printing."""
        return make_url(self.url).render_as_string(hide_password=True)


class OrganiserSettings(_Section):
    """Who may use the organiser commands (checked on the server for every action)."""

    telegram_ids: list[int] = Field(default_factory=list)


class EventSettings(_Section):
    """The event's own facts."""

    name: str = "Research networking forum"
    timezone: str = "Europe/Brussels"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Europe/Brussels)") from None
        return value


class I18nSettings(_Section):
    """Language used when Telegram does not tell us one we have."""

    default_language: Literal["en", "ko"] = "en"


class AccessSettings(_Section):
    """Open to anyone with the link, or only to invited accounts."""

    mode: Literal["open", "invite"] = "open"


class OutboxSettings(_Section):
    """Sending: the bot's message budget (replies, notifications, broadcasts) and the outbox."""

    #: Messages per second for everything the bot sends, replies included.
    max_per_second: float = Field(default=25.0, gt=0, le=1000)
    #: Messages one chat may get at once before the per-chat pace applies.
    chat_burst: int = Field(default=3, ge=1, le=20)
    #: Seconds between messages to one chat after that burst (Telegram: about one a second).
    chat_interval_seconds: float = Field(default=1.0, ge=0, le=10)
    #: Further attempts of a call Telegram answered with flood control (after waiting it out).
    flood_retries: int = Field(default=3, ge=0, le=10)
    poll_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    max_attempts: int = Field(default=5, ge=1, le=100)
    #: Send broadcasts in Telegram's paid mode (Telegram Stars; up to 1,000 messages/s).
    allow_paid_broadcast: bool = False


class MatchingSettings(_Section):
    """Organiser preferences for partner suggestions."""

    #: Added to the score of pairs across delegations (EU <-> Korea).
    cross_delegation_bonus: float = Field(default=0.1, ge=0, le=1)
    #: Never suggest people from one's own organisation (they can meet at home).
    exclude_same_organisation: bool = True
    #: After this many different people were shown someone, push them down (0 = no cap).
    exposure_cap: int = Field(default=40, ge=0)
    #: How long a skipped person stays out of one's suggestions.
    skip_for_hours: float = Field(default=72, ge=0)


class MeetingSettings(_Section):
    """Rules for 1:1 meetings."""

    #: Most meetings one person may have booked at once.
    max_per_person: int = Field(default=12, ge=1, le=100)
    #: A request not answered within this many hours expires (and never after its first slot).
    request_ttl_hours: float = Field(default=24, gt=0)


class ReminderSettings(_Section):
    """Automatic reminders and the morning digest."""

    #: Minutes before a booked meeting or consultation.
    meeting_minutes: int = Field(default=15, ge=0, le=24 * 60)
    #: Minutes before a session one follows.
    session_minutes: int = Field(default=10, ge=0, le=24 * 60)
    #: Local time (event zone) of the morning digest on each event day, "HH:MM".
    digest_time: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class FeedbackSettings(_Section):
    """The follow-up after the event."""

    #: Days after the event's last day when people are asked whether their meetings led to
    #: collaborations and proposals.
    follow_up_days: list[int] = Field(default_factory=lambda: [30, 90])


class PrivacySettings(_Section):
    """What /privacy says about the controller and retention."""

    #: Who is responsible for the data and how to reach them, e.g. "DG CNECT, forum@example.eu".
    contact: str = ""
    #: Retention after consent, in days: `forumbot privacy purge --older-than` uses it as a guide.
    retention_days: int = Field(default=180, ge=1)


class WebSettings(_Section):
    """The organisers' desk: a web dashboard served by the bot or by `forumbot web`."""

    #: Serve the desk from the bot process too (`forumbot web` serves it on its own anyway).
    enabled: bool = False
    #: Address and port to listen on; put a TLS proxy in front for anything but localhost.
    listen: str = Field(default="127.0.0.1:8080", pattern=r"^[^\s:]+:\d{1,5}$")
    #: The address organisers open, used in login links; https makes the cookie Secure.
    public_url: str = Field(default="http://127.0.0.1:8080", pattern=r"^https?://\S+$")
    #: Signs login links and page references; set it (or FORUMBOT_WEB__SECRET) to a long random
    #: string, the same for the bot and `forumbot web`. Required when the desk runs.
    secret: SecretStr | None = None
    #: Minutes without a request after which a session ends.
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    #: Login attempts allowed per client address and minute.
    login_attempts_per_minute: int = Field(default=10, ge=1, le=1000)

    @property
    def host(self) -> str:
        """The listen address without its port."""
        return self.listen.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        """The listen port."""
        return int(self.listen.rsplit(":", 1)[1])


class Settings(BaseSettings):
    """All forumbot settings; see config.example.toml for each key."""

    model_config = SettingsConfigDict(
        env_prefix="FORUMBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file=None,
    )

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    organisers: OrganiserSettings = Field(default_factory=OrganiserSettings)
    event: EventSettings = Field(default_factory=EventSettings)
    i18n: I18nSettings = Field(default_factory=I18nSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    meetings: MeetingSettings = Field(default_factory=MeetingSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    web: WebSettings = Field(default_factory=WebSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init values, then environment, then the TOML file (env beats file)."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


class ConfigError(Exception):
    """A configuration problem, phrased as one line that names the key and the fix."""


def config_path(explicit: str | None) -> Path | None:
    """--config, else $FORUMBOT_CONFIG, else ./config.toml if it exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("FORUMBOT_CONFIG")
    if env:
        return Path(env)
    default = Path("config.toml")
    return default if default.exists() else None


def load_settings(path: Path | None) -> Settings:
    """Read and validate settings; raises ConfigError with a single clear line."""
    if path is not None and not path.is_file():
        raise ConfigError(f"config file {path} not found (copy config.example.toml to start)")

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    try:
        return _FromFile()
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        where = f" in {path}" if path else ""
        if err["type"] == "extra_forbidden":
            msg = f"unknown key '{key}'{where}: remove it or check its spelling"
        else:
            loc = [str(x) for x in err["loc"]]
            secret = (
                len(loc) == 1
                or loc[0] in ("telegram", "database")
                or any(word in key for word in ("token", "url", "password", "secret"))
            )
            got = "" if secret else f" (got {err.get('input')!r})"
            msg = f"'{key}'{where}: {err['msg']}{got}"
        more = len(exc.errors()) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(msg) from None
    except SettingsError as exc:
        # Raised for environment variables whose value is not valid JSON for a list or table.
        raise ConfigError(
            f"environment: {exc} (FORUMBOT_* values for lists need JSON, "
            f"e.g. FORUMBOT_ORGANISERS__TELEGRAM_IDS='[123, 456]')"
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def require_token(settings: Settings) -> str:
    """The bot token, or a ConfigError that explains how to get one."""
    token = settings.telegram.token.get_secret_value() if settings.telegram.token else ""
    if not token.strip():
        raise ConfigError(
            "'telegram.token' is missing: talk to @BotFather in Telegram, send /newbot, and put "
            "the "
            'token it gives you in config.toml under [telegram] token = "..." '
            "or in the FORUMBOT_TELEGRAM__TOKEN environment variable"
        )
    return token.strip()


def require_web_secret(settings: Settings) -> str:
    """The desk's signing secret, or a ConfigError that says how to set one."""
    secret = settings.web.secret.get_secret_value().strip() if settings.web.secret else ""
    if len(secret) < 16:
        raise ConfigError(
            "'web.secret' is missing or shorter than 16 characters: set it in config.toml under "
            '[web] secret = "..." or in FORUMBOT_WEB__SECRET (e.g. the output of '
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    return secret
