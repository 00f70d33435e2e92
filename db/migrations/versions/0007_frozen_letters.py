"""Letters as documents: what each issued letter printed (frozen as JSON), how it goes to the borrower,
and the letter a correction replaces.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of a table). Letters issued before this revision keep content ''
    # and delivery '': they are reprinted from the book as it stands, and say so.
    op.add_column('letter_record', sa.Column('content', sa.String(), nullable=False, server_default=''))
    op.add_column('letter_record', sa.Column('delivery', sa.String(), nullable=False, server_default=''))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES clause in place; alembic would ask for a batch copy.
        op.execute("ALTER TABLE letter_record ADD COLUMN corrects_id VARCHAR REFERENCES letter_record (id)")
    else:
        op.add_column('letter_record', sa.Column('corrects_id', sa.String(), nullable=True))
        op.create_foreign_key(None, 'letter_record', 'letter_record', ['corrects_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('letter_record', schema=None) as batch_op:
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('delivery')
        batch_op.drop_column('content')
