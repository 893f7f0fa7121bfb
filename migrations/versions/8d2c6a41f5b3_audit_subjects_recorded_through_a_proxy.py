"""audit log: events whose subject was the signed-in user, recorded through Flask-Login's proxy,
were filed under the proxy's class name; they are about users

Revision ID: 8d2c6a41f5b3
Revises: 3b7e4f1c9a20
Create Date: 2026-12-05 08:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8d2c6a41f5b3'
down_revision = '3b7e4f1c9a20'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE audit_events SET subject_type = 'User' WHERE subject_type = 'LocalProxy'")


def downgrade():
    """Nothing to undo: 'User' is what those events were always about."""
