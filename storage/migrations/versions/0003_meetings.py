"""meetings: slots, desks, meetings, requests, busy

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "desks",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("expert", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("expert_telegram_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_desks")),
    )
    op.create_table(
        "slots",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_key", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slots")),
    )
    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slots_owner_key"), ["owner_key"], unique=False)

    op.create_table(
        "busy",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("slot_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["slot_key"], ["slots.key"], name=op.f("fk_busy_slot_key_slots")),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["people.telegram_id"],
            name=op.f("fk_busy_telegram_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("telegram_id", "slot_key", name=op.f("pk_busy")),
    )
    op.create_table(
        "meeting_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("from_id", sa.BigInteger(), nullable=False),
        sa.Column("to_id", sa.BigInteger(), nullable=False),
        sa.Column("slot_keys", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["people.telegram_id"],
            name=op.f("fk_meeting_requests_from_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["people.telegram_id"],
            name=op.f("fk_meeting_requests_to_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_requests")),
    )
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_requests_from_id"), ["from_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_requests_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_requests_to_id"), ["to_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slot_key", sa.String(length=64), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_key"], ["slots.key"], name=op.f("fk_meetings_slot_key_slots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_slot_key"), ["slot_key"], unique=False)
        batch_op.create_index(
            "uq_meetings_slot_table_live",
            ["slot_key", "table_no"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )

    op.create_table(
        "meeting_people",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("slot_key", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_people_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["people.telegram_id"],
            name=op.f("fk_meeting_people_telegram_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "telegram_id", name=op.f("pk_meeting_people")),
    )
    with op.batch_alter_table("meeting_people", schema=None) as batch_op:
        batch_op.create_index(
            "uq_meeting_people_person_slot_live",
            ["telegram_id", "slot_key"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )


def downgrade() -> None:

    with op.batch_alter_table("meeting_people", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meeting_people_person_slot_live",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.drop_table("meeting_people")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meetings_slot_table_live",
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )
        batch_op.drop_index(batch_op.f("ix_meetings_slot_key"))

    op.drop_table("meetings")
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_requests_to_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_status"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_from_id"))

    op.drop_table("meeting_requests")
    op.drop_table("busy")
    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slots_owner_key"))

    op.drop_table("slots")
    op.drop_table("desks")
