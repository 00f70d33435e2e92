"""A loan brought in from an office's old book remembers the day the program began following it: notices
whose time had passed before that day are the old book's business, not notices the program missed.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('loan', sa.Column('followed_from', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_column('followed_from')
