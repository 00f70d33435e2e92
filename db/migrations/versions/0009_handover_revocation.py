"""Nothing lost: a subdistrict handed to a new laptop is recorded (who to whom, when, the book that day), and
an officer's key can be revoked (a lost laptop): its later bundles are refused, what was merged stays.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on sync_key (no batch copy of a table).
    op.add_column('sync_key', sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('sync_key', sa.Column('revoked_by', sa.String(), nullable=False, server_default=''))
    op.add_column('sync_key', sa.Column('revoked_upto', sa.Integer(), nullable=True))
    op.add_column('sync_key', sa.Column('revoked_reason', sa.String(), nullable=False, server_default=''))
    op.create_table('handover',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('subdistrict_id', sa.String(), nullable=False),
    sa.Column('subdistrict_code', sa.String(), nullable=False),
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('handed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_officer', sa.String(), nullable=False),
    sa.Column('from_officers', sa.String(), nullable=False),
    sa.Column('from_devices', sa.String(), nullable=False),
    sa.Column('to_officer', sa.String(), nullable=False),
    sa.Column('to_device', sa.String(), nullable=False),
    sa.Column('to_key_id', sa.String(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('open_loans', sa.Integer(), nullable=False),
    sa.Column('overdue_loans', sa.Integer(), nullable=False),
    sa.Column('outstanding_satang', sa.Integer(), nullable=False),
    sa.Column('outstanding_principal_satang', sa.Integer(), nullable=False),
    sa.Column('arrears_satang', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['subdistrict_id'], ['subdistrict.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_subdistrict_id'), ['subdistrict_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_subdistrict_id'))
    op.drop_table('handover')
    with op.batch_alter_table('sync_key', schema=None) as batch_op:
        batch_op.drop_column('revoked_reason')
        batch_op.drop_column('revoked_upto')
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revoked_at')
