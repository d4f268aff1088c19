"""partners: publications, interests, impressions, visibility

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "impressions",
        sa.Column("viewer_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("target_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["people.telegram_id"],
            name=op.f("fk_impressions_target_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"],
            ["people.telegram_id"],
            name=op.f("fk_impressions_viewer_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("viewer_id", "target_id", name=op.f("pk_impressions")),
    )
    with op.batch_alter_table("impressions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impressions_target_id"), ["target_id"], unique=False)

    op.create_table(
        "interests",
        sa.Column("actor_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("target_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["people.telegram_id"],
            name=op.f("fk_interests_actor_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["people.telegram_id"],
            name=op.f("fk_interests_target_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "target_id", "kind", name=op.f("pk_interests")),
    )
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interests_target_id"), ["target_id"], unique=False)

    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["profiles.telegram_id"],
            name=op.f("fk_publications_telegram_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publications_telegram_id"), ["telegram_id"], unique=False
        )

    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=16), server_default="all", nullable=False)
        )
        batch_op.add_column(
            sa.Column("hidden_fields", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade() -> None:

    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("hidden_fields")
        batch_op.drop_column("visibility")

    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publications_telegram_id"))

    op.drop_table("publications")
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interests_target_id"))

    op.drop_table("interests")
    with op.batch_alter_table("impressions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impressions_target_id"))

    op.drop_table("impressions")
