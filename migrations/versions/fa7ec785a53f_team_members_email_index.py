"""team members: index on the email, for a person's pending invitations on their applications page

Revision ID: fa7ec785a53f
Revises: 8d2c6a41f5b3
Create Date: 2026-12-05 09:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fa7ec785a53f'
down_revision = '8d2c6a41f5b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_email'))
