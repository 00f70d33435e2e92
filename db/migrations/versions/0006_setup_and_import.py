"""Set-up and imported books: the demand-letter rules of a fund, each loan's own copy of its fund's rules
(so editing a fund later leaves loans already made alone), and the receipt number of a payment.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: a batch copy of `payment` would drop its append-only triggers.
    op.add_column('fund', sa.Column('demand_rules', sa.String(), nullable=False, server_default=''))
    op.add_column('loan', sa.Column('ask_ladder', sa.String(), nullable=False, server_default=''))
    op.add_column('loan', sa.Column('demand_rules', sa.String(), nullable=False, server_default=''))
    op.add_column('payment', sa.Column('receipt_no', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('receipt_no')
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_column('demand_rules')
        batch_op.drop_column('ask_ladder')
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.drop_column('demand_rules')
