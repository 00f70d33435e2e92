"""Sync: trusted keys, bundles written and received, conflicts to review, records waiting for their parents.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_bundle',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('direction', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('source_device', sa.String(), nullable=False),
    sa.Column('target_device', sa.String(), nullable=False),
    sa.Column('bundle_seq', sa.Integer(), nullable=False),
    sa.Column('officer', sa.String(), nullable=False),
    sa.Column('area_code', sa.String(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('seq_from', sa.Integer(), nullable=False),
    sa.Column('seq_to', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('entries_new', sa.Integer(), nullable=False),
    sa.Column('marks', sa.String(), nullable=False),
    sa.Column('schema_version', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_bundle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_bundle_source_device'), ['source_device'], unique=False)
        batch_op.create_index('ux_sync_bundle_file', ['direction', 'sha256'], unique=True)

    op.create_table('sync_conflict',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('table_name', sa.String(), nullable=False),
    sa.Column('record_id', sa.String(), nullable=False),
    sa.Column('field', sa.String(), nullable=False),
    sa.Column('chosen_value', sa.String(), nullable=False),
    sa.Column('chosen_device', sa.String(), nullable=False),
    sa.Column('chosen_seq', sa.Integer(), nullable=False),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('chosen_officer', sa.String(), nullable=False),
    sa.Column('other_value', sa.String(), nullable=False),
    sa.Column('other_device', sa.String(), nullable=False),
    sa.Column('other_seq', sa.Integer(), nullable=False),
    sa.Column('other_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('other_officer', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(), nullable=False),
    sa.Column('resolution_seq', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_conflict_record_id'), ['record_id'], unique=False)

    op.create_table('sync_key',
    sa.Column('key_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('device_id', sa.String(), nullable=False),
    sa.Column('officer', sa.String(), nullable=False),
    sa.Column('area_code', sa.String(), nullable=False),
    sa.Column('sign_public', sa.String(), nullable=False),
    sa.Column('box_public', sa.String(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_id')
    )
    with op.batch_alter_table('sync_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_key_device_id'), ['device_id'], unique=False)

    op.create_table('sync_pending',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('table_name', sa.String(), nullable=False),
    sa.Column('record_id', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_pending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_pending_record_id'), ['record_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sync_pending', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_pending_record_id'))

    op.drop_table('sync_pending')
    with op.batch_alter_table('sync_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_key_device_id'))

    op.drop_table('sync_key')
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_conflict_record_id'))

    op.drop_table('sync_conflict')
    with op.batch_alter_table('sync_bundle', schema=None) as batch_op:
        batch_op.drop_index('ux_sync_bundle_file')
        batch_op.drop_index(batch_op.f('ix_sync_bundle_source_device'))

    op.drop_table('sync_bundle')
