"""Each instalment remembers the sum due up to and including it, so the lists of a district's book read only the
instalments still owed (an index seek per schedule on what was paid) instead of every instalment ever planned;
what each loan paid by a day is summed from an index of the payments alone.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table), filled from each schedule's rows in the order the ledger
    # applies payments to them (no, then id); one statement that SQLite and PostgreSQL both run.
    op.add_column('instalment', sa.Column('cumulative_satang', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE instalment SET cumulative_satang = ("
        " SELECT SUM(e.principal_satang + e.interest_satang) FROM instalment e"
        " WHERE e.schedule_id = instalment.schedule_id"
        " AND (e.no < instalment.no OR (e.no = instalment.no AND e.id <= instalment.id)))"
    )
    op.create_index(
        'ix_instalment_owed', 'instalment',
        ['schedule_id', 'cumulative_satang', 'no', 'id', 'due_date', 'principal_satang', 'interest_satang'],
        unique=False,
    )
    # the schedules left to the whole ledger, without reading the others
    odd = sa.text("principal_satang < 0 OR interest_satang < 0 OR cumulative_satang IS NULL")
    op.create_index('ix_instalment_odd', 'instalment', ['schedule_id'], unique=False,
                    sqlite_where=odd, postgresql_where=odd)
    # what each loan paid by a day, from the index alone
    op.create_index('ix_payment_paid', 'payment', ['loan_id', 'paid_on', 'amount_satang', 'reverses_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_payment_paid', table_name='payment')
    op.drop_index('ix_instalment_odd', table_name='instalment')
    op.drop_index('ix_instalment_owed', table_name='instalment')
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.drop_column('cumulative_satang')
