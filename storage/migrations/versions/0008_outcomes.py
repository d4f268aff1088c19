"""meeting outcomes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "meeting_outcomes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_outcomes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["people.telegram_id"],
            name=op.f("fk_meeting_outcomes_telegram_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "telegram_id", name=op.f("pk_meeting_outcomes")),
    )


def downgrade() -> None:

    op.drop_table("meeting_outcomes")
