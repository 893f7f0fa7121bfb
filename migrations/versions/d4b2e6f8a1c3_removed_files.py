"""applications and awards: recently removed files, kept restorable for a while before purging

Revision ID: d4b2e6f8a1c3
Revises: c3a1f2e4b5d6
Create Date: 2026-12-05 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4b2e6f8a1c3'
down_revision = 'c3a1f2e4b5d6'
branch_labels = None
depends_on = None


def _stored_pdf_columns():
    return [
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
    ]


def upgrade():
    op.create_table('removed_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('team_member_id', sa.Integer(), nullable=True),
    sa.Column('question_key', sa.String(length=32), nullable=True),
    *_stored_pdf_columns(),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_removed_attachments_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_member_id'], ['team_members.id'], name=op.f('fk_removed_attachments_team_member_id_team_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_removed_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_removed_attachments_removed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_removed_attachments_stored_name'))
    )
    with op.batch_alter_table('removed_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_attachments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_removed_attachments_removed_at'), ['removed_at'], unique=False)

    op.create_table('removed_report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    *_stored_pdf_columns(),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_removed_report_files_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_removed_report_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_removed_report_files_removed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_report_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_removed_report_files_stored_name'))
    )
    with op.batch_alter_table('removed_report_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_report_files_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_removed_report_files_removed_at'), ['removed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('removed_report_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_report_files_removed_at'))
        batch_op.drop_index(batch_op.f('ix_removed_report_files_report_id'))
    op.drop_table('removed_report_files')

    with op.batch_alter_table('removed_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_attachments_removed_at'))
        batch_op.drop_index(batch_op.f('ix_removed_attachments_application_id'))
    op.drop_table('removed_attachments')
