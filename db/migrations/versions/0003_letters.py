"""Issued letters: numbers allocated offline from the officer's block, never used twice.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_record",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("year_be", sa.Integer(), nullable=False),
        sa.Column("running", sa.Integer(), nullable=False),
        sa.Column("number_text", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("loan_id", sa.String(), nullable=False),
        sa.Column("instalment_id", sa.String(), nullable=True),
        sa.Column("details", sa.String(), nullable=False),
        sa.Column("file_sha256", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("officer", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["instalment_id"], ["instalment.id"]),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("letter_record", schema=None) as batch_op:
        batch_op.create_index("ix_letter_record_loan_id", ["loan_id"], unique=False)
        batch_op.create_index("ux_letter_number", ["prefix", "year_be", "running"], unique=True)


def downgrade() -> None:
    op.drop_table("letter_record")
