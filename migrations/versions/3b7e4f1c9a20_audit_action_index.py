"""audit log: index on the action, for the log's action filter and its choices

Revision ID: 3b7e4f1c9a20
Revises: edcf5ec78718
Create Date: 2026-11-29 16:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b7e4f1c9a20'
down_revision = 'edcf5ec78718'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))
