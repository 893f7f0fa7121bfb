"""outbox retries and email preferences

Revision ID: edcf5ec78718
Revises: 022eab700c7c
Create Date: 2026-11-29 13:02:44.594351

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'edcf5ec78718'
down_revision = '022eab700c7c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
    # Rows written before this revision are due from when they were written; failed ones failed then.
    op.execute("UPDATE outbox_messages SET next_attempt_at = created_at")
    op.execute("UPDATE outbox_messages SET failed_at = created_at WHERE state = 'failed'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        # A server default keeps inserts from code deployed before this revision working.
        batch_op.alter_column(
            'next_attempt_at',
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        )
        batch_op.create_index('ix_outbox_messages_due', ['state', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_reminders', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('email_digests', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_digests')
        batch_op.drop_column('email_reminders')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')

