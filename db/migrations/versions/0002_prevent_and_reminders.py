"""The prevent checklist, reminder deliveries and the per-fund ask ladder.

Revision ID: 0002
Revises: 0001
"""
import uuid

import sqlalchemy as sa
from alembic import op

# The checklist items as they were when this migration was written (fieldtool.loanbook.PREVENT_CODES).
PREVENT_CODES = ("understanding", "proposal", "feasibility", "leaders", "risk", "guarantee")

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ask_ladder", sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prevent_override", sa.String(), nullable=False, server_default=""))
    op.create_table('prevent_check',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('loan_id', sa.String(), nullable=False),
    sa.Column('item', sa.String(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prevent_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prevent_check_loan_id'), ['loan_id'], unique=False)

    op.create_table('reminder_delivery',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('reminder_id', sa.String(), nullable=False),
    sa.Column('loan_id', sa.String(), nullable=False),
    sa.Column('instalment_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('how', sa.String(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('by_whom', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['instalment_id'], ['instalment.id'], ),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_delivery_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_delivery_reminder_id'), ['reminder_id'], unique=False)




    # Loans already in the book get their checklist too, all items open: a loan still waiting for its
    # money must go through the prevent work before it can be disbursed.
    conn = op.get_bind()
    loan_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM loan"))]
    rows = [
        {"id": str(uuid.uuid4()), "loan_id": loan_id, "item": code, "done": False}
        for loan_id in loan_ids
        for code in PREVENT_CODES
    ]
    if rows:
        conn.execute(
            sa.text("INSERT INTO prevent_check (id, loan_id, item, done, note) VALUES (:id, :loan_id, :item, :done, '')"),
            rows,
        )


def downgrade() -> None:
    op.drop_table("reminder_delivery")
    op.drop_table("prevent_check")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_column("prevent_override")
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.drop_column("ask_ladder")
