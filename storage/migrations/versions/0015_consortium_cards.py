"""Live consortium cards, @usernames on people, affiliation with a named member

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consortium_cards",
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_consortium_cards_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["people.telegram_id"],
            name=op.f("fk_consortium_cards_telegram_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consortium_id", "telegram_id", name=op.f("pk_consortium_cards")),
    )
    with op.batch_alter_table("consortium_cards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_cards_telegram_id"), ["telegram_id"], unique=False
        )
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("affiliated_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_consortium_members_affiliated_id_people"),
            "people",
            ["affiliated_id"],
            ["telegram_id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_username"), ["username"], unique=False)
    # The handles /consortium had seen move onto the people they belong to.
    op.execute(
        "UPDATE people SET username = (SELECT h.username FROM consortium_handles h "
        "WHERE h.telegram_id = people.telegram_id)"
    )
    with op.batch_alter_table("consortium_handles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consortium_handles_username"))
    op.drop_table("consortium_handles")


def downgrade() -> None:
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
    op.execute(
        "INSERT INTO consortium_handles (telegram_id, username, at) "
        "SELECT telegram_id, username, consented_at FROM people WHERE username IS NOT NULL"
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_username"))
        batch_op.drop_column("username")
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_consortium_members_affiliated_id_people"), type_="foreignkey"
        )
        batch_op.drop_column("affiliated_id")
    with op.batch_alter_table("consortium_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consortium_cards_telegram_id"))
    op.drop_table("consortium_cards")
