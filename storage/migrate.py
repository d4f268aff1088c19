"""Programmatic Alembic: upgrade and downgrade from code, on the same async engine as the bot."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.engine import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic Config without an ini file, pointing at our migrations folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def revisions(url: str = "sqlite://") -> list[str]:
    """All revision ids, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _run(url: str, action: str, target: str) -> None:
    cfg = alembic_config(url)
    engine = create_engine(url)

    def go(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        getattr(command, action)(cfg, target)

    try:
        async with engine.begin() as conn:
            await conn.run_sync(go)
    finally:
        await engine.dispose()


async def upgrade(url: str, target: str = "head") -> None:
    """Apply pending migrations (idempotent)."""
    await _run(url, "upgrade", target)


async def downgrade(url: str, target: str) -> None:
    """Revert to `target` ("-1", a revision id, or "base")."""
    await _run(url, "downgrade", target)


async def current(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    engine = create_engine(url)

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(read)
    finally:
        await engine.dispose()
