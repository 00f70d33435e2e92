"""A fund's maximum loan (วงเงินกู้สูงสุดต่อสัญญา): the most one loan of the fund may lend, or none (only the
absolute limit). Checked when a loan is made; loans made before it was set stay as they are.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table); every fund so far has no maximum of its own.
    op.add_column('fund', sa.Column('max_loan_satang', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.drop_column('max_loan_satang')
