"""The loan book: places, people, borrowers, funds, loans, schedules, payments, change log.

Revision ID: 0001
Revises: None
"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('device_id', sa.String(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('officer', sa.String(), nullable=False),
    sa.Column('table_name', sa.String(), nullable=False),
    sa.Column('record_id', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('data', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_log_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_log_table_name'), ['table_name'], unique=False)

    op.create_table('fund',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('interest_policy', sa.String(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('default_instalments', sa.Integer(), nullable=False),
    sa.Column('default_frequency', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('province',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('province', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_province_code'), ['code'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('district',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('province_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['province.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_code'), ['code'], unique=False)

    op.create_table('subdistrict',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('district_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subdistrict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subdistrict_code'), ['code'], unique=False)

    op.create_table('village',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('moo', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('subdistrict_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['subdistrict_id'], ['subdistrict.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_village_subdistrict_id'), ['subdistrict_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('first_name', sa.String(), nullable=False),
    sa.Column('last_name', sa.String(), nullable=False),
    sa.Column('national_id', sa.String(), nullable=True),
    sa.Column('phone', sa.String(), nullable=False),
    sa.Column('village_id', sa.String(), nullable=True),
    sa.Column('house_no', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_national_id'), ['national_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_village_id'), ['village_id'], unique=False)

    op.create_table('borrowing_group',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('village_id', sa.String(), nullable=False),
    sa.Column('chair_id', sa.String(), nullable=True),
    sa.Column('committee_member_id', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['chair_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['committee_member_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('borrowing_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_borrowing_group_village_id'), ['village_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('village_id', sa.String(), nullable=False),
    sa.Column('house_no', sa.String(), nullable=False),
    sa.Column('head_id', sa.String(), nullable=False),
    sa.Column('phone', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['head_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_village_id'), ['village_id'], unique=False)

    op.create_table('group_member',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['borrowing_group.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_member_person_id'), ['person_id'], unique=False)

    op.create_table('householdmember',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('household_id', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('relation', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('householdmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_householdmember_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_householdmember_person_id'), ['person_id'], unique=False)

    op.create_table('loan',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('agreement_no', sa.String(), nullable=False),
    sa.Column('fund_id', sa.String(), nullable=False),
    sa.Column('borrower_kind', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=True),
    sa.Column('household_id', sa.String(), nullable=True),
    sa.Column('purpose', sa.String(), nullable=False),
    sa.Column('principal_satang', sa.Integer(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(), nullable=False),
    sa.Column('first_due', sa.Date(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['borrowing_group.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_household_id'), ['household_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('loan_id', sa.String(), nullable=False),
    sa.Column('amount_satang', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reverses_id', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('device_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.ForeignKeyConstraint(['reverses_id'], ['payment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_loan_id'), ['loan_id'], unique=False)

    op.create_table('schedule',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('loan_id', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_loan_id'), ['loan_id'], unique=False)

    op.create_table('instalment',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('schedule_id', sa.String(), nullable=False),
    sa.Column('loan_id', sa.String(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('principal_satang', sa.Integer(), nullable=False),
    sa.Column('interest_satang', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('instalment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instalment_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_instalment_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instalment_schedule_id'), ['schedule_id'], unique=False)


    # Money and the audit trail are append-only: corrections are new reversing events.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION fieldtool_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
    for table in ("payment", "change_log"):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fieldtool_append_only()"
            )
            continue
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ux_change_log_device_seq", ["device_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_table('instalment')
    op.drop_table('schedule')
    op.drop_table('payment')
    op.drop_table('loan')
    op.drop_table('householdmember')
    op.drop_table('group_member')
    op.drop_table('household')
    op.drop_table('borrowing_group')
    op.drop_table('person')
    op.drop_table('village')
    op.drop_table('subdistrict')
    op.drop_table('district')
    op.drop_table('setting')
    op.drop_table('province')
    op.drop_table('fund')
    op.drop_table('change_log')
