"""consortia: declared call topics, consortia and their members

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "consortium_topics",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("pillar", sa.String(length=8), nullable=True),
        sa.Column("allowed", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortium_topics")),
    )
    op.create_table(
        "consortia",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("coordinator_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["people.telegram_id"],
            name=op.f("fk_consortia_coordinator_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortia")),
    )
    with op.batch_alter_table("consortia", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consortia_topic_id"), ["topic_id"], unique=False)

    op.create_table(
        "consortium_members",
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("from_id", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entity_name", sa.String(length=200), nullable=True),
        sa.Column("entity_country", sa.String(length=2), nullable=True),
        sa.Column("entity_kind", sa.String(length=16), nullable=True),
        sa.Column("entity_pic", sa.String(length=9), nullable=True),
        sa.Column("entity_affiliated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_consortium_members_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["people.telegram_id"],
            name=op.f("fk_consortium_members_telegram_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["people.telegram_id"],
            name=op.f("fk_consortium_members_from_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint(
            "consortium_id", "telegram_id", name=op.f("pk_consortium_members")
        ),
    )
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_members_telegram_id"), ["telegram_id"], unique=False
        )


    op.create_table(
        "consortium_handles",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["people.telegram_id"],
            name=op.f("fk_consortium_handles_telegram_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_consortium_handles")),
    )
    with op.batch_alter_table("consortium_handles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_handles_username"), ["username"], unique=False
        )


def downgrade() -> None:

    op.drop_table("consortium_handles")
    op.drop_table("consortium_members")
    op.drop_table("consortia")
    op.drop_table("consortium_topics")
