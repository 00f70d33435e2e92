"""Households, 4ท household plans with revisions and actions, site visits, meetings, photos, verification.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:00:41.428518
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_link',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('source_kind', sa.String(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('target_kind', sa.String(), nullable=False),
    sa.Column('target_id', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_link_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_link_target_id'), ['target_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('held_at', sa.String(), nullable=False),
    sa.Column('village_id', sa.String(), nullable=True),
    sa.Column('place', sa.String(), nullable=False),
    sa.Column('attendees', sa.String(), nullable=False),
    sa.Column('outcomes', sa.String(), nullable=False),
    sa.Column('officer', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('visited_at', sa.String(), nullable=False),
    sa.Column('village_id', sa.String(), nullable=False),
    sa.Column('place', sa.String(), nullable=False),
    sa.Column('people_met', sa.String(), nullable=False),
    sa.Column('purposes', sa.String(), nullable=False),
    sa.Column('findings', sa.String(), nullable=False),
    sa.Column('next_steps', sa.String(), nullable=False),
    sa.Column('next_visit_on', sa.Date(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('officer', sa.String(), nullable=False),
    sa.Column('device_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_next_visit_on'), ['next_visit_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_visited_on'), ['visited_on'], unique=False)

    op.create_table('photo',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('visit_id', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(), nullable=False),
    sa.Column('taken_at', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_visit_id'), ['visit_id'], unique=False)

    op.create_table('verification',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('table_name', sa.String(), nullable=False),
    sa.Column('record_id', sa.String(), nullable=False),
    sa.Column('fields', sa.String(), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=False),
    sa.Column('officer', sa.String(), nullable=False),
    sa.Column('visit_id', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_record_id'), ['record_id'], unique=False)

    op.create_table('household_need',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('household_id', sa.String(), nullable=False),
    sa.Column('dimension', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('household_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_need_household_id'), ['household_id'], unique=False)

    op.create_table('household_plan',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('household_id', sa.String(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.String(), nullable=False),
    sa.Column('decision', sa.String(), nullable=False),
    sa.Column('made_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('household_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_plan_household_id'), ['household_id'], unique=False)

    op.create_table('plan_action',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('part', sa.String(), nullable=False),
    sa.Column('what', sa.String(), nullable=False),
    sa.Column('helper', sa.String(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('resources', sa.String(), nullable=False),
    sa.Column('budget_satang', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('carried_from_id', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['carried_from_id'], ['plan_action.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['household_plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_action_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_part',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('part', sa.String(), nullable=False),
    sa.Column('findings', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['household_plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_part_plan_id'), ['plan_id'], unique=False)

    op.create_table('work_item',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('loan_id', sa.String(), nullable=False),
    sa.Column('stage', sa.String(), nullable=False),
    sa.Column('item', sa.String(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('evidence_kind', sa.String(), nullable=False),
    sa.Column('evidence_id', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_item_loan_id'), ['loan_id'], unique=False)

    op.create_table('action_note',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('action_id', sa.String(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('officer', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['plan_action.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_note_action_id'), ['action_id'], unique=False)

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(), nullable=False, server_default='field'))
        batch_op.add_column(sa.Column('status', sa.String(), nullable=False, server_default='target'))

    with op.batch_alter_table('prevent_check', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_kind', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('evidence_id', sa.String(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('prevent_check', schema=None) as batch_op:
        batch_op.drop_column('evidence_id')
        batch_op.drop_column('evidence_kind')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('status')
        batch_op.drop_column('source')

    with op.batch_alter_table('action_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_note_action_id'))

    op.drop_table('action_note')
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_loan_id'))

    op.drop_table('work_item')
    with op.batch_alter_table('plan_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_part_plan_id'))

    op.drop_table('plan_part')
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_action_plan_id'))

    op.drop_table('plan_action')
    with op.batch_alter_table('household_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_plan_household_id'))

    op.drop_table('household_plan')
    with op.batch_alter_table('household_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_need_household_id'))

    op.drop_table('household_need')
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_record_id'))

    op.drop_table('verification')
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_visit_id'))

    op.drop_table('photo')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_visited_on'))
        batch_op.drop_index(batch_op.f('ix_visit_village_id'))
        batch_op.drop_index(batch_op.f('ix_visit_next_visit_on'))

    op.drop_table('visit')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))

    op.drop_table('meeting')
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_link_target_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_link_source_id'))

    op.drop_table('evidence_link')
